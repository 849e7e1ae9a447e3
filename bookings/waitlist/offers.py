"""Taking or declining a time the waitlist offered.

Accepting moves the waiting session to the time offered (the later sessions re-flowed when the
move pushes the next one out of its window), or, for a course not booked yet, books the whole
course from it: all in one transaction with the offer's own change. The first patient to
accept has the time; an offer whose time was taken meanwhile is marked so and says so.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext, pgettext

from bookings.appointments.services import SlotUnavailable
from bookings.calendars.availability import clinic_zone
from bookings.courses.search import SeriesProposal, propose_series
from bookings.courses.services import series_book, session_move
from bookings.courses.windows import MoveEffect, move_effects
from bookings.models import (
    Appointment,
    BookingPolicy,
    EntryStatus,
    OfferStatus,
    TreatmentType,
    WaitlistOffer,
)
from bookings.waitlist.services import TimeFree, entry_treatment_type
from clinic.models import User
from clinic.roles import Role, has_role

# Staff take an offer on a patient's behalf when the patient phones.
OFFER_STAFF = (Role.RECEPTIONIST, Role.MANAGER)


class OfferGone(SlotUnavailable):
    """The offer lapsed, or its time was taken by someone who accepted first."""


def offer_effects(offer: WaitlistOffer) -> list[MoveEffect]:
    """What accepting does to the session after the one brought forward."""
    appointment = offer.entry.appointment
    return [] if appointment is None else move_effects(appointment, offer.starts_at)


def _check_open(offer: WaitlistOffer, by: User, now: datetime) -> None:
    entry = offer.entry
    if entry.patient_id != by.pk and not has_role(by, *OFFER_STAFF):
        raise PermissionDenied("Not your offer.")
    if offer.status == OfferStatus.TAKEN:
        raise OfferGone(gettext("Someone else accepted this time first."))
    if offer.status != OfferStatus.OPEN:
        raise ValidationError(
            gettext("This offer is %(status)s already.")
            % {"status": offer.get_status_display().lower()}
        )
    if offer.expires_at <= now:
        until = offer.expires_at.astimezone(clinic_zone())
        raise OfferGone(
            gettext("This offer lapsed on %(when)s.")
            % {"when": date_format(until, pgettext("a time in a sentence", "l j F, H:i"))}
        )
    if entry.status != EntryStatus.WAITING:
        raise ValidationError(gettext("This is not on the waitlist any more."))


def offer_accept(
    *, offer: WaitlistOffer, by: User, now: datetime | None = None
) -> list[Appointment]:
    """Take the time offered. Raises OfferGone if it lapsed or went to someone else."""
    now = now or timezone.now()
    try:
        with transaction.atomic():
            offer = (
                WaitlistOffer.objects.select_for_update(of=("self",))
                .select_related("entry__plan", "entry__appointment")
                .get(pk=offer.pk)
            )
            _check_open(offer, by, now)
            entry = offer.entry
            if entry.appointment is not None:
                reflow = any(not effect.in_window for effect in offer_effects(offer))
                booked = session_move(
                    appointment=entry.appointment,
                    new_start=offer.starts_at,
                    by=by,
                    reflow=reflow,
                    now=now,
                    notice=False,  # a sooner time the clinic offered
                )
            else:
                booked = _book_course_from(offer, by=by, now=now)
            offer.status = OfferStatus.ACCEPTED
            offer.decided_at, offer.decided_by = now, by
            offer.save(update_fields=["status", "decided_at", "decided_by"])
            entry.status, entry.closed_at = EntryStatus.SERVED, now
            entry.save(update_fields=["status", "closed_at"])
            entry.offers.filter(status=OfferStatus.OPEN).update(
                status=OfferStatus.DECLINED, decided_at=now, decided_by=by
            )
            _mark_taken(offer.starts_at, now=now)
            return booked
    except OfferGone:
        raise
    except SlotUnavailable:
        WaitlistOffer.objects.filter(pk=offer.pk, status=OfferStatus.OPEN).update(
            status=OfferStatus.TAKEN, decided_at=now
        )
        raise OfferGone(gettext("Someone else accepted this time first.")) from None


def _book_course_from(offer: WaitlistOffer, *, by: User, now: datetime) -> list[Appointment]:
    plan = offer.entry.plan
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        raise ValidationError("The clinic has no treatment set up for this concern any more.")
    proposal = propose_series(
        treatment_type=treatment_type,
        sessions=plan.sessions,
        window=plan.window,
        first_start=offer.starts_at,
        now=now,
        policy=BookingPolicy.current(),
        alternatives=False,
    )
    if not isinstance(proposal, SeriesProposal):
        raise SlotUnavailable(proposal.reason)
    return series_book(plan=plan, proposal=proposal, booked_by=by, now=now)


def _mark_taken(starts_at: datetime, *, now: datetime) -> None:
    """Other patients' open offers of that time whose calendars no longer have it."""
    others = list(
        WaitlistOffer.objects.filter(starts_at=starts_at, status=OfferStatus.OPEN).select_related(
            "entry__appointment__treatment_type", "entry__plan"
        )
    )
    slot = TimeFree(starts_at)
    taken = [
        other.pk
        for other in others
        if (treatment_type := entry_treatment_type(other.entry)) is not None
        and not slot.free_for(treatment_type)
    ]
    WaitlistOffer.objects.filter(pk__in=taken).update(status=OfferStatus.TAKEN, decided_at=now)


@transaction.atomic
def offer_decline(*, offer: WaitlistOffer, by: User, now: datetime | None = None) -> None:
    """Say no to this time; the patient stays on the waitlist for another."""
    now = now or timezone.now()
    offer = WaitlistOffer.objects.select_for_update().select_related("entry").get(pk=offer.pk)
    _check_open(offer, by, now)
    offer.status = OfferStatus.DECLINED
    offer.decided_at, offer.decided_by = now, by
    offer.save(update_fields=["status", "decided_at", "decided_by"])
