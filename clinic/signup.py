"""Patient sign-up that tells no one whether an address has an account: a new address gets its
confirmation link; an address with an account gets, instead, an email to its owner saying
someone tried, and what to do if it was them. The visitor sees the same page either way, after
about the same time (a password is hashed either way)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from clinic.languages import language_of
from clinic.models import Language, PatientProfile, User
from clinic.services import confirmation_link, patient_sign_up


def patient_sign_up_or_tell_owner(
    *,
    email: str,
    password: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    base_url: str,
    language: str = Language.ENGLISH,
    next_url: str = "",
) -> User | None:
    """Sign a new patient up (clinic.services.patient_sign_up) in `language` and return the
    account made, or, when the address has an account, email its owner (in their own language),
    change nothing and return None. `next_url`, a local path the caller checked, is where the
    confirmation link goes on to."""
    existing = User.objects.filter(email__iexact=email).first()
    if existing is None:
        try:
            with transaction.atomic():
                return patient_sign_up(
                    email=email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                    date_of_birth=date_of_birth,
                    base_url=base_url,
                    language=language,
                    next_url=next_url,
                )
        except IntegrityError:  # the same address signed up between the look-up and the write
            existing = User.objects.filter(email__iexact=email).first()
            if existing is None:
                raise
    # A new account's password is hashed; so is this one, so the answer takes as long.
    make_password(password)
    existing_account_tell_owner(user=existing, base_url=base_url, next_url=next_url)
    return None


def _account_state(user: User) -> str:
    if user.is_active:
        return "active" if user.has_usable_password() else "invited"
    waiting = PatientProfile.objects.filter(user=user, email_confirmed_at__isnull=True).exists()
    return "unconfirmed" if waiting else "closed"


def existing_account_tell_owner(*, user: User, base_url: str, next_url: str = "") -> None:
    """Email the owner of an address someone tried to sign up with: log in or reset the
    password if it was them; confirm the address if their own sign-up still waits for it."""
    address = user.email
    if not address:
        return
    state = _account_state(user)
    context: dict[str, object] = {
        "user": user,
        "state": state,
        "clinic_name": settings.CLINIC_NAME,
        "login_link": base_url + reverse("login"),
        "reset_link": base_url + reverse("password_reset"),
        "days": settings.ACCOUNT_LINK_DAYS,
    }
    if state == "unconfirmed":
        context["confirm_link"] = confirmation_link(user=user, base_url=base_url, next_url=next_url)
    if state == "invited":
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        context["invitation_link"] = base_url + reverse(
            "accept-invitation", args=[uid, default_token_generator.make_token(user)]
        )
    # In the owner's language, not the visitor's: the visitor may not be them.
    with translation.override(language_of(getattr(user, "profile", None))):
        subject = render_to_string("registration/signup_existing_subject.txt", context).strip()
        body = render_to_string("registration/signup_existing_email.txt", context)
    transaction.on_commit(lambda: send_mail(subject, body, None, [address]))
