from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from bookings.models import (
    BookingPolicy,
    Closure,
    ReminderPolicy,
    Resource,
    TreatmentType,
    Unavailability,
    WorkingHours,
)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0


# Appointments are not in the admin: they change only through the booking services (which keep
# the calendars valid), and staff read them on pages that write the audit log.


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "active", "wavelengths")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    inlines = [WorkingHoursInline, UnavailabilityInline]


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("reason", "starts_on", "ends_on")
    date_hierarchy = "starts_on"


@admin.register(TreatmentType)
class TreatmentTypeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "concern",
        "area",
        "duration_minutes",
        "buffer_minutes",
        "active",
    )
    list_filter = ("kind", "concern", "active")


@admin.register(BookingPolicy)
class BookingPolicyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not BookingPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return not ReminderPolicy.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
