"""No-shows and late cancellations: of the visits still booked when the cancellation notice
began (BookingPolicy.cancellation_notice_hours before each), how many the patient missed and how
many were cancelled late; by month, by weekday, by whether the patient confirmed from the
message link, and by how the visit was booked. Conditional counts in the database, one
query whatever the range."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta
from typing import Any

from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.db.models.functions import ExtractIsoWeekDay
from django.utils import timezone

from bookings.calendars.availability import clinic_zone
from bookings.models import Appointment, AppointmentStatus, BookingPolicy, Weekday
from bookings.reports.period import Period
from bookings.reports.tables import COUNT, SHARE, TEXT, Chart, Column, Report, Table, share

COUNTS_BY = (
    "Counts each visit on the day it was booked for (the visit's date), in the clinic's time "
    "zone, once its time has come."
)
COLUMNS = [
    Column("Visits due", COUNT),
    Column("No-shows", COUNT),
    Column("No-show rate", SHARE, charted=True),
    Column("Late cancellations", COUNT),
    Column("Late cancellation rate", SHARE, charted=True),
]


def due(period: Period, notice_hours: int) -> tuple[QuerySet[Appointment], Q]:
    """Visits of the range whose time has come that were still booked when the notice began:
    all but those cancelled in good time. And what makes one a late cancellation."""
    start, end = period.bounds
    notice = timedelta(hours=notice_hours)
    late = Q(status=AppointmentStatus.CANCELLED, cancelled_at__gt=F("starts_at") - notice)
    visits = Appointment.objects.filter(
        starts_at__gte=start, starts_at__lt=min(end, timezone.now())
    ).filter(~Q(status=AppointmentStatus.CANCELLED) | late)
    return visits, late


FIGURES = ("due", "no_show", "late")


def _row(label: str, figures: dict[str, int]) -> list[Any]:
    visits, no_shows, late = (figures[key] for key in FIGURES)
    return [label, visits, no_shows, share(no_shows, visits), late, share(late, visits)]


def attendance_report(period: Period) -> Report:
    """One scan: the visits due counted per (month, weekday, confirmed, booked online), a few
    hundred rows at most, which the four tables add up their own way."""
    notice_hours = BookingPolicy.current().cancellation_notice_hours
    visits, late = due(period, notice_hours)
    groups = (
        visits.values(
            month=Period(period.first, period.last, "month").trunc("starts_at"),
            weekday=ExtractIsoWeekDay("starts_at", tzinfo=clinic_zone()),
            confirmed=ExpressionWrapper(Q(confirmed_at__isnull=False), BooleanField()),
            online=ExpressionWrapper(Q(created_by=F("patient")), BooleanField()),
        )
        .annotate(
            due=Count("pk"),
            no_show=Count("pk", filter=Q(status=AppointmentStatus.NO_SHOW)),
            late=Count("pk", filter=late),
        )
        .order_by()
    )
    tallies: dict[tuple[str, object], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(FIGURES, 0)
    )
    for group in groups:
        for key in (
            ("month", group["month"]),
            ("weekday", group["weekday"]),
            ("confirmed", bool(group["confirmed"])),
            ("online", bool(group["online"])),
            ("all", None),
        ):
            for figure in FIGURES:
                tallies[key][figure] += group[figure]
    month_rows = [_row(f"{month:%b %Y}", tallies["month", month]) for month in period.months()]
    weekday_rows = [
        _row(label, tallies["weekday", number + 1]) for number, label in Weekday.choices
    ]
    overall = _row("", tallies["all", None])
    return Report(
        slug="no-shows",
        title="No-shows and late cancellations",
        intro=(
            "Of the visits still booked when the cancellation notice began "
            f"({notice_hours} hours before each, the "
            "clinic's booking policy), the share the patient missed (no-shows) and the share "
            "cancelled after the notice began (late cancellations). Visits cancelled in good "
            "time are left out."
        ),
        summary=[
            ("Visits due", str(overall[1])),
            ("No-show rate", Column("", SHARE).write(overall[3])),
            ("Late cancellation rate", Column("", SHARE).write(overall[5])),
        ],
        tables=[
            Table(
                slug="by-month",
                title="By month",
                counts_by=COUNTS_BY,
                columns=[Column("Month", TEXT), *COLUMNS],
                rows=month_rows,
                chart=Chart("bar"),
            ),
            Table(
                slug="by-weekday",
                title="By weekday",
                counts_by=COUNTS_BY,
                columns=[Column("Weekday", TEXT), *COLUMNS],
                rows=weekday_rows,
                chart=Chart("bar"),
            ),
            Table(
                slug="by-confirmation",
                title="Confirmed from the message link, or not",
                counts_by=COUNTS_BY,
                columns=[Column("Visit", TEXT), *COLUMNS],
                rows=[
                    _row("Confirmed from the link", tallies["confirmed", True]),
                    _row("Not confirmed", tallies["confirmed", False]),
                ],
                chart=Chart("bar"),
                note=(
                    "A visit counts as confirmed when the patient pressed the confirm link in "
                    "the message before it; moving a visit clears its confirmation."
                ),
            ),
            Table(
                slug="by-booking",
                title="Booked online or at the desk",
                counts_by=COUNTS_BY,
                columns=[Column("Booked", TEXT), *COLUMNS],
                rows=[
                    _row("Online, by the patient", tallies["online", True]),
                    _row("At the desk, by staff", tallies["online", False]),
                ],
                chart=Chart("bar"),
            ),
        ],
    )
