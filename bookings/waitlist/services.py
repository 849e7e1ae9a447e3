"""The waitlist that understands windows.

A patient waits for a sooner time for one session of a course: a booked session to bring
forward inside its window from the session before, or the first session of a course that is
not booked yet, up to a date the patient gives. When a time frees (a cancellation, a move, a
re-plan), every waiting patient whose due window holds that day, and for whom the time is
really free, is offered it at once, oldest entry first; the first to accept has it, and an
offer lapses after the clinic's offer time (BookingPolicy.waitlist_offer_hours), or sooner if
the time itself gets too close to book.

Offers are written in the transaction that freed the time, so a rolled-back cancellation
offers nothing; the emails go once it commits.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from bookings.calendars.availability import Calendar, load_calendar, local_day
from bookings.courses.search import SeriesProposal, propose_series
from bookings.models import (
    LONGEST_RESERVATION,
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    EntryStatus,
    OfferStatus,
    TreatmentType,
    WaitlistEntry,
    WaitlistOffer,
)
from bookings.reminders.services import message_time, reminders_offer
from clinic.models import User
from clinic.roles import Role, has_role
from planner.models import OPEN_STATUSES, TreatmentPlan

# Patients offered one freed time at once: enough that it is taken, few enough that most of
# those told about it still have a chance.
OFFER_LIMIT = 10
# The furthest ahead a first session may be waited for.
LONGEST_WAIT_DAYS = 365
WAITLIST_STAFF = (Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER)


def _may_act_for(plan: TreatmentPlan, by: User) -> None:
    if plan.patient_id != by.pk and not has_role(by, *WAITLIST_STAFF):
        raise PermissionDenied("Not your course.")


def _previous_days(appointments: list[Appointment]) -> dict[int, date]:
    """For each course session, the local day of the session before it still held (one query
    for all of them)."""
    plans = {a.plan_id for a in appointments if a.plan_id}
    held: dict[int, list[tuple[int, date]]] = {}
    for plan_id, number, starts_at in (
        Appointment.objects.active()
        .exclude(status=AppointmentStatus.NO_SHOW)
        .filter(plan_id__in=plans)
        .values_list("plan_id", "session_number", "starts_at")
    ):
        held.setdefault(plan_id, []).append((number or 0, local_day(starts_at)))
    previous = {}
    for appointment in appointments:
        before = [
            (number, day)
            for number, day in held.get(appointment.plan_id or 0, [])
            if number < (appointment.session_number or 0)
        ]
        if before:
            previous[appointment.pk] = max(before)[1]
    return previous


def sooner_window(appointment: Appointment, *, today: date) -> tuple[date, date]:
    """The days a sooner time for a booked session may fall on: from its window's opening (or
    today) to its own day."""
    assert appointment.plan is not None
    opens = today
    previous = _previous_days([appointment]).get(appointment.pk)
    if previous is not None:
        opens = max(opens, previous + timedelta(days=appointment.plan.window.min_days))
    return opens, local_day(appointment.starts_at)


@transaction.atomic
def waitlist_join(
    *,
    plan: TreatmentPlan,
    by: User,
    appointment: Appointment | None = None,
    latest: date | None = None,
    now: datetime | None = None,
) -> WaitlistEntry:
    """Put the patient on the waitlist for a sooner time: for a booked session of the course,
    or, with none booked yet, for a first session up to `latest`."""
    _may_act_for(plan, by)
    now = now or timezone.now()
    today = local_day(now)
    if problem := plan.booking_problem:
        raise ValidationError(problem)
    if appointment is not None:
        appointment = (
            Appointment.objects.select_for_update(of=("self",))
            .select_related("plan")
            .get(pk=appointment.pk)
        )
        if appointment.plan_id != plan.pk:
            raise ValidationError("That session is not part of this course.")
        if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
            raise ValidationError("Only a session still to come can be brought forward.")
        earliest, latest = sooner_window(appointment, today=today)
        if earliest > latest:
            raise ValidationError(
                f"Session {appointment.session_number} cannot come any sooner: it is at the "
                "start of its window from the session before."
            )
    else:
        if Appointment.objects.active().filter(plan=plan).exists():
            raise ValidationError(
                "This course is booked: wait for a sooner time for one of its sessions."
            )
        if latest is None:
            raise ValidationError({"latest": "Say by when the first session should be."})
        if not today <= latest <= today + timedelta(days=LONGEST_WAIT_DAYS):
            raise ValidationError(
                {"latest": f"Choose a day from today to {LONGEST_WAIT_DAYS} days ahead."}
            )
        earliest = today
    try:
        with transaction.atomic():
            return WaitlistEntry.objects.create(
                patient=plan.patient,
                plan=plan,
                appointment=appointment,
                earliest=earliest,
                latest=latest,
                created_by=by,
            )
    except IntegrityError:
        raise ValidationError("This is on the waitlist already.") from None


@transaction.atomic
def waitlist_leave(*, entry: WaitlistEntry, by: User, now: datetime | None = None) -> None:
    """Take the patient off the waitlist; offers still open lapse with it."""
    _may_act_for(entry.plan, by)
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.WAITING:
        raise ValidationError("This is not on the waitlist any more.")
    now = now or timezone.now()
    entry.status = EntryStatus.LEFT
    entry.closed_at = now
    entry.save(update_fields=["status", "closed_at"])
    entry.offers.filter(status=OfferStatus.OPEN).update(
        status=OfferStatus.DECLINED, decided_at=now, decided_by=by
    )


def waitlist_close_for(appointment: Appointment, *, now: datetime) -> None:
    """A cancelled session cannot be brought forward: its place on the waitlist goes."""
    WaitlistEntry.objects.waiting().filter(appointment=appointment).update(
        status=EntryStatus.LEFT, closed_at=now
    )


class TimeFree:
    """Whether one time is free, per treatment type, reading each calendar once."""

    def __init__(self, starts_at: datetime) -> None:
        self.starts_at = starts_at
        self.calendars: dict[int, Calendar] = {}

    def free_for(self, treatment_type: TreatmentType) -> bool:
        calendar = self.calendars.get(treatment_type.pk)
        if calendar is None:
            calendar = load_calendar(
                treatment_type,
                span_start=self.starts_at,
                span_end=self.starts_at + treatment_type.reserved,
            )
            self.calendars[treatment_type.pk] = calendar
        return calendar.free_at(self.starts_at) is not None


def entry_treatment_type(entry: WaitlistEntry) -> TreatmentType | None:
    if entry.appointment is not None:
        return entry.appointment.treatment_type
    return TreatmentType.objects.session_for(
        concern=entry.plan.concern, area=entry.plan.intake.get("area", "")
    )


def waitlist_offer_time(*, starts_at: datetime, now: datetime | None = None) -> list[WaitlistOffer]:
    """Offer a time that has just freed to the waiting patients it suits, oldest entry first.
    Call inside the transaction that freed it."""
    now = now or timezone.now()
    policy = BookingPolicy.current()
    notice = timedelta(minutes=policy.minimum_notice_minutes)
    if starts_at < now + notice:
        return []  # too close to book online: the clinic fills it by phone
    day = local_day(starts_at)
    candidates = list(
        WaitlistEntry.objects.waiting()
        .filter(earliest__lte=day, latest__gte=day, plan__status__in=OPEN_STATUSES)
        .exclude(offers__starts_at=starts_at)
        .filter(Q(appointment__isnull=True) | Q(appointment__starts_at__gt=starts_at))
        .select_related("plan", "appointment__treatment_type", "appointment__plan", "patient")
        .order_by("created_at", "pk")[: OFFER_LIMIT * 3]
    )
    booked = [e.appointment for e in candidates if e.appointment is not None]
    previous = _previous_days(booked)
    visits = _other_visits(candidates, starts_at)
    slots = TimeFree(starts_at)
    offered: list[WaitlistOffer] = []
    # An offer made in the clinic's quiet hours is told when they end, and is open for its
    # hours from then; never past the point the time needs its notice.
    told_at = message_time(now)
    expires_at = min(told_at + timedelta(hours=policy.waitlist_offer_hours), starts_at - notice)
    if expires_at <= told_at:
        return []  # it would lapse before the patient could hear of it
    for entry in candidates:
        if len(offered) == OFFER_LIMIT:
            break
        treatment_type = entry_treatment_type(entry)
        if treatment_type is None or _busy(entry, visits, starts_at, treatment_type.duration):
            continue
        if not _suits(entry, starts_at, previous, now=now, policy=policy, tt=treatment_type):
            continue
        if not slots.free_for(treatment_type):
            continue
        offered.append(
            WaitlistOffer.objects.create(entry=entry, starts_at=starts_at, expires_at=expires_at)
        )
    # Each patient is told by a message written with the offer, sent by the workers.
    reminders_offer(offered, now=now)
    return offered


def _other_visits(
    candidates: list[WaitlistEntry], starts_at: datetime
) -> dict[int, list[tuple[int, datetime, datetime]]]:
    """Each candidate's appointments near that time (one query), to keep patients from being
    offered a time they are already booked at."""
    visits: dict[int, list[tuple[int, datetime, datetime]]] = {}
    for pk, patient_id, begins, ends in (
        Appointment.objects.active()
        .exclude(status=AppointmentStatus.NO_SHOW)
        .filter(
            patient_id__in={e.patient_id for e in candidates},
            starts_at__lt=starts_at + LONGEST_RESERVATION,
            ends_at__gt=starts_at,
        )
        .values_list("pk", "patient_id", "starts_at", "ends_at")
    ):
        visits.setdefault(patient_id, []).append((pk, begins, ends))
    return visits


def _busy(
    entry: WaitlistEntry,
    visits: dict[int, list[tuple[int, datetime, datetime]]],
    starts_at: datetime,
    length: timedelta,
) -> bool:
    own = entry.appointment_id
    return any(
        pk != own and begins < starts_at + length and starts_at < ends
        for pk, begins, ends in visits.get(entry.patient_id, [])
    )


def _suits(
    entry: WaitlistEntry,
    starts_at: datetime,
    previous: dict[int, date],
    *,
    now: datetime,
    policy: BookingPolicy,
    tt: TreatmentType,
) -> bool:
    """Whether the time lies in the entry's due window as the course stands now."""
    appointment = entry.appointment
    day = local_day(starts_at)
    if appointment is None:
        # The whole course must fit after a first session at that time.
        proposal = propose_series(
            treatment_type=tt,
            sessions=entry.plan.sessions,
            window=entry.plan.window,
            first_start=starts_at,
            now=now,
            policy=policy,
            alternatives=False,
        )
        return isinstance(proposal, SeriesProposal)
    if appointment.status != AppointmentStatus.BOOKED:
        return False
    before = previous.get(appointment.pk)
    assert appointment.plan is not None
    window = appointment.plan.window
    return before is None or window.contains((day - before).days)
