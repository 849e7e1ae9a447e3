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
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from bookings.calendars.intervals import (
    Interval,
    clip,
    contains,
    fitting_starts,
    intersect,
    merge,
    remove,
    restore,
)
from bookings.calendars.sql import (
    APPOINTMENT,
    CLOSURE,
    HOURS,
    RESOURCE,
    read_calendars,
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


def local_day(moment: datetime) -> date:
    """The clinic's calendar day of a moment: what windows and gaps count in."""
    return moment.astimezone(clinic_zone()).date()


def local_day_bounds(first: date, last: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC instants of local midnight at the start of `first` and the end of `last`."""
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return start.astimezone(UTC), end.astimezone(UTC)


def _seconds(moment: datetime) -> int:
    return int(moment.timestamp())


@dataclass
class Calendar:
    """Who is free when, over one span of time, for the resources one treatment needs.

    A calendar from `load_calendar` holds its whole span. One from `open_calendar` reads the
    local days a question touches when it is first asked (one query for each run of days not
    yet read), so a search that looks at a few weeks of a year-long horizon reads those weeks.
    """

    treatment_type: TreatmentType
    resources: dict[str, list[int]]  # kind -> ids of the resources able to serve
    starts: dict[int, list[Interval]]  # resource id -> when a reservation may start on it
    doctor: Resource | None = None
    lazy: bool = False
    read_days: list[tuple[date, date]] = field(default_factory=list)  # sorted, disjoint runs

    def ensure(self, *runs: tuple[date, date]) -> None:
        """Read, in one query, the days of these runs (first, last local day inclusive) that
        this calendar has not read yet."""
        if not self.lazy:
            return
        missing = _join_runs(
            [gap for first, last in runs for gap in _missing_runs(self.read_days, first, last)]
        )
        if not missing:
            return
        zone = clinic_zone()
        _, starts = _read(
            self.treatment_type,
            spans=[local_day_bounds(first, last, zone) for first, last in missing],
            doctor=self.doctor,
        )
        for resource_id, spans in starts.items():
            # New days never overlap days read before, and no reservation crosses midnight:
            # the two sorted lists only interleave (which sort() merges in linear time).
            existing = self.starts.setdefault(resource_id, [])
            existing += spans
            existing.sort()
        self.read_days = _join_runs([*self.read_days, *missing])

    def _ensure_seconds(self, lo: int, hi: int) -> None:
        if self.lazy:
            zone = clinic_zone()
            self.ensure(
                (
                    datetime.fromtimestamp(lo, zone).date(),
                    datetime.fromtimestamp(max(lo, hi - 1), zone).date(),
                )
            )

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
        if lo is not None and hi is not None:
            self._ensure_seconds(lo, hi)
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

    def free_at(
        self,
        starts_at: datetime,
        doctor_id: int | None = None,
        *,
        required: Mapping[str, int] | None = None,
        preferred: Mapping[str, int] | None = None,
    ) -> dict[str, int] | None:
        """The id of one free resource of each needed kind from `starts_at`, or None. A kind in
        `required` must be that resource; one in `preferred` is that resource when it is free
        (a visit moved on the desk keeps its room if it can)."""
        start = _seconds(starts_at)
        self._ensure_seconds(start, start + 1)
        required, preferred = required or {}, preferred or {}
        chosen: dict[str, int] = {}
        for kind in self.kinds():
            if kind in required:
                candidates = [required[kind]] if required[kind] in self.resources[kind] else []
            else:
                candidates = self._of_kind(kind, doctor_id)
                if preferred.get(kind) in candidates:
                    candidates = [preferred[kind], *candidates]
            found = next(
                (r for r in candidates if contains(self.starts[r], start, start + 1)),
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
        lo, hi = start - self.length + 1, start + self.length
        undo = {}
        for resource_id in chosen.values():
            # Nothing else may start on it within one reservation's length either side. Only
            # what is taken out is kept for `release`: days read meanwhile must stay.
            undo[resource_id] = clip(self.starts[resource_id], lo, hi)
            self.starts[resource_id] = remove(self.starts[resource_id], lo, hi)
        return undo

    def release(self, undo: dict[int, list[Interval]]) -> None:
        for resource_id, taken in undo.items():
            self.starts[resource_id] = restore(self.starts[resource_id], taken)


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


def _join_runs(runs: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """Sorted runs of days, overlapping or adjacent ones joined."""
    joined: list[tuple[date, date]] = []
    for first, last in sorted(runs):
        if joined and first <= joined[-1][1] + timedelta(days=1):
            if last > joined[-1][1]:
                joined[-1] = (joined[-1][0], last)
        else:
            joined.append((first, last))
    return joined


def _missing_runs(
    read: list[tuple[date, date]], first: date, last: date
) -> list[tuple[date, date]]:
    """The runs of days in first..last outside the (sorted, disjoint) runs already read."""
    missing = []
    day = first
    for run_first, run_last in read:
        if run_last < day:
            continue
        if run_first > last:
            break
        if run_first > day:
            missing.append((day, run_first - timedelta(days=1)))
        day = run_last + timedelta(days=1)
        if day > last:
            return missing
    if day <= last:
        missing.append((day, last))
    return missing


def load_calendar(
    treatment_type: TreatmentType,
    *,
    span_start: datetime,
    span_end: datetime,
    doctor: Resource | None = None,
    ignore_appointment: int | None = None,
) -> Calendar:
    """Read the calendars between two instants: one query, whatever the span."""
    resources, starts = _read(
        treatment_type,
        spans=[(span_start, span_end)],
        doctor=doctor,
        ignore_appointment=ignore_appointment,
    )
    return Calendar(treatment_type=treatment_type, resources=resources, starts=starts)


def open_calendar(
    treatment_type: TreatmentType,
    *,
    first_day: date,
    last_day: date,
    doctor: Resource | None = None,
) -> Calendar:
    """A calendar that reads each local day when a question first touches it (see Calendar).
    It reads first_day..last_day at once, which also gives the resources able to serve."""
    resources, starts = _read(
        treatment_type, spans=[local_day_bounds(first_day, last_day, clinic_zone())], doctor=doctor
    )
    return Calendar(
        treatment_type=treatment_type,
        resources=resources,
        starts=starts,
        doctor=doctor,
        lazy=True,
        read_days=[(first_day, last_day)],
    )


def _read(
    treatment_type: TreatmentType,
    *,
    spans: list[tuple[datetime, datetime]],
    doctor: Resource | None = None,
    ignore_appointment: int | None = None,
) -> tuple[dict[str, list[int]], dict[int, list[Interval]]]:
    """Who can serve, and when a reservation may start on each, over sorted, disjoint spans."""
    zone = clinic_zone()
    first_day = spans[0][0].astimezone(zone).date()
    last_day = spans[-1][1].astimezone(zone).date()
    rows = read_calendars(
        spans=spans,
        longest=LONGEST_RESERVATION,
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
    open_days = []  # (day, the bounds of its span in seconds)
    for span_start, span_end in spans:
        bounds = _seconds(span_start), _seconds(span_end)
        day = span_start.astimezone(zone).date()
        while day <= span_end.astimezone(zone).date():
            if day.toordinal() - epoch_day not in closed:
                open_days.append((day, bounds))
            day += timedelta(days=1)
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
                for day, (lower, upper) in open_days
                for opens, closes in week.get(day.weekday(), ())
            )
        # One resource's appointments never overlap (the database sees to it); sorted by start
        # they are fit to cut with. Absences may overlap them: merge then.
        cuts = sorted(busy.get(resource_id, []))
        if resource_id in away:
            cuts = merge([*cuts, *away[resource_id]])
        starts[resource_id] = fitting_starts(working_for[pattern], cuts, length)
    return resources, starts


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
