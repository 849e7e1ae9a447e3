"""Benchmarks of the bookings, in a busy clinic: 8 doctors, 4 laser devices, 4 rooms, open
07:00-21:00 Monday to Saturday for 12 months, with 20,000 appointments booked: each room sees
16 patients a day and keeps two 45-minute blocks free, so every day has some free slots.

In it: free times, the front desk's calendar, the series search, reminders sent by a worker,
a consultation booked through the page, a course's page, and the booking page under load
(gunicorn, `make bench BENCH=load`). The peer's clinic, smaller, with the hand-written searches
it is compared with, is bookings/calendars/benchmarks.py; its course search is timed here."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Generator, Iterator
from datetime import date, datetime, timedelta
from datetime import time as clock
from functools import cache
from pathlib import Path
from urllib.parse import urlencode

from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from bookings.calendars.availability import clinic_zone, free_slots
from bookings.calendars.benchmarks import (
    PEER_COURSE,
    handwritten_course,
    peer_clinic,
    resource_with_hours,
)
from bookings.courses.search import (
    Preferences,
    SeriesProposal,
    propose_series,
)
from bookings.courses.services import series_book
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
from clinic.bench import Timed, benchmark, expect_ok
from clinic.loadtest import Answer, Gunicorn, drive
from clinic.loadtest import Request as LoadRequest
from clinic.models import User
from clinic.processes import CeleryWorker, RedisServer, mail_reminder_ids, publish, wait_for
from clinic.roles import Role
from clinic.services import user_create
from planner.models import TreatmentPlan
from planner.rules import Area, Concern, Intake, Severity, SunExposure, Window
from planner.services import plan_adjust, plan_approve, plan_create

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
    now = datetime.combine(first, OPEN, tzinfo=clinic_zone())
    return lambda: _per_day_loop(
        session, sessions=10, window=COURSE, first=first, now=now, policy=policy
    )


def _per_day_loop(
    treatment_type: TreatmentType,
    *,
    sessions: int,
    window: Window,
    first: date,
    now: datetime,
    policy: BookingPolicy,
    doctor: Resource | None = None,
) -> list[datetime]:
    zone = clinic_zone()

    def day_slots(day: date) -> list[datetime]:
        return free_slots(
            treatment_type, first_day=day, last_day=day, now=now, policy=policy, doctor=doctor
        )

    chosen: list[datetime] = []
    day = first
    while not chosen:
        chosen += day_slots(day)[:1]
        day += timedelta(days=1)
    for _ in range(sessions - 1):
        previous = chosen[-1].astimezone(zone)
        ideal = previous.date() + timedelta(days=window.ideal_days)
        days = sorted(
            (
                previous.date() + timedelta(days=n)
                for n in range(window.min_days, window.max_days + 1)
            ),
            key=lambda d: abs((d - ideal).days),
        )
        for candidate in days:
            if slots := day_slots(candidate):
                chosen.append(
                    min(slots, key=lambda s: abs(s.astimezone(zone).hour - previous.hour))
                )
                break
        else:
            raise AssertionError("no course")
    return chosen


DUE_REMINDERS = 10_000
# As `celery worker` runs unless told otherwise: a process per core. BENCH_WORKER_PROCESSES
# measures another number (how sending grows with processes).
WORKER_PROCESSES = int(os.environ.get("BENCH_WORKER_PROCESSES", os.cpu_count() or 1))


@benchmark("reminders.dispatch", runs=1, warmup=0, count_queries=False)
def reminders_dispatch() -> Timed:
    """10,000 reminders due at once, dispatched and sent by one worker running as many
    processes as the machine has cores (as `celery worker` does unless told otherwise),
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
    worker = CeleryWorker(redis.url, folder)
    pool = worker.command.index("--pool")
    worker.command[pool : pool + 2] = ["--pool", "prefork", "--concurrency", str(WORKER_PROCESSES)]
    worker.start()

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
            "worker_processes": WORKER_PROCESSES,
            "messages": DUE_REMINDERS,
            "per_second": round(DUE_REMINDERS / elapsed, 1),
            "duplicates": sum(n - 1 for n in mailed.values()),
        }

    return dispatch


# --- The booking path -------------------------------------------------------------------------


def _patient(email: str) -> User:
    return user_create(email=email, role=Role.PATIENT, first_name="Bench", last_name="Patient")


def _apart(starts: list[datetime], count: int, gap: timedelta) -> list[datetime]:
    """`count` of the sorted starts, each at least `gap` after the one before (so that one
    patient can have them all, and booking one never takes another's resources)."""
    chosen: list[datetime] = []
    for start in starts:
        if not chosen or start >= chosen[-1] + gap:
            chosen.append(start)
            if len(chosen) == count:
                return chosen
    raise AssertionError(f"only {len(chosen)} of {count} free times")


CONSULTATIONS_FROM_DAY = 320  # after the days the other benchmarks search


