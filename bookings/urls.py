from django.urls import include, path

from bookings.appointments import link_views
from bookings.appointments import views as appointments
from bookings.courses import views as courses
from bookings.desk import views as desk
from bookings.reminders import views as reminders
from bookings.visits import views as visits
from bookings.waitlist import views as waitlist

urlpatterns = [
    path("manager/reports/", include("bookings.reports.urls")),
    path("desk/resources.json", desk.resources_feed, name="desk-resources"),
    path("desk/events.json", desk.events_feed, name="desk-events"),
    path("desk/changes.json", desk.changes_feed, name="desk-changes"),
    path("desk/visits/<int:appointment_id>/", desk.visit_panel, name="desk-visit-panel"),
    path("desk/visits/<int:appointment_id>/move", desk.visit_move, name="desk-visit-move"),
    path(
        "desk/visits/<int:appointment_id>/<slug:action>",
        desk.visit_action,
        name="desk-visit-action",
    ),
    path("desk/book/", desk.book_panel, name="desk-book"),
    path("desk/book/do", desk.book, name="desk-book-do"),
    path("desk/blocks/<int:block_id>/remove", desk.block_remove, name="desk-block-remove"),
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
