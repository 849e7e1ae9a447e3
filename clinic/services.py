"""Writes with side effects on accounts (HackSoft style: <entity>_<action>, keyword-only)."""

from __future__ import annotations

import unicodedata
from datetime import date

import phonenumbers
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlencode, urlsafe_base64_encode
from django.utils.translation import gettext
from phonenumber_field.phonenumber import PhoneNumber, to_python

from clinic.languages import language_of
from clinic.models import (
    Channel,
    Consent,
    ConsentMethod,
    ConsentText,
    Intake,
    IntakeStatus,
    Language,
    PatientProfile,
    User,
)
from clinic.roles import Role, has_role

CONFIRM_SALT = "clinic.confirm-email"


class LinkRefused(Exception):
    """A link from an email that no longer works: expired, altered, used, or someone else's."""


@transaction.atomic
def user_create(
    *,
    email: str | None,
    role: Role,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    is_active: bool = True,
) -> User:
    """Create a person with one role. Managers also get Django admin access (is_staff).

    Only a patient may have no email address (registered by phone): staff log in with theirs.
    """
    if role is not Role.PATIENT and not User.objects.normalize_email(email):
        raise ValueError("Staff need an email address: it is how they log in.")
    user = User.objects.create_user(
        email,
        password,
        first_name=first_name,
        last_name=last_name,
        is_staff=role is Role.MANAGER,
        is_active=is_active,
    )
    user.groups.add(Group.objects.get(name=role.value))
    if role is Role.PATIENT:
        PatientProfile.objects.create(user=user)
    return user


def _send(user: User, template: str, context: dict[str, object]) -> None:
    """Email the patient, in their language whoever sends it (a receptionist's invitation too)."""
    address = user.email
    if not address:
        raise ValidationError(f"{user} has no email address to write to.")
    context = {"user": user, "clinic_name": settings.CLINIC_NAME, **context}
    with translation.override(language_of(getattr(user, "profile", None))):
        subject = render_to_string(f"clinic/email/{template}_subject.txt", context).strip()
        body = render_to_string(f"clinic/email/{template}.txt", context)
    # After the commit: no email for an account that was rolled back.
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))


@transaction.atomic
def patient_sign_up(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    base_url: str,
    language: str = Language.ENGLISH,
    next_url: str = "",
) -> User:
    """A patient signs up online, in the language they read the site in (a Language value),
    which becomes their profile's. The account works once the emailed link confirms the
    address; the link then goes on to `next_url` (a local path the caller checked)."""
    user = user_create(
        email=email,
        role=Role.PATIENT,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_active=False,
    )
    profile = user.profile
    profile.date_of_birth = date_of_birth
    profile.language = language
    profile.save(update_fields=["date_of_birth", "language", "updated_at"])
    email_confirmation_send(user=user, base_url=base_url, next_url=next_url)
    return user


def confirmation_link(*, user: User, base_url: str, next_url: str = "") -> str:
    """The link that confirms the address; with the page to go on to once it has."""
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRM_SALT)
    link = base_url + reverse("confirm-email", args=[token])
    return f"{link}?{urlencode({'next': next_url})}" if next_url else link


def email_confirmation_send(*, user: User, base_url: str, next_url: str = "") -> None:
    link = confirmation_link(user=user, base_url=base_url, next_url=next_url)
    _send(user, "confirm", {"link": link, "days": settings.ACCOUNT_LINK_DAYS})


