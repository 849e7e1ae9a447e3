"""The manager's settings for the calendars, in Django's admin, made for a manager: every field
in plain words with a help text, validation errors as sentences, each resource with its weekly
hours and absences, treatment types grouped by concern, a closure that lists the booked visits
it falls on before it is saved, and the weekly hours as a grid (a page of its own, from a
resource's page), prices per treatment type and course packages, and the clinic's address and
phone for the public front page."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html

from bookings.calendars.availability import clinic_zone, local_day_bounds
from bookings.models import (
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    ClinicContact,
    Closure,
    CoursePackage,
    ReminderPolicy,
    Resource,
    TreatmentType,
    Unavailability,
    Weekday,
    WorkingHours,
)
from bookings.prices.money import format_money
from bookings.reports.clinic_settings import (
    AbsenceForm,
    BookingPolicyForm,
    ClinicContactForm,
    CoursePackageForm,
    ReminderPolicyForm,
    ResourceForm,
    TreatmentTypeForm,
    WeeklyHoursForm,
    WorkingHoursForm,
    WorkingHoursFormSet,
)
from bookings.reports.period import EARLIEST, LATEST
from clinic.audit import audit_record_many
from clinic.models import User
from clinic.roles import Role


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    form = WorkingHoursForm
    formset = WorkingHoursFormSet
    extra = 0
    verbose_name = "working hours"
    verbose_name_plural = "Weekly hours (clinic time; two spans in a day make a break)"


class UnavailabilityInline(admin.TabularInline):
    model = Unavailability
    form = AbsenceForm
    extra = 0
    readonly_fields = ("created_by",)  # set by the desk; an absence made here has none
    verbose_name = "absence"
    verbose_name_plural = "Absences (leave, maintenance, time blocked on the desk)"


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    form = ResourceForm
    list_display = ("name", "kind", "active", "hours_summary")
    list_filter = ("kind", "active")
    search_fields = ("name",)
    inlines = [WorkingHoursInline, UnavailabilityInline]
    readonly_fields = ("hours_grid",)
    fieldsets = (
        (None, {"fields": ("kind", "name", "active", "hours_grid")}),
        ("A doctor", {"fields": ("user",)}),
        ("A laser device", {"fields": ("concerns", "wavelengths", "handpieces")}),
    )

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).prefetch_related("hours")

    @admin.display(description="weekly hours")
    def hours_summary(self, resource: Resource) -> str:
        days = sorted({h.weekday for h in resource.hours.all()})
        return ", ".join(Weekday(d).label[:3] for d in days) or "none"

    @admin.display(description="Weekly hours as a grid")
    def hours_grid(self, resource: Resource) -> str:
        if resource.pk is None:
            return "Save the resource first, then set its hours day by day."
        url = reverse("admin:bookings_resource_hours", args=[resource.pk])
        return format_html('<a class="button" href="{}">Set the week day by day</a>', url)

    def formfield_for_foreignkey(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        # A doctor's column links to that doctor's login: offer the doctors, never the patients.
        if db_field.name == "user":
            kwargs["queryset"] = User.objects.filter(groups__name=Role.DOCTOR.value).order_by(
                "last_name", "first_name"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self) -> list[URLPattern]:
        return [
            path(
                "<int:resource_id>/hours/",
                self.admin_site.admin_view(self.hours_view),
                name="bookings_resource_hours",
            ),
            *super().get_urls(),
        ]

    def hours_view(self, request: HttpRequest, resource_id: int) -> HttpResponse:
        resource = get_object_or_404(Resource, pk=resource_id)
        if not self.has_change_permission(request, resource):
            raise PermissionDenied("Your role does not let you change the clinic's hours.")
        form = WeeklyHoursForm(request.POST or None, resource=resource)
        if request.method == "POST" and form.is_valid():
            changed = form.save()
            names = ", ".join(r.name for r in changed)
            messages.success(request, f"Weekly hours saved for {names}.")
            return HttpResponseRedirect(
                reverse("admin:bookings_resource_change", args=[resource.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Weekly hours of {resource}",
            "opts": self.model._meta,
            "original": resource,
            "form": form,
            "days": form.days(),
        }
        return TemplateResponse(request, "admin/bookings/resource/weekly_hours.html", context)


# Appointments are not in the admin: they change only through the booking services (which keep
# the calendars valid), and staff read them on pages that write the audit log.


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
        labels = {"starts_on": "First day closed", "ends_on": "Last day closed", "reason": "Why"}
        help_texts = {
            "starts_on": "Whole days, in the clinic's time zone.",
            "ends_on": "Included: for one day, the same as the first.",
            "reason": "A bank holiday, a refit: staff see it on the calendar.",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on is None or ends_on is None:
            return cleaned
        if ends_on < starts_on:
            # On the field, so the model's check constraint (which says only its name) is skipped.
            self.add_error("ends_on", "The closure must end after it starts.")
            return cleaned
        # A far date means "until further notice"; past 2099 the date arithmetic overflows.
        for name, day in (("starts_on", starts_on), ("ends_on", ends_on)):
            if not EARLIEST <= day <= LATEST:
                self.add_error(
                    name,
                    f"Choose a day between {EARLIEST:%d %b %Y} and {LATEST:%d %b %Y}. For a "
                    f"closure until further notice, {LATEST:%d %b %Y} will do: bookings open "
                    "only a year ahead.",
                )
        if self.errors:
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
    """Grouped by concern: the list is ordered by it and filtered by it."""

    form = TreatmentTypeForm
    list_display = (
        "concern_shown",
        "name",
        "kind",
        "area",
        "price_shown",
        "duration_minutes",
        "buffer_minutes",
        "active",
    )
    list_display_links = ("name",)
    list_filter = ("concern", "kind", "active")
    ordering = ("concern", "kind", "area", "name")
    fieldsets = (
        (None, {"fields": ("name", "kind", "active")}),
        ("What it treats", {"fields": ("concern", "area")}),
        ("Price", {"fields": ("price_minor",)}),
        (
            "Time and resources",
            {
                "fields": ("duration_minutes", "buffer_minutes", "needs_device", "needs_room"),
                "description": "A visit holds its doctor, and its device and room when it "
                "uses them, for the treatment time and then the buffer.",
            },
        ),
    )

    @admin.display(description="concern", ordering="concern")
    def concern_shown(self, treatment: TreatmentType) -> str:
        return treatment.get_concern_display() or "Consultation (any concern)"

    @admin.display(description="price", ordering="price_minor")
    def price_shown(self, treatment: TreatmentType) -> str:
        if treatment.price_minor is None:
            return "Not priced"
        return format_money(treatment.price_minor)


@admin.register(CoursePackage)
class CoursePackageAdmin(admin.ModelAdmin):
    """A course of a concern at one price, quoted instead of its sessions when it covers them."""

    form = CoursePackageForm
    list_display = ("concern", "price_shown", "sessions_shown", "active")
    list_filter = ("active",)

    @admin.display(description="price", ordering="price_minor")
    def price_shown(self, package: CoursePackage) -> str:
        return format_money(package.price_minor)

    @admin.display(description="sessions it covers", ordering="sessions")
    def sessions_shown(self, package: CoursePackage) -> str:
        return "The whole course" if package.sessions is None else f"Up to {package.sessions}"


class SingleRowAdmin(admin.ModelAdmin):
    """A policy is one row: it can be changed, never added twice or deleted."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return not self.model.objects.exists()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: Any = None) -> HttpResponse:
        # The list of one row is a click too many: open the row.
        policy = self.model.current()  # type: ignore[attr-defined]
        url = reverse(f"admin:bookings_{self.model._meta.model_name}_change", args=[policy.pk])
        return HttpResponseRedirect(url)


@admin.register(BookingPolicy)
class BookingPolicyAdmin(SingleRowAdmin):
    form = BookingPolicyForm


@admin.register(ClinicContact)
class ClinicContactAdmin(SingleRowAdmin):
    form = ClinicContactForm


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(SingleRowAdmin):
    form = ReminderPolicyForm
    fieldsets = (
        (
            "Before each visit",
            {"fields": ("send_pre_care", "pre_care_hours", "send_soon", "soon_hours")},
        ),
        ("After a session", {"fields": ("send_aftercare", "aftercare_at")}),
        (
            "Through the course",
            {
                "fields": (
                    "send_first_results",
                    "send_book_next",
                    "window_closing_days",
                    "send_review",
                    "review_after_days",
                    "course_messages_at",
                ),
                "description": "Only to patients who agreed to care reminders.",
            },
        ),
        ("Quiet hours and retries", {"fields": ("quiet_from", "quiet_until", "max_attempts")}),
    )
