"""The front desk's endpoints, under /desk/ (the calendar's feeds, the visit panel, changes),
and the doctor's own schedule under /desk/doctor/ (its page and its feeds)."""

from django.urls import path

from bookings.desk import schedule
from bookings.desk import views as desk

urlpatterns = [
    path("resources.json", desk.resources_feed, name="desk-resources"),
    path("events.json", desk.events_feed, name="desk-events"),
    path("changes.json", desk.changes_feed, name="desk-changes"),
    path("visits/<int:appointment_id>/", desk.visit_panel, name="desk-visit-panel"),
    path("visits/<int:appointment_id>/move", desk.visit_move, name="desk-visit-move"),
    path(
        "desk/visits/<int:appointment_id>/<slug:action>",
        desk.visit_action,
        name="desk-visit-action",
    ),
    path("book/", desk.book_panel, name="desk-book"),
    path("book/do", desk.book, name="desk-book-do"),
    path("blocks/<int:block_id>/remove", desk.block_remove, name="desk-block-remove"),
    path("doctor/", schedule.doctor_schedule, name="doctor-schedule"),
    path("doctor/resources.json", schedule.doctor_resources_feed, name="doctor-schedule-resources"),
    path("doctor/events.json", schedule.doctor_events_feed, name="doctor-schedule-events"),
    path("doctor/changes.json", schedule.doctor_changes_feed, name="doctor-schedule-changes"),
]
