"""The clinic's calendars: resources, their hours and absences, closures, treatment types, and
the booking policy."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from planner.models import CONCERN_CHOICES
from planner.rules import Area


class ResourceKind(models.TextChoices):
    DOCTOR = "doctor", "Doctor"
    DEVICE = "device", "Laser device"
    ROOM = "room", "Room"


class ResourceQuerySet(models.QuerySet["Resource"]):
    def active(self) -> ResourceQuerySet:
        return self.filter(active=True)


class Resource(models.Model):
    """Something an appointment occupies: a doctor, a laser device or a room."""

    kind = models.CharField(max_length=10, choices=ResourceKind.choices)
    name = models.CharField(max_length=100)
    active = models.BooleanField(default=True)
    # A doctor's own login, so that the doctor sees their own schedule.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resource",
    )
    # Devices only: what it can treat, and its wavelengths and handpieces for the staff.
    concerns = models.JSONField(default=list, blank=True, help_text="Concerns it can treat.")
    wavelengths = models.CharField(max_length=100, blank=True, help_text="e.g. 532 nm, 1064 nm")
    handpieces = models.CharField(max_length=200, blank=True)

    objects = ResourceQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="resource_name_unique_per_kind")
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.kind != ResourceKind.DEVICE and self.concerns:
            raise ValidationError({"concerns": "Only a laser device treats concerns."})
        known = {value for value, _ in CONCERN_CHOICES}
        if unknown := set(self.concerns) - known:
            raise ValidationError({"concerns": f"Unknown concerns: {', '.join(sorted(unknown))}."})
        if self.user_id and self.kind != ResourceKind.DOCTOR:
            raise ValidationError({"user": "Only a doctor has a login."})

    def treats(self, concern: str) -> bool:
        return concern in self.concerns


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WorkingHours(models.Model):
    """A resource's weekly hours, in the clinic's local time. Several per day make breaks."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    starts = models.TimeField()
    ends = models.TimeField()

    class Meta:
        ordering = ["resource", "weekday", "starts"]
        verbose_name_plural = "working hours"
        constraints = [
            models.CheckConstraint(condition=Q(starts__lt=F("ends")), name="hours_start_before_end")
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}-{self.ends:%H:%M}"


class Unavailability(models.Model):
    """A resource away from its hours: a doctor's leave, a device's maintenance."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="absences")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200)
    # Who blocked the time on the front desk calendar; empty for an absence set in the admin
    # (a doctor's leave), which the desk may not remove.
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["starts_at"]
        verbose_name_plural = "unavailabilities"
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_at__lt=F("ends_at")), name="absence_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource}: {self.reason}"


class Closure(models.Model):
    """Whole days the clinic is shut (public holidays, refits), inclusive, in local dates."""

    starts_on = models.DateField()
    ends_on = models.DateField()
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")), name="closure_start_before_end"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reason} ({self.starts_on}-{self.ends_on})"


class TreatmentKind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    SESSION = "session", _("Pico-laser session")


MAX_DURATION_MINUTES = 480
MAX_BUFFER_MINUTES = 120
# No reservation is longer: searches bound starts_at on both sides with it, so the index helps.
LONGEST_RESERVATION = timedelta(minutes=MAX_DURATION_MINUTES + MAX_BUFFER_MINUTES)

AREA_CHOICES = [(area.value, area.value.capitalize()) for area in Area]


class TreatmentTypeQuerySet(models.QuerySet["TreatmentType"]):
    def consultation(self) -> TreatmentType | None:
        return self.filter(kind=TreatmentKind.CONSULTATION, active=True).order_by("id").first()

    def session_for(self, *, concern: str, area: str) -> TreatmentType | None:
        """The pico session for this concern; one made for the area wins over a general one."""
        candidates = self.filter(kind=TreatmentKind.SESSION, concern=concern, active=True)
        return candidates.filter(area=area).first() or candidates.filter(area="").first()


class TreatmentType(models.Model):
    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=TreatmentKind.choices)
    concern = models.CharField(max_length=20, choices=CONCERN_CHOICES, blank=True)
    area = models.CharField(
        max_length=10, choices=AREA_CHOICES, blank=True, help_text="Blank: any area size."
    )
    duration_minutes = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        default=0,
        validators=[MaxValueValidator(MAX_BUFFER_MINUTES)],
        help_text="Clean-up and device cool-down after the patient leaves.",
    )
    needs_device = models.BooleanField(default=True)
    needs_room = models.BooleanField(default=True)
    active = models.BooleanField(default=True)
    # In the minor unit of settings.CLINIC_CURRENCY (sen for MYR); blank: not priced, and
    # patients see no price for it (bookings/prices).
    price_minor = models.PositiveIntegerField(null=True, blank=True)

    objects = TreatmentTypeQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "concern", "area"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=TreatmentKind.CONSULTATION) | ~Q(concern=""),
                name="session_has_a_concern",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def reserved(self) -> timedelta:
        """How long the resources stay taken: the treatment and its buffer."""
        return timedelta(minutes=self.duration_minutes + self.buffer_minutes)


# How far ahead anything is booked: the searches, the forms and the services stop here.
BOOKING_HORIZON_DAYS = 366

STEP_CHOICES = [(minutes, f"{minutes} minutes") for minutes in (5, 10, 15, 20, 30, 60)]


class BookingPolicy(models.Model):
    """The clinic's booking rules, one row, set by the manager in the admin."""

    slot_step_minutes = models.PositiveSmallIntegerField(
        choices=STEP_CHOICES, default=15, help_text="Slots start on these boundaries."
    )
    minimum_notice_minutes = models.PositiveIntegerField(
        default=120, help_text="How soon before a slot it can still be booked online."
    )
    cancellation_notice_hours = models.PositiveIntegerField(
        default=24,
        help_text="How long before a session a patient may still cancel it; staff may override.",
    )
    waitlist_offer_hours = models.PositiveIntegerField(
        default=12,
        validators=[MinValueValidator(1)],
        help_text="How long a waiting patient has to accept a freed time before the offer lapses.",
    )

    class Meta:
        verbose_name_plural = "booking policy"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_booking_policy")]

    def __str__(self) -> str:
        return "Booking policy"

    @classmethod
    def current(cls) -> BookingPolicy:
        policy, _ = cls.objects.get_or_create(pk=1)  # one clinic, one policy
        return policy


class ClinicContact(models.Model):
    """Where the clinic is and how to call it, one row, set by the manager in the admin and
    shown on the public front page."""

    address = models.TextField(blank=True)
    phone = PhoneNumberField(blank=True)

    class Meta:
        verbose_name = "address and phone"
        verbose_name_plural = "address and phone"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="one_clinic_contact")]

    def __str__(self) -> str:
        return "Address and phone"

    @classmethod
    def current(cls) -> ClinicContact:
        contact, _ = cls.objects.get_or_create(pk=1)
        return contact
