"""Benchmarks of the calendars, in a busy clinic: 8 doctors, 4 laser devices, 4 rooms, open
07:00-21:00 Monday to Saturday for 12 months, with 20,000 appointments booked: each room sees
16 patients a day and keeps two 45-minute blocks free, so every day has some free slots."""

from __future__ import annotations

import shutil
import tempfile
import time
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import cache
from pathlib import Path

from django.utils import timezone

from bookings.calendars.availability import clinic_zone, free_slots
from bookings.courses.search import SeriesProposal, propose_series
from bookings.desk.feeds import desk_events
from bookings.models import (
    Appointment,
    BookingPolicy,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderStatus,
    Resource,
    ResourceKind,
    TreatmentKind,
    TreatmentType,
    WorkingHours,
)
from clinic.bench import Timed, benchmark
from clinic.models import User
from clinic.processes import CeleryWorker, RedisServer, mail_reminder_ids, publish, wait_for
from planner.rules import Concern, Window

APPOINTMENTS = 20_000
OPEN, CLOSE = clock(7), clock(21)
BLOCK = timedelta(minutes=45)  # each room sees one patient every 45 minutes


@cache
def busy_clinic() -> tuple[TreatmentType, date]:
    """Build the clinic once per run; return the pico session type and the first booked day."""
    zone = clinic_zone()
    hours = [(day, OPEN, CLOSE) for day in range(6)]

    def make(kind: str, name: str, **extra: object) -> Resource:
        resource = Resource.objects.create(kind=kind, name=name, **extra)
        WorkingHours.objects.bulk_create(
            WorkingHours(resource=resource, weekday=d, starts=s, ends=e) for d, s, e in hours
        )
        return resource

    concerns = [concern.value for concern in Concern]
    doctors = [make(ResourceKind.DOCTOR, f"Dr Bench {n}") for n in range(8)]
    devices = [make(ResourceKind.DEVICE, f"Pico {n}", concerns=concerns) for n in range(4)]
    rooms = [make(ResourceKind.ROOM, f"Room {n}") for n in range(4)]
    consultation = TreatmentType.objects.create(
        name="Bench consultation",
        kind=TreatmentKind.CONSULTATION,
        duration_minutes=20,
        needs_device=False,
    )
    session = TreatmentType.objects.create(
        name="Bench pico session",
        kind=TreatmentKind.SESSION,
        concern=Concern.PIGMENTATION.value,
        duration_minutes=30,
        buffer_minutes=10,
    )
    # A patient per room: one patient is never in two rooms at once (the database refuses it).
    patients = [User.objects.create_user(f"bench-room-{r}-patient@example.com") for r in range(4)]

    # Each room runs its own day of back-to-back blocks with its two doctors and its device,
    # so the calendar is full but never double-booked.
    first_day = timezone.localdate() + timedelta(days=1)
    appointments: list[Appointment] = []
    day = first_day
    while len(appointments) < APPOINTMENTS:
        if day.weekday() < 6:
            for r, room in enumerate(rooms):
                start = datetime.combine(day, OPEN, tzinfo=zone)
                n = 0
                while start + BLOCK <= datetime.combine(day, CLOSE, tzinfo=zone):
                    kind = consultation if n % 5 < 3 else session
                    if (n + r) % 9 == 4:  # two free blocks a day, at times that vary by room
                        start += BLOCK
                        n += 1
                        continue
                    appointments.append(
                        Appointment(
                            patient=patients[r],
                            treatment_type=kind,
                            doctor=doctors[2 * r + n % 2],
                            device=devices[r] if kind is session else None,
                            room=room,
                            starts_at=start,
                            ends_at=start + kind.duration,
                            reserved_until=start + kind.reserved,
                            created_by=patients[r],
                        )
                    )
                    start += BLOCK
                    n += 1
        day += timedelta(days=1)
    Appointment.objects.bulk_create(appointments[:APPOINTMENTS], batch_size=2000)
    return session, first_day + timedelta(days=30)


def _search(days: int) -> Timed:
    session, first = busy_clinic()
    policy = BookingPolicy.current()
    now = timezone.now()

    def search() -> object:
        return free_slots(
            session,
            first_day=first,
            last_day=first + timedelta(days=days - 1),
            now=now,
            policy=policy,
        )

    return search


@benchmark("availability.day", runs=300)
def availability_day() -> Timed:
    return _search(1)


@benchmark("availability.week", runs=200)
def availability_week() -> Timed:
    return _search(7)


@benchmark("availability.6months", runs=50)
def availability_six_months() -> Timed:
    return _search(183)


