"""Writes on a whole course: book the series in one transaction, move a session (re-flowing the
rest when asked), cancel the rest of a course."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from bookings.appointments.events import announce_time_freed
from bookings.appointments.services import (
    RESOURCE_TRIES,
    STAFF,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    check_start,
    conflict,
    is_double_booking,
)
from bookings.calendars.availability import clinic_zone, load_calendar, local_day
from bookings.calendars.schema import Clash, clash_of
from bookings.courses.search import ProposedSession, SeriesProposal, propose_following
from bookings.courses.windows import move_effects, outside_window
from bookings.models import (
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    Resource,
    ResourceKind,
    TreatmentType,
)
from bookings.reminders.services import reminders_cancelled, reminders_plan
from clinic.models import User
from clinic.roles import has_role
from planner.models import TreatmentPlan


@transaction.atomic
def course_cancel_rest(
    *,
    plan: TreatmentPlan,
    by: User,
    reason: str,
    override: bool = False,
    now: datetime | None = None,
) -> list[Appointment]:
    """Cancel every session of the course still to come: all of them, or none if one of them
    may not be cancelled."""
    now = now or timezone.now()
    coming = list(
        Appointment.objects.select_for_update()
        .filter(plan=plan, status=AppointmentStatus.BOOKED, starts_at__gt=now)
        .order_by("starts_at")
    )
    if not coming:
        raise ValidationError(gettext("No session of this course is still to come."))
    cancelled = [
        appointment_cancel(
            appointment=a, by=by, reason=reason, override=override, now=now, tell=False
        )
        for a in coming
    ]
    reminders_cancelled(cancelled, now=now)  # one message for the course
    return cancelled


def course_next_session(plan: TreatmentPlan) -> tuple[int, tuple[date, date] | None] | None:
    """The course's first session not held (booked, checked in or completed), and the local
    days it may fall on: inside its window from the session held before it and, when a later
    one is held, with that one still inside its own window. None when every session is held;
    the days are None for a first session with nothing after it."""
    held = dict(
        Appointment.objects.filter(
            plan=plan,
            status__in=[
                AppointmentStatus.BOOKED,
                AppointmentStatus.CHECKED_IN,
                AppointmentStatus.COMPLETED,
            ],
        ).values_list("session_number", "starts_at")
    )
    number = next((n for n in range(1, plan.sessions + 1) if n not in held), None)
    if number is None:
        return None
    window = plan.window
    before = [n for n in held if n is not None and n < number]
    after = [n for n in held if n is not None and n > number]
    first, last = None, None
    if before:
        day = local_day(held[max(before)])
        first, last = day + timedelta(days=window.min_days), day + timedelta(days=window.max_days)
    if after:
        day = local_day(held[min(after)])
        earliest, latest = (
            day - timedelta(days=window.max_days),
            day - timedelta(days=window.min_days),
        )
        first = max(first, earliest) if first else earliest
        last = min(last, latest) if last else latest
    if first is None or last is None:
        return number, None
    return number, (first, last)


def course_session_book(
    *,
    plan: TreatmentPlan,
    starts_at: datetime,
    booked_by: User,
    doctor: Resource | None = None,
    device_or_room: Resource | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book the course's next session alone (at the desk: a patient on the phone), inside its
    window from the session before. Staff book inside the online notice."""
    if problem := plan.booking_problem:
        raise ValidationError(problem)
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        raise ValidationError(gettext("The clinic has no treatment set up for this concern yet."))
    with transaction.atomic():
        TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).exists()
        following = course_next_session(plan)
        if following is None:
            raise ValidationError(
                gettext("All %(sessions)s sessions of this course are booked.")
                % {"sessions": plan.sessions}
            )
        number, window = following
        if window is not None and window[0] > window[1]:
            raise ValidationError(
                f"No day fits session {number} between the sessions around it: re-plan the "
                "course from its page."
            )
        if window is not None and not window[0] <= local_day(starts_at) <= window[1]:
            raise ValidationError(
                f"Session {number} must fall between {window[0]:%a %d %b} and "
                f"{window[1]:%a %d %b}, inside its window from the sessions around it."
            )
        return appointment_book(
            patient=plan.patient,
            treatment_type=treatment_type,
            starts_at=starts_at,
            booked_by=booked_by,
            doctor=doctor,
            notice=False,
            now=now,
            plan=plan,
            session_number=number,
            device_or_room=device_or_room,
        )


COURSE_BOOKED = (
    "This course is booked already (perhaps a moment ago, in another window), so nothing more "
    "was booked: move a session instead."
)


class SeriesConflict(SlotUnavailable):
    """One session of a course was taken meanwhile; nothing of the course was booked."""

    def __init__(self, session: int, message: str) -> None:
        super().__init__(message)
        self.session = session


