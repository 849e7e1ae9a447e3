"""The private calendar subscription (feeds.py). Included from bookings/urls.py."""

from django.urls import path

from bookings.calendars import feeds

urlpatterns = [
    path("calendar/<str:token>.ics", feeds.calendar_feed, name="calendar-feed"),
    path("calendar/new-link", feeds.calendar_feed_revoke, name="calendar-feed-revoke"),
]
