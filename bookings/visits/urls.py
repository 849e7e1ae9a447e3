"""The doctor's visit record pages, under /visits/."""

from django.urls import path  # noqa: F401

urlpatterns: list = []
