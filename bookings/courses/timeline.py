"""A course as the patient follows it: each session done, booked or still to book, with the
window it must fall in (from the session before, as windows.py counts it), when first results
are expected, the doctor's review, and the care before the next session and after the last.

Pure over what the caller fetched (a plan, its appointments, its approval), so a home page with
several courses builds every timeline from a fixed number of queries."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bookings.calendars.availability import local_day
from bookings.models import Appointment, AppointmentStatus
from planner.models import PlanRevision, TreatmentPlan
from planner.rules.care import AFTERCARE, PRE_CARE
from planner.rules.entries import Cited

# A session missed or cancelled is booked again under its number (models/appointments.py).
GONE = (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW)
DONE = (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)


@dataclass(frozen=True)
class Step:
    """One session of the course. `state` is "done", "booked" or "to_book". The window is the
    days it may fall on; `estimated` when it counts from a session not booked yet (its ideal
    day), so the dates move once that one is booked."""

    number: int
    state: str
    appointment: Appointment | None = None
    window: tuple[date, date] | None = None
    estimated: bool = False
    is_next: bool = False
    review_after: bool = False

    @property
    def starts_at(self) -> datetime | None:
        return self.appointment.starts_at if self.appointment else None


@dataclass(frozen=True)
class Timeline:
    plan: TreatmentPlan
    steps: list[Step]
    first_results: tuple[date, date] | None
    approval: PlanRevision | None
    pre_care: tuple[Cited, ...] = field(default=PRE_CARE)
    aftercare: tuple[Cited, ...] = field(default=AFTERCARE)

    @property
    def done(self) -> int:
        return sum(step.state == "done" for step in self.steps)

    @property
    def next_step(self) -> Step | None:
        return next((step for step in self.steps if step.is_next), None)

    @property
    def to_book(self) -> Step | None:
        """The first session still to book: the course page books it."""
        return next((step for step in self.steps if step.state == "to_book"), None)

    @property
    def care_sources(self) -> list[str]:
        """Where the care advice comes from, each source once."""
        return list(dict.fromkeys(c.source for c in (*self.pre_care, *self.aftercare)))

    @property
    def finished(self) -> bool:
        return bool(self.steps) and all(step.state == "done" for step in self.steps)


def course_timeline(
    plan: TreatmentPlan,
    appointments: Iterable[Appointment],
    *,
    now: datetime,
    approval: PlanRevision | None = None,
) -> Timeline:
    """The plan's sessions 1..plan.sessions, from its appointments (any status: those that
    did not take place are skipped, their session is still to book)."""
    live = {
        a.session_number: a
        for a in sorted(appointments, key=lambda a: a.starts_at)
        if a.status not in GONE and a.session_number
    }
    window = plan.window
    steps: list[Step] = []
    anchor: date | None = None  # the day the session before falls on
    anchor_estimated = False
    found_next = False
    for number in range(1, plan.sessions + 1):
        appointment = live.get(number)
        session_window = None
        if number > 1 and anchor is not None:
            session_window = (
                anchor + timedelta(days=window.min_days),
                anchor + timedelta(days=window.max_days),
            )
        if appointment is None:
            state = "to_book"
        else:
            state = "done" if appointment.status in DONE else "booked"
        # The next step: the first session to book, or the first booked one not yet over.
        is_next = not found_next and (
            appointment is None or (state == "booked" and appointment.ends_at > now)
        )
        found_next = found_next or is_next
        steps.append(
            Step(
                number=number,
                state=state,
                appointment=appointment,
                window=session_window,
                # Counted from a session not booked: a guess, even for a booked session after it.
                estimated=anchor_estimated,
                is_next=is_next,
                review_after=number == plan.review_after_session and number < plan.sessions,
            )
        )
        if appointment is not None:
            anchor, anchor_estimated = local_day(appointment.starts_at), False
        elif anchor is not None:
            anchor, anchor_estimated = anchor + timedelta(days=window.ideal_days), True
        # A first session not booked leaves the rest without dates: it may be any day to come.
    first = live.get(1)
    first_results = None
    if first is not None:
        day = local_day(first.starts_at)
        first_results = (
            day + timedelta(weeks=plan.first_results_from_weeks),
            day + timedelta(weeks=plan.first_results_to_weeks),
        )
    # Pre-care is for a session to come: none once the course is over or closed.
    pre_care = PRE_CARE if found_next and plan.is_open else ()
    return Timeline(
        plan=plan,
        steps=steps,
        first_results=first_results,
        approval=approval,
        pre_care=pre_care,
    )
