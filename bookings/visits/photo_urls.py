"""Clinical photos, under /photos/: served only through views that check the role."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
