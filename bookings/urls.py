from django.urls import path

from bookings import views

urlpatterns = [
    path("book/consultation/", views.consultation_book, name="consultation-book"),
    path("appointments/<int:appointment_id>/", views.appointment_detail, name="appointment-detail"),
]
