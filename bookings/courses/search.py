"""Proposing a whole course: every session on resources that are really free, every gap inside
the plan's window and as near its ideal as the calendars allow.

The calendars are read once for the whole horizon (one query). Sessions are then chosen in
order: each one the free start nearest the ideal gap after the one before (then nearest the same
time of day, then earliest), held at once so that later sessions cannot take its resources.
When a later window has no room, the search backs up and tries the next-best earlier choice. If
the course cannot be placed, the answer says which session fails and why, and offers the
proposals that relaxing one wish would give (another doctor, any time of day, a later start).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from time import monotonic
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import gettext

from bookings.calendars.availability import (
    Calendar,
    aligned_starts,
    clinic_zone,
    local_day_bounds,
    open_calendar,
)
from bookings.models import BookingPolicy, ResourceKind, TreatmentType
from clinic.languages import short_day
from planner.rules import Window

FIRST_SEARCH_DAYS = 60  # how far ahead "earliest" looks for the first session
STRETCH_DAYS = 3  # the first session's search reads the calendars a few days at a time
NEAR_DAYS = 1  # a later session's search reads the days around its ideal day first
MAX_TRIES = 4000  # resource checks before the search gives up and explains
# The most work one search may do, whatever it is asked: its own time, shared with the
# alternatives it looks for when it fails. No input may hold a worker for longer.
SEARCH_SECONDS = 2.0
MAX_SESSIONS = 20  # twice the planner's ceiling; the search recurses once per session


class Band(StrEnum):
    MORNING = "morning"
    AFTERNOON = "afternoon"
    EVENING = "evening"


# Minutes after local midnight at which a session may start, per band.
BAND_MINUTES = {
    Band.MORNING: (6 * 60, 12 * 60),
    Band.AFTERNOON: (12 * 60, 17 * 60),
    Band.EVENING: (17 * 60, 23 * 60),
}


@dataclass(frozen=True)
class Preferences:
    weekdays: frozenset[int] = frozenset()  # 0 = Monday; empty: any day
    bands: frozenset[Band] = frozenset()  # empty: any time of day
    doctor_id: int | None = None  # a preferred doctor
    same_doctor: bool = True  # one doctor for the whole course


@dataclass(frozen=True)
class ProposedSession:
    number: int
    starts_at: datetime
    doctor_id: int
    device_id: int | None
    room_id: int | None
    gap_days: int | None  # days after the session before
    window_opens: date | None  # the window this session had to fall in
    window_closes: date | None


@dataclass(frozen=True)
class SeriesProposal:
    sessions: tuple[ProposedSession, ...]

    @property
    def fingerprint(self) -> str:
        """Names this proposal, so that a confirmation books only the course that was shown."""
        return ",".join(f"{int(s.starts_at.timestamp())}:{s.doctor_id}" for s in self.sessions)


@dataclass(frozen=True)
class SeriesFailure:
    session: int
    reason: str
    alternatives: tuple[tuple[str, SeriesProposal], ...] = field(default=())


@functools.lru_cache(maxsize=1 << 16)
def _local(moment: int, zone: ZoneInfo) -> tuple[int, int]:
    """The clinic's local day (its ordinal) and minute of the day of an instant in seconds:
    each start is looked at several times a search, and the same starts recur search after
    search (every quarter hour of the calendar), so each is converted once."""
    local = datetime.fromtimestamp(moment, zone)
    return local.toordinal(), local.hour * 60 + local.minute


@dataclass
class _Search:
    calendar: Calendar
    sessions: int
    window: Window
    preferences: Preferences
    earliest: int
    step_minutes: int
    first_only: int | None = None  # the first session's start, when the patient chose it
    deadline: float = field(default_factory=lambda: monotonic() + SEARCH_SECONDS)
    tries: int = 0
    deepest: int = 0
    deepest_window: tuple[date, date] | None = None

    def spent(self) -> bool:
        """Whether the search has done all the work it may (tries or time)."""
        return self.tries > MAX_TRIES or monotonic() > self.deadline

    def candidates(self, first: date, last: date, doctor_id: int | None) -> list[int]:
        zone = clinic_zone()
        lo, hi = (int(moment.timestamp()) for moment in local_day_bounds(first, last, zone))
        starts = []
        prefs = self.preferences
        for moment in aligned_starts(
            self.calendar.feasible_starts(lo, hi, doctor_id),
            step_minutes=self.step_minutes,
            earliest=self.earliest,
            zone=zone,
        ):
            if prefs.weekdays or prefs.bands:
                day, minutes = _local(moment, zone)
                if prefs.weekdays and (day - 1) % 7 not in prefs.weekdays:  # 0: Monday
                    continue
                if prefs.bands and not any(
                    BAND_MINUTES[band][0] <= minutes < BAND_MINUTES[band][1] for band in prefs.bands
                ):
                    continue
            starts.append(moment)
        return starts

    def ordered_candidates(
        self,
        number: int,
        previous: ProposedSession | None,
        doctor_id: int | None,
        first: date,
        last: date,
    ) -> Iterator[int]:
        """The free starts for a session in the order they are tried: the first session's
        earliest first; a later one's nearest the ideal gap, then nearest the time of day of
        the one before. Produced a stretch of days at a time, so that the calendar reads only
        the days the search reaches (usually the three days around the ideal day)."""
        zone = clinic_zone()
        if previous is None:
            day = first
            while day <= last:
                stretch_last = min(last, day + timedelta(days=STRETCH_DAYS - 1))
                for moment in self.candidates(day, stretch_last, doctor_id):
                    if number != 1 or self.first_only in (None, moment):
                        yield moment
                day = stretch_last + timedelta(days=1)
            return
        before = previous.starts_at.astimezone(zone)
        wanted = before.date() + timedelta(days=self.window.ideal_days)
        wanted_day = wanted.toordinal()
        minute = before.hour * 60 + before.minute

        def nearness(moment: int) -> tuple[int, int, int]:
            day, minutes = _local(moment, zone)
            return abs(day - wanted_day), abs(minutes - minute), moment

        # Every day within NEAR_DAYS of the ideal is nearer than every day beyond it, so trying
        # the near days first and the rest after keeps the order of one sort over the window.
        near_first = max(first, wanted - timedelta(days=NEAR_DAYS))
        near_last = min(last, wanted + timedelta(days=NEAR_DAYS))
        if near_first <= near_last:
            yield from sorted(self.candidates(near_first, near_last, doctor_id), key=nearness)
        self.calendar.ensure((first, last))  # the rest of the window, in one query
        near = range(near_first.toordinal(), near_last.toordinal() + 1)
        rest = [
            moment
            for moment in self.candidates(first, last, doctor_id)
            if _local(moment, zone)[0] not in near
        ]
        yield from sorted(rest, key=nearness)

    def read_ideal_path(self, number: int, day: date) -> None:
        """Read, in one query, the days around each later session's ideal day if every one
        lands on its ideal: where the calendars allow, the search needs no other days."""
        ideal, near = self.window.ideal_days, timedelta(days=NEAR_DAYS)
        self.calendar.ensure(
            *(
                (day + timedelta(days=k * ideal) - near, day + timedelta(days=k * ideal) + near)
                for k in range(1, self.sessions - number + 1)
            )
        )

    def place(
        self,
        number: int,
        previous: ProposedSession | None,
        doctor_id: int | None,
        first: date,
        last: date,
    ) -> list[ProposedSession] | None:
        zone = clinic_zone()
        if number > self.deepest:
            self.deepest, self.deepest_window = number, (first, last)
        for moment in self.ordered_candidates(number, previous, doctor_id, first, last):
            self.tries += 1
            if self.spent():
                return None
            starts_at = datetime.fromtimestamp(moment, UTC)
            doctors = (
                [doctor_id]
                if doctor_id is not None
                else self.calendar.resources[ResourceKind.DOCTOR]
            )
            for doctor in doctors:
                chosen = self.calendar.free_at(starts_at, doctor)
                if chosen is None:
                    continue
                local_day = starts_at.astimezone(zone).date()
                session = ProposedSession(
                    number=number,
                    starts_at=starts_at,
                    doctor_id=chosen[ResourceKind.DOCTOR],
                    device_id=chosen.get(ResourceKind.DEVICE),
                    room_id=chosen.get(ResourceKind.ROOM),
                    gap_days=(local_day - previous.starts_at.astimezone(zone).date()).days
                    if previous
                    else None,
                    window_opens=first if previous else None,
                    window_closes=last if previous else None,
                )
                if number == self.sessions:
                    return [session]
                self.read_ideal_path(number, local_day)
                undo = self.calendar.reserve(chosen, starts_at)
                keep = (
                    session.doctor_id
                    if self.preferences.same_doctor
                    else self.preferences.doctor_id
                )
                rest = self.place(
                    number + 1,
                    session,
                    keep,
                    local_day + timedelta(days=self.window.min_days),
                    local_day + timedelta(days=self.window.max_days),
                )
                self.calendar.release(undo)
                if rest is not None:
                    return [session, *rest]
                if self.spent():
                    return None
        return None


def propose_series(
    *,
    treatment_type: TreatmentType,
    sessions: int,
    window: Window,
    preferences: Preferences | None = None,
    first_start: datetime | None = None,
    now: datetime | None = None,
    policy: BookingPolicy | None = None,
    alternatives: bool = True,
    deadline: float | None = None,
) -> SeriesProposal | SeriesFailure:
    """The whole course, or why it cannot be placed and what would work instead. A course has
    1 to MAX_SESSIONS sessions (ValueError otherwise: the caller decides what a course with
    nothing left to book means). The search and its alternatives stop at `deadline`
    (time.monotonic()), SEARCH_SECONDS from now unless given."""
    if not 1 <= sessions <= MAX_SESSIONS:
        raise ValueError(f"A course to place has 1 to {MAX_SESSIONS} sessions, not {sessions}.")
    deadline = deadline or monotonic() + SEARCH_SECONDS
    preferences = preferences or Preferences()
    policy = policy or BookingPolicy.current()
    now = now or timezone.now()
    zone = clinic_zone()
    earliest = now + timedelta(minutes=policy.minimum_notice_minutes)
    first_day = (first_start or earliest).astimezone(zone).date()
    first_last = first_day if first_start else first_day + timedelta(days=FIRST_SEARCH_DAYS)
    calendar = open_calendar(
        treatment_type,
        first_day=first_day,
        last_day=min(first_last, first_day + timedelta(days=STRETCH_DAYS - 1)),
    )
    search = _Search(
        calendar=calendar,
        sessions=sessions,
        window=window,
        preferences=preferences,
        earliest=int((first_start or earliest).timestamp()),
        step_minutes=policy.slot_step_minutes,
        deadline=deadline,
    )
    if first_start is not None:
        if first_start < earliest:
            return SeriesFailure(1, "The first session is too soon: it needs more notice.")
        search.first_only = int(first_start.timestamp())
    placed = search.place(1, None, preferences.doctor_id, first_day, first_last)
    if placed is not None:
        return SeriesProposal(tuple(placed))
    number = max(search.deepest, 1)
    opens, closes = search.deepest_window or (first_day, first_last)
    if number == 1 and first_start is not None:
        reason = "The time chosen for the first session is not free."
        return _failed(
            SeriesFailure(1, reason),
            treatment_type,
            sessions,
            window,
            preferences,
            first_start,
            now,
            policy,
            alternatives,
            deadline,
        )
    reason = _no_free_time(
        number,
        opens,
        closes,
        doctor=bool(preferences.doctor_id or (preferences.same_doctor and number > 1)),
        chosen=bool(preferences.weekdays or preferences.bands),
    )
    if search.spent():
        reason = gettext("Session %(number)s could not be placed in time: %(reason)s") % {
            "number": number,
            "reason": reason,
        }
    return _failed(
        SeriesFailure(number, reason),
        treatment_type,
        sessions,
        window,
        preferences,
        first_start,
        now,
        policy,
        alternatives,
        deadline,
    )


def _failed(
    failure: SeriesFailure,
    treatment_type: TreatmentType,
    sessions: int,
    window: Window,
    preferences: Preferences,
    first_start: datetime | None,
    now: datetime,
    policy: BookingPolicy,
    alternatives: bool,
    deadline: float,
) -> SeriesFailure:
    if not alternatives:
        return failure
    relaxed = [
        ("with any doctor", replace(preferences, doctor_id=None, same_doctor=False), first_start),
        (
            "at any day and time",
            replace(preferences, weekdays=frozenset(), bands=frozenset()),
            first_start,
        ),
        ("from the earliest free time", preferences, None),
    ]
    found = []
    for label, wishes, start in relaxed:
        if wishes == preferences and start == first_start:
            continue
        if monotonic() > deadline:
            break
        proposal = propose_series(
            treatment_type=treatment_type,
            sessions=sessions,
            window=window,
            preferences=wishes,
            first_start=start,
            now=now,
            policy=policy,
            alternatives=False,
            deadline=deadline,
        )
        if isinstance(proposal, SeriesProposal):
            found.append((label, proposal))
    return replace(failure, alternatives=tuple(found))


def propose_following(
    *,
    calendar: Calendar,
    after: ProposedSession,
    count: int,
    window: Window,
    doctor_id: int | None,
    now: datetime,
    policy: BookingPolicy,
) -> list[ProposedSession] | None:
    """The `count` sessions that follow `after`, each inside the window from the one before,
    on a calendar already read (re-flowing the rest of a course after a move)."""
    if count == 0:
        return []
    if not 0 < after.number + count <= MAX_SESSIONS:
        raise ValueError(f"A course has at most {MAX_SESSIONS} sessions.")
    search = _Search(
        calendar=calendar,
        sessions=after.number + count,
        window=window,
        preferences=Preferences(doctor_id=doctor_id, same_doctor=doctor_id is not None),
        earliest=int((now + timedelta(minutes=policy.minimum_notice_minutes)).timestamp()),
        step_minutes=policy.slot_step_minutes,
    )
    day = after.starts_at.astimezone(clinic_zone()).date()
    return search.place(
        after.number + 1,
        after,
        doctor_id,
        day + timedelta(days=window.min_days),
        day + timedelta(days=window.max_days),
    )


def _no_free_time(number: int, opens: date, closes: date, *, doctor: bool, chosen: bool) -> str:
    """Why session `number` found no time, in the active language."""
    values = {"number": number, "first": short_day(opens), "last": short_day(closes)}
    if doctor and chosen:
        text = gettext(
            "No free time for session %(number)s between %(first)s and %(last)s with that "
            "doctor on the days and times you chose."
        )
    elif doctor:
        text = gettext(
            "No free time for session %(number)s between %(first)s and %(last)s with that doctor."
        )
    elif chosen:
        text = gettext(
            "No free time for session %(number)s between %(first)s and %(last)s on the days and "
            "times you chose."
        )
    else:
        text = gettext("No free time for session %(number)s between %(first)s and %(last)s.")
    return text % values
