from django.urls import path

from bookings import course_views, views

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
        "appointments/<int:appointment_id>/<slug:action>",
        course_views.appointment_visit,
        name="appointment-visit",
    ),
]
