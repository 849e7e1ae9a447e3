"""What the doctor records of a treatment visit: the session record (parameters, response,
adverse events), its addenda, the device's protocol, the test patch, clinical photos, and the
plan changes an adverse event proposes.

A record is a draft until its doctor signs it; signed, it never changes (DESIGN.md, invariant
9): a correction is an addendum. The services in bookings/visits/ hold these rules; the
admin and the API go through them too.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.validators import BaseValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from bookings.models.appointments import Appointment
from bookings.models.calendars import Resource
from planner.models import CONCERN_CHOICES


def _range(low: int | str, high: int | str, unit: str) -> list[BaseValidator]:
    """Validators for a plausible range, with a message that names the range and the unit."""
    low_value = Decimal(str(low)) if isinstance(low, str) else low
    high_value = Decimal(str(high)) if isinstance(high, str) else high
    where = f"between {low} and {high} {unit}".rstrip()
    return [
        MinValueValidator(low_value, message=f"Enter a value {where}."),
        MaxValueValidator(high_value, message=f"Enter a value {where}: this is outside it."),
    ]


# Plausible ranges for picosecond lasers (532 to 1064 nm, 250 to 900 ps in the devices clinics
# use). A value outside them is a typing error, not a setting (a fluence of 400 J/cm2 is a slip
# for 4.00): refused with the range, never stored.
WAVELENGTH_RANGE = _range(500, 1100, "nm")
SPOT_RANGE = _range("0.5", "15", "mm")
FLUENCE_RANGE = _range("0.05", "12", "J/cm2")
PULSE_WIDTH_RANGE = _range(100, 1500, "ps")
RATE_RANGE = _range("0.5", "20", "Hz")
PASSES_RANGE = _range(1, 10, "passes")
PULSES_RANGE = _range(1, 30000, "pulses")
PAIN_RANGE = _range(0, 10, "")


class LaserParameters(models.Model):
    """The settings of one laser treatment, shared by a protocol, a session and a test patch."""

    handpiece = models.CharField(
        max_length=80, blank=True, help_text="The handpiece or lens (e.g. fractional MLA)."
    )
    wavelength_nm = models.PositiveSmallIntegerField(
        "wavelength (nm)", null=True, blank=True, validators=WAVELENGTH_RANGE
    )
    spot_size_mm = models.DecimalField(
        "spot size (mm)", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=SPOT_RANGE,
    )  # fmt: skip
    fluence_j_cm2 = models.DecimalField(
        "fluence (J/cm²)", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=FLUENCE_RANGE,
    )  # fmt: skip
    pulse_width_ps = models.PositiveSmallIntegerField(
        "pulse width (ps)", null=True, blank=True, validators=PULSE_WIDTH_RANGE
    )
    repetition_rate_hz = models.DecimalField(
        "repetition rate (Hz)", max_digits=4, decimal_places=1, null=True, blank=True,
        validators=RATE_RANGE,
    )  # fmt: skip
    passes = models.PositiveSmallIntegerField(null=True, blank=True, validators=PASSES_RANGE)

    class Meta:
        abstract = True


# The parameters compared between sessions, in the order a record shows them.
PARAMETERS = (
    "handpiece",
    "wavelength_nm",
    "spot_size_mm",
    "fluence_j_cm2",
    "pulse_width_ps",
    "repetition_rate_hz",
    "passes",
)


class Protocol(LaserParameters):
    """A device's starting parameters for one concern, and how far a session may move from the
    last one before the record is flagged and needs a reason. Set by a manager."""

    device = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "device"},
        related_name="protocols",
    )
    concern = models.CharField(max_length=20, choices=CONCERN_CHOICES)
    max_fluence_rise_percent = models.PositiveSmallIntegerField(
        "largest fluence rise (%)",
        default=20,
        validators=[MaxValueValidator(100)],
        help_text="How much higher than the last session's the fluence may be without a reason.",
    )
    max_passes_rise = models.PositiveSmallIntegerField(
        "largest rise in passes",
        default=1,
        validators=[MaxValueValidator(5)],
        help_text="How many more passes than last session are allowed without a reason.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["device__name", "concern"]
        constraints = [
            models.UniqueConstraint(fields=["device", "concern"], name="one_protocol_per_concern")
        ]

    def __str__(self) -> str:
        return f"{self.device} for {self.get_concern_display().lower()}"


class SkinCooling(models.TextChoices):
    NONE = "none", "None"
    CONTACT = "contact", "Contact cooling"
    AIR = "air", "Cold air"
    ICE = "ice", "Ice or cold pack"


class Endpoint(models.TextChoices):
    """The clinical endpoint the doctor treats to."""

    REACHED = "reached", "Reached"
    PARTLY = "partly", "Partly reached"
    NOT_REACHED = "not_reached", "Not reached"


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SIGNED = "signed", "Signed"


class SessionRecord(LaserParameters):
    """What was done at one treatment visit. One per visit."""

    appointment = models.OneToOneField(Appointment, on_delete=models.PROTECT, related_name="record")
    status = models.CharField(
        max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT
    )
    total_pulses = models.PositiveIntegerField(null=True, blank=True, validators=PULSES_RANGE)
    treated_areas = models.CharField(
        max_length=300, blank=True, help_text="Where the laser was used (e.g. both cheeks)."
    )
    skin_cooling = models.CharField(max_length=10, choices=SkinCooling.choices, blank=True)
    endpoint = models.CharField(
        "clinical endpoint", max_length=12, choices=Endpoint.choices, blank=True
    )
    endpoint_description = models.CharField(
        "endpoint seen",
        max_length=200,
        blank=True,
        help_text="e.g. mild erythema, immediate whitening of the pigment.",
    )
    immediate_response = models.TextField(blank=True)
    pain_score = models.PositiveSmallIntegerField(
        "pain (0 to 10)", null=True, blank=True, validators=PAIN_RANGE
    )
    aftercare_given = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    # What the record does that its protocol does not permit, worked out when it is saved:
    # [{"field": ..., "text": ...}]. Signing needs a reason while it is not empty.
    flags = models.JSONField(default=list, blank=True)
    flag_reason = models.TextField("reason for the flagged values", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Counts the saves: a form carries the number it was opened on, so that a doctor's save
    # never silently undoes another's made meanwhile.
    saves = models.PositiveIntegerField(default=0)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", signed_at__isnull=True)
                | Q(status="signed", signed_at__isnull=False, signed_by__isnull=False),
                name="signed_record_names_its_signer",
            )
        ]

    def __str__(self) -> str:
        return f"Session record of {self.appointment}"

    @property
    def is_signed(self) -> bool:
        return self.status == RecordStatus.SIGNED


class AdverseEventKind(models.TextChoices):
    ERYTHEMA = "erythema", "Erythema"
    OEDEMA = "oedema", "Oedema"
    BLISTERING = "blistering", "Blistering"
    CRUSTING = "crusting", "Crusting"
    PURPURA = "purpura", "Purpura"
    HYPERPIGMENTATION = "hyperpigmentation", "Post-inflammatory hyperpigmentation"
    HYPOPIGMENTATION = "hypopigmentation", "Hypopigmentation"
    SCARRING = "scarring", "Scarring"


class Grade(models.IntegerChoices):
    MILD = 1, "Mild"
    MODERATE = 2, "Moderate"
    SEVERE = 3, "Severe"


class RecordAddendum(models.Model):
    """A correction or later finding added to a signed record: who, when and why. Never
    edited."""

    record = models.ForeignKey(SessionRecord, on_delete=models.PROTECT, related_name="addenda")
    text = models.TextField()
    reason = models.CharField(max_length=300)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Addendum by {self.author} on {self.created_at:%Y-%m-%d}"


class AdverseEvent(models.Model):
    """A side effect seen at the session, or later (then through an addendum)."""

    record = models.ForeignKey(
        SessionRecord, on_delete=models.PROTECT, related_name="adverse_events"
    )
    addendum = models.ForeignKey(
        RecordAddendum,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adverse_events",
    )
    kind = models.CharField(max_length=20, choices=AdverseEventKind.choices)
    grade = models.PositiveSmallIntegerField(choices=Grade.choices)
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_grade_display().lower()})"


class ProposalKind(models.TextChoices):
    LONGER_WINDOW = "longer_window", "Longer gap between sessions"
    PAUSE = "pause", "A pause before the next session"
    FEWER_SESSIONS = "fewer_sessions", "Fewer sessions"


class ProposalStatus(models.TextChoices):
    OPEN = "open", "Awaiting the doctor"
    CONFIRMED = "confirmed", "Confirmed"
    DISMISSED = "dismissed", "Dismissed"


class PlanProposal(models.Model):
    """A plan change that an adverse event suggests, waiting for a doctor to confirm or dismiss
    it. Either way the decision lands in the plan's history."""

    plan = models.ForeignKey(
        "planner.TreatmentPlan", on_delete=models.PROTECT, related_name="proposals"
    )
    adverse_event = models.ForeignKey(
        AdverseEvent, on_delete=models.PROTECT, related_name="proposals"
    )
    kind = models.CharField(max_length=20, choices=ProposalKind.choices)
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    interval_min_days = models.PositiveSmallIntegerField(null=True, blank=True)
    interval_ideal_days = models.PositiveSmallIntegerField(null=True, blank=True)
    interval_max_days = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["adverse_event", "kind"], name="one_proposal_per_event_and_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.get_status_display().lower()})"


