"""Free start times for a treatment, over every resource it needs.

One search reads the calendars with one query whatever the date range (the resources, their
hours, their absences, the closures, the active appointments: see calendar_sql), then works in
integer seconds: each resource's working intervals in the clinic's zone (so a 10:00 slot stays
10:00 local across a daylight-saving change), less its absences, closures and reservations; the
starts where it is free for the treatment and its buffer; the union over the resources of each
kind; the intersection over the kinds it needs.
"""

from __future__ import annotations

import functools
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
    PATIENT,
    POLICY,
    POLICY_FIELDS,
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
    policy: BookingPolicy  # the clinic's, as read with the calendars
    patient_busy: list[Interval] = field(default_factory=list)  # the patient's own visits
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
        read = _read(
            self.treatment_type,
            spans=[local_day_bounds(first, last, zone) for first, last in missing],
            doctor=self.doctor,
        )
        for resource_id, spans in read.starts.items():
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

    def patient_free(self, starts_at: datetime, ends_at: datetime) -> bool:
        """Whether the patient read with the calendar has no visit overlapping this time."""
        start, end = _seconds(starts_at), _seconds(ends_at)
        return not any(begins < end and start < ends for begins, ends in self.patient_busy)

    def free_at(
        self,
        starts_at: datetime,
        doctor_id: int | None = None,
        *,
        required: Mapping[str, int] | None = None,
        preferred: Mapping[str, int] | None = None,
        spread: int = 0,
    ) -> dict[str, int] | None:
        """The id of one free resource of each needed kind from `starts_at`, or None. A kind in
        `required` must be that resource; one in `preferred` is that resource when it is free
        (a visit moved on the desk keeps its room if it can). Otherwise the first free one by
        id; for a device or a room, with `spread`, the first from that place on, round the list
        (so that bookings racing for the same time try different rooms)."""
        start = _seconds(starts_at)
        self._ensure_seconds(start, start + 1)
        required, preferred = required or {}, preferred or {}
        chosen: dict[str, int] = {}
        for kind in self.kinds():
            if kind in required:
                candidates = [required[kind]] if required[kind] in self.resources[kind] else []
            else:
                candidates = self._of_kind(kind, doctor_id)
                if spread and candidates and kind != ResourceKind.DOCTOR:
                    turn = spread % len(candidates)
                    candidates = [*candidates[turn:], *candidates[:turn]]
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
        offset = _utc_offset(first, zone)
        moment = -((-(first + offset)) // step) * step - offset
        while moment < stop:
            yield moment
            moment += step


@functools.lru_cache(maxsize=1 << 16)
def _utc_offset(moment: int, zone: ZoneInfo) -> int:
    """The zone's offset from UTC, in seconds, at an instant. Intervals of free time start at
    the same instants search after search (the hours, the ends of visits), so each is looked
    up once."""
    utc_offset = datetime.fromtimestamp(moment, zone).utcoffset()
    assert utc_offset is not None  # a ZoneInfo always knows its offset
    return int(utc_offset.total_seconds())


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
    patient_id: int | None = None,
) -> Calendar:
    """Read the calendars between two instants, with the booking policy and, given a patient,
    their own visits then: one query, whatever the span."""
    read = _read(
        treatment_type,
        spans=[(span_start, span_end)],
        doctor=doctor,
        ignore_appointment=ignore_appointment,
        patient_id=patient_id,
    )
    return Calendar(
        treatment_type=treatment_type,
        resources=read.resources,
        starts=read.starts,
        policy=read.policy,
        patient_busy=read.patient_busy,
    )


def open_calendar(
    treatment_type: TreatmentType,
    *,
    first_day: date,
    last_day: date,
    doctor: Resource | None = None,
) -> Calendar:
    """A calendar that reads each local day when a question first touches it (see Calendar).
    It reads first_day..last_day at once, which also gives the resources able to serve."""
    read = _read(
        treatment_type, spans=[local_day_bounds(first_day, last_day, clinic_zone())], doctor=doctor
    )
    return Calendar(
        treatment_type=treatment_type,
        resources=read.resources,
        starts=read.starts,
        policy=read.policy,
        doctor=doctor,
        lazy=True,
        read_days=[(first_day, last_day)],
    )


