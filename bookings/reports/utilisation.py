"""Utilisation: of the time each doctor, laser device and room was available (its working hours
on the days of the range, less its absences and the clinic's closures), the share booked (each
visit's time with its buffer). Booked time is summed in the database, per resource and per day,
week or month; available time comes from the weekly hours, a few rows, day by day in the
clinic's zone (no loop over visits)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, DurationField, F, QuerySet, Sum
from django.db.models.functions import ExtractHour, ExtractIsoWeekDay

from bookings.calendars.availability import clinic_zone
from bookings.calendars.intervals import Interval, intersect, merge
from bookings.models import (
    Appointment,
    AppointmentStatus,
    Closure,
    Resource,
    ResourceKind,
    Unavailability,
    Weekday,
    WorkingHours,
)
from bookings.reports.period import Period
from bookings.reports.tables import COUNT, HOURS, SHARE, TEXT, Chart, Column, Report, Table, share

KINDS = [(kind.value, kind.label) for kind in ResourceKind]
KIND_PLURALS = {"doctor": "Doctors", "device": "Laser devices", "room": "Rooms"}
BOOKED_BY = "Counts each visit on the day it starts (the visit's date), in the clinic's time zone."


def held(period: Period) -> QuerySet[Appointment]:
    """Visits that held their resources in the range: all but cancelled ones (a no-show's time
    was kept for the patient)."""
    start, end = period.bounds
    return Appointment.objects.exclude(status=AppointmentStatus.CANCELLED).filter(
        starts_at__gte=start, starts_at__lt=end
    )


@dataclass
class Availability:
    """Minutes each resource was available on each local day of a period."""

    resources: list[Resource]
    minutes: dict[int, dict[date, float]]

    def total(self, resource_id: int) -> float:
        return sum(self.minutes.get(resource_id, {}).values())


def availability(period: Period) -> Availability:
    """Four small reads (resources, weekly hours, closures, absences), whatever the range."""
    zone = clinic_zone()
    start, end = period.bounds
    order = {kind: n for n, (kind, _) in enumerate(KINDS)}  # doctors, lasers, rooms
    resources = sorted(Resource.objects.all(), key=lambda r: (order[r.kind], r.name))
    week: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for resource_id, weekday, starts, ends in WorkingHours.objects.values_list(
        "resource_id", "weekday", "starts", "ends"
    ):
        week[resource_id][weekday].append(
            (starts.hour * 60 + starts.minute, ends.hour * 60 + ends.minute)
        )
    closed: set[date] = set()
    for first, last in Closure.objects.filter(
        starts_on__lte=period.last, ends_on__gte=period.first
    ).values_list("starts_on", "ends_on"):
        closed.update(first + timedelta(days=n) for n in range((last - first).days + 1))
    away: dict[int, list[Interval]] = defaultdict(list)
    for resource_id, leaves, returns in Unavailability.objects.filter(
        starts_at__lt=end, ends_at__gt=start
    ).values_list("resource_id", "starts_at", "ends_at"):
        away[resource_id].append((int(leaves.timestamp()), int(returns.timestamp())))

    open_days = [day for day in period.days() if day not in closed]
    minutes: dict[int, dict[date, float]] = {}
    for resource in resources:
        spans = week.get(resource.pk, {})
        daily = {weekday: sum(b - a for a, b in spans.get(weekday, ())) for weekday in range(7)}
        mine = {day: float(daily[day.weekday()]) for day in open_days if daily[day.weekday()]}
        for first_second, last_second in merge(away.get(resource.pk, ())):
            _take_away(mine, spans, first_second, last_second, zone)
        minutes[resource.pk] = mine
    return Availability(resources=resources, minutes=minutes)


def _take_away(
    mine: dict[date, float],
    spans: dict[int, list[tuple[int, int]]],
    away_from: int,
    away_until: int,
    zone: ZoneInfo,
) -> None:
    """Less the part of an absence that falls in the working hours of the days it touches."""
    day = datetime.fromtimestamp(away_from, UTC).astimezone(zone).date()
    last = datetime.fromtimestamp(away_until - 1, UTC).astimezone(zone).date()
    while day <= last:
        if day in mine:
            working = merge(
                (_instant(day, a, zone), _instant(day, b, zone))
                for a, b in spans.get(day.weekday(), ())
            )
            lost = sum(b - a for a, b in intersect(working, [(away_from, away_until)]))
            mine[day] = max(0.0, mine[day] - lost / 60)
        day += timedelta(days=1)


def _instant(day: date, minutes: int, zone: ZoneInfo) -> int:
    local = datetime(day.year, day.month, day.day, minutes // 60, minutes % 60, tzinfo=zone)
    return int(local.timestamp())


def booked_minutes(period: Period) -> dict[tuple[int, date], float]:
    """(resource id, first day of its day/week/month) -> minutes booked with buffers. One scan
    of the visits, summed per doctor, device, room and bucket together (a clinic pairs them in
    few ways, so a few rows a bucket), then shared out to each of the three."""
    rows = (
        held(period)
        .values("doctor_id", "device_id", "room_id", bucket=period.trunc("starts_at"))
        .annotate(reserved=Sum(F("reserved_until") - F("starts_at"), output_field=DurationField()))
        .order_by()
    )
    booked: dict[tuple[int, date], float] = defaultdict(float)
    for row in rows:
        minutes = row["reserved"].total_seconds() / 60
        for column in ("doctor_id", "device_id", "room_id"):
            if row[column] is not None:
                booked[row[column], row["bucket"]] += minutes
    return booked


def visits_by_hour(period: Period) -> dict[tuple[int, int], int]:
    """(ISO weekday 1-7, local hour) -> visits starting then."""
    zone = clinic_zone()
    rows = (
        held(period)
        .annotate(
            weekday=ExtractIsoWeekDay("starts_at", tzinfo=zone),
            hour=ExtractHour("starts_at", tzinfo=zone),
        )
        .values("weekday", "hour")
        .annotate(visits=Count("pk"))
        .order_by()
    )
    return {(row["weekday"], row["hour"]): row["visits"] for row in rows}


def utilisation_report(period: Period, *, resource: Resource | None = None) -> Report:
    available = availability(period)
    booked = booked_minutes(period)
    kind_of = {r.pk: r.kind for r in available.resources}

    booked_total: dict[int, float] = defaultdict(float)
    for (resource_id, _), minutes in booked.items():
        booked_total[resource_id] += minutes
    by_resource: list[list[str | int | float | None]] = []
    for r in available.resources:
        hours_available = available.total(r.pk) / 60
        hours_booked = booked_total.get(r.pk, 0.0) / 60
        if not hours_available and not hours_booked:
            continue
        name = r.name if r.active else f"{r.name} (inactive)"
        by_resource.append(
            [
                name,
                r.get_kind_display(),
                hours_available,
                hours_booked,
                share(hours_booked, hours_available),
            ]
        )

    buckets = period.buckets()
    kind_available: dict[tuple[str, date], float] = defaultdict(float)
    for resource_id, days in available.minutes.items():
        for day, minutes in days.items():
            kind_available[kind_of[resource_id], period.bucket(day)] += minutes
    kind_booked: dict[tuple[str, date], float] = defaultdict(float)
    for (resource_id, key), minutes in booked.items():
        kind_booked[kind_of[resource_id], key] += minutes
    columns = [Column(period.heading, TEXT)] + [
        Column(KIND_PLURALS[kind], SHARE, charted=True) for kind, _ in KINDS
    ]
    over_time: list[list[str | int | float | None]] = [
        [period.label(key)]
        + [share(kind_booked[kind, key], kind_available[kind, key]) for kind, _ in KINDS]
        for key in buckets
    ]
    if resource is not None:
        columns.append(Column(resource.name, SHARE, charted=True))
        open_minutes: dict[date, float] = defaultdict(float)
        for day, minutes in available.minutes.get(resource.pk, {}).items():
            open_minutes[period.bucket(day)] += minutes
        for row, key in zip(over_time, buckets, strict=True):
            row.append(share(booked.get((resource.pk, key), 0.0), open_minutes[key]))

    totals = {
        kind: share(
            sum(m for (k, _), m in kind_booked.items() if k == kind),
            sum(m for (k, _), m in kind_available.items() if k == kind),
        )
        for kind, _ in KINDS
    }
    summary = [(KIND_PLURALS[kind], Column("", SHARE).write(totals[kind])) for kind, _ in KINDS]
    return Report(
        slug="utilisation",
        title="Utilisation",
        intro=(
            "Booked time, with each treatment's clean-up buffer, as a share of the time each "
            "doctor, laser device and room was available: its working hours on the days of "
            "the range, less its absences and the clinic's closures. Cancelled visits free "
            "their time; a no-show's time stays booked."
        ),
        summary=summary,
        tables=[
            Table(
                slug="by-resource",
                title="Utilisation by resource",
                counts_by=BOOKED_BY,
                columns=[
                    Column("Resource", TEXT),
                    Column("Kind", TEXT),
                    Column("Available hours", HOURS),
                    Column("Booked hours", HOURS),
                    Column("Utilisation", SHARE, charted=True),
                ],
                rows=by_resource,
                chart=Chart("bar", horizontal=True),
            ),
            Table(
                slug="over-time",
                title=f"Utilisation by {period.grain}",
                counts_by=BOOKED_BY,
                columns=columns,
                rows=over_time,
                chart=Chart("line"),
            ),
            _heat_map(period),
        ],
    )


def _heat_map(period: Period) -> Table:
    counts = visits_by_hour(period)
    hours = sorted({hour for _, hour in counts}) or list(range(9, 18))
    hours = list(range(min(hours), max(hours) + 1))
    return Table(
        slug="busy-hours",
        title="Busy hours: visits starting in each hour",
        counts_by=(
            "Counts each visit by the weekday and hour it starts (the visit's date and time), "
            "in the clinic's time zone; the darker the cell, the busier the hour."
        ),
        columns=[Column("Weekday", TEXT)] + [Column(f"{hour:02d}:00", COUNT) for hour in hours],
        rows=[
            [label] + [counts.get((number + 1, hour), 0) for hour in hours]
            for number, label in Weekday.choices
        ],
        chart=Chart("heat"),
    )