class PatchOutcome(models.TextChoices):
    TOLERATED = "tolerated", "Tolerated"
    REACTION = "reaction", "Reaction: not tolerated"


class TestPatch(LaserParameters):
    """A small test area treated before the course, read a day or two later. For darker skin
    (Fitzpatrick IV to VI) the first treatment waits for a tolerated reading."""

    __test__ = False  # not a pytest class, despite its name

    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="test_patches"
    )
    device = models.ForeignKey(
        Resource,
        on_delete=models.PROTECT,
        limit_choices_to={"kind": "device"},
        related_name="+",
    )
    area = models.CharField(max_length=120, help_text="Where the patch was placed.")
    fitzpatrick = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    applied_at = models.DateTimeField()
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    read_at = models.DateTimeField(null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=10, choices=PatchOutcome.choices, blank=True)
    reading_note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-applied_at", "-id"]
        verbose_name_plural = "test patches"
        constraints = [
            models.CheckConstraint(
                condition=Q(read_at__isnull=True, outcome="")
                | (Q(read_at__isnull=False, read_by__isnull=False) & ~Q(outcome="")),
                name="test_patch_read_has_outcome",
            )
        ]

    def __str__(self) -> str:
        return f"Test patch for {self.patient} on {self.applied_at:%Y-%m-%d}"


class PhotoLabel(models.TextChoices):
    BEFORE = "before", "Before"
    AFTER = "after", "After"


def clinical_photos() -> Storage:
    return storages["clinical_photos"]


class ClinicalPhoto(models.Model):
    """A photo taken at a treatment visit, of one area, before or after. The files live in the
    private "clinical_photos" storage, re-encoded without their EXIF, and are read only through
    the photo view."""

    appointment = models.ForeignKey(Appointment, on_delete=models.PROTECT, related_name="photos")
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinical_photos"
    )
    area = models.CharField(max_length=60, help_text="The treated area shown, e.g. left cheek.")
    label = models.CharField(max_length=10, choices=PhotoLabel.choices)
    image = models.FileField(storage=clinical_photos, max_length=200)
    thumbnail = models.FileField(storage=clinical_photos, max_length=200)
    content_type = models.CharField(max_length=40)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_label_display()} photo of {self.area}"
