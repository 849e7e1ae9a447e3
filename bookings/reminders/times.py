"""When each reminder of an appointment is due: plain functions of the appointment's time, the
clinic's schedule and its zone, with no database, so they can be property-tested.

Whole days before a visit count in the clinic's calendar, so a 10:00 session's 48-hour
reminder goes at 10:00 two days before even when the clocks change in between. Nothing is sent
in the clinic's quiet hours: a message due then waits for their end, or, if the visit would
have begun by then, goes just before they start.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

QUIET_MARGIN = timedelta(minutes=15)  # a message pulled before quiet hours goes this much before


@dataclass(frozen=True)
class Quiet:
    """Local hours with no message: [starts, ends), across midnight when starts > ends."""

    starts: time
    ends: time

    def contains(self, moment: time) -> bool:
        if self.starts == self.ends:
            return False
        if self.starts < self.ends:
            return self.starts <= moment < self.ends
        return moment >= self.starts or moment < self.ends


@dataclass(frozen=True)
class Schedule:
    pre_care_hours: int | None  # None: not sent
    soon_hours: int | None
    aftercare_at: time | None
    quiet: Quiet


def _at(day: date, moment: time, zone: ZoneInfo) -> datetime:
    # fold=0 and zoneinfo's normalisation give the first of a repeated time and the later
    # side of a skipped one.
    return datetime.combine(day, moment, tzinfo=zone).astimezone(UTC)


def outside_quiet(
    due: datetime, quiet: Quiet, zone: ZoneInfo, *, before: datetime | None
) -> datetime:
    """`due`, or the end of the quiet hours it falls in; or, if that end is not before
    `before` (the visit), the start of those quiet hours less a margin."""
    local = due.astimezone(zone)
    if not quiet.contains(local.time()):
        return due
    overnight = quiet.starts > quiet.ends
    end_day = local.date()
    if overnight and local.time() >= quiet.starts:
        end_day += timedelta(days=1)
    after = _at(end_day, quiet.ends, zone)
    if before is None or after < before:
        return after
    start_day = local.date()
    if overnight and local.time() < quiet.ends:
        start_day -= timedelta(days=1)
    return _at(start_day, quiet.starts, zone) - QUIET_MARGIN


def hours_before(starts_at: datetime, hours: int, zone: ZoneInfo) -> datetime:
    """`hours` before a visit, whole days counted on the clinic's calendar."""
    days, rest = divmod(hours, 24)
    local = starts_at.astimezone(zone)
    return _at(local.date() - timedelta(days=days), local.time(), zone) - timedelta(hours=rest)


def visit_reminders(
    starts_at: datetime, *, session: bool, schedule: Schedule, now: datetime, zone: ZoneInfo
) -> dict[str, datetime]:
    """The reminders due for a visit booked now, by kind: pre-care and aftercare for a laser
    session only, the short reminder for every visit. A reminder whose time has passed is
    left out, but for pre-care, which goes at once while there is still time to follow it."""
    due: dict[str, datetime] = {}
    soon_at = None
    if schedule.soon_hours is not None:
        soon_at = starts_at - timedelta(hours=schedule.soon_hours)
        soon_at = outside_quiet(soon_at, schedule.quiet, zone, before=starts_at)
        if soon_at > now:
            due["soon"] = soon_at
    if session and schedule.pre_care_hours is not None:
        pre_care = hours_before(starts_at, schedule.pre_care_hours, zone)
        pre_care = outside_quiet(max(pre_care, now), schedule.quiet, zone, before=starts_at)
        if pre_care < (soon_at or starts_at) and pre_care >= now:
            due["pre_care"] = pre_care
    if session and schedule.aftercare_at is not None:
        next_day = starts_at.astimezone(zone).date() + timedelta(days=1)
        aftercare = _at(next_day, schedule.aftercare_at, zone)
        due["aftercare"] = outside_quiet(aftercare, schedule.quiet, zone, before=None)
    return due


@dataclass(frozen=True)
class Course:
    """What the course messages are worked out from: the plan's numbers, and the local day of
    each session that is booked or took place (not cancelled, not missed)."""

    sessions: int
    min_days: int
    max_days: int
    review_after: int
    first_results_weeks: int
    held: dict[int, date]


@dataclass(frozen=True)
class CourseSchedule:
    first_results: bool
    book_next: bool
    closing_days: int  # 0: no nudge before the window closes
    review_after_days: int | None  # None: no review invitation
    at: time  # local time of day they go
    quiet: Quiet


def course_reminders(
    course: Course, *, schedule: CourseSchedule, now: datetime, zone: ZoneInfo
) -> list[tuple[int, str, datetime]]:
    """The course's messages still to come, as (session the message hangs on, kind, due):
    first results after session 1; "book your next session" when the first unbooked session's
    window opens, and a nudge before it closes; the review invitation after the review
    session. A message whose time has passed is not sent late."""

    def on(day: date) -> datetime:
        return outside_quiet(_at(day, schedule.at, zone), schedule.quiet, zone, before=None)

    due: list[tuple[int, str, datetime]] = []
    held = course.held
    if schedule.first_results and 1 in held:
        due.append((1, "first_results", on(held[1] + timedelta(weeks=course.first_results_weeks))))
    if schedule.review_after_days is not None and course.review_after in held:
        day = held[course.review_after] + timedelta(days=schedule.review_after_days)
        due.append((course.review_after, "review", on(day)))
    unbooked = next(
        (n for n in range(2, course.sessions + 1) if n not in held and n - 1 in held), None
    )
    if unbooked is not None:
        before = held[unbooked - 1]
        opens = before + timedelta(days=course.min_days)
        closes = before + timedelta(days=course.max_days)
        if schedule.book_next:
            due.append((unbooked - 1, "book_next", on(opens)))
        nudge = closes - timedelta(days=min(schedule.closing_days, (closes - opens).days // 2))
        if schedule.closing_days and nudge > opens:
            due.append((unbooked - 1, "window_closing", on(nudge)))
    return [(session, kind, at) for session, kind, at in due if at > now]
