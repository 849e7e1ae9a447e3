"""Reminders: rows written with the booking change that causes them, sent by the workers."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bookings.models.calendars import Appointment


class ReminderKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Booking confirmation"
    PRE_CARE = "pre_care", "Pre-care, before the visit"
    SOON = "soon", "Shortly before the visit"
    AFTERCARE = "aftercare", "Aftercare, the morning after"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Waiting for its time"
    QUEUED = "queued", "Handed to a worker"
    SENDING = "sending", "Being sent"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"
    WITHDRAWN = "withdrawn", "Withdrawn"


class ReminderChannel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


class Reminder(models.Model):
    """One message to one patient about one appointment, due at a moment. Claimed with a
    conditional update before it is sent, so it goes once however often a worker is told."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders"
    )
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="reminders")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    channel = models.CharField(max_length=10, choices=ReminderChannel.choices)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claim = models.CharField(max_length=32, blank=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    sending_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"])]
        constraints = [
            # A booking change withdraws what it replaces, so one live reminder of a kind.
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=Q(status__in=["pending", "queued", "sending"]),
                name="one_live_reminder_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.patient} at {self.due_at:%Y-%m-%d %H:%M}"


class ReminderPolicy(models.Model):
    """The clinic's reminder schedule, one row, set by the manager in the admin. Times of day
    are the clinic's local time."""

    send_pre_care = models.BooleanField(default=True)
    pre_care_hours = models.PositiveSmallIntegerField(
        default=48, validators=[MinValueValidator(3), MaxValueValidator(336)]
    )
    send_soon = models.BooleanField(default=True)
    soon_hours = models.PositiveSmallIntegerField(
        default=2, validators=[MinValueValidator(1), MaxValueValidator(24)]
    )
    send_aftercare = models.BooleanField(default=True)
    aftercare_at = models.TimeField(default=time(9), help_text="The morning after a session.")
    quiet_from = models.TimeField(default=time(21), help_text="No message from this time...")
    quiet_until = models.TimeField(default=time(8), help_text="...until this one.")
    max_attempts = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )

    class Meta:
        verbose_name_plural = "reminder policy"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_reminder_policy")]

    def __str__(self) -> str:
        return "Reminder policy"

    @classmethod
    def current(cls) -> ReminderPolicy:
        policy, _ = cls.objects.get_or_create(pk=1)
        return policy
