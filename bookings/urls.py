from django.urls import path

from bookings import course_views, link_views, reminder_views, views, waitlist_views

urlpatterns = [
    path("book/consultation/", views.consultation_book, name="consultation-book"),
    path("appointments/<int:appointment_id>/", views.appointment_detail, name="appointment-detail"),
    path("appointments/<int:appointment_id>/ics", views.appointment_ics, name="appointment-ics"),
    path(
        "appointments/<int:appointment_id>/cancel",
        views.appointment_cancel_view,
        name="appointment-cancel",
    ),
    path("courses/<int:plan_id>/cancel", views.course_cancel_view, name="course-cancel"),
    path(
        "appointments/<int:appointment_id>/move/",
        views.appointment_move_view,
        name="appointment-move",
    ),
    path("courses/<int:plan_id>/", views.course_detail, name="course-detail"),
    path("courses/<int:plan_id>/ics", views.course_ics, name="course-ics"),
    path("courses/<int:plan_id>/book/", views.course_book, name="course-book"),
    path("courses/<int:plan_id>/replan", course_views.course_replan, name="course-replan"),
    path(
        "courses/<int:plan_id>/waitlist",
        waitlist_views.waitlist_join_view,
        name="waitlist-join",
    ),
    path(
        "waitlist/<int:entry_id>/leave", waitlist_views.waitlist_leave_view, name="waitlist-leave"
    ),
    path("waitlist/", waitlist_views.waitlist_list, name="waitlist"),
    path("m/<str:token>", link_views.message_link, name="message-link"),
    path("messages/failed/", reminder_views.failed_messages, name="failed-messages"),
    path(
        "messages/failed/<int:reminder_id>/<slug:decision>",
        reminder_views.failed_message_decide,
        name="failed-message-decide",
    ),
    path("offers/<int:offer_id>/", waitlist_views.offer_detail, name="waitlist-offer"),
    path(
        "offers/<int:offer_id>/<slug:decision>",
        waitlist_views.offer_decide,
        name="waitlist-offer-decide",
    ),
    path(
        "appointments/<int:appointment_id>/<slug:action>",
        course_views.appointment_visit,
        name="appointment-visit",
    ),
]
