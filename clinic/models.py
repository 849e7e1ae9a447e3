from __future__ import annotations

from datetime import datetime
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    @classmethod
    def normalize_email(cls, email: str | None) -> str:
        # Addresses are compared without case everywhere: patients type them as they please.
        return (email or "").strip().lower()

    def get_by_natural_key(self, username: str | None) -> User:
        email = self.normalize_email(username)
        if not email:
            # `email__iexact=None` would match everyone registered without an address.
            raise self.model.DoesNotExist("No account has an empty email address.")
        return self.get(email__iexact=email)

    def create_user(self, email: str | None, password: str | None = None, **extra: Any) -> User:
        """A person; one without an email address (a patient registered by phone) can never
        log in, so they get no usable password."""
        address = self.normalize_email(email) or None
        if address is None and password is not None:
            raise ValueError("A person without an email address cannot log in: no password.")
        if address is None and (extra.get("is_staff") or extra.get("is_superuser")):
            raise ValueError("Staff need an email address: it is how they log in.")
        user = self.model(email=address, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(
        self, email: str | None, password: str | None = None, **extra: Any
    ) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractUser):
    """A person who logs in: a patient or a member of staff. Their role is their group.

    A patient registered by phone may have no email address (NULL, never ""): they cannot log
    in until a receptionist adds one and invites them. Staff always have one.
    """

    username = None  # type: ignore[assignment]
    email = models.EmailField(  # type: ignore[assignment]
        _("email address"), unique=True, null=True, blank=True
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        constraints = [
            # NULLs are distinct in a unique index on PostgreSQL and SQLite alike, so any number
            # of patients may have no address, while two addresses never differ only by case.
            models.UniqueConstraint(Lower("email"), name="user_email_unique_without_case"),
            models.CheckConstraint(condition=~Q(email=""), name="user_email_null_not_empty"),
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(is_staff=False, is_superuser=False),
                name="user_staff_have_email",
                violation_error_message="Staff need an email address: it is how they log in.",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.contact

    def clean(self) -> None:
        super().clean()
        self.email = self.email or None  # a blank address is no address

    @property
    def contact(self) -> str:
        """How to reach this person, to show: the email address, else the phone number."""
        if self.email:
            return self.email
        profile = getattr(self, "profile", None)
        if profile is not None and profile.phone:
            return str(profile.phone.as_international)
        return f"person {self.pk} (no email, no phone)"


class Channel(models.TextChoices):
    EMAIL = "email", "Email"
    SMS = "sms", "Text message (SMS)"
    WHATSAPP = "whatsapp", "WhatsApp"


class Language(models.TextChoices):
    """The languages the clinic ships (settings.LANGUAGES), each named in itself. Migration
    0012 moved the French and Spanish once offered, which had no catalogue, to English."""

    ENGLISH = "en", "English"
    CHINESE = "zh-hans", "中文"
    MALAY = "ms", "Bahasa Melayu"


class PatientProfile(models.Model):
    """What the clinic knows of a patient besides their login: how to reach them, and what
    they agreed to be contacted about (care reminders and marketing, asked separately)."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile")
    date_of_birth = models.DateField(null=True, blank=True)
    phone = PhoneNumberField(blank=True)
    preferred_channel = models.CharField(
        max_length=10, choices=Channel.choices, default=Channel.EMAIL
    )
    language = models.CharField(max_length=10, choices=Language.choices, default=Language.ENGLISH)
    care_reminders_consent = models.BooleanField(
        "Send me reminders about my appointments and my care", default=False
    )
    marketing_consent = models.BooleanField(
        "Send me news and offers from the clinic", default=False
    )
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    invited_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    # When a manager erased the patient's personal details (clinic/patient_data/erasure.py):
    # what the clinic must keep is purged CLINICAL_RECORD_RETENTION_YEARS after it.
    erased_at = models.DateTimeField(null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"Profile of {self.user}"

    @property
    def records_kept_until(self) -> datetime | None:
        """When an erased patient's retained records are purged: None while not erased."""
        if self.erased_at is None:
            return None
        return years_after(self.erased_at, settings.CLINICAL_RECORD_RETENTION_YEARS)


def years_after(moment: datetime, years: int) -> datetime:
    """The same date and time `years` later; 29 February becomes 28 February."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


class AuditEntry(models.Model):
    """One staff view or change of a patient's record. Written by clinic.audit, never edited.

    Only the "view" permission exists, so not even a manager can change or delete an entry
    through the admin.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="audit_actions")
    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="audit_entries")
    action = models.CharField(max_length=100)
    detail = models.TextField(blank=True)
    path = models.CharField(max_length=500, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        default_permissions = ("view",)
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.patient}"


class IntakeStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"