def _desk(days: int) -> Timed:
    _, first = busy_clinic()

    def read() -> object:
        events, _ = desk_events(first, first + timedelta(days=days - 1))
        return events

    return read


@benchmark("calendar.day", runs=100)
def calendar_day() -> Timed:
    """The front desk's day: every resource's visits, hours and blocks, as the feed sends them."""
    return _desk(1)


@benchmark("calendar.week", runs=50)
def calendar_week() -> Timed:
    """The front desk's week for every resource of the busy clinic (about 380 visits)."""
    return _desk(7)


COURSE = Window(min_days=14, ideal_days=28, max_days=42)


@benchmark("series.propose", runs=30)
def series_propose() -> Timed:
    """A 10-session course from the earliest free time, over a 12-month horizon."""
    session, first = busy_clinic()
    policy = BookingPolicy.current()
    now = datetime.combine(first, OPEN, tzinfo=clinic_zone())

    def propose() -> object:
        result = propose_series(
            treatment_type=session, sessions=10, window=COURSE, now=now, policy=policy
        )
        if not isinstance(result, SeriesProposal):
            raise AssertionError(f"no course: {result}")
        return result

    return propose


@benchmark("series.per_day_loop", runs=10, warmup=1, compare_to="series.propose")
def series_per_day_loop() -> Timed:
    """The same course found the way day-based booking packages force it: one availability
    call per candidate day, nearest the ideal gap first, through each window."""
    session, first = busy_clinic()
    policy = BookingPolicy.current()
    zone = clinic_zone()
    now = datetime.combine(first, OPEN, tzinfo=zone)

    def loop() -> object:
        chosen: list[datetime] = []
        day = first
        while not chosen:
            slots = free_slots(session, first_day=day, last_day=day, now=now, policy=policy)
            chosen += slots[:1]
            day += timedelta(days=1)
        for _ in range(9):
            previous = chosen[-1].astimezone(zone)
            ideal = previous.date() + timedelta(days=COURSE.ideal_days)
            days = sorted(
                (
                    previous.date() + timedelta(days=n)
                    for n in range(COURSE.min_days, COURSE.max_days + 1)
                ),
                key=lambda d: abs((d - ideal).days),
            )
            for candidate in days:
                slots = free_slots(
                    session, first_day=candidate, last_day=candidate, now=now, policy=policy
                )
                if slots:
                    chosen.append(
                        min(slots, key=lambda s: abs(s.astimezone(zone).hour - previous.hour))
                    )
                    break
            else:
                raise AssertionError("no course")
        return chosen

    return loop


DUE_REMINDERS = 10_000


@benchmark("reminders.dispatch", runs=1, warmup=0, count_queries=False)
def reminders_dispatch() -> Timed:
    """10,000 reminders due at once, dispatched and sent by one worker process (solo pool)
    through a Redis of its own, to the file email backend: messages per second, and how many
    went twice (must be 0)."""
    busy_clinic()
    visits = Appointment.objects.order_by("pk")[:DUE_REMINDERS]
    due = timezone.now() - timedelta(minutes=1)
    Reminder.objects.bulk_create(
        (
            Reminder(
                patient_id=visit.patient_id,
                appointment=visit,
                kind=ReminderKind.CONFIRMATION,
                channel=ReminderChannel.EMAIL,
                due_at=due,
            )
            for visit in visits
        ),
        batch_size=2000,
    )
    folder = Path(tempfile.mkdtemp(prefix="bench-reminders-"))
    redis = RedisServer().start()
    worker = CeleryWorker(redis.url, folder).start()

    def dispatch() -> dict[str, object]:
        try:
            start = time.perf_counter()
            publish(redis.url, "bookings.reminders.tasks.dispatch_reminders")
            wait_for(
                lambda: (
                    Reminder.objects.filter(status=ReminderStatus.SENT).count() == DUE_REMINDERS
                ),
                timeout=3600,
                what=f"{DUE_REMINDERS} reminders to be sent",
                every=0.2,
            )
            elapsed = time.perf_counter() - start
            mailed = mail_reminder_ids(worker.mail)
        finally:
            worker.stop()
            redis.stop()
        if len(mailed) != DUE_REMINDERS:
            raise AssertionError(f"{len(mailed)} of {DUE_REMINDERS} reminders were mailed.")
        shutil.rmtree(folder)
        return {
            "messages": DUE_REMINDERS,
            "per_second": round(DUE_REMINDERS / elapsed, 1),
            "duplicates": sum(n - 1 for n in mailed.values()),
        }

    return dispatch


# The manager's reports over a year of their own clinic (bookings/reports/benchmarks.py).
from bookings.reports import benchmarks as _reports  # noqa: E402, F401
