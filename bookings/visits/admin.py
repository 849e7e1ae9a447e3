"""The visit records in the admin (registered from BookingsConfig.ready).

Managers set the devices' protocols here. Session records, addenda and test patches are shown
read-only: they change only through the doctor's pages and the API, which keep a signed record
locked (DESIGN.md, invariant 9), so the admin refuses any change to them, signed or not.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bookings.models import PARAMETERS, Protocol, RecordAddendum, SessionRecord, TestPatch


@admin.register(Protocol)
class ProtocolAdmin(admin.ModelAdmin):
    list_display = (
        "device",
        "concern",
        "wavelength_nm",
        "fluence_j_cm2",
        "max_fluence_rise_percent",
    )
    list_filter = ("device", "concern")
    fieldsets = (
        (None, {"fields": ("device", "concern")}),
        (
            "Starting parameters",
            {
                "fields": PARAMETERS,
                "description": "A course's first session is filled in with these.",
            },
        ),
        (
            "Permitted change between sessions",
            {
                "fields": ("max_fluence_rise_percent", "max_passes_rise", "notes"),
                "description": "A session beyond these is flagged on its record, and the "
                "doctor gives a reason before signing.",
            },
        ),
    )


class ReadOnly(admin.ModelAdmin):
    """Shown, never changed, added or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class AddendumInline(admin.TabularInline):
    model = RecordAddendum
    extra = 0
    can_delete = False
    fields = ("created_at", "author", "reason", "text")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SessionRecord)
class SessionRecordAdmin(ReadOnly):
    list_display = ("appointment", "status", "signed_by", "signed_at")
    list_filter = ("status",)
    list_select_related = ("appointment__patient", "appointment__treatment_type", "signed_by")
    inlines = [AddendumInline]


@admin.register(TestPatch)
class TestPatchAdmin(ReadOnly):
    list_display = ("patient", "device", "applied_at", "outcome", "read_at")
    list_select_related = ("patient", "device")
