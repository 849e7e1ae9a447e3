from django.urls import include, path

from bookings.appointments import link_views
from bookings.appointments import views as appointments
from bookings.courses import views as courses
from bookings.reminders import views as reminders
from bookings.visits import views as visits
from bookings.waitlist import views as waitlist

urlpatterns = [
    path("", include("bookings.calendars.feed_urls")),
    path("manager/reports/", include("bookings.reports.urls")),
    path("desk/", include("bookings.desk.urls")),
    path("visits/", include("bookings.visits.urls")),
    path("photos/", include("bookings.visits.photo_urls")),
    path("book/consultation/", appointments.consultation_book, name="consultation-book"),
    path(
        "appointments/<int:appointment_id>/",
        appointments.appointment_detail,
        name="appointment-detail",
    ),
    path(
        "appointments/<int:appointment_id>/ics",
        appointments.appointment_ics,
        name="appointment-ics",
    ),
    path(
        "appointments/<int:appointment_id>/cancel",
        appointments.appointment_cancel_view,
        name="appointment-cancel",
    ),
    path("courses/<int:plan_id>/cancel", courses.course_cancel_view, name="course-cancel"),
    path(
        "appointments/<int:appointment_id>/move/",
        courses.appointment_move_view,
        name="appointment-move",
    ),
    path("courses/<int:plan_id>/", courses.course_detail, name="course-detail"),
    path("courses/<int:plan_id>/ics", courses.course_ics, name="course-ics"),
    path("courses/<int:plan_id>/book/", courses.course_book, name="course-book"),
    path("courses/<int:plan_id>/replan", courses.course_replan, name="course-replan"),
    path("courses/<int:plan_id>/waitlist", waitlist.waitlist_join_view, name="waitlist-join"),
    path("waitlist/<int:entry_id>/leave", waitlist.waitlist_leave_view, name="waitlist-leave"),
    path("waitlist/", waitlist.waitlist_list, name="waitlist"),
    path("m/<str:token>", link_views.message_link, name="message-link"),
    path("messages/failed/", reminders.failed_messages, name="failed-messages"),
    path(
        "messages/failed/<int:reminder_id>/<slug:decision>",
        reminders.failed_message_decide,
        name="failed-message-decide",
    ),
    path("offers/<int:offer_id>/", waitlist.offer_detail, name="waitlist-offer"),
    path(
        "offers/<int:offer_id>/<slug:decision>",
        waitlist.offer_decide,
        name="waitlist-offer-decide",
    ),
    path(
        "appointments/<int:appointment_id>/<slug:action>",
        visits.appointment_visit,
        name="appointment-visit",
    ),
]
