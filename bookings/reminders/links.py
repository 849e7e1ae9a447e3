"""Links in messages that act on a visit without signing in: confirm it, cancel it, or move it.

A link carries a signed claim (Django's signing, keyed by SECRET_KEY): which visit, what to do,
the visit's time when the message was written, and a nonce. It works until the visit begins and
for MESSAGE_LINK_MAX_AGE_DAYS at most. A link for a time the visit has since left (moved,
cancelled) is stale. Links that change something are single-use: acting takes the link's nonce
(LinkUse, unique) in the same transaction as the change, so a second click, or two at once,
changes nothing. Moving needs the patient signed in: its link leads to the move page.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from bookings.models import Appointment, AppointmentStatus, LinkUse

SALT = "bookings.reminders.links"
ACTIONS = ("confirm", "cancel", "reschedule")
SINGLE_USE = ("confirm", "cancel")


@dataclass(frozen=True)
class Claim:
    appointment_id: int
    action: str
    starts_at: int  # the visit's time (Unix seconds) when the link was written
    nonce: str


class LinkProblem(Exception):
    """Why a link cannot act: a title and a sentence for the page, and its HTTP status."""

    def __init__(self, status: int, title: str, message: str) -> None:
        super().__init__(message)
        self.status, self.title, self.message = status, title, message


def invalid(message: str = "") -> LinkProblem:
    return LinkProblem(
        400, _("This link is not valid"), message or _("Sign in to see your appointments.")
    )


def used() -> LinkProblem:
    return LinkProblem(
        410, _("This link has already been used"), _("Sign in to see your appointment as it is.")
    )


def link_make(appointment: Appointment, action: str) -> str:
    """An absolute link to `action` on the visit, for a message."""
    assert action in ACTIONS, action
    token = signing.dumps(
        {
            "a": appointment.pk,
            "do": action,
            "t": int(appointment.starts_at.timestamp()),
            "n": secrets.token_urlsafe(12),
        },
        salt=SALT,
    )
    return settings.SITE_URL + reverse("message-link", args=[token])


def _claim(token: str) -> Claim:
    max_age = timedelta(days=settings.MESSAGE_LINK_MAX_AGE_DAYS)
    try:
        data = signing.loads(token, salt=SALT, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkProblem(
            410,
            _("This link has expired"),
            _("Links in our messages work for a limited time. Sign in to see your appointments."),
        ) from None
    except signing.BadSignature:
        raise invalid(
            _(
                "It may have been cut short when it was copied. Open it from the message again, "
                "or sign in to see your appointments."
            )
        ) from None
    try:
        claim = Claim(int(data["a"]), str(data["do"]), int(data["t"]), str(data["n"]))
    except (KeyError, TypeError, ValueError):
        raise invalid() from None
    if claim.action not in ACTIONS:
        raise invalid()
    return claim


def link_read(token: str, *, now: datetime | None = None) -> tuple[Claim, Appointment]:
    """The claim and its visit, or LinkProblem: not valid, expired, stale or used."""
    now = now or timezone.now()
    claim = _claim(token)
    appointment = (
        Appointment.objects.select_related("patient", "treatment_type", "doctor", "plan")
        .filter(pk=claim.appointment_id)
        .first()
    )
    if appointment is None:
        raise LinkProblem(404, _("This visit is not in our calendar"), _("Sign in to see yours."))
    if appointment.status == AppointmentStatus.CANCELLED:
        raise LinkProblem(
            410, _("This visit was cancelled"), _("There is nothing left to do here.")
        )
    if int(appointment.starts_at.timestamp()) != claim.starts_at:
        when = timezone.localtime(appointment.starts_at)
        raise LinkProblem(
            410,
            _("This visit has moved"),
            _(
                "This link was for the time the visit had before; it is now on %(when)s. Use "
                "the links in the newest message, or sign in."
            )
            % {"when": date_format(when, pgettext("a time in a sentence", "l j F, H:i"))},
        )
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
        raise LinkProblem(
            410, _("This visit's time has passed"), _("Sign in to see your appointments.")
        )
    if claim.action in SINGLE_USE and LinkUse.objects.filter(nonce=claim.nonce).exists():
        raise used()
    return claim, appointment


class LinkUsed(Exception):
    """Another click of the same link acted first."""


def link_spend(claim: Claim) -> None:
    """Take the link's nonce; call inside the transaction of the change it makes."""
    try:
        with transaction.atomic():
            LinkUse.objects.create(
                nonce=claim.nonce, appointment_id=claim.appointment_id, action=claim.action
            )
    except IntegrityError:
        raise LinkUsed from None


def link_confirm(claim: Claim, *, now: datetime | None = None) -> bool:
    """The patient says they will come. False if they had said so already (by another link)."""
    with transaction.atomic():
        link_spend(claim)
        appointment = Appointment.objects.select_for_update().get(pk=claim.appointment_id)
        if appointment.confirmed_at is not None:
            return False
        appointment.confirmed_at = now or timezone.now()
        appointment.save(update_fields=["confirmed_at", "updated_at"])
        return True
