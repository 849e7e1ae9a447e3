"""The front desk's endpoints, under /desk/ (the calendar's feeds, the visit panel, changes)."""

from django.urls import path

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
]