@transaction.atomic
def email_confirm(*, token: str) -> tuple[User, bool]:
    """Activate the account the link was made for, and say whether this link confirmed it
    (True) or it was confirmed before (False); or raise LinkRefused saying why. A link never
    reopens an account the clinic closed after it was confirmed."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.ACCOUNT_LINK_DAYS * 24 * 3600
        )
    except signing.SignatureExpired:
        raise LinkRefused(gettext("This link has expired. Ask for a new one below.")) from None
    except signing.BadSignature:
        raise LinkRefused(gettext("This link is not valid. Check it was copied whole.")) from None
    user = User.objects.select_for_update().filter(pk=data.get("user")).first()
    if user is None or user.email != data.get("email"):
        raise LinkRefused(gettext("This link is not valid. Check it was copied whole."))
    profile = PatientProfile.objects.get(user=user)
    if profile.email_confirmed_at is not None:
        if not user.is_active:
            raise LinkRefused(
                gettext("This account is closed. Call or email the clinic to open it again.")
            )
        return user, False
    profile.email_confirmed_at = timezone.now()
    profile.save(update_fields=["email_confirmed_at", "updated_at"])
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user, True


TEXT_CHANNELS = (Channel.SMS, Channel.WHATSAPP)
# Numbers that can take a text message. Some countries' plans (the United States') do not
# tell a mobile number from a landline: those are taken on trust.
TEXTABLE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def mobile_problem(phone: PhoneNumber | str | None) -> str:
    """Why text messages cannot reach `phone`, or "" if they can (as far as the numbering
    plan tells: phonenumbers' number type)."""
    number = to_python(phone) if phone else None
    if not isinstance(number, PhoneNumber) or not number.is_valid():
        return "Enter a valid mobile number, e.g. +44 7400 123456."
    kind = phonenumbers.number_type(number)
    if kind in TEXTABLE:
        return ""
    if kind == phonenumbers.PhoneNumberType.FIXED_LINE:
        return (
            f"{number.as_international} is a landline: it cannot receive text messages. "
            "Enter a mobile number."
        )
    return (
        f"{number.as_international} is not a mobile number: it cannot receive text messages. "
        "Enter a mobile number."
    )


def contact_problem(*, email: str | None, phone: PhoneNumber | str | None, channel: str) -> str:
    """Why a patient with this address and number cannot be reached on `channel`, or ""."""
    if not email and not phone:
        return "Enter an email address or a mobile number: the clinic needs a way to reach them."
    if channel == Channel.EMAIL and not email:
        return "Without an email address, reminders go by text message or WhatsApp: choose one."
    if channel in TEXT_CHANNELS:
        if not phone:
            return "Text and WhatsApp reminders need a mobile number."
        return mobile_problem(phone)
    return ""


@transaction.atomic
def patient_register(
    *,
    by: User,
    email: str | None,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    phone: PhoneNumber | str | None,
    base_url: str,
    preferred_channel: str = "",
    care_reminders_consent: bool = False,
) -> User:
    """A receptionist creates a patient's record (say, during a phone call).

    With an email address, the patient is invited to choose a password; until then nobody can
    log in to the account. Without one (a caller with only a mobile), no invitation goes: the
    reminders go by text message or WhatsApp, and staff can add an address later
    (patient_email_add). The channel defaults to email when there is an address, else SMS."""
    email = User.objects.normalize_email(email) or None
    channel = preferred_channel or (Channel.EMAIL if email else Channel.SMS)
    if problem := contact_problem(email=email, phone=phone, channel=channel):
        raise ValidationError(problem)
    user = user_create(email=email, role=Role.PATIENT, first_name=first_name, last_name=last_name)
    profile = user.profile
    profile.date_of_birth = date_of_birth
    profile.phone = phone or ""
    profile.preferred_channel = channel
    profile.care_reminders_consent = care_reminders_consent
    profile.save()
    if email:
        invitation_send(user=user, by=by, base_url=base_url)
    return user


@transaction.atomic
def patient_email_add(*, patient: User, email: str, by: User, base_url: str) -> User:
    """Give a patient registered by phone a login: their email address, and the invitation to
    choose a password. Their reminders stay on the channel they have."""
    patient = User.objects.select_for_update().get(pk=patient.pk)
    if patient.email:
        raise ValidationError("This patient has an email address already.")
    address = User.objects.normalize_email(email)
    if not address:
        raise ValidationError("Enter the patient's email address.")
    if User.objects.filter(email__iexact=address).exists():
        raise ValidationError("An account already uses this email address.")
    patient.email = address
    try:
        with transaction.atomic():
            patient.save(update_fields=["email"])
    except IntegrityError:  # taken between the check and the write
        raise ValidationError("An account already uses this email address.") from None
    invitation_send(user=patient, by=by, base_url=base_url)
    return patient


@transaction.atomic
def invitation_send(*, user: User, by: User, base_url: str) -> None:
    """(Re)send the link that lets a patient choose their password. Django's token makes it
    single-use (it stops working once a password is set) and expiring."""
    if not user.email:
        raise ValidationError("This patient has no email address: add one to invite them.")
    PatientProfile.objects.filter(user=user).update(invited_by=by, invited_at=timezone.now())
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    link = base_url + reverse(
        "accept-invitation", args=[uid, default_token_generator.make_token(user)]
    )
    _send(user, "invitation", {"link": link, "days": settings.ACCOUNT_LINK_DAYS, "by": by})


@transaction.atomic
def patient_profile_update(
    *, profile: PatientProfile, first_name: str, last_name: str, **fields: object
) -> PatientProfile:
    """Save the patient's name (on their login) and the rest of their profile together."""
    user = profile.user
    user.first_name, user.last_name = first_name, last_name
    user.save(update_fields=["first_name", "last_name"])
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.save()
    return profile


def intake_current(*, patient: User, by: User) -> Intake:
    """The patient's draft intake, started if there is none."""
    draft = Intake.objects.filter(patient=patient, status=IntakeStatus.DRAFT).first()
    return draft or Intake.objects.create(patient=patient, last_saved_by=by)


@transaction.atomic
def intake_save_section(
    *, intake: Intake, section: str, answers: dict[str, object], by: User
) -> Intake:
    """Keep one section's answers in the draft; the other sections stay as they were."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if not intake.is_draft:
        raise ValidationError("This intake is submitted; it cannot change.")
    intake.answers[section] = answers
    if section == "concern" and answers.get("concern") != "tattoo":
        intake.answers.pop("tattoo", None)  # tattoo details only for a tattoo
    intake.last_saved_by = by
    intake.save()
    return intake


def _name_key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def consent_name_problem(*, typed: str, on_file: str, by_staff: bool = False) -> str:
    """Why a consent typed as `typed` is not the patient's signature, or "" if it is: the name
    must be the one on their record, case and spacing aside. `by_staff`: worded for the
    member of staff recording a consent given in person."""
    if not on_file.strip():
        if by_staff:
            return "The patient's record has no name yet: add it first."
        return "Your record has no name yet: add it in your profile, then sign here."
    if _name_key(typed) != _name_key(on_file):
        if by_staff:
            return (
                f"The name must be the one on the patient's record: {' '.join(on_file.split())}. "
                "Check you have the right patient; if the record is wrong, correct it first."
            )
        return (
            f"Sign with your name as it is on your record: {' '.join(on_file.split())}. "
            "If that name is wrong, correct it in your profile first."
        )
    return ""


@transaction.atomic
def intake_submit(
    *,
    intake: Intake,
    full_name: str,
    ip_address: str | None,
    missing: list[str],
    witnessed_by: User | None = None,
    text_version: str | None = None,
) -> Consent:
    """The patient gives consent (the current text, their name) and the intake is submitted.

    Online, the patient signs with their typed name. In person, `witnessed_by` (a receptionist
    or manager) records that the patient, at the desk, agreed and said their name; the witness
    and their name then are kept with it. `text_version`: the version the patient was shown,
    refused if a newer one was published meanwhile (they agree to the words they read)."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if not intake.is_draft:
        raise ValidationError("This intake is submitted already.")
    if witnessed_by is not None and (
        witnessed_by.pk == intake.patient_id
        or not has_role(witnessed_by, Role.RECEPTIONIST, Role.MANAGER)
    ):
        raise PermissionDenied("Only a receptionist or a manager witnesses a consent.")
    if missing:
        raise ValidationError(f"Please answer these sections first: {', '.join(missing)}.")
    if not PatientProfile.objects.filter(
        user_id=intake.patient_id, date_of_birth__isnull=False
    ).exists():
        # The course depends on the patient's age (a questionnaire filled at the desk may
        # have been started before it was known).
        raise ValidationError("The patient's date of birth is missing: add it first.")
    if problem := consent_name_problem(
        typed=full_name, on_file=intake.patient.get_full_name(), by_staff=witnessed_by is not None
    ):
        raise ValidationError({"full_name": problem})
    text = ConsentText.current()
    if text_version is not None and text_version != text.version:
        raise ValidationError(
            f"The consent text changed (now version {text.version}) while this page was open: "
            "read the new wording with the patient, then record their consent."
        )
    consent = Consent.objects.create(
        patient=intake.patient,
        intake=intake,
        text=text,
        full_name=full_name,
        ip_address=ip_address,
        method=ConsentMethod.ONLINE if witnessed_by is None else ConsentMethod.IN_PERSON,
        witnessed_by=witnessed_by,
        witness_name="" if witnessed_by is None else str(witnessed_by),
    )
    intake.status = IntakeStatus.SUBMITTED
    intake.submitted_at = timezone.now()
    intake.last_saved_by = witnessed_by or intake.patient
    intake.save()
    return consent
