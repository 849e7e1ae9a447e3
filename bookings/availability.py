"""Free start times for a treatment, over every resource it needs.

One search reads the calendars with one query whatever the date range (the resources, their
hours, their absences, the closures, the active appointments: see calendar_sql), then works in
integer seconds: each resource's working intervals in the clinic's zone (so a 10:00 slot stays
10:00 local across a daylight-saving change), less its absences, closures and reservations; the
starts where it is free for the treatment and its buffer; the union over the resources of each
kind; the intersection over the kinds it needs.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from bookings.calendar_sql import (
    APPOINTMENT,
    CLOSURE,
    HOURS,
    RESOURCE,
    read_calendars,
)
from bookings.intervals import (
    Interval,
    clip,
    contains,
    fitting_starts,
    intersect,
    merge,
    remove,
)
from bookings.models import (
    LONGEST_RESERVATION,
    BookingPolicy,
    Resource,
    ResourceKind,
    TreatmentType,
)


def clinic_zone() -> ZoneInfo:
    zone = timezone.get_default_timezone()
    assert isinstance(zone, ZoneInfo)
    return zone


def local_day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC instants of local midnight at the start of `first` and the end of `last`."""
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass
class Calendar:
    """Who is free when, over one span of time, for the resources one treatment needs."""

    treatment_type: TreatmentType
    resources: dict[str, list[int]]  # kind -> ids of the resources able to serve
    starts: dict[int, list[Interval]]  # resource id -> when a reservation may start on it

    def kinds(self) -> list[str]:
        kinds = [ResourceKind.DOCTOR.value]
        if self.treatment_type.needs_device:
            kinds.append(ResourceKind.DEVICE.value)
        if self.treatment_type.needs_room:
            kinds.append(ResourceKind.ROOM.value)
        return kinds

    @property
    def length(self) -> int:
        """Seconds a reservation holds its resources: the treatment and its buffer."""
        return int(self.treatment_type.reserved.total_seconds())

    def _of_kind(self, kind: str, doctor_id: int | None) -> list[int]:
        if kind == ResourceKind.DOCTOR and doctor_id is not None:
            return [doctor_id] if doctor_id in self.resources[kind] else []
        return self.resources[kind]

    def feasible_starts(
        self, lo: int | None = None, hi: int | None = None, doctor_id: int | None = None
    ) -> list[Interval]:
        """Starts (within [lo, hi) when given) at which one resource of every needed kind, and
        the given doctor when there is one, is free for the whole reservation."""
        result: list[Interval] | None = None
        for kind in self.kinds():
            of_kind = merge(
                span
                for resource_id in self._of_kind(kind, doctor_id)
                for span in (
                    self.starts[resource_id]
                    if lo is None or hi is None
                    else clip(self.starts[resource_id], lo, hi)
                )
            )
            result = of_kind if result is None else intersect(result, of_kind)
        return result or []

    def free_at(self, starts_at: datetime, doctor_id: int | None = None) -> dict[str, int] | None:
        """The id of one free resource of each needed kind from `starts_at`, or None."""
        start = _seconds(starts_at)
        chosen: dict[str, int] = {}
        for kind in self.kinds():
            found = next(
                (
                    r
                    for r in self._of_kind(kind, doctor_id)
                    if contains(self.starts[r], start, start + 1)
                ),
                None,
            )
            if found is None:
                return None
            chosen[kind] = found
        return chosen

    def reserve(self, chosen: dict[str, int], starts_at: datetime) -> dict[int, list[Interval]]:
        """Hold these resources from `starts_at` (for a series still being planned); returns
        what `release` needs to undo it."""
        start = _seconds(starts_at)
        undo = {}
        for resource_id in chosen.values():
            undo[resource_id] = self.starts[resource_id]
            # Nothing else may start on it within one reservation's length either side.
            self.starts[resource_id] = remove(
                self.starts[resource_id], start - self.length + 1, start + self.length
            )
        return undo

    def release(self, undo: dict[int, list[Interval]]) -> None:
        self.starts.update(undo)


