from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse

from bookings.calendars.availability import clinic_zone, local_day_bounds
from bookings.models import (
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    Closure,
    ReminderPolicy,
    Resource,
    TreatmentType,
    Unavailability,
    WorkingHours,
)
from clinic.audit import audit_record_many
from clinic.models import User
from clinic.roles import Role


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    extra = 0
    readonly_fields = ("created_by",)  # set by the desk; an absence made here has none


# Appointments are not in the admin: they change only through the booking services (which keep
# the calendars valid), and staff read them on pages that write the audit log.


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "active", "wavelengths")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    inlines = [WorkingHoursInline, UnavailabilityInline]

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        # A doctor's column links to that doctor's login: offer the doctors, never the patients.
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(groups__name=Role.DOCTOR.value).order_by(
                "last_name", "first_name"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def visits_on_days(first: date, last: date) -> list[Appointment]:
    """The booked visits (or checked in) on these local days, earliest first."""
    start, end = local_day_bounds(first, last, clinic_zone())
    return list(
        Appointment.objects.filter(
            status__in=[AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN],
            starts_at__lt=end,
            ends_at__gt=start,
        )
        .select_related("patient", "doctor")
        .order_by("starts_at")
    )


class ClosureForm(forms.ModelForm):
    """A closure over booked visits is saved only once the manager confirms it. The visits are
    not cancelled: the front desk moves each one, with the patient, to another day."""

    warned: list[Appointment] | None = None  # the visits the form's warning listed

    close_anyway = forms.BooleanField(
        required=False,
        label="Yes, close anyway",
        help_text="The visits listed stay booked until the front desk moves them.",
    )

    class Meta:
        model = Closure
        fields = ["starts_on", "ends_on", "reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on is None or ends_on is None:
            return cleaned
        if ends_on < starts_on:
            # On the field, so the model's check constraint (which says only its name) is skipped.
            self.add_error("ends_on", "The closure must end after it starts.")
            return cleaned
        visits = visits_on_days(starts_on, ends_on)
        if visits and not cleaned.get("close_anyway"):
            self.warned = visits
            zone = clinic_zone()
            count = "1 booked visit falls" if len(visits) == 1 else f"{len(visits)} visits fall"
            heading = (
                f'{count} on these days. Tick "Yes, close anyway" to save the closure; '
                "the front desk then moves each visit to another day."
            )
            lines = [
                f"{visit.patient}, {visit.starts_at.astimezone(zone):%a %d %b %Y %H:%M}, "
                f"{visit.doctor}"
                for visit in visits
            ]
            raise forms.ValidationError([heading, *lines])
        return cleaned


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("reason", "starts_on", "ends_on")
    date_hierarchy = "starts_on"
    form = ClosureForm

    def render_change_form(
        self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any
    ) -> HttpResponse:
        # The warning names patients and their visits: staff seeing them is in the audit log.
        if warned := getattr(context["adminform"].form, "warned", None):
            audit_record_many(
                request=request,
                patients={visit.patient for visit in warned},
                action="saw visits a closure falls on",
            )
        return super().render_change_form(request, context, *args, **kwargs)


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