@benchmark("booking.consultation", runs=150, warmup=5)
def booking_consultation() -> Timed:
    """A logged-in patient books a consultation through the page (the POST, a 302 to the
    visit), one free time after another, in the busy clinic."""
    busy_clinic()
    consultation = TreatmentType.objects.consultation()
    assert consultation is not None
    first = timezone.localdate() + timedelta(days=CONSULTATIONS_FROM_DAY)
    starts = iter(
        _apart(
            free_slots(consultation, first_day=first, last_day=first + timedelta(days=40)),
            count=160,
            gap=consultation.reserved,
        )
    )
    client = Client()
    client.force_login(_patient("bench-consultation-patient@example.com"))
    url = reverse("consultation-book")

    def book() -> object:
        response = client.post(url, {"starts_at": next(starts).isoformat()})
        if response.status_code != 302:
            raise AssertionError(f"the booking answered {response.status_code}, not 302")
        # The page the browser goes to next shows "booked" and clears it; this client does
        # not go there, and its messages cookie would grow with every booking.
        client.cookies.pop("messages", None)
        return response

    return book


def _course(patient: User, doctor: User, *, sessions: int, from_day: int) -> TreatmentPlan:
    """An approved course of `sessions` two-weekly sessions, booked from `from_day` days ahead."""
    plan = plan_create(
        patient=patient,
        intake=Intake(
            concern=Concern.PIGMENTATION,
            severity=Severity.MODERATE,
            area=Area.MEDIUM,
            fitzpatrick=2,
            sensitive_skin=False,
            age=35,
            sun_exposure=SunExposure.MODERATE,
            uses_sunscreen=True,
        ),
    )
    plan = plan_adjust(
        plan=plan,
        doctor=doctor,
        reason="A benchmark's course",
        window=Window(min_days=14, ideal_days=14, max_days=21),
        sessions=sessions,
    )
    plan = plan_approve(plan=plan, doctor=doctor)
    session, _ = busy_clinic()
    start = datetime.combine(
        timezone.localdate() + timedelta(days=from_day), OPEN, tzinfo=clinic_zone()
    )
    proposal = propose_series(
        treatment_type=session, sessions=sessions, window=plan.window, now=start
    )
    if not isinstance(proposal, SeriesProposal):
        raise AssertionError(f"no course: {proposal}")
    series_book(plan=plan, proposal=proposal, booked_by=patient)
    return plan


@benchmark("page.course", runs=100)
def page_course() -> Timed:
    """A patient's page of their 10-session course, in the busy clinic. `queries_3_sessions`
    is the same page's query count for a 3-session course: it must not grow with the course."""
    doctor = user_create(email="bench-course-doctor@example.com", role=Role.DOCTOR)
    small = _course(_patient("bench-course-3@example.com"), doctor, sessions=3, from_day=300)
    plan = _course(_patient("bench-course-10@example.com"), doctor, sessions=10, from_day=225)
    small_client = Client()
    small_client.force_login(small.patient)
    expect_ok(small_client, reverse("course-detail", args=[small.pk]))()
    with CaptureQueriesContext(connection) as queries:
        expect_ok(small_client, reverse("course-detail", args=[small.pk]))()
    small_queries = len(queries.captured_queries)
    client = Client()
    client.force_login(plan.patient)
    page = expect_ok(client, reverse("course-detail", args=[plan.pk]))

    def view() -> object:
        page()
        return {"queries_3_sessions": small_queries}

    return view


LOAD_CLIENTS = 16
LOAD_SECONDS = 20
LOAD_FROM_DAY = 200
# gunicorn's worker processes; BENCH_WEB_WORKERS measures another number.
WEB_WORKERS = int(os.environ.get("BENCH_WEB_WORKERS", "4"))


