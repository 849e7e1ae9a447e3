"""Keeping a booked course valid as it happens: the rest of the course re-planned when a session
is missed, cancelled, or the doctor changes the plan.

A re-plan is worked out from what took place: the last session the patient came to anchors
the window of the next one (its actual date, not the date first planned). Sessions still to
come are kept, in order and renumbered, for as long as each falls inside its window from the
one before; from the first that does not, the rest are placed again (nearest the ideal gap,
with the same doctor where possible), sessions are added if the course is short and cancelled
if it now has more than the plan's count. The fix is shown before it is applied; applying it
works it out again and refuses if it changed meanwhile (409 on the page and in the API).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from bookings.appointments.events import announce_time_freed, announce_visit_withdrawn
from bookings.appointments.services import STAFF, SlotUnavailable, is_double_booking
from bookings.calendars.availability import local_day, open_calendar
from bookings.courses.search import (
    ProposedSession,
    SeriesProposal,
    propose_following,
    propose_series,
)
from bookings.models import Appointment, AppointmentStatus, BookingPolicy, TreatmentType
from bookings.reminders.services import reminders_course, reminders_plan, reminders_withdraw
from clinic.languages import short_day
from clinic.models import User
from clinic.roles import has_role
from planner.models import TreatmentPlan


@dataclass(frozen=True)
class FixStep:
    """One change of a re-plan. action: keep (perhaps renumbered), move, add or cancel."""

    action: str
    session: int | None  # its number after the fix (None for a cancelled one)
    appointment_id: int | None  # None for a session to add
    was: datetime | None
    starts_at: datetime | None
    doctor_id: int | None = None
    device_id: int | None = None
    room_id: int | None = None
    was_number: int | None = None


@dataclass(frozen=True)
class CourseFix:
    steps: tuple[FixStep, ...]
    reasons: tuple[str, ...]

    @property
    def fingerprint(self) -> str:
        text = "|".join(
            f"{s.action},{s.session},{s.appointment_id},{s.starts_at and s.starts_at.isoformat()},"
            f"{s.doctor_id},{s.device_id},{s.room_id}"
            for s in self.steps
        )
        return hashlib.sha256(text.encode()).hexdigest()[:32]

    @property
    def changes(self) -> list[FixStep]:
        return [
            s for s in self.steps if s.action != "keep" or s.was_number not in (None, s.session)
        ]


class CourseUnfixable(Exception):
    """The rest of the course cannot be placed inside its windows; the message says which."""


class FixChanged(SlotUnavailable):
    """The re-plan shown is no longer the one that would be applied (the calendars changed)."""


def _work_out(
    plan: TreatmentPlan, *, now: datetime, policy: BookingPolicy
) -> tuple[CourseFix | None, list[Appointment]]:
    """Inside a transaction: the fix, and the course's appointments still to come, locked. The
    sessions to place again are released (marked cancelled) so the calendars see them free:
    the caller applies the fix or rolls back."""
    # The plan as it is now (a doctor may have just changed it), locked: one re-plan at a time.
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    rows = list(
        Appointment.objects.select_for_update(of=("self",))
        .filter(plan=plan)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("treatment_type")
        .order_by("starts_at")
    )
    course = _as_booked(
        plan, rows, now=now, lapsed=lambda anchor: _lapsed(anchor, plan, now=now, policy=policy)
    )
    if course is None:
        return None, []  # nothing booked yet: the course is booked from its book page
    held, coming, missed, kept = course.held, course.coming, course.missed, course.kept
    needed, anchor, reasons = course.needed, course.anchor, course.reasons
    window = plan.window
    to_place = needed - len(kept)
    replaced = coming[len(kept) :]
    reuse, surplus = replaced[:to_place], replaced[to_place:]
    if len(held) + len(coming) < plan.sessions and not missed:
        reasons.append(
            gettext("The course has %(sessions)s sessions; %(booked)s are booked.")
            % {"sessions": plan.sessions, "booked": len(coming) + len(held)}
        )
    if surplus and len(held) + len(coming) > plan.sessions:
        reasons.append(
            gettext("The course now has %(sessions)s sessions.") % {"sessions": plan.sessions}
        )
    steps: list[FixStep] = [
        FixStep(
            "keep",
            len(held) + n,
            a.pk,
            a.starts_at,
            a.starts_at,
            a.doctor_id,
            a.device_id,
            a.room_id,
            was_number=a.session_number,
        )
        for n, a in enumerate(kept, start=1)
    ]
    if to_place and anchor is not None and _lapsed(anchor, plan, now=now, policy=policy):
        closed = local_day(anchor.starts_at) + timedelta(days=window.max_days)
        reasons.append(
            gettext(
                "The window for session %(number)s closed on %(day)s: the rest of the course "
                "starts again from the earliest free time."
            )
            % {"number": len(held) + len(kept) + 1, "day": short_day(closed)}
        )
    if to_place:
        Appointment.objects.filter(pk__in=[a.pk for a in replaced]).update(
            status=AppointmentStatus.CANCELLED
        )
        placed = _place(
            plan,
            anchor=anchor,
            number=len(held) + len(kept),
            count=to_place,
            now=now,
            policy=policy,
        )
        for n, session in enumerate(placed):
            existing = reuse[n] if n < len(reuse) else None
            steps.append(
                FixStep(
                    "move" if existing else "add",
                    session.number,
                    existing.pk if existing else None,
                    existing.starts_at if existing else None,
                    session.starts_at,
                    session.doctor_id,
                    session.device_id,
                    session.room_id,
                    was_number=existing.session_number if existing else None,
                )
            )
    steps += [
        FixStep("cancel", None, a.pk, a.starts_at, None, was_number=a.session_number)
        for a in surplus
    ]
    fix = CourseFix(tuple(steps), tuple(reasons))
    if not fix.changes:
        return None, coming
    return fix, coming


@dataclass
class _AsBooked:
    held: list[Appointment]  # took place, or under way
    coming: list[Appointment]  # booked, still to come
    missed: list[Appointment]
    kept: list[Appointment]  # the first of those to come that still fit their windows
    needed: int  # sessions still to take place
    anchor: Appointment | None  # the last held or kept: the rest count from it
    reasons: list[str]


def _as_booked(
    plan: TreatmentPlan,
    rows: list[Appointment],
    *,
    now: datetime,
    lapsed: Callable[[Appointment], bool],
) -> _AsBooked | None:
    """The course as booked (its appointments but the cancelled ones, by start): what took
    place, what is to come, and how much of that still fits, each session in its window from
    the one before. None when nothing is booked."""
    held = [
        a
        for a in rows
        if a.status in (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)
        or (a.status == AppointmentStatus.BOOKED and a.starts_at <= now)
    ]
    coming = [a for a in rows if a.status == AppointmentStatus.BOOKED and a.starts_at > now]
    missed = [a for a in rows if a.status == AppointmentStatus.NO_SHOW]
    if not coming and not held:
        return None
    window = plan.window
    needed = max(plan.sessions - len(held), 0)
    reasons = []
    if missed:
        numbers = ", ".join(str(a.session_number) for a in missed)
        reasons.append(f"Session {numbers} was missed and is still owed.")
    anchor = held[-1] if held else None
    kept: list[Appointment] = []
    for appointment in coming:
        if len(kept) == needed:
            break
        if anchor is not None:
            gap = (local_day(appointment.starts_at) - local_day(anchor.starts_at)).days
            # After a lapse the course starts again: the next session booked is its restart.
            restart = not kept and lapsed(anchor)
            if not window.contains(gap) and not (restart and gap > window.max_days):
                reasons.append(
                    f"Session {len(held) + len(kept) + 1} would be {gap} days after the one "
                    f"before, outside the window of {window.min_days} to {window.max_days} days."
                )
                break
        kept.append(appointment)
        anchor = appointment
    return _AsBooked(held, coming, missed, kept, needed, anchor, reasons)


def course_stands(plan: TreatmentPlan, appointments: list[Appointment], *, now: datetime) -> bool:
    """Whether the course is valid as booked, so that re-planning it would change nothing,
    from its appointments as a page has read them (any order, cancelled ones too): no query,
    but for the booking policy when a window has lapsed. The course page works the re-plan
    out (course_fix_propose) only when this says it would change something."""
    rows = sorted(
        (a for a in appointments if a.status != AppointmentStatus.CANCELLED),
        key=lambda a: a.starts_at,
    )
    policy: list[BookingPolicy] = []

    def lapsed(anchor: Appointment) -> bool:
        policy[:] = policy or [BookingPolicy.current()]
        return _lapsed(anchor, plan, now=now, policy=policy[0])

    course = _as_booked(plan, rows, now=now, lapsed=lapsed)
    if course is None:
        return True
    to_place = course.needed - len(course.kept)
    surplus = len(course.coming) - len(course.kept) - to_place
    renumbered = any(
        a.session_number not in (None, len(course.held) + n)
        for n, a in enumerate(course.kept, start=1)
    )
    return to_place == 0 and surplus <= 0 and not renumbered


def _lapsed(
    anchor: Appointment, plan: TreatmentPlan, *, now: datetime, policy: BookingPolicy
) -> bool:
    """Whether the next session's window after the anchor has closed before it could be booked
    (a no-show recorded late, a course left waiting): the course then starts again."""
    closes = local_day(anchor.starts_at) + timedelta(days=plan.window.max_days)
    return closes < local_day(now + timedelta(minutes=policy.minimum_notice_minutes))


def _place(
    plan: TreatmentPlan,
    *,
    anchor: Appointment | None,
    number: int,
    count: int,
    now: datetime,
    policy: BookingPolicy,
) -> list[ProposedSession]:
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        raise CourseUnfixable("The clinic has no treatment set up for this concern any more.")
    if anchor is None or _lapsed(anchor, plan, now=now, policy=policy):
        proposal = propose_series(
            treatment_type=treatment_type,
            sessions=count,
            window=plan.window,
            now=now,
            policy=policy,
            alternatives=False,
        )
        if not isinstance(proposal, SeriesProposal):
            raise CourseUnfixable(proposal.reason)
        return [replace(p, number=number + p.number) for p in proposal.sessions]
    after = ProposedSession(
        number=number,
        starts_at=anchor.starts_at,
        doctor_id=anchor.doctor_id,
        device_id=anchor.device_id,
        room_id=anchor.room_id,
        gap_days=None,
        window_opens=None,
        window_closes=None,
    )
    day = local_day(anchor.starts_at)
    for doctor_id in (anchor.doctor_id, None):  # the same doctor if possible
        calendar = open_calendar(
            treatment_type,
            first_day=day + timedelta(days=plan.window.min_days),
            last_day=day + timedelta(days=plan.window.max_days),
        )
        following = propose_following(
            calendar=calendar,
            after=after,
            count=count,
            window=plan.window,
            doctor_id=doctor_id,
            now=now,
            policy=policy,
        )
        if following is not None:
            return following
    opens = day + timedelta(days=plan.window.min_days)
    closes = day + timedelta(days=plan.window.max_days)
    raise CourseUnfixable(
        gettext(
            "Session %(number)s cannot be placed between %(first)s and %(last)s with the rest "
            "of the course after it: please call the clinic."
        )
        % {"number": number + 1, "first": short_day(opens), "last": short_day(closes)}
    )


def course_fix_propose(plan: TreatmentPlan, *, now: datetime | None = None) -> CourseFix | None:
    """What re-planning the rest of the course would change, or None if it is valid as booked.
    Raises CourseUnfixable if the rest cannot be placed. Changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        fix, _ = _work_out(plan, now=now, policy=BookingPolicy.current())
        transaction.set_rollback(True)
    return fix


