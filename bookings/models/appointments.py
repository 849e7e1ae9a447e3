"""One visit on the calendars: its patient, treatment, resources, times and course session."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models.calendars import LONGEST_RESERVATION, Resource, TreatmentType


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("Booked")
    CHECKED_IN = "checked_in", _("Checked in")
    COMPLETED = "completed", _("Completed")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def active(self) -> AppointmentQuerySet:
        """Appointments that hold their resources: all but cancelled ones."""
        return self.exclude(status=AppointmentStatus.CANCELLED)

    def took_place(self) -> AppointmentQuerySet:
        """Sessions the patient came to: checked in or completed."""
        return self.filter(status__in=[AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED])


class Appointment(models.Model):
    """A visit. It reserves its doctor, device and room from starts_at to reserved_until (the end
    plus the treatment's buffer). The database refuses two active reservations of one resource
    that overlap: an exclusion constraint on PostgreSQL, triggers on SQLite (migration 0002)."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    treatment_type = models.ForeignKey(TreatmentType, on_delete=models.PROTECT)
    doctor = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="+")
    device = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    room = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    starts_at = models.DateTimeField(db_index=True)
    ends_at = models.DateTimeField()
    reserved_until = models.DateTimeField()
    status = models.CharField(
        max_length=20, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    # A session of a course: its plan and its place in it (1 to N). Empty for a consultation.
    plan = models.ForeignKey(
        "planner.TreatmentPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    session_number = models.PositiveSmallIntegerField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)  # the desk's change stamp
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=200, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    # The patient said they will come (the link in the pre-care message); cleared by a move.
    confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")) & Q(ends_at__lte=F("reserved_until")),
                name="appointment_times_ordered",
            ),
            models.CheckConstraint(
                condition=Q(reserved_until__lte=F("starts_at") + LONGEST_RESERVATION),
                name="appointment_not_longer_than_the_longest_treatment",
            ),
            models.CheckConstraint(
                condition=Q(plan__isnull=True, session_number__isnull=True)
                | Q(plan__isnull=False, session_number__gte=1),
                name="course_session_has_its_number",
            ),
            # One appointment per session of a course, but for those that did not take place:
            # a session missed (no-show) or cancelled is booked again under its number.
            models.UniqueConstraint(
                fields=["plan", "session_number"],
                condition=~Q(status__in=["cancelled", "no_show"]),
                name="one_live_appointment_per_course_session",
            ),
        ]

    def __str__(self) -> str:
        when = timezone.localtime(self.starts_at)
        return f"{self.treatment_type} for {self.patient} at {when:%Y-%m-%d %H:%M}"

    @property
    def is_active(self) -> bool:
        return self.status != AppointmentStatus.CANCELLED

    def occupy(
        self, starts_at: datetime, *, doctor_id: int, device_id: int | None, room_id: int | None
    ) -> None:
        """Set the visit on a time and its resources, booked (the caller saves it)."""
        self.starts_at = starts_at
        self.ends_at = starts_at + self.treatment_type.duration
        self.reserved_until = starts_at + self.treatment_type.reserved
        self.doctor_id = doctor_id
        self.device_id = device_id
        self.room_id = room_id
        self.status = AppointmentStatus.BOOKED
        self.confirmed_at = None
