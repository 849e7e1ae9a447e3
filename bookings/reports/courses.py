"""How courses are kept, the clinic's own measure: courses started and where they stand now,
the drop-off by session number, the gaps between sessions against their windows, the days
from the questionnaire to the first session, and the questionnaires that became approved and
booked courses. And the courses at risk: the next session's window closing within a week with
no session booked.

A session "took place" when the patient checked in or the visit was completed. A gap is the
whole local days between two consecutive sessions that took place, measured against the
course's window as courses/windows.py measures a move (Window.contains: shortest <= gap <=
longest). Everything is counted in the database: a window function (LAG) gives each session
the day of the one before it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import connections
from django.db.models import (
    Avg,
    Count,
    Exists,
    F,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Abs, Cast, Coalesce, Lag, TruncDate
from django.utils import timezone

from bookings.calendars.availability import clinic_zone
from bookings.models import Appointment, AppointmentStatus
from bookings.reports.period import Period
from bookings.reports.sql import AddDays, DaysBetween, local_date
from bookings.reports.tables import COUNT, DAYS, SHARE, TEXT, Chart, Column, Report, Table, share
from clinic.models import Intake, IntakeStatus
from planner.models import APPROVED_STATUSES, PlanRevision, PlanStatus, TreatmentPlan

TOOK_PLACE = [AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED]
STARTED_BY = (
    "Counts each course by the date of its first session that took place (the visit's date); "
    "where it stands is as of today."
)
GAPS_BY = (
    "Counts each gap by the date of the later of its two sessions (the visit's date), in the "
    "clinic's time zone."
)
INTAKE_BY = "Counts each questionnaire by the date the patient submitted it."
# How far ahead the manager is warned of a window closing.
AT_RISK_DAYS = 7
INTAKE_BUCKETS = [
    (0, 7, "Within a week"),
    (8, 14, "8 to 14 days"),
    (15, 28, "15 to 28 days"),
    (29, 56, "29 to 56 days"),
    (57, None, "More than 56 days"),
]


def _standing(status: str) -> str:
    if status in (PlanStatus.COMPLETED, PlanStatus.STOPPED):
        return status
    return "open"


def first_sessions(period: Period) -> QuerySet[Appointment]:
    """The first session of each course that started in the range (session 1, taken place:
    a missed session 1 is booked again under its number)."""
    start, end = period.bounds
    return Appointment.objects.filter(
        plan__isnull=False,
        session_number=1,
        status__in=TOOK_PLACE,
        starts_at__gte=start,
        starts_at__lt=end,
    )


def _started(period: Period) -> Table:
    firsts = first_sessions(period)
    counts: dict[tuple[date, str], int] = {}
    for row in (
        firsts.values(
            month=Period(period.first, period.last, "month").trunc("starts_at"),
            standing=F("plan__status"),
        )
        .annotate(courses=Count("plan_id", distinct=True))
        .order_by()
    ):
        key = (row["month"], _standing(row["standing"]))
        counts[key] = counts.get(key, 0) + row["courses"]
    rows: list[list[Any]] = []
    for month in period.months():
        still, done, stopped = (counts.get((month, s), 0) for s in ("open", "completed", "stopped"))
        rows.append([f"{month:%b %Y}", still + done + stopped, still, done, stopped])
    return Table(
        slug="started",
        title="Courses started, and where they stand",
        counts_by=STARTED_BY,
        columns=[
            Column("Month started", TEXT),
            Column("Started", COUNT),
            Column("In progress", COUNT, charted=True),
            Column("Completed", COUNT, charted=True),
            Column("Stopped", COUNT, charted=True),
        ],
        rows=rows,
        chart=Chart("bar", stacked=True, y_label="Courses"),
    )


def _drop_off(period: Period) -> Table:
    """Of the courses started in the range that reached session k, how many reached k + 1,
    and how many finished, stopped or wait there. One query: each course's last session that
    took place, grouped with its status."""
    last_held = (
        Appointment.objects.filter(plan=OuterRef("pk"), status__in=TOOK_PLACE)
        .order_by("-session_number")
        .values("session_number")[:1]
    )
    ended_at: dict[tuple[int, str], int] = {}
    for row in (
        TreatmentPlan.objects.filter(pk__in=first_sessions(period).values("plan_id"))
        .annotate(last=Subquery(last_held))
        .values("last", "status")
        .annotate(courses=Count("pk"))
        .order_by()
    ):
        key = (row["last"], _standing(row["status"]))
        ended_at[key] = ended_at.get(key, 0) + row["courses"]
    deepest = max((number for number, _ in ended_at), default=0)
    rows: list[list[Any]] = []
    for k in range(1, deepest + 1):
        reached = sum(n for (last, _), n in ended_at.items() if last >= k)
        went_on = sum(n for (last, _), n in ended_at.items() if last > k)
        finished, stopped, waiting = (
            ended_at.get((k, s), 0) for s in ("completed", "stopped", "open")
        )
        rows.append(
            [
                f"Session {k}",
                reached,
                went_on,
                share(went_on, reached),
                finished,
                stopped,
                share(stopped, reached),
                waiting,
            ]
        )
    return Table(
        slug="drop-off",
        title="Drop-off by session",
        counts_by=STARTED_BY,
        columns=[
            Column("Session", TEXT),
            Column("Reached it", COUNT, charted=True),
            Column("Went on to the next", COUNT, charted=True),
            Column("Share that went on", SHARE),
            Column("Finished the course there", COUNT),
            Column("Stopped there", COUNT, charted=True),
            Column("Share stopped there", SHARE),
            Column("Next still to come", COUNT),
        ],
        rows=rows,
        chart=Chart("bar", y_label="Courses"),
        note=(
            "Of the courses that reached a session, those that went on to the next; the rest "
            "finished the course there (its last session), were stopped there, or have their "
            "next session still to come."
        ),
    )


def window_then(key: str) -> Coalesce:
    """One bound of the course's window as it stood when the session took place: from the last
    revision of the plan made by then (its `after` snapshot), else the plan's own. So a course
    re-windowed after an adverse event does not count its earlier gaps against the new window,
    as the course record (bookings/visits/glance.py) does not either."""
    then = (
        PlanRevision.objects.filter(
            plan_id=OuterRef("plan_id"), created_at__lte=OuterRef("starts_at")
        )
        .order_by("-created_at", "-id")
        .annotate(bound=Cast(KT(f"after__{key}"), IntegerField()))
        .values("bound")[:1]
    )
    return Coalesce(Subquery(then), F(f"plan__{key}"), output_field=IntegerField())


def _gaps(period: Period) -> Table:
    """Each session that took place, with the day of the course's session before it (LAG over
    the course's sessions in order), summed per month."""
    start, end = period.bounds
    courses = Appointment.objects.filter(
        plan__isnull=False, status__in=TOOK_PLACE, starts_at__gte=start, starts_at__lt=end
    ).values("plan_id")
    sessions = Appointment.objects.filter(plan_id__in=courses, status__in=TOOK_PLACE).annotate(
        day=local_date("starts_at"),
        previous=Window(
            Lag("day"), partition_by=[F("plan_id")], order_by=F("session_number").asc()
        ),
        gap=DaysBetween(F("day"), F("previous")),
        shortest=window_then("interval_min_days"),
        longest=window_then("interval_max_days"),
        distance=Abs(F("gap") - window_then("interval_ideal_days")),
    )
    per_month = _sum_gaps_by_month(
        sessions.annotate(month=Period(period.first, period.last, "month").trunc("starts_at")),
        period,
    )
    rows: list[list[Any]] = []
    for month in period.months():
        gaps, within, distance = per_month.get(month, (0, 0, 0))
        rows.append(
            [
                f"{month:%b %Y}",
                gaps,
                within,
                gaps - within,
                share(within, gaps),
                share(distance, gaps),
            ]
        )
    return Table(
        slug="gaps",
        title="Gaps between sessions against their windows",
        counts_by=GAPS_BY,
        columns=[
            Column("Month", TEXT),
            Column("Gaps", COUNT),
            Column("Inside the window", COUNT),
            Column("Outside it", COUNT),
            Column("Share inside", SHARE, charted=True),
            Column("Mean distance from the ideal gap (days)", DAYS),
        ],
        rows=rows,
        chart=Chart("line"),
        note=(
            "A gap is the days between two consecutive sessions of a course that took place. "
            "It is inside the window when it is neither shorter than the course's shortest gap "
            "nor longer than its longest, as the course's window stood when the later session "
            "took place (a window lengthened after an adverse event counts from then on)."
        ),
    )