@benchmark("load.booking", runs=1, warmup=0, count_queries=False, explicit=True)
def load_booking() -> Generator[Timed, None, None]:
    """The busiest hour: gunicorn (4 workers, or BENCH_WEB_WORKERS) on this database and a Redis
    of its own, and 16 patients at once, each booking consultations one after another with
    their own doctor at the times every other patient is booking too, so they race for the
    rooms. Every time asked for is free (16 doctors and 16 rooms join the busy clinic for the
    run), so a 409 is a false conflict. After 2 s of warm-up, 20 s are recorded. The doctors,
    rooms and bookings are taken away afterwards, leaving the busy clinic as it was."""
    busy_clinic()
    consultation = TreatmentType.objects.consultation()
    assert consultation is not None
    hours = [(day, OPEN, CLOSE) for day in range(6)]
    doctors = [
        resource_with_hours(ResourceKind.DOCTOR, f"Load Dr {n}", hours) for n in range(LOAD_CLIENTS)
    ]
    rooms = [
        resource_with_hours(ResourceKind.ROOM, f"Load room {n}", hours) for n in range(LOAD_CLIENTS)
    ]
    patients = [_patient(f"bench-load-{n}@example.com") for n in range(LOAD_CLIENTS)]
    redis = RedisServer().start()
    server = Gunicorn(workers=WEB_WORKERS, env={"REDIS_URL": redis.url})
    csrf = uuid.uuid4().hex  # the cookie's secret, sent as the form's token too
    path = reverse("consultation-book")
    zone = clinic_zone()

    def requests(session: str, doctor: Resource) -> Iterator[LoadRequest]:
        headers = {
            "Cookie": f"sessionid={session}; csrftoken={csrf}",
            "Content-Type": "application/x-www-form-urlencoded",
        }
        day = timezone.localdate() + timedelta(days=LOAD_FROM_DAY)
        while True:
            if day.weekday() < 6:
                start = datetime.combine(day, OPEN, tzinfo=zone)
                while start + consultation.duration <= datetime.combine(day, CLOSE, tzinfo=zone):
                    body = urlencode(
                        {
                            "starts_at": start.isoformat(),
                            "doctor": doctor.pk,
                            "csrfmiddlewaretoken": csrf,
                        }
                    )
                    yield LoadRequest("POST", path, body.encode(), headers)
                    start += timedelta(minutes=30)
            day += timedelta(days=1)

    def run() -> dict[str, object]:
        # Made here, not in the clients' threads: those must not touch the database.
        sessions = [_session_for(p, secret_key=server.secret_key) for p in patients]
        result = drive(
            server,
            [requests(s, d) for s, d in zip(sessions, doctors, strict=True)],
            seconds=LOAD_SECONDS,
            warmup=2,
            outcome=_booking_outcome,
        )
        outcomes = result.outcomes
        return {
            "web_workers": WEB_WORKERS,
            "clients": LOAD_CLIENTS,
            **result.figures(),
            "booked": outcomes["booked"],
            "false_conflicts": result.statuses[409],
            **{name: n for name, n in outcomes.items() if name.startswith("409")},
            "other": sum(
                n for name, n in outcomes.items() if name != "booked" and name[:3] != "409"
            ),
            # Every booking answered is a visit in the database, and nothing more.
            "in_database": Appointment.objects.filter(patient__in=patients).count(),
        }

    try:
        server.start()
        yield run
    finally:
        server.stop()
        redis.stop()
        visits = Appointment.objects.filter(patient__in=patients)
        Reminder.objects.filter(appointment__in=visits).delete()
        visits.delete()
        Resource.objects.filter(pk__in=[r.pk for r in doctors + rooms]).delete()


def _booking_outcome(answer: Answer) -> str:
    """ "booked" for the redirect to the visit booked; else the status (and where a redirect
    went, which would be a session that did not work)."""
    if answer.status == 302:
        return "booked" if answer.location.startswith("/appointments/") else answer.location
    if answer.status == 409:  # which refusal: a race lost, or the read found nothing free
        return "409 lost a race" if b"a moment ago" in answer.body else "409 not free"
    return str(answer.status)


def _session_for(user: User, *, secret_key: str) -> str:
    """A logged-in session for `user` on a server signing with `secret_key`, kept in the
    database (a cached_db server finds it there on its first request)."""
    with override_settings(SECRET_KEY=secret_key):
        store = DatabaseSession()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
    assert store.session_key is not None
    return store.session_key


# --- A peer's clinic (bookings/calendars/benchmarks.py): the course search in it -----------


@benchmark("peer.course", runs=100)
def peer_course() -> Generator[Timed, None, None]:
    """A 6-session laser course (a doctor and a laser) with one doctor, in the peer's clinic."""
    with peer_clinic() as peer:
        policy = BookingPolicy.current()

        def propose() -> object:
            result = propose_series(
                treatment_type=peer.course,
                sessions=6,
                window=PEER_COURSE,
                preferences=Preferences(doctor_id=peer.doctor.pk),
                now=peer.now,
                policy=policy,
            )
            if not isinstance(result, SeriesProposal):
                raise AssertionError(f"no course: {result}")
            return result

        yield propose


@benchmark("peer.course_per_day_loop", runs=10, warmup=1, compare_to="peer.course")
def peer_course_per_day_loop() -> Generator[Timed, None, None]:
    """The same course found one availability call per candidate day (day-based packages)."""
    with peer_clinic() as peer:
        policy = BookingPolicy.current()
        yield lambda: _per_day_loop(
            peer.course,
            sessions=6,
            window=PEER_COURSE,
            first=peer.first_day,
            now=peer.now,
            policy=policy,
            doctor=peer.doctor,
        )


@benchmark("peer.course_handwritten", runs=30, compare_to="peer.course")
def peer_course_handwritten() -> Generator[Timed, None, None]:
    """The same course by a hand-written search: four queries over the horizon (the doctor's
    and the lasers' bookings, their hours, absences, closures), then day by day in Python."""
    with peer_clinic() as peer:
        policy = BookingPolicy.current()
        yield lambda: handwritten_course(peer, sessions=6, window=PEER_COURSE, policy=policy)


# The manager's reports over a year of their own clinic (bookings/reports/benchmarks.py).
from bookings.reports import benchmarks as _reports  # noqa: E402, F401