def aligned_starts(
    intervals: list[Interval], *, step_minutes: int, earliest: int, zone: ZoneInfo
) -> Iterator[int]:
    """Each start in the intervals on the step of the local wall clock (09:00, 09:15, ...),
    no sooner than `earliest`, whatever the zone's offset that day."""
    step = step_minutes * 60
    for first, stop in intervals:
        first = max(first, earliest)
        if first >= stop:
            continue
        utc_offset = datetime.fromtimestamp(first, zone).utcoffset()
        assert utc_offset is not None  # a ZoneInfo always knows its offset
        offset = int(utc_offset.total_seconds())
        moment = -((-(first + offset)) // step) * step - offset
        while moment < stop:
            yield moment
            moment += step


def load_calendar(
    treatment_type: TreatmentType,
    *,
    span_start: datetime,
    span_end: datetime,
    doctor: Resource | None = None,
    ignore_appointment: int | None = None,
) -> Calendar:
    """Read the calendars between two instants: one query, whatever the span."""
    zone = clinic_zone()
    first_day = span_start.astimezone(zone).date()
    last_day = span_end.astimezone(zone).date()
    rows = read_calendars(
        span_start=span_start,
        span_end=span_end,
        earliest_start=span_start - LONGEST_RESERVATION,
        first_day=first_day,
        last_day=last_day,
        doctor_id=doctor.pk if doctor else None,
        ignore_appointment=ignore_appointment,
    )
    resources: dict[str, list[int]] = {kind.value: [] for kind in ResourceKind}
    hours: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    closed: set[int] = set()  # days since 1970-01-01
    away: dict[int, list[Interval]] = defaultdict(list)
    busy: dict[int | None, list[Interval]] = defaultdict(list)
    for tag, resource_id, a, b, c, d, text in rows:
        if tag == APPOINTMENT:
            # resource_id, a and b are the doctor, device and room; c to d is the reservation.
            # Every resource gets it, wanted or not: cheaper than asking.
            busy[resource_id].append((c, d))
            busy[a].append((c, d))
            busy[b].append((c, d))
        elif tag == HOURS:
            hours[resource_id][a].append((b, c))
        elif tag == RESOURCE:
            kind, _, concerns = text.partition(" ")
            if kind == ResourceKind.DEVICE and treatment_type.concern not in json.loads(concerns):
                continue
            resources[kind].append(resource_id)
        elif tag == CLOSURE:
            closed.update(range(a, b + 1))
        else:
            away[resource_id].append((a, b))
    for key in resources:
        resources[key].sort()
    wanted = {r for group in resources.values() for r in group}

    # Each local day's opening hours become UTC seconds through the zone, day by day, so a
    # daylight-saving change moves the UTC instants and never the local times.
    epoch_day = date(1970, 1, 1).toordinal()
    days = []
    day = first_day
    while day <= last_day:
        if day.toordinal() - epoch_day not in closed:
            days.append(day)
        day += timedelta(days=1)
    lower, upper = _seconds(span_start), _seconds(span_end)
    instants: dict[tuple[date, int], int] = {}

    def instant(day: date, minutes: int) -> int:
        # Resources share opening times: convert each local (day, time) once.
        key = (day, minutes)
        if key not in instants:
            local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=zone)
            instants[key] = _seconds(local)
        return instants[key]

    # Resources mostly share their weekly hours: build each distinct week's intervals once.
    working_for: dict[tuple[tuple[int, tuple[tuple[int, int], ...]], ...], list[Interval]] = {}
    length = int(treatment_type.reserved.total_seconds())
    starts: dict[int, list[Interval]] = {}
    for resource_id in wanted:
        week = hours.get(resource_id, {})
        pattern = tuple(sorted((weekday, tuple(sorted(spans))) for weekday, spans in week.items()))
        if pattern not in working_for:
            working_for[pattern] = merge(
                (max(lower, instant(day, opens)), min(upper, instant(day, closes)))
                for day in days
                for opens, closes in week.get(day.weekday(), ())
            )
        # One resource's appointments never overlap (the database sees to it); sorted by start
        # they are fit to cut with. Absences may overlap them: merge then.
        cuts = sorted(busy.get(resource_id, []))
        if resource_id in away:
            cuts = merge([*cuts, *away[resource_id]])
        starts[resource_id] = fitting_starts(working_for[pattern], cuts, length)
    return Calendar(treatment_type=treatment_type, resources=resources, starts=starts)


def free_slots(
    treatment_type: TreatmentType,
    *,
    first_day: date,
    last_day: date,
    doctor: Resource | None = None,
    now: datetime | None = None,
    policy: BookingPolicy | None = None,
) -> list[datetime]:
    """Every bookable start time (UTC) from `first_day` to `last_day`, local dates inclusive,
    on the clinic's slot step, no sooner than the minimum notice."""
    policy = policy or BookingPolicy.current()
    zone = clinic_zone()
    span_start, span_end = local_day_bounds(first_day, last_day, zone)
    calendar = load_calendar(
        treatment_type, span_start=span_start, span_end=span_end, doctor=doctor
    )
    earliest = _seconds((now or timezone.now()) + timedelta(minutes=policy.minimum_notice_minutes))
    return [
        datetime.fromtimestamp(moment, UTC)
        for moment in aligned_starts(
            calendar.feasible_starts(),
            step_minutes=policy.slot_step_minutes,
            earliest=earliest,
            zone=zone,
        )
    ]