def _sum_gaps_by_month(
    sessions: QuerySet[Appointment], period: Period
) -> dict[date, tuple[int, int, int]]:
    """month -> (gaps, inside their window, days from the ideal, summed), for the gaps whose
    later session falls in the period. The ORM cannot group rows by a column computed over a
    window function, so the windowed query is wrapped in one grouping SELECT of plain SQL that
    both databases read alike."""
    inner = sessions.values(  # type: ignore[misc]  # annotations the plugin cannot see
        "month", "day", "previous", "gap", "shortest", "longest", "distance"
    )
    sql, params = inner.query.sql_with_params()
    grouped = f"""
        SELECT "month", COUNT(*),
               SUM(CASE WHEN "gap" >= "shortest" AND "gap" <= "longest" THEN 1 ELSE 0 END),
               SUM("distance")
        FROM ({sql}) AS "sessions"
        WHERE "previous" IS NOT NULL AND "day" >= %s AND "day" <= %s
        GROUP BY "month"
    """  # the inner SQL is the ORM's own, and every value in it a parameter
    with connections[inner.db].cursor() as cursor:
        cursor.execute(grouped, [*params, period.first, period.last])
        return {
            date.fromisoformat(str(month)[:10]): (int(gaps), int(inside), int(distance))
            for month, gaps, inside, distance in cursor.fetchall()
        }


