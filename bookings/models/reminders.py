"""Reminders: rows written with the booking change that causes them, sent by the workers."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bookings.models.appointments import Appointment
from bookings.models.waitlist import WaitlistOffer


class ReminderKind(models.TextChoices):
    CONFIRMATION = "confirmation", "Booking confirmation"
    PRE_CARE = "pre_care", "Pre-care, before the visit"
    SOON = "soon", "Shortly before the visit"
    AFTERCARE = "aftercare", "Aftercare, the morning after"
    FIRST_RESULTS = "first_results", "First results, weeks after the first session"
    BOOK_NEXT = "book_next", "Book your next session, as its window opens"
    WINDOW_CLOSING = "window_closing", "Next session's window closing soon"
    REVIEW = "review", "Invitation to the doctor's review"
    WAITLIST_OFFER = "waitlist_offer", "A sooner time, offered from the waitlist"
    CANCELLED = "cancelled", "Cancellation notice"


# Kinds about a visit to come: pointless once it has begun or is no longer booked.
BEFORE_VISIT = (ReminderKind.CONFIRMATION, ReminderKind.PRE_CARE, ReminderKind.SOON)
# Kinds about the course, written afresh from the course whenever it changes.
COURSE_KINDS = (
    ReminderKind.FIRST_RESULTS,
    ReminderKind.BOOK_NEXT,
    ReminderKind.WINDOW_CLOSING,
    ReminderKind.REVIEW,
)


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
    """One message to one patient about one appointment (or one waitlist offer), due at a
    moment. Claimed with a conditional update before it is sent, so it goes once however often
    a worker is told."""

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reminders"
    )
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders"
    )
    offer = models.ForeignKey(
        WaitlistOffer, on_delete=models.PROTECT, null=True, blank=True, related_name="reminders"
    )
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
            models.CheckConstraint(
                condition=Q(appointment__isnull=False) | Q(offer__isnull=False),
                name="reminder_is_about_a_visit_or_an_offer",
            ),
            # A booking change withdraws what it replaces, so one live reminder of a kind. One
            # being sent as the change lands is not replaced: it finishes, or finds its visit
            # gone and stops.
            models.UniqueConstraint(
                fields=["appointment", "kind"],
                condition=Q(status__in=["pending", "queued"]),
                name="one_live_reminder_per_kind",
            ),
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
    send_first_results = models.BooleanField(
        default=True, help_text="When the plan expects first results after session 1."
    )
    send_book_next = models.BooleanField(
        default=True, help_text="When the next session's window opens with it still unbooked."
    )
    window_closing_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MaxValueValidator(28)],
        help_text="Nudge this many days before the next session's window closes (0: never).",
    )
    send_review = models.BooleanField(
        default=True, help_text="Invite to the doctor's review after the plan's review session."
    )
    review_after_days = models.PositiveSmallIntegerField(
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="Days after the review session the invitation goes.",
    )
    course_messages_at = models.TimeField(
        default=time(10), help_text="Course messages (results, next session, review) go then."
    )
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


class LinkUse(models.Model):
    """A link from a message that changed something (confirm, cancel), used: its nonce is
    taken, so the same link never acts twice (bookings/links.py)."""

    nonce = models.CharField(max_length=32, unique=True)
    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=20)
    used_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.action} link for appointment {self.appointment_id}"
