"""Benchmarks of the manager's reports over a year of a busy clinic: 8 doctors, 4 laser
devices, 4 rooms, open 07:00-21:00 Monday to Saturday, with 20,000 appointments over the last
twelve months and this week: about 1,800 courses of 3 to 6 sessions (some missed and booked
again, some stopped, some outside their windows, some waiting for a next session nobody
booked), consultations and single visits (completed, missed, cancelled early or late), 40,000
messages, questionnaires, and waitlist offers. Built with bulk_create, once per run.

Each report's page is timed over the last twelve months by week, as a manager opens it; and the
manager's home page (this week at a glance) on the same data."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import cache

from django.db import connection
from django.db.models import F
from django.test import Client
from django.utils import timezone

from bookings.calendars.availability import clinic_zone
from bookings.models import (
    Appointment,
    AppointmentStatus,
    EntryStatus,
    OfferStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
    Resource,
    ResourceKind,
    TreatmentKind,
    TreatmentType,
    WaitlistEntry,
    WaitlistOffer,
    WorkingHours,
)
from bookings.reports.period import Period
from clinic.bench import Timed, benchmark, expect_ok
from clinic.models import Intake, IntakeStatus, User
from clinic.roles import Role
from clinic.services import user_create
from planner.models import PlanStatus, TreatmentPlan
from planner.rules import Concern

APPOINTMENTS = 20_000
OPEN = clock(7)
BLOCK = timedelta(minutes=45)
BLOCKS = 18  # 07:00 to 20:30
COURSES = 1_800
MIN_GAP, IDEAL_GAP, MAX_GAP = 14, 28, 42


@cache
def year_clinic() -> tuple[Client, Period]:
    """Build the year once per run; a manager's client and the last twelve months."""
    rng = random.Random(18)
    zone = clinic_zone()
    today = timezone.localdate()

    def make(kind: str, name: str, **extra: object) -> Resource:
        resource = Resource.objects.create(kind=kind, name=name, **extra)
        WorkingHours.objects.bulk_create(
            WorkingHours(resource=resource, weekday=d, starts=OPEN, ends=clock(21))
            for d in range(6)
        )
        return resource

    doctors = [make(ResourceKind.DOCTOR, f"Dr Year {n}") for n in range(8)]
    concerns = [c.value for c in Concern]
    devices = [make(ResourceKind.DEVICE, f"Year laser {n}", concerns=concerns) for n in range(4)]
    rooms = [make(ResourceKind.ROOM, f"Year room {n}") for n in range(4)]
    consultation = TreatmentType.objects.create(
        name="Year consultation",
        kind=TreatmentKind.CONSULTATION,
        duration_minutes=20,
        needs_device=False,
    )
    session = TreatmentType.objects.create(
        name="Year pico session",
        kind=TreatmentKind.SESSION,
        concern=Concern.PIGMENTATION.value,
        duration_minutes=30,
        buffer_minutes=10,
    )
    desk = user_create(email="year-desk@example.com", role=Role.RECEPTIONIST)
    manager = user_create(email="year-manager@example.com", role=Role.MANAGER)
    patients = User.objects.bulk_create(
        User(email=f"year-{n}@example.com", password="!", first_name="Year", last_name=str(n))
        for n in range(COURSES + 3_000)
    )
    course_patients, walk_ins = patients[:COURSES], patients[COURSES:]

    # The grid: each room's 45-minute blocks, two a day left free, Monday to Saturday, from a
    # year ago to the end of this week.
    first_day = today - timedelta(days=364)
    last_day = today + timedelta(days=6 - today.weekday())
    free: dict[date, list[tuple[int, int]]] = {}
    day = first_day
    while day <= last_day:
        if day.weekday() < 6:
            free[day] = [
                (room, block)
                for block in range(BLOCKS)
                for room in range(4)
                if (block + room) % 9 != 4
            ]
        day += timedelta(days=1)
    now = timezone.now()

    def take(target: date) -> tuple[date, datetime, int] | None:
        """The first free block on or after `target`."""
        day = target
        while day <= last_day:
            if free.get(day):
                room, block = free[day].pop(0)
                starts = datetime.combine(day, OPEN, tzinfo=zone) + block * BLOCK
                return day, starts, room
            day += timedelta(days=1)
        return None

    appointments: list[Appointment] = []

    def book(
        patient: User, kind: TreatmentType, starts: datetime, room: int, **extra: object
    ) -> Appointment:
        past = starts < now
        appointment = Appointment(
            patient=patient,
            treatment_type=kind,
            doctor=doctors[2 * room + rng.randrange(2)],
            device=devices[room] if kind is session else None,
            room=rooms[room],
            starts_at=starts,
            ends_at=starts + kind.duration,
            reserved_until=starts + kind.reserved,
            status=AppointmentStatus.COMPLETED if past else AppointmentStatus.BOOKED,
            created_by=patient if rng.random() < 0.5 else desk,
            confirmed_at=starts - timedelta(days=2) if rng.random() < 0.6 else None,
            **extra,
        )
        appointments.append(appointment)
        return appointment

    # Courses: plans first (they need ids), from questionnaires submitted before them.
    starts_on = [first_day + timedelta(days=rng.randrange(330)) for _ in range(COURSES)]
    intakes = Intake.objects.bulk_create(
        Intake(
            patient=patient,
            status=IntakeStatus.SUBMITTED,
            submitted_at=datetime.combine(
                start - timedelta(days=rng.randrange(3, 60)), clock(19), tzinfo=zone
            ),
        )
        for patient, start in zip(course_patients, starts_on, strict=True)
    )
    Intake.objects.bulk_create(  # questionnaires that never became a course
        Intake(
            patient=walk_ins[n],
            status=IntakeStatus.SUBMITTED,
            submitted_at=datetime.combine(
                first_day + timedelta(days=rng.randrange(360)), clock(12), tzinfo=zone
            ),
        )
        for n in range(600)
    )
    plans = TreatmentPlan.objects.bulk_create(
        TreatmentPlan(
            patient=patient,
            concern=Concern.PIGMENTATION.value,
            status=PlanStatus.IN_PROGRESS,
            sessions=rng.choice([3, 4, 5, 6]),
            sessions_min=2,
            sessions_max=10,
            interval_min_days=MIN_GAP,
            interval_ideal_days=IDEAL_GAP,
            interval_max_days=MAX_GAP,
            review_after_session=2,
            first_results_from_weeks=4,
            first_results_to_weeks=8,
            intake={},
            source_intake=intake,
            policy_version="bench",
            approved_at=now,
        )
        for patient, intake in zip(course_patients, intakes, strict=True)
    )
    statuses: dict[int, str] = {}
    sessions_held: list[Appointment] = []
    for plan, start in zip(plans, starts_on, strict=True):
        stop_after = rng.randrange(1, plan.sessions) if rng.random() < 0.15 else None
        target, status = start, PlanStatus.COMPLETED
        for number in range(1, plan.sessions + 1):
            slot = take(target)
            if slot is None:
                status = PlanStatus.IN_PROGRESS
                break
            day, starts, room = slot
            if starts > now and rng.random() < 0.2:
                # The next session was never booked: some of these are at risk this week.
                free[day].insert(
                    0, (room, (starts - datetime.combine(day, OPEN, tzinfo=zone)) // BLOCK)
                )
                status = PlanStatus.IN_PROGRESS
                break
            if starts < now and rng.random() < 0.05:  # missed, and booked again a week later
                book(plan.patient, session, starts, room, plan=plan, session_number=number)
                appointments[-1].status = AppointmentStatus.NO_SHOW
                slot = take(day + timedelta(days=7))
                if slot is None:
                    status = PlanStatus.IN_PROGRESS
                    break
                day, starts, room = slot
            sessions_held.append(
                book(plan.patient, session, starts, room, plan=plan, session_number=number)
            )
            if starts > now:
                status = PlanStatus.IN_PROGRESS
            if stop_after == number:
                status = PlanStatus.STOPPED
                break
            gap = IDEAL_GAP + rng.randrange(-10, 11) + (20 if rng.random() < 0.1 else 0)
            target = day + timedelta(days=gap)
        statuses[plan.pk] = status
    for plan in plans:
        plan.status = statuses[plan.pk]
    TreatmentPlan.objects.bulk_update(plans, ["status"], batch_size=2000)

    # Consultations and single visits in the blocks left, until 20,000 appointments.
    walk_in = 0
    for day in sorted(free):
        while free[day] and len(appointments) < APPOINTMENTS:
            room, block = free[day].pop(0)
            starts = datetime.combine(day, OPEN, tzinfo=zone) + block * BLOCK
            kind = consultation if rng.random() < 0.6 else session
            visit = book(walk_ins[walk_in % len(walk_ins)], kind, starts, room)
            walk_in += 1
            if starts < now:
                roll = rng.random()
                if roll < 0.06:
                    visit.status = AppointmentStatus.NO_SHOW
                elif roll < 0.20:
                    visit.status = AppointmentStatus.CANCELLED
                    visit.cancelled_at = starts - timedelta(hours=rng.choice([2, 20, 50, 120]))
    Appointment.objects.bulk_create(appointments, batch_size=2000)

    channels = ["email", "email", "email", "sms", "sms", "whatsapp"]
    Reminder.objects.bulk_create(
        (
            Reminder(
                patient_id=visit.patient_id,
                appointment=visit,
                kind=kind,
                channel=rng.choice(channels),
                due_at=visit.starts_at - ahead,
                status=(
                    ReminderStatus.PENDING
                    if visit.starts_at - ahead > now
                    else ReminderStatus.FAILED
                    if (roll := rng.random()) < 0.03
                    else ReminderStatus.WITHDRAWN
                    if roll < 0.08
                    else ReminderStatus.SENT
                ),
                last_error="Refused" if rng.random() < 0.3 else "",
            )
            for visit in appointments
            for kind, ahead in (
                (ReminderKind.CONFIRMATION, timedelta(days=10)),
                (ReminderKind.PRE_CARE, timedelta(days=2)),
            )
        ),
        batch_size=5000,
    )

    # The waitlist: a session brought forward to a freed time (accepted), with that time
    # offered to others too (taken by another, declined, lapsed).
    entries, offers = [], []
    for visit in rng.sample([v for v in sessions_held if (v.session_number or 0) > 1], 400):
        for n, outcome in enumerate(
            [OfferStatus.ACCEPTED, OfferStatus.TAKEN, OfferStatus.DECLINED, OfferStatus.OPEN]
        ):
            other = plans[rng.randrange(len(plans))] if n else visit.plan
            assert other is not None
            entry = WaitlistEntry(
                patient_id=other.patient_id,
                plan=other,
                earliest=visit.starts_at.date(),
                latest=visit.starts_at.date() + timedelta(days=7),
                created_by=desk,
                status=EntryStatus.SERVED if n == 0 else EntryStatus.LEFT,
            )
            entries.append(entry)
            offers.append(
                WaitlistOffer(
                    entry=entry,
                    starts_at=visit.starts_at,
                    status=outcome,
                    expires_at=visit.starts_at - timedelta(days=2),
                )
            )
    WaitlistEntry.objects.bulk_create(entries, batch_size=2000)
    WaitlistOffer.objects.bulk_create(offers, batch_size=2000)
    WaitlistOffer.objects.update(created_at=F("starts_at") - timedelta(days=3))
    if connection.vendor == "postgresql":
        # A year loaded at once, before autovacuum has looked: give the planner the statistics
        # a clinic's database has after a year of use.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    client = Client()
    client.force_login(manager)
    return client, Period(today - timedelta(days=364), today, "week")


def _report(slug: str) -> Timed:
    client, year = year_clinic()
    return expect_ok(client, f"/manager/reports/{slug}/?{year.query}")


@benchmark("reports.year.utilisation", runs=30)
def utilisation_year() -> Timed:
    return _report("utilisation")


@benchmark("reports.year.utilisation_by_day", runs=30)
def utilisation_year_by_day() -> Timed:
    client, year = year_clinic()
    return expect_ok(client, f"/manager/reports/utilisation/?{year.query.replace('week', 'day')}")


@benchmark("reports.year.no_shows", runs=30)
def no_shows_year() -> Timed:
    return _report("no-shows")


@benchmark("reports.year.courses", runs=30)
def courses_year() -> Timed:
    return _report("courses")


@benchmark("reports.year.waitlist", runs=30)
def waitlist_year() -> Timed:
    return _report("waitlist")


@benchmark("reports.year.messages", runs=30)
def messages_year() -> Timed:
    return _report("messages")


@benchmark("reports.year.csv", runs=30)
def courses_csv_year() -> Timed:
    """One table's CSV: the whole report is built for it."""
    client, year = year_clinic()
    return expect_ok(client, f"/manager/reports/courses.csv?{year.query}&table=gaps")


@benchmark("reports.at_risk", runs=50)
def at_risk() -> Timed:
    client, _ = year_clinic()
    return expect_ok(client, "/manager/reports/courses-at-risk/")


@benchmark("reports.home", runs=100)
def manager_home() -> Timed:
    """The manager's home page: this week at a glance over the year's data."""
    client, _ = year_clinic()
    return expect_ok(client, "/manager/")