def _intake_to_first(period: Period) -> tuple[Table, float | None]:
    waited = (
        first_sessions(period)
        .filter(plan__source_intake__submitted_at__isnull=False)
        .annotate(
            waited=DaysBetween(
                local_date("starts_at"), local_date("plan__source_intake__submitted_at")
            )
        )
    )
    buckets = {
        f"b{n}": Count(
            "pk",
            filter=Q(waited__gte=low, **({"waited__lte": high} if high is not None else {})),
        )
        for n, (low, high, _) in enumerate(INTAKE_BUCKETS)
    }
    figures = waited.aggregate(mean=Avg("waited"), **buckets)
    return Table(
        slug="intake-to-first-session",
        title="Days from the questionnaire to the first session",
        counts_by=(
            "Counts each course by the date of its first session that took place (the visit's "
            "date); the days run from the day the patient submitted the questionnaire."
        ),
        columns=[Column("Days", TEXT), Column("Courses", COUNT, charted=True)],
        rows=[[label, figures[f"b{n}"]] for n, (_, _, label) in enumerate(INTAKE_BUCKETS)],
        chart=Chart("bar", y_label="Courses"),
        note="Courses made from a questionnaire; one a doctor set up without one is left out.",
    ), figures["mean"]


def _conversion(period: Period) -> Table:
    start, end = period.bounds
    approved = Q(plan__approved_at__isnull=False) | Q(plan__status__in=APPROVED_STATUSES)
    booked = Q(plan__appointments__isnull=False)
    by_month = {
        row["month"]: row
        for row in Intake.objects.filter(
            status=IntakeStatus.SUBMITTED, submitted_at__gte=start, submitted_at__lt=end
        )
        .values(month=Period(period.first, period.last, "month").trunc("submitted_at"))
        .annotate(
            submitted=Count("pk", distinct=True),
            approved=Count("pk", distinct=True, filter=approved),
            booked=Count("pk", distinct=True, filter=booked),
        )
        .order_by()
    }
    rows: list[list[Any]] = []
    for month in period.months():
        row = by_month.get(month, {"submitted": 0, "approved": 0, "booked": 0})
        rows.append(
            [
                f"{month:%b %Y}",
                row["submitted"],
                row["approved"],
                share(row["approved"], row["submitted"]),
                row["booked"],
                share(row["booked"], row["submitted"]),
            ]
        )
    return Table(
        slug="conversion",
        title="From questionnaire to approved and booked course",
        counts_by=INTAKE_BY,
        columns=[
            Column("Month submitted", TEXT),
            Column("Questionnaires submitted", COUNT, charted=True),
            Column("Course approved by a doctor", COUNT, charted=True),
            Column("Approved share", SHARE),
            Column("Course booked", COUNT, charted=True),
            Column("Booked share", SHARE),
        ],
        rows=rows,
        chart=Chart("bar", y_label="Questionnaires"),
        note="A course counts as booked once any of its sessions was booked, kept or not.",
    )


def courses_report(period: Period) -> Report:
    started = _started(period)
    gaps = _gaps(period)
    waited, mean_wait = _intake_to_first(period)
    totals = [sum(int(row[i] or 0) for row in started.rows) for i in range(1, 5)]
    gap_count = sum(int(row[1] or 0) for row in gaps.rows)
    inside = sum(int(row[2] or 0) for row in gaps.rows)
    return Report(
        slug="courses",
        title="Courses",
        intro=(
            "How courses are kept: how many started and where they stand now, how many went "
            "on from each session, whether the gaps between sessions stayed inside their "
            "clinical windows, how long patients waited for their first session, and how many "
            "questionnaires became approved and booked courses."
        ),
        summary=[
            ("Courses started", str(totals[0])),
            ("Completed", str(totals[2])),
            ("Stopped", str(totals[3])),
            ("Gaps inside their window", Column("", SHARE).write(share(inside, gap_count))),
            ("Mean days to first session", Column("", DAYS).write(mean_wait)),
        ],
        tables=[started, _drop_off(period), gaps, waited, _conversion(period)],
    )


def courses_at_risk(now: datetime | None = None) -> QuerySet[TreatmentPlan]:
    """Open courses whose next session's window closes within AT_RISK_DAYS (today included)
    with no session booked: the window runs from the last session that took place. One pass
    over the open courses' sessions, grouped by course."""
    now = now or timezone.now()
    today = now.astimezone(clinic_zone()).date()
    held = Q(appointments__status__in=TOOK_PLACE)
    booked = Appointment.objects.filter(
        plan=OuterRef("pk"), status=AppointmentStatus.BOOKED, starts_at__gte=now
    )
    return (
        TreatmentPlan.objects.filter(status__in=[PlanStatus.APPROVED, PlanStatus.IN_PROGRESS])
        .exclude(Exists(booked))
        .annotate(
            last_at=Max("appointments__starts_at", filter=held),
            last_number=Max("appointments__session_number", filter=held),
        )
        .annotate(
            closes=AddDays(TruncDate("last_at", tzinfo=clinic_zone()), F("interval_max_days"))
        )
        .filter(
            last_number__lt=F("sessions"),
            closes__gte=today,
            closes__lte=today + timedelta(days=AT_RISK_DAYS),
        )
        .order_by("closes", "pk")
    )