class Intake(models.Model):
    """A patient's questionnaire, kept section by section as a draft until they submit it."""

    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="intakes")
    status = models.CharField(
        max_length=10, choices=IntakeStatus.choices, default=IntakeStatus.DRAFT
    )
    # Section name -> that section's answers, as saved (JSON-ready values).
    answers = models.JSONField(default=dict, blank=True)
    last_saved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Intake of {self.patient} ({self.get_status_display().lower()})"

    @property
    def is_draft(self) -> bool:
        return self.status == IntakeStatus.DRAFT


class ConsentText(models.Model):
    """A version of the treatment consent. A new wording is a new version; old ones stay, so a
    consent always shows the words the patient agreed to."""

    version = models.CharField(max_length=20, unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-published_at", "-id"]
        default_permissions = ("add", "view")

    def __str__(self) -> str:
        return f"{self.title} (version {self.version})"

    @classmethod
    def current(cls) -> ConsentText:
        text = cls.objects.order_by("-published_at", "-id").first()
        if text is None:
            raise cls.DoesNotExist("No consent text is published: a manager adds one.")
        return text


class ConsentMethod(models.TextChoices):
    ONLINE = "online", "Signed online by the patient"
    IN_PERSON = "in_person", "Given in person, witnessed by staff"


class Consent(models.Model):
    """A patient's consent as given: the text's version, their name, when and from where.

    Online, the patient types their name and submits. In person (at the desk), the patient
    says their name and agrees in front of a receptionist or manager, who records it: the
    record then names its witness, kept as the name they had then. Never edited: only the
    "view" permission exists."""

    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="consents")
    intake = models.OneToOneField(Intake, on_delete=models.PROTECT, related_name="consent")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT)
    full_name = models.CharField(max_length=200)
    given_at = models.DateTimeField(auto_now_add=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    method = models.CharField(
        max_length=10, choices=ConsentMethod.choices, default=ConsentMethod.ONLINE
    )
    witnessed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    witness_name = models.CharField(max_length=300, blank=True)

    class Meta:
        default_permissions = ("view",)
        constraints = [
            models.CheckConstraint(
                condition=Q(method="online", witnessed_by__isnull=True, witness_name="")
                | (Q(method="in_person", witnessed_by__isnull=False) & ~Q(witness_name="")),
                name="consent_in_person_has_a_witness",
            ),
        ]

    def __str__(self) -> str:
        how = f" in person, witnessed by {self.witness_name}," if self.in_person else ""
        return f"{self.full_name} agreed to {self.text}{how} on {self.given_at:%Y-%m-%d}"

    @property
    def in_person(self) -> bool:
        return self.method == ConsentMethod.IN_PERSON


class PhotoScope(models.TextChoices):
    # What the patient agrees to, shown on their profile in their language.
    MEDICAL_RECORD = "medical_record", _("Clinical photographs for my medical record")
    BEYOND_RECORD = (
        "beyond_record",
        _(
            "Use of my photographs beyond my medical record (teaching, publication), "
            "without my name"
        ),
    )


class PhotoConsentQuerySet(models.QuerySet["PhotoConsent"]):
    def in_force(self) -> PhotoConsentQuerySet:
        return self.filter(withdrawn_at__isnull=True)


class PhotoConsent(models.Model):
    """A patient's consent to photographs, kept apart from the treatment consent: a patient may
    agree to treatment and refuse photos. Each scope is a consent of its own; withdrawing one
    stops new photos (or their wider use) from then on."""

    patient = models.ForeignKey(User, on_delete=models.PROTECT, related_name="photo_consents")
    scope = models.CharField(max_length=20, choices=PhotoScope.choices)
    given_at = models.DateTimeField(auto_now_add=True)
    method = models.CharField(max_length=10, choices=ConsentMethod.choices)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = PhotoConsentQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-id"]
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "scope"],
                condition=Q(withdrawn_at__isnull=True),
                name="one_photo_consent_in_force_per_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.patient}: {self.get_scope_display()}"


class ApiToken(models.Model):
    """A bearer token for an integration to call the API as one user (a receptionist's
    phone system, say). Only a hash is kept: the token is shown once, when it is made
    (`manage.py api_token`), and a manager revokes it in the admin."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="What uses it, e.g. 'front-desk phone'.")
    prefix = models.CharField(max_length=8, help_text="The token's first characters, to tell it.")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…, {self.user})"


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def live(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """A patient's private calendar subscription: whoever holds the token reads their visits
    (bookings/calendars/feeds.py), so it is as secret as a password and as easy to replace:
    revoking it makes a new one. Kept in clear, unlike an API token, because the patient's
    home page shows the link again to copy it."""

    patient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="calendar_feeds")
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient"],
                condition=Q(revoked_at__isnull=True),
                name="one_live_calendar_feed_per_patient",
            )
        ]

    def __str__(self) -> str:
        return f"Calendar feed of {self.patient} ({'revoked' if self.revoked_at else 'live'})"