def course_fix_apply(
    *, plan: TreatmentPlan, fingerprint: str, by: User, now: datetime | None = None
) -> CourseFix:
    """Apply the re-plan that was shown (its fingerprint), in one transaction."""
    if plan.patient_id != by.pk and not has_role(by, *STAFF):
        raise PermissionDenied("Not your course.")
    if not plan.is_open:
        raise ValidationError("This course is closed.")
    now = now or timezone.now()
    try:
        with transaction.atomic():
            fix, coming = _work_out(plan, now=now, policy=BookingPolicy.current())
            if fix is None:
                raise ValidationError("The course is valid as it is booked: nothing to re-plan.")
            if fix.fingerprint != fingerprint:
                raise FixChanged(
                    "The calendars changed since this re-plan was shown. Please look again."
                )
            _write(plan, fix, coming, by=by, now=now)
    except (IntegrityError, OperationalError) as error:
        if is_double_booking(error):
            raise FixChanged("Someone booked one of those times a moment ago.") from None
        raise
    return fix


def _write(
    plan: TreatmentPlan, fix: CourseFix, coming: list[Appointment], *, by: User, now: datetime
) -> None:
    by_id = {a.pk: a for a in coming}
    placed: list[Appointment] = []
    was = {a.pk: a.starts_at for a in coming}
    # Every session still to come is out of the way first, so renumbering never meets a
    # number still held, then each final state is written in order.
    Appointment.objects.filter(pk__in=list(by_id)).update(status=AppointmentStatus.CANCELLED)
    treatment_type = next(iter(by_id.values())).treatment_type if by_id else None
    for step in fix.steps:
        if step.action == "cancel":
            target = by_id[step.appointment_id or 0]
            target.status = AppointmentStatus.CANCELLED
            target.cancelled_at = now
            target.cancel_reason = "Course re-planned: no longer needed."
            target.save()
            announce_visit_withdrawn(target, now=now)
            reminders_withdraw(target, rewrite_course=False)  # rewritten once, below
            continue
        if step.appointment_id is None:
            treatment_type = treatment_type or TreatmentType.objects.session_for(
                concern=plan.concern, area=plan.intake.get("area", "")
            )
            assert treatment_type is not None
            assert step.starts_at is not None
            target = Appointment(
                patient=plan.patient, treatment_type=treatment_type, plan=plan, created_by=by
            )
        else:
            target = by_id[step.appointment_id]
        assert step.starts_at is not None
        assert step.doctor_id is not None
        target.session_number = step.session
        target.occupy(
            step.starts_at,
            doctor_id=step.doctor_id,
            device_id=step.device_id,
            room_id=step.room_id,
        )
        target.save()
        if step.action in ("move", "add"):
            placed.append(target)
    if placed:
        reminders_plan(placed, now=now)
    else:
        reminders_course(plan, now=now)
    # The times the course gave up go to the waitlist.
    now_at = {a.pk: a.starts_at for a in coming if a.status == AppointmentStatus.BOOKED}
    for old_start in sorted({w for pk, w in was.items() if now_at.get(pk) != w}):
        announce_time_freed(starts_at=old_start, now=now)
