"""The manager's reports, under /manager/reports/ (included by bookings/urls.py)."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
