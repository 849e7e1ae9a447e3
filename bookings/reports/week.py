"""This week at a glance, for the manager's home page: utilisation by kind, the visits, the
no-shows so far, the courses at risk and the messages that failed. A handful of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from bookings.calendars.availability import clinic_zone
from bookings.models import AppointmentStatus, Reminder, ReminderStatus
from bookings.reports.courses import TOOK_PLACE, courses_at_risk
from bookings.reports.period import Period, week_start
from bookings.reports.tables import SHARE, Column, share
from bookings.reports.utilisation import KIND_PLURALS, availability, booked_minutes, held


@dataclass(frozen=True)
class Week:
    period: Period
    utilisation: list[tuple[str, str]]  # (kind's plural, its share as written) for each kind
    visits: int
    taken_place: int
    no_shows: int
    at_risk: int
    failed_messages: int


def this_week(now: datetime | None = None) -> Week:
    now = now or timezone.now()
    monday = week_start(now.astimezone(clinic_zone()).date())
    period = Period(monday, monday + timedelta(days=6), "week")
    available = availability(period)
    booked = booked_minutes(period)
    kind_of = {r.pk: r.kind for r in available.resources}
    open_minutes = dict.fromkeys(KIND_PLURALS, 0.0)
    booked_by_kind = dict.fromkeys(KIND_PLURALS, 0.0)
    for resource_id in kind_of:
        open_minutes[kind_of[resource_id]] += available.total(resource_id)
    for (resource_id, _), minutes in booked.items():
        booked_by_kind[kind_of[resource_id]] += minutes
    visits = held(period).aggregate(
        visits=Count("pk"),
        taken_place=Count("pk", filter=Q(status__in=TOOK_PLACE)),
        no_shows=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
    )
    return Week(
        period=period,
        utilisation=[
            (plural, Column("", SHARE).write(share(booked_by_kind[kind], open_minutes[kind])))
            for kind, plural in KIND_PLURALS.items()
        ],
        visits=visits["visits"],
        taken_place=visits["taken_place"],
        no_shows=visits["no_shows"],
        at_risk=courses_at_risk(now).count(),
        failed_messages=Reminder.objects.filter(status=ReminderStatus.FAILED).count(),
    )