@dataclass
class _Read:
    """What one read of the calendars gives: who can serve, each one's working time and what
    cuts into it (absences, reservations), the booking policy, the patient's own visits."""

    resources: dict[str, list[int]]
    kinds: list[str]  # those the treatment needs
    working: dict[int, list[Interval]]  # shared by resources with the same weekly hours
    cuts: dict[int, list[Interval]]
    length: int  # seconds a reservation holds its resources
    policy: BookingPolicy
    patient_busy: list[Interval]

    @property
    def starts(self) -> dict[int, list[Interval]]:
        """When a reservation may start on each resource needed, over the whole read."""
        return {r: fitting_starts(self.working[r], self.cuts[r], self.length) for r in self.working}

    def feasible(self) -> list[Interval]:
        """The starts at which one resource of every kind needed is free (Calendar.
        feasible_starts, for the whole read), pruned: the kind with the fewest resources is
        worked out first, and each next kind only within the time the kinds before it left
        (a room booked all day rules that day out for every doctor at once)."""
        result: list[Interval] | None = None
        for kind in sorted(self.kinds, key=lambda k: len(self.resources[k])):
            if result is None:
                bases = self.working
            else:
                # The time a start in `result` would hold: from it to its end.
                held = merge((start, last + self.length - 1) for start, last in result)
                within: dict[int, list[Interval]] = {}
                bases = {}
                for r in self.resources[kind]:
                    shared = id(self.working[r])
                    if shared not in within:
                        within[shared] = intersect(self.working[r], held)
                    bases[r] = within[shared]
            of_kind = merge(
                span
                for r in self.resources[kind]
                for span in fitting_starts(bases[r], self.cuts[r], self.length)
            )
            result = of_kind if result is None else intersect(result, of_kind)
            if not result:
                return []
        return result or []


def _policy(values: tuple[int, ...] | None) -> BookingPolicy:
    """The booking policy from its row in the read (its other fields load if asked for); the
    row is made, as BookingPolicy.current() does, if a new clinic has none yet."""
    if values is None:
        return BookingPolicy.current()
    return BookingPolicy.from_db("default", ["id", *POLICY_FIELDS], [1, *values])


def _read(
    treatment_type: TreatmentType,
    *,
    spans: list[tuple[datetime, datetime]],
    doctor: Resource | None = None,
    ignore_appointment: int | None = None,
    patient_id: int | None = None,
) -> _Read:
    """Who can serve, and when a reservation may start on each, over sorted, disjoint spans;
    the booking policy; the patient's visits over the spans, given a patient."""
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
        patient_id=patient_id,
        devices=treatment_type.needs_device,
        rooms=treatment_type.needs_room,
    )
    resources: dict[str, list[int]] = {kind.value: [] for kind in ResourceKind}
    policy: tuple[int, ...] | None = None
    patient_busy: list[Interval] = []
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
        elif tag == POLICY:
            policy = (a, b, c, d)
        elif tag == PATIENT:
            patient_busy.append((c, d))
        else:
            away[resource_id].append((a, b))
    for key in resources:
        resources[key].sort()
    # Only the kinds the treatment needs are worked out (a laser session with no room: no room).
    needed = {ResourceKind.DOCTOR.value}
    if treatment_type.needs_device:
        needed.add(ResourceKind.DEVICE.value)
    if treatment_type.needs_room:
        needed.add(ResourceKind.ROOM.value)
    wanted = {r for kind in needed for r in resources[kind]}

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
    working: dict[int, list[Interval]] = {}
    cuts_of: dict[int, list[Interval]] = {}
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
        working[resource_id] = working_for[pattern]
        cuts_of[resource_id] = cuts
    return _Read(
        resources=resources,
        kinds=[kind for kind in ResourceKind if kind.value in needed],
        working=working,
        cuts=cuts_of,
        length=int(treatment_type.reserved.total_seconds()),
        policy=_policy(policy),
        patient_busy=patient_busy,
    )


def free_slots(
    treatment_type: TreatmentType,
    *,
    first_day: date,
    last_day: date,
    doctor: Resource | None = None,
    now: datetime | None = None,
    policy: BookingPolicy | None = None,
    patient_id: int | None = None,
) -> list[datetime]:
    """Every bookable start time (UTC) from `first_day` to `last_day`, local dates inclusive,
    on the clinic's slot step, no sooner than the minimum notice (the policy read with the
    calendars, unless given); for a patient, none while they are booked elsewhere."""
    zone = clinic_zone()
    read = _read(
        treatment_type,
        spans=[local_day_bounds(first_day, last_day, zone)],
        doctor=doctor,
        patient_id=patient_id,
    )
    policy = policy or read.policy
    earliest = _seconds((now or timezone.now()) + timedelta(minutes=policy.minimum_notice_minutes))
    feasible = read.feasible()
    if read.patient_busy:
        # Starts whose visit (not its buffer) would overlap one of theirs are taken out.
        length = int(treatment_type.duration.total_seconds())
        for begins, ends in sorted(read.patient_busy):
            feasible = remove(feasible, begins - length + 1, ends)
    return [
        datetime.fromtimestamp(moment, UTC)
        for moment in aligned_starts(
            feasible, step_minutes=policy.slot_step_minutes, earliest=earliest, zone=zone
        )
    ]
