"""Free start times for a treatment, over every resource it needs.

One search reads the calendars with a fixed number of queries whatever the date range (the
resources, their hours, their absences, the closures, the active appointments), then works in
integer seconds: each resource's working intervals in the clinic's zone (so a 10:00 slot stays
10:00 local across a daylight-saving change), less its absences, closures and reservations; the
starts where it is free for the treatment and its buffer; the union over the resources of each
kind; the intersection over the kinds it needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
from django.db.models import BigIntegerField, Func
from django.utils import timezone

from bookings.intervals import Interval, contains, intersect, merge, starts_fitting, subtract
from bookings.models import (
    LONGEST_RESERVATION,
    Appointment,
    BookingPolicy,
    Closure,
    Resource,
    ResourceKind,
    TreatmentType,
    Unavailability,
    WorkingHours,
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


class EpochSeconds(Func):
    """A timestamp as whole seconds since the epoch, computed by the database: a 6-month search
    reads some 20,000 times, and integers cost far less to fetch than datetimes."""

    output_field = BigIntegerField()

    def as_postgresql(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        template = "CAST(EXTRACT(EPOCH FROM %(expressions)s) AS bigint)"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_sqlite(self, compiler, connection, **extra):  # type: ignore[no-untyped-def]
        # julianday() is fractional days; rounding guards against 09:59:59.9999.
        template = "CAST(ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0) AS integer)"
        return self.as_sql(compiler, connection, template=template, **extra)


@dataclass
class Calendar:
    """Who is free when, over one span of time, for the resources one treatment needs."""

    treatment_type: TreatmentType
    resources: dict[str, list[Resource]]  # kind -> resources able to serve
    free: dict[int, list[Interval]]  # resource id -> free intervals

    @property
    def reserved_seconds(self) -> int:
        return int(self.treatment_type.reserved.total_seconds())

    def kinds(self) -> list[str]:
        kinds = [ResourceKind.DOCTOR.value]
        if self.treatment_type.needs_device:
            kinds.append(ResourceKind.DEVICE.value)
        if self.treatment_type.needs_room:
            kinds.append(ResourceKind.ROOM.value)
        return kinds

    def feasible_starts(self) -> list[Interval]:
        """Starts at which one resource of every needed kind is free for the whole reservation."""
        length = self.reserved_seconds
        result: list[Interval] | None = None
        for kind in self.kinds():
            of_kind = merge(
                span
                for resource in self.resources[kind]
                for span in starts_fitting(self.free[resource.pk], length)
            )
            result = of_kind if result is None else intersect(result, of_kind)
        return result or []

    def free_at(self, starts_at: datetime) -> dict[str, Resource] | None:
        """One free resource of each needed kind for a reservation from `starts_at`, or None."""
        start = _seconds(starts_at)
        end = start + self.reserved_seconds
        chosen: dict[str, Resource] = {}
        for kind in self.kinds():
            resource = next(
                (r for r in self.resources[kind] if contains(self.free[r.pk], start, end)), None
            )
            if resource is None:
                return None
            chosen[kind] = resource
        return chosen


def load_calendar(
    treatment_type: TreatmentType,
    *,
    span_start: datetime,
    span_end: datetime,
    doctor: Resource | None = None,
    ignore_appointment: int | None = None,
) -> Calendar:
    """Read the calendars between two instants: five queries, whatever the span."""
    zone = clinic_zone()
    kinds = [ResourceKind.DOCTOR, ResourceKind.DEVICE, ResourceKind.ROOM]
    resources: dict[str, list[Resource]] = {kind.value: [] for kind in kinds}
    for resource in Resource.objects.active().filter(kind__in=kinds).order_by("name", "pk"):
        if resource.kind == ResourceKind.DOCTOR and doctor is not None and resource.pk != doctor.pk:
            continue
        if resource.kind == ResourceKind.DEVICE and not resource.treats(treatment_type.concern):
            continue
        resources[resource.kind].append(resource)
    ids = [r.pk for group in resources.values() for r in group]

    hours: dict[int, dict[int, list[tuple[int, int, int, int]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for resource_id, weekday, starts, ends in WorkingHours.objects.filter(
        resource_id__in=ids
    ).values_list("resource_id", "weekday", "starts", "ends"):
        hours[resource_id][weekday].append((starts.hour, starts.minute, ends.hour, ends.minute))

    first_day = span_start.astimezone(zone).date()
    last_day = span_end.astimezone(zone).date()
    closed: set[date] = set()
    for starts_on, ends_on in Closure.objects.filter(
        starts_on__lte=last_day, ends_on__gte=first_day
    ).values_list("starts_on", "ends_on"):
        day = starts_on
        while day <= ends_on:
            closed.add(day)
            day += timedelta(days=1)

    away: dict[int, list[Interval]] = defaultdict(list)
    for resource_id, starts_at, ends_at in Unavailability.objects.filter(
        resource_id__in=ids, starts_at__lt=span_end, ends_at__gt=span_start
    ).values_list("resource_id", "starts_at", "ends_at"):
        away[resource_id].append((_seconds(starts_at), _seconds(ends_at)))

    # starts_at bounded on both sides (no reservation is longer than LONGEST_RESERVATION), so
    # the index on starts_at reads only the span, not every later appointment.
    taken = Appointment.objects.active().filter(
        starts_at__gt=span_start - LONGEST_RESERVATION,
        starts_at__lt=span_end,
        reserved_until__gt=span_start,
    )
    if ignore_appointment is not None:
        taken = taken.exclude(pk=ignore_appointment)
    rows = taken.values_list(
        "doctor_id",
        "device_id",
        "room_id",
        EpochSeconds("starts_at"),
        EpochSeconds("reserved_until"),
    )
    busy: dict[int, list[Interval]] = defaultdict(list)
    wanted = set(ids)
    # Plain integers need none of the ORM's per-row conversions: read them off the cursor.
    sql, params = rows.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for doctor_id, device_id, room_id, start, until in cursor.fetchall():
            for resource_id in (doctor_id, device_id, room_id):
                if resource_id in wanted:
                    busy[resource_id].append((start, until))

    # Each local day's opening hours become UTC seconds through the zone, day by day, so a
    # daylight-saving change moves the UTC instants and never the local times.
    days = []
    day = first_day
    while day <= last_day:
        if day not in closed:
            days.append(day)
        day += timedelta(days=1)
    lower, upper = _seconds(span_start), _seconds(span_end)
    instants: dict[tuple[date, int, int], int] = {}

    def instant(day: date, hour: int, minute: int) -> int:
        # Resources share opening times: convert each local (day, time) once.
        key = (day, hour, minute)
        if key not in instants:
            instants[key] = _seconds(
                datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            )
        return instants[key]

    free: dict[int, list[Interval]] = {}
    for resource_id in ids:
        week = hours.get(resource_id, {})
        working = [
            (max(lower, instant(day, sh, sm)), min(upper, instant(day, eh, em)))
            for day in days
            for sh, sm, eh, em in week.get(day.weekday(), ())
        ]
        # One resource's appointments never overlap (the database sees to it) and come sorted
        # by start, so they are already fit to cut with; absences may overlap them: merge then.
        cuts = busy.get(resource_id, [])
        if resource_id in away:
            cuts = merge([*cuts, *away[resource_id]])
        free[resource_id] = subtract(merge(working), cuts)
    return Calendar(treatment_type=treatment_type, resources=resources, free=free)


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
    step = policy.slot_step_minutes * 60
    slots: list[datetime] = []
    for first, stop in calendar.feasible_starts():
        first = max(first, earliest)
        if first >= stop:
            continue
        # Align to the step in local wall-clock time (09:00, 09:15, ...), whatever the offset.
        offset = int(zone.utcoffset(datetime.fromtimestamp(first, UTC)).total_seconds())
        moment = -((-(first + offset)) // step) * step - offset
        while moment < stop:
            slots.append(datetime.fromtimestamp(moment, UTC))
            moment += step
    return slots