def series_book(
    *,
    plan: TreatmentPlan,
    proposal: SeriesProposal,
    booked_by: User,
    now: datetime | None = None,
) -> list[Appointment]:
    """Book every session of a proposed course in one transaction: all of them or none.

    The plan must be bookable (no hard stop, and reviewed by a doctor if its answers were
    flagged), the proposal must fit the plan's window, and each session must still be free:
    the database refuses a session someone took meanwhile, and the whole course is undone.
    """
    if problem := plan.booking_problem:
        raise ValidationError(problem)
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        raise ValidationError(gettext("The clinic has no treatment set up for this concern yet."))
    sessions = proposal.sessions
    window = plan.window
    zone = clinic_zone()
    for before, after in itertools.pairwise(sessions):
        gap = (
            after.starts_at.astimezone(zone).date() - before.starts_at.astimezone(zone).date()
        ).days
        if not window.contains(gap):
            raise ValidationError(
                f"Session {after.number} is {gap} days after the one before; this course needs "
                f"{window.min_days} to {window.max_days}."
            )
    now = now or timezone.now()
    policy = BookingPolicy.current()
    check_start(sessions[0].starts_at, policy=policy, now=now, notice=True)
    booked: list[Appointment] = []
    current = None
    try:
        with transaction.atomic():
            # One booking of a course at a time: a second request for the same course (another
            # tab, a double click, the desk and the patient at once) waits here, then finds it
            # booked, rather than racing it session by session.
            TreatmentPlan.objects.select_for_update().filter(pk=plan.pk).exists()
            if Appointment.objects.active().filter(plan=plan).exists():
                raise SlotUnavailable(COURSE_BOOKED)
            for current in sessions:
                booked.append(_book_session(plan, current, treatment_type, booked_by))
            # One confirmation for the course, with every session in it.
            reminders_plan(booked, now=now)
    except (IntegrityError, OperationalError) as error:
        if current is not None and is_double_booking(error):
            when = current.starts_at.astimezone(zone)
            raise SeriesConflict(
                current.number,
                str(
                    conflict(
                        error,
                        f"Session {current.number} ({when:%a %d %b, %H:%M}) was just taken by "
                        "someone else, so nothing was booked. Please look at the course again.",
                        patient_message=f"The patient already has an appointment at session "
                        f"{current.number}'s time ({when:%a %d %b, %H:%M}), so nothing was "
                        "booked.",
                    )
                ),
            ) from None
        raise
    return booked


def _book_session(
    plan: TreatmentPlan, session: ProposedSession, treatment_type: TreatmentType, booked_by: User
) -> Appointment:
    """Write one session of a course on the resources proposed. If one of them was taken
    meanwhile (another booking chose the same room at that instant), the same doctor's next
    free device and room at that time are tried before the course gives up."""
    resources = (session.doctor_id, session.device_id, session.room_id)
    for attempt in range(RESOURCE_TRIES):
        try:
            with transaction.atomic():
                return Appointment.objects.create(
                    patient=plan.patient,
                    treatment_type=treatment_type,
                    doctor_id=resources[0],
                    device_id=resources[1],
                    room_id=resources[2],
                    starts_at=session.starts_at,
                    ends_at=session.starts_at + treatment_type.duration,
                    reserved_until=session.starts_at + treatment_type.reserved,
                    plan=plan,
                    session_number=session.number,
                    created_by=booked_by,
                )
        except (IntegrityError, OperationalError) as error:
            if clash_of(error) != Clash.RESOURCE or attempt == RESOURCE_TRIES - 1:
                raise
            calendar = load_calendar(
                treatment_type,
                span_start=session.starts_at,
                span_end=session.starts_at + treatment_type.reserved,
            )
            chosen = calendar.free_at(session.starts_at, session.doctor_id)
            if chosen is None:
                raise
            resources = (
                chosen[ResourceKind.DOCTOR],
                chosen.get(ResourceKind.DEVICE),
                chosen.get(ResourceKind.ROOM),
            )
    raise AssertionError("unreachable: the last try returns or raises")


