"""Writes with side effects on accounts (HackSoft style: <entity>_<action>, keyword-only)."""

from __future__ import annotations

import unicodedata
from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from phonenumber_field.phonenumber import PhoneNumber

from clinic.models import Consent, ConsentText, Intake, IntakeStatus, PatientProfile, User
from clinic.roles import Role

CONFIRM_SALT = "clinic.confirm-email"


class LinkRefused(Exception):
    """A link from an email that no longer works: expired, altered, used, or someone else's."""


@transaction.atomic
def user_create(
    *,
    email: str,
    role: Role,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
    is_active: bool = True,
) -> User:
    """Create a person with one role. Managers also get Django admin access (is_staff)."""
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
    context = {"user": user, "clinic_name": settings.CLINIC_NAME, **context}
    subject = render_to_string(f"clinic/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"clinic/email/{template}.txt", context)
    # After the commit: no email for an account that was rolled back.
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email]))


@transaction.atomic
def patient_sign_up(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    base_url: str,
) -> User:
    """A patient signs up online. The account works once the emailed link confirms the address."""
    user = user_create(
        email=email,
        role=Role.PATIENT,
        password=password,
        first_name=first_name,
        last_name=last_name,
        is_active=False,
    )
    PatientProfile.objects.filter(user=user).update(date_of_birth=date_of_birth)
    email_confirmation_send(user=user, base_url=base_url)
    return user


def email_confirmation_send(*, user: User, base_url: str) -> None:
    token = signing.dumps({"user": user.pk, "email": user.email}, salt=CONFIRM_SALT)
    link = base_url + reverse("confirm-email", args=[token])
    _send(user, "confirm", {"link": link, "days": settings.ACCOUNT_LINK_DAYS})


@transaction.atomic
def email_confirm(*, token: str) -> User:
    """Activate the account the link was made for, or raise LinkRefused saying why."""
    try:
        data = signing.loads(
            token, salt=CONFIRM_SALT, max_age=settings.ACCOUNT_LINK_DAYS * 24 * 3600
        )
    except signing.SignatureExpired:
        raise LinkRefused("This link has expired. Ask for a new one below.") from None
    except signing.BadSignature:
        raise LinkRefused("This link is not valid. Check it was copied whole.") from None
    user = User.objects.select_for_update().filter(pk=data.get("user")).first()
    if user is None or user.email != data.get("email"):
        raise LinkRefused("This link is not valid. Check it was copied whole.")
    profile = PatientProfile.objects.get(user=user)
    if profile.email_confirmed_at is None:
        profile.email_confirmed_at = timezone.now()
        profile.save(update_fields=["email_confirmed_at", "updated_at"])
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])
    return user


@transaction.atomic
def patient_invite(
    *,
    by: User,
    email: str,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    phone: PhoneNumber | str,
    base_url: str,
) -> User:
    """A receptionist creates a patient's record (say, during a phone call) and invites them to
    choose a password; until then nobody can log in to the account."""
    user = user_create(email=email, role=Role.PATIENT, first_name=first_name, last_name=last_name)
    PatientProfile.objects.filter(user=user).update(date_of_birth=date_of_birth, phone=phone)
    invitation_send(user=user, by=by, base_url=base_url)
    return user


@transaction.atomic
def invitation_send(*, user: User, by: User, base_url: str) -> None:
    """(Re)send the link that lets a patient choose their password. Django's token makes it
    single-use (it stops working once a password is set) and expiring."""
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


def consent_name_problem(*, typed: str, on_file: str) -> str:
    """Why a consent typed as `typed` is not the patient's signature, or "" if it is: the name
    must be the one on their record, case and spacing aside."""
    if not on_file.strip():
        return "Your record has no name yet: add it in your profile, then sign here."
    if _name_key(typed) != _name_key(on_file):
        return (
            f"Sign with your name as it is on your record: {' '.join(on_file.split())}. "
            "If that name is wrong, correct it in your profile first."
        )
    return ""


@transaction.atomic
def intake_submit(
    *, intake: Intake, full_name: str, ip_address: str | None, missing: list[str]
) -> Consent:
    """The patient gives consent (the current text, their typed name) and submits."""
    intake = Intake.objects.select_for_update().get(pk=intake.pk)
    if not intake.is_draft:
        raise ValidationError("This intake is submitted already.")
    if missing:
        raise ValidationError(f"Please answer these sections first: {', '.join(missing)}.")
    if problem := consent_name_problem(typed=full_name, on_file=intake.patient.get_full_name()):
        raise ValidationError({"full_name": problem})
    consent = Consent.objects.create(
        patient=intake.patient,
        intake=intake,
        text=ConsentText.current(),
        full_name=full_name,
        ip_address=ip_address,
    )
    intake.status = IntakeStatus.SUBMITTED
    intake.submitted_at = timezone.now()
    intake.last_saved_by = intake.patient
    intake.save()
    return consent
