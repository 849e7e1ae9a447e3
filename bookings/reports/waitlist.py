"""The waitlist: the freed times offered to waiting patients, what became of the offers, and
the hours of freed time filled again (the treatment time, with its buffer, of each visit booked
from an accepted offer that still stands). One query, grouped by month."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.utils import timezone

from bookings.models import Appointment, AppointmentStatus, OfferStatus, WaitlistOffer
from bookings.reports.period import Period
from bookings.reports.tables import COUNT, HOURS, SHARE, TEXT, Chart, Column, Report, Table, share

COUNTS_BY = (
    "Counts each offer by the date it was made (the offer's date), in the clinic's time zone."
)


def waitlist_report(period: Period) -> Report:
    start, end = period.bounds
    now = timezone.now()
    # The visit an accepted offer booked: the course's session at the time offered.
    filled = (
        Appointment.objects.filter(
            plan_id=OuterRef("entry__plan_id"), starts_at=OuterRef("starts_at")
        )
        .exclude(status=AppointmentStatus.CANCELLED)
        .annotate(
            minutes=F("treatment_type__duration_minutes") + F("treatment_type__buffer_minutes")
        )
        .values("minutes")[:1]
    )
    accepted = Q(status=OfferStatus.ACCEPTED)
    by_month = {
        row["month"]: row
        for row in WaitlistOffer.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(filled_minutes=Subquery(filled))
        .values(month=Period(period.first, period.last, "month").trunc("created_at"))
        .annotate(
            made=Count("pk"),
            accepted=Count("pk", filter=accepted),
            declined=Count("pk", filter=Q(status=OfferStatus.DECLINED)),
            taken=Count("pk", filter=Q(status=OfferStatus.TAKEN)),
            lapsed=Count("pk", filter=Q(status=OfferStatus.OPEN, expires_at__lte=now)),
            open=Count("pk", filter=Q(status=OfferStatus.OPEN, expires_at__gt=now)),
            times=Count("starts_at", distinct=True),
            times_filled=Count("starts_at", distinct=True, filter=accepted),
            minutes=Sum("filled_minutes", filter=accepted),
        )
        .order_by()
    }
    keys = ["made", "accepted", "declined", "lapsed", "taken", "open", "times", "times_filled"]
    rows: list[list[Any]] = []
    totals = dict.fromkeys([*keys, "minutes"], 0)
    for month in period.months():
        row = by_month.get(month, {})
        figures = [row.get(key, 0) for key in keys]
        minutes = row.get("minutes") or 0
        for key, value in zip(keys, figures, strict=True):
            totals[key] += value
        totals["minutes"] += minutes
        rows.append(
            [
                f"{month:%b %Y}",
                *figures[:6],
                share(figures[1], figures[0]),
                *figures[6:],
                minutes / 60,
            ]
        )
    return Report(
        slug="waitlist",
        title="Waitlist",
        intro=(
            "When a time frees, the patients whose window holds it are offered it at once; the "
            "first to accept has it. Here: the offers made, what became of them, and the freed "
            "time the waitlist filled again."
        ),
        summary=[
            ("Offers made", str(totals["made"])),
            ("Accepted", str(totals["accepted"])),
            ("Hours filled again", f"{totals['minutes'] / 60:.1f}"),
        ],
        tables=[
            Table(
                slug="offers",
                title="Offers and the time they filled",
                counts_by=COUNTS_BY,
                columns=[
                    Column("Month", TEXT),
                    Column("Offers made", COUNT, charted=True),
                    Column("Accepted", COUNT, charted=True),
                    Column("Declined", COUNT),
                    Column("Lapsed", COUNT),
                    Column("Taken by another patient", COUNT),
                    Column("Still open", COUNT),
                    Column("Acceptance rate", SHARE),
                    Column("Freed times offered", COUNT),
                    Column("Freed times filled", COUNT),
                    Column("Hours filled again", HOURS),
                ],
                rows=rows,
                chart=Chart("bar", y_label="Offers"),
                note=(
                    "One freed time may be offered to several patients at once, so there are "
                    "more offers than freed times. Hours filled again: the treatment time, "
                    "with its buffer, of each visit booked from an accepted offer and still "
                    "booked at that time."
                ),
            )
        ],
    )