@transaction.atomic
def session_move(
    *,
    appointment: Appointment,
    new_start: datetime,
    by: User,
    reflow: bool = False,
    now: datetime | None = None,
    resource: tuple[str, int] | None = None,
    version: datetime | None = None,
    notice: bool = True,
) -> list[Appointment]:
    """Move one appointment; with `reflow`, plan the later sessions of its course again from it.

    A patient moves a visit only with the cancellation notice (BookingPolicy), as they cancel
    one; staff may move it any time. `notice=False` lets a patient take a sooner time the
    waitlist offered them, which frees theirs for the clinic to fill.

    Every gap of the course stays inside its window (DESIGN.md, invariant 2): a move that would
    push the next session out of its window is refused unless the rest is re-flowed. All in one
    transaction: the moving sessions are released first, so the calendars read see their time
    as free, and the database checks the final state.

    `resource` (kind, id) puts the visit on that doctor, device or room (dragged to its column
    on the desk); its other resources stay where they are when free. `version` is the visit's
    `updated_at` as the caller saw it: a visit changed since is refused (SlotUnavailable).
    """
    now = now or timezone.now()
    policy = BookingPolicy.current()
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("plan", "treatment_type")
        .get(pk=appointment.pk)
    )
    if version is not None and appointment.updated_at != version:
        raise SlotUnavailable(
            "This visit changed meanwhile (someone else moved or updated it): it is shown as "
            "it is now. Please look again."
        )
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
        raise ValidationError(gettext("Only an appointment still to come can move."))
    hours = policy.cancellation_notice_hours
    if notice and appointment.starts_at - now < timedelta(hours=hours) and not has_role(by, *STAFF):
        raise ValidationError(
            gettext("Moving needs %(hours)s hours' notice; please call the clinic.")
            % {"hours": hours}
        )
    check_start(new_start, policy=policy, now=now, notice=False)
    if problem := outside_window(appointment, new_start):
        raise ValidationError(problem)
    effects = move_effects(appointment, new_start)
    if not reflow and any(not effect.in_window for effect in effects):
        effect = effects[0]
        raise ValidationError(
            f"Session {effect.session} would then be {effect.gap_days} days later, outside its "
            "window: move the later sessions too (re-flow)."
        )
    later = (
        list(
            Appointment.objects.select_for_update(of=("self",))
            .active()
            .select_related("treatment_type")
            .filter(plan=appointment.plan, session_number__gt=appointment.session_number)
            .order_by("session_number")
        )
        if reflow and appointment.plan
        else []
    )
    moving = [appointment, *later]
    was = [target.starts_at for target in moving]
    Appointment.objects.filter(pk__in=[a.pk for a in moving]).update(
        status=AppointmentStatus.CANCELLED
    )
    treatment_type = appointment.treatment_type
    span_end = new_start + treatment_type.reserved
    if later and appointment.plan is not None:
        span_end = new_start + timedelta(days=len(later) * appointment.plan.window.max_days + 1)
    calendar = load_calendar(treatment_type, span_start=new_start, span_end=span_end)
    if resource is not None:
        current = {
            ResourceKind.DOCTOR.value: appointment.doctor_id,
            ResourceKind.DEVICE.value: appointment.device_id,
            ResourceKind.ROOM.value: appointment.room_id,
        }
        chosen = calendar.free_at(
            new_start,
            required={resource[0]: resource[1]},
            preferred={kind: pk for kind, pk in current.items() if pk is not None},
        )
    else:
        chosen = calendar.free_at(new_start, appointment.doctor_id) or calendar.free_at(new_start)
    if chosen is None:
        raise SlotUnavailable(gettext("That time is not free. Please choose another."))
    moved = ProposedSession(
        number=appointment.session_number or 1,
        starts_at=new_start,
        doctor_id=chosen[ResourceKind.DOCTOR],
        device_id=chosen.get(ResourceKind.DEVICE),
        room_id=chosen.get(ResourceKind.ROOM),
        gap_days=None,
        window_opens=None,
        window_closes=None,
    )
    plan_sessions = [moved]
    if later and appointment.plan is not None:
        calendar.reserve(chosen, new_start)
        following = propose_following(
            calendar=calendar,
            after=moved,
            count=len(later),
            window=appointment.plan.window,
            doctor_id=moved.doctor_id,
            now=now,
            policy=policy,
        )
        if following is None:
            raise SlotUnavailable(
                "The later sessions cannot all be placed inside their windows after that time."
            )
        plan_sessions += following
    try:
        with transaction.atomic():
            for target, placed in zip(moving, plan_sessions, strict=True):
                target.occupy(
                    placed.starts_at,
                    doctor_id=placed.doctor_id,
                    device_id=placed.device_id,
                    room_id=placed.room_id,
                )
                target.save()
            reminders_plan(
                [t for w, t in zip(was, moving, strict=True) if w != t.starts_at], now=now
            )
    except (IntegrityError, OperationalError) as error:
        if is_double_booking(error):
            raise conflict(error, "Someone booked that time a moment ago.") from None
        raise
    for old_start, target in zip(was, moving, strict=True):
        if old_start != target.starts_at:
            announce_time_freed(starts_at=old_start, now=now)
    return moving
