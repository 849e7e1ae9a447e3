"""The waitlist: patients who want a course session sooner, and the times offered to them."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from bookings.models.appointments import Appointment


class EntryStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting")
    SERVED = "served", _("Offer accepted")
    LEFT = "left", _("Left the waitlist")


class WaitlistEntryQuerySet(models.QuerySet["WaitlistEntry"]):
    def waiting(self) -> WaitlistEntryQuerySet:
        return self.filter(status=EntryStatus.WAITING)


class WaitlistEntry(models.Model):
    """A patient waiting for a sooner time for one session of a course: a booked session to
    bring forward (appointment), or the first session of a course not booked yet (no
    appointment: accepting books the whole course from the time offered). The days a time
    may fall on are the session's due window, as local dates; first come, first served."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    plan = models.ForeignKey(
        "planner.TreatmentPlan", on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    appointment = models.ForeignKey(
        Appointment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="waitlist_entries",
    )
    earliest = models.DateField()
    latest = models.DateField()
    status = models.CharField(
        max_length=10, choices=EntryStatus.choices, default=EntryStatus.WAITING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    objects = WaitlistEntryQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "waitlist entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(earliest__lte=F("latest")), name="waitlist_window_ordered"
            ),
            models.UniqueConstraint(
                fields=["appointment"],
                condition=Q(status="waiting", appointment__isnull=False),
                name="one_waiting_entry_per_session",
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=Q(status="waiting", appointment__isnull=True),
                name="one_waiting_entry_per_unbooked_course",
            ),
        ]
        indexes = [models.Index(fields=["status", "earliest", "latest"])]

    def __str__(self) -> str:
        return f"{self.patient}: {self.earliest} to {self.latest}"

    @property
    def session_number(self) -> int:
        return (self.appointment.session_number or 1) if self.appointment else 1


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    TAKEN = "taken", _("Taken by someone else")


class WaitlistOffer(models.Model):
    """A freed time offered to a waiting patient until expires_at. The same time may be offered
    to several patients at once: the first to accept it has it."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "starts_at"], name="one_offer_per_time"),
        ]

    def __str__(self) -> str:
        return f"{self.entry.patient} offered {self.starts_at:%Y-%m-%d %H:%M}"

    def is_open(self, now: datetime) -> bool:
        return self.status == OfferStatus.OPEN and self.expires_at > now
