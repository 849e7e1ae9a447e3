"""Fill an empty clinic with demo data, so that a newcomer can log in as each role and find
courses in every state, and the front desk and the doctors a working day: visits in every state
on the day the clinic is open (today, or the next working day), and on the two working days
before and after it.

Project wiring (like urls.py): it fills every layer. Idempotent: running it again changes
nothing and prints the same logins. Run on a later day, it fills the working days around it
that have no visit yet, so the desk never opens on an empty day.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from bookings.appointments.services import CHECK_IN_EARLY
from bookings.calendars.availability import clinic_zone, load_calendar, local_day_bounds
from bookings.models import (
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    Closure,
    Resource,
    ResourceKind,
    TreatmentKind,
    TreatmentType,
    WorkingHours,
)
from bookings.reminders.services import reminders_plan
from bookings.waitlist.services import waitlist_join
from clinic.models import PatientProfile, User
from clinic.roles import Role
from clinic.services import user_create
from planner.models import PlanStatus, TreatmentPlan
from planner.rules import (
    Area,
    Concern,
    InkAmount,
    Intake,
    Scarring,
    ScreeningAnswers,
    Severity,
    SunExposure,
    TattooColours,
    TattooDetails,
    TattooLocation,
)
from planner.services import (
    plan_adjust,
    plan_approve,
    plan_complete,
    plan_create,
    plan_start,
    plan_stop,
)

DEMO_PASSWORD = "pico-demo-2026"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    role: Role
    first_name: str
    last_name: str
    about: str = ""


DEMO_PEOPLE = (
    DemoPerson("manager@example.com", Role.MANAGER, "Maya", "Lindqvist"),
    DemoPerson("reception@example.com", Role.RECEPTIONIST, "Rosa", "Patel"),
    DemoPerson("doctor@example.com", Role.DOCTOR, "Aisha", "Rahman"),
    DemoPerson("doctor2@example.com", Role.DOCTOR, "Tom", "Okafor"),
    DemoPerson("patient@example.com", Role.PATIENT, "Alice", "Moreau", "pigmentation, approved"),
    DemoPerson("bob@example.com", Role.PATIENT, "Bob", "Nakamura", "tattoo, awaiting review"),
    DemoPerson("charlie@example.com", Role.PATIENT, "Charlie", "Evans", "melasma, hard stop"),
    DemoPerson("dana@example.com", Role.PATIENT, "Dana", "Kowalski", "acne scars, in progress"),
    DemoPerson("eve@example.com", Role.PATIENT, "Eve", "Haddad", "fine lines, completed"),
    DemoPerson("frank@example.com", Role.PATIENT, "Frank", "Osei", "wrinkles, stopped"),
)

# Patients the front desk registered by phone. They have not chosen a password (no login), and
# they make the calendars a clinic's, not the same six people's every day.
DEMO_CALLERS = (
    ("grace@example.com", "Grace", "Mensah", date(1979, 9, 30)),
    ("hiro@example.com", "Hiro", "Tanaka", date(1988, 4, 2)),
    ("ines@example.com", "Ines", "Duarte", date(1969, 11, 21)),
    ("jonas@example.com", "Jonas", "Berg", date(1992, 6, 14)),
    ("kemi@example.com", "Kemi", "Adeyemi", date(1984, 2, 8)),
    ("leo@example.com", "Leo", "Marchetti", date(1958, 8, 27)),
    ("mei@example.com", "Mei", "Lin", date(1996, 12, 3)),
    ("nora@example.com", "Nora", "Walsh", date(1973, 3, 19)),
    ("olu@example.com", "Olu", "Bakare", date(1981, 5, 11)),
    ("priya@example.com", "Priya", "Nair", date(1990, 10, 17)),
    ("quinn@example.com", "Quinn", "Murphy", date(1977, 1, 25)),
    ("rafael@example.com", "Rafael", "Costa", date(1966, 7, 9)),
    ("sofia@example.com", "Sofia", "Rossi", date(1994, 9, 1)),
    ("tariq@example.com", "Tariq", "Aziz", date(1986, 3, 28)),
    ("uma@example.com", "Uma", "Sato", date(1971, 12, 12)),
    ("vera@example.com", "Vera", "Novak", date(1963, 4, 6)),
)

# A working day's consultations: (doctor, local time), doctor 0 Dr Rahman and 1 Dr Okafor. The
# day the desk opens on is busy, the days around it quieter; a Saturday (9-13) keeps its morning.
BUSY_DAY = (
    (0, time(9)),
    (1, time(9, 30)),
    (0, time(10)),
    (1, time(10, 30)),
    (0, time(11, 15)),
    (1, time(11, 45)),
    (0, time(14)),
    (1, time(14, 30)),
    (0, time(15, 15)),
    (1, time(16)),
)
QUIET_DAY = (BUSY_DAY[0], BUSY_DAY[3], BUSY_DAY[4], BUSY_DAY[7], BUSY_DAY[9])
# The times a course session is tried at, in turn: clear of the days' consultations.
SESSION_TIMES = (time(12), time(16, 45), time(9), time(13))


def _intake(concern: Concern, **answers: object) -> Intake:
    values: dict[str, object] = {
        "concern": concern,
        "severity": Severity.MODERATE,
        "area": Area.MEDIUM,
        "fitzpatrick": 3,
        "sensitive_skin": False,
        "age": 38,
        "sun_exposure": SunExposure.MODERATE,
        "uses_sunscreen": True,
    }
    values.update(answers)
    return Intake(**values)  # type: ignore[arg-type]


def _demo_courses() -> None:
    """One course per patient, so that every plan state is on show."""
    doctor = User.objects.get(email="doctor@example.com")
    patients = {user.email: user for user in User.objects.filter(email__endswith="@example.com")}

    alice = plan_create(
        patient=patients["patient@example.com"],
        intake=_intake(Concern.PIGMENTATION, area=Area.LARGE, sun_exposure=SunExposure.HIGH),
    )
    plan_approve(plan=alice, doctor=doctor, reason="Consultation done; sun protection discussed.")

    plan_create(
        patient=patients["bob@example.com"],
        intake=_intake(
            Concern.TATTOO,
            fitzpatrick=2,
            tattoo=TattooDetails(
                TattooColours.BLACK_RED,
                InkAmount.MODERATE,
                Scarring.NONE,
                False,
                TattooLocation.UPPER_TRUNK,
            ),
            screening=ScreeningAnswers(anticoagulants=True),
        ),
    )
    plan_create(
        patient=patients["charlie@example.com"],
        intake=_intake(
            Concern.MELASMA, fitzpatrick=4, screening=ScreeningAnswers(sunburn_now=True)
        ),
    )

    dana = plan_create(
        patient=patients["dana@example.com"],
        intake=_intake(Concern.ACNE_SCARS, severity=Severity.SEVERE, sensitive_skin=True),
    )
    plan_adjust(
        plan=dana,
        doctor=doctor,
        reason="Scarring is deeper on the left cheek; one more session.",
        sessions=dana.sessions + 1,
    )
    plan_approve(plan=dana, doctor=doctor)
    plan_start(plan=dana, reason="First session done.")

    eve = plan_create(
        patient=patients["eve@example.com"], intake=_intake(Concern.FINE_LINES, age=52)
    )
    plan_approve(plan=eve, doctor=doctor)
    plan_start(plan=eve)
    plan_complete(plan=eve, reason="Patient happy with the result.")

    frank = plan_create(
        patient=patients["frank@example.com"],
        intake=_intake(Concern.WRINKLES, severity=Severity.SEVERE, age=61),
    )
    plan_stop(plan=frank, doctor=doctor, reason="Patient chose another treatment.")


def _demo_calendars() -> None:
    """Two doctors, two pico lasers, two rooms, their hours, a closure and the treatments."""
    weekdays = [(day, time(9), time(18)) for day in range(5)] + [(5, time(9), time(13))]

    def make(kind: str, name: str, **extra: object) -> Resource:
        resource = Resource.objects.create(kind=kind, name=name, **extra)
        WorkingHours.objects.bulk_create(
            WorkingHours(resource=resource, weekday=d, starts=s, ends=e) for d, s, e in weekdays
        )
        return resource

    all_concerns = [concern.value for concern in Concern]
    make(ResourceKind.DOCTOR, "Dr Aisha Rahman", user=User.objects.get(email="doctor@example.com"))
    make(ResourceKind.DOCTOR, "Dr Tom Okafor", user=User.objects.get(email="doctor2@example.com"))
    make(
        ResourceKind.DEVICE,
        "PicoWay",
        concerns=all_concerns,
        wavelengths="532 nm, 785 nm, 1064 nm",
        handpieces="Resolve fractional, zoom",
    )
    make(
        ResourceKind.DEVICE,
        "PicoSure Pro",
        concerns=[c for c in all_concerns if c != Concern.TATTOO.value],
        wavelengths="755 nm, 532 nm",
        handpieces="Focus lens array",
    )
    make(ResourceKind.ROOM, "Treatment room 1")
    make(ResourceKind.ROOM, "Treatment room 2")
    year = timezone.localdate().year
    Closure.objects.create(
        starts_on=date(year, 12, 25), ends_on=date(year, 12, 26), reason="Christmas"
    )
    TreatmentType.objects.create(
        name="Consultation",
        kind=TreatmentKind.CONSULTATION,
        duration_minutes=30,
        needs_device=False,
    )
    for concern in Concern:
        TreatmentType.objects.create(
            name=f"Pico session: {concern.label}",
            kind=TreatmentKind.SESSION,
            concern=concern.value,
            duration_minutes=45,
            buffer_minutes=15,
        )
    TreatmentType.objects.create(
        name="Pico session: tattoo, large area",
        kind=TreatmentKind.SESSION,
        concern=Concern.TATTOO.value,
        area=Area.LARGE.value,
        duration_minutes=75,
        buffer_minutes=15,
    )
    BookingPolicy.current()


class _OpenDays:
    """The days the demo clinic works: a weekday its doctors have hours on, not a closure."""

    def __init__(self) -> None:
        self.weekdays = set(
            WorkingHours.objects.filter(resource__kind=ResourceKind.DOCTOR).values_list(
                "weekday", flat=True
            )
        )
        self.closures = list(Closure.objects.values_list("starts_on", "ends_on"))

    def __contains__(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not any(
            starts <= day <= ends for starts, ends in self.closures
        )

    def step(self, day: date, days: int) -> date:
        """`days` days on (back, when negative), then on the same way to an open day."""
        way = timedelta(days=-1 if days < 0 else 1)
        day += timedelta(days=days)
        while day not in self:
            day += way
        return day


def _visit(
    patient: User,
    treatment_type: TreatmentType,
    starts_at: datetime,
    *,
    status: str,
    now: datetime,
    by: User,
    doctor: Resource | None = None,
    plan: TreatmentPlan | None = None,
    number: int | None = None,
    confirmed: bool = False,
) -> Appointment | None:
    """Write one visit on free resources (inside working hours, none taken: the calendar's own
    check), as the services would have left it by `now`; None if the time is not free.

    appointment_book refuses a time that has passed, so the past is written here directly:
    completed (checked in, then done), a no-show, or checked in (from an hour before).
    """
    ends_at = starts_at + treatment_type.duration
    calendar = load_calendar(
        treatment_type,
        span_start=starts_at,
        span_end=starts_at + treatment_type.reserved,
        doctor=doctor,
    )
    chosen = calendar.free_at(starts_at)
    if chosen is None:
        return None
    arrived = max(starts_at - CHECK_IN_EARLY, min(starts_at, now) - timedelta(minutes=10))
    return Appointment.objects.create(
        patient=patient,
        treatment_type=treatment_type,
        doctor_id=chosen[ResourceKind.DOCTOR],
        device_id=chosen.get(ResourceKind.DEVICE),
        room_id=chosen.get(ResourceKind.ROOM),
        starts_at=starts_at,
        ends_at=ends_at,
        reserved_until=starts_at + treatment_type.reserved,
        status=status,
        plan=plan,
        session_number=number,
        created_by=by,
        checked_in_at=arrived
        if status in (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)
        else None,
        completed_at=ends_at if status == AppointmentStatus.COMPLETED else None,
        confirmed_at=now if confirmed else None,
    )


def _demo_doctors() -> list[Resource]:
    emails = ["doctor@example.com", "doctor2@example.com"]
    found = {
        r.user.email: r
        for r in Resource.objects.filter(user__email__in=emails).select_related("user")
        if r.user is not None
    }
    return [found[email] for email in emails if email in found]


def _course_sessions(
    plan: TreatmentPlan, *, number: int, day: date, days: _OpenDays, now: datetime, by: User
) -> None:
    """Session `number` of the course on `day`, the others the ideal gap before and after it
    (moved to a working day): those over completed, one under way checked in, the rest booked
    with their reminders."""
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        return
    on = {number: day}
    for n in range(number - 1, 0, -1):
        on[n] = days.step(on[n + 1], -plan.interval_ideal_days)
    for n in range(number + 1, plan.sessions + 1):
        on[n] = days.step(on[n - 1], plan.interval_ideal_days)
    doctor = _demo_doctors()[0]
    booked = []
    for n, session_day in sorted(on.items()):
        for at in SESSION_TIMES:
            starts_at = datetime.combine(session_day, at, tzinfo=clinic_zone())
            if starts_at + treatment_type.duration <= now:
                status = AppointmentStatus.COMPLETED
            elif starts_at <= now:
                status = AppointmentStatus.CHECKED_IN
            else:
                status = AppointmentStatus.BOOKED
            visit = _visit(
                plan.patient,
                treatment_type,
                starts_at,
                status=status,
                now=now,
                by=by,
                doctor=doctor,
                plan=plan,
                number=n,
            )
            if visit is not None:
                booked += [visit] if status == AppointmentStatus.BOOKED else []
                break
    reminders_plan(booked, confirm=False, now=now)


def _demo_course_sessions(now: datetime, by: User) -> None:
    """Dana's course is under way: two sessions done, the third on the desk's day (today, or
    the next working day), the rest booked. Eve's is over: every session done, the last three
    weeks ago."""
    days = _OpenDays()
    today = timezone.localdate(now)
    plans = TreatmentPlan.objects.select_related("patient")
    dana = plans.filter(patient__email="dana@example.com", status=PlanStatus.IN_PROGRESS).first()
    if dana is not None:
        _course_sessions(dana, number=3, day=days.step(today, 0), days=days, now=now, by=by)
    eve = plans.filter(patient__email="eve@example.com", status=PlanStatus.COMPLETED).first()
    if eve is not None:
        last = days.step(today, -21)
        _course_sessions(eve, number=eve.sessions, day=last, days=days, now=now, by=by)


def _demo_waitlist(now: datetime) -> None:
    """Dana would like her fourth session sooner, so the waitlist page has someone on it."""
    fourth = (
        Appointment.objects.filter(
            patient__email="dana@example.com",
            session_number=4,
            status=AppointmentStatus.BOOKED,
            starts_at__gt=now,
        )
        .select_related("plan", "patient")
        .first()
    )
    if fourth is not None and fourth.plan is not None:
        waitlist_join(plan=fourth.plan, by=fourth.patient, appointment=fourth, now=now)


def _demo_day(
    day: date,
    slots: tuple[tuple[int, time], ...],
    patients: list[User],
    *,
    now: datetime,
    by: User,
) -> None:
    """The day's consultations, each in the state it would be in by `now`: those over are
    completed (the second a no-show), the one under way and the next within the hour checked
    in, those to come booked (every other one confirmed by the patient)."""
    consultation = TreatmentType.objects.consultation()
    doctors = _demo_doctors()
    if consultation is None or len(doctors) < 2:
        return
    start, end = local_day_bounds(day, day, clinic_zone())
    there = Appointment.objects.active().filter(starts_at__gte=start, starts_at__lt=end)
    busy = set(there.values_list("patient_id", flat=True))
    over = coming = 0
    arrived_early = False
    for (doctor, at), patient in zip(slots, patients, strict=True):
        starts_at = datetime.combine(day, at, tzinfo=clinic_zone())
        if patient.pk in busy:
            continue
        confirmed = False
        if starts_at + consultation.duration <= now:
            status = AppointmentStatus.NO_SHOW if over == 1 else AppointmentStatus.COMPLETED
        elif starts_at <= now or (not arrived_early and starts_at - CHECK_IN_EARLY <= now):
            status = AppointmentStatus.CHECKED_IN
        else:
            status, confirmed = AppointmentStatus.BOOKED, coming % 2 == 1
        visit = _visit(
            patient,
            consultation,
            starts_at,
            status=status,
            now=now,
            by=by,
            doctor=doctors[doctor],
            confirmed=confirmed,
        )
        if visit is None:
            continue
        over += int(starts_at + consultation.duration <= now)
        coming += int(status == AppointmentStatus.BOOKED)
        arrived_early |= status == AppointmentStatus.CHECKED_IN and starts_at > now
        if status == AppointmentStatus.BOOKED:
            reminders_plan([visit], confirm=False, now=now)


def _demo_days(now: datetime, by: User) -> None:
    """Fill the desk's day (today, or the next working day) and two working days either side,
    each one only if it has no consultation yet: run again, it changes nothing."""
    days = _OpenDays()
    if not days.weekdays:
        return
    today = timezone.localdate(now)
    opens = days.step(today, 0)
    before, after = days.step(today, -1), days.step(opens, 1)
    # Patients take the days in turn, the coming days first: the logins have a visit to come
    # (and one past), and few people come twice. Dana's visits are her course's sessions.
    schedule = [
        (after, QUIET_DAY),
        (days.step(after, 1), QUIET_DAY),
        (opens, BUSY_DAY),
        (before, QUIET_DAY),
        (days.step(before, -1), QUIET_DAY),
    ]
    emails = [
        person.email
        for person in DEMO_PEOPLE
        if person.role == Role.PATIENT and person.email != "dana@example.com"
    ] + [email for email, *_ in DEMO_CALLERS]
    found = {user.email: user for user in User.objects.filter(email__in=emails)}
    patients = [found[email] for email in emails if email in found]
    if not patients:
        return
    turn = 0
    for day, slots in schedule:
        today_patients = [patients[(turn + n) % len(patients)] for n in range(len(slots))]
        turn += len(slots)
        start, end = local_day_bounds(day, day, clinic_zone())
        if Appointment.objects.filter(
            plan__isnull=True, starts_at__gte=start, starts_at__lt=end
        ).exists():
            continue
        _demo_day(day, slots, today_patients, now=now, by=by)


def _demo_callers(by: User, now: datetime) -> int:
    """The patients the desk registered by phone; how many were new."""
    created = 0
    for number, (email, first_name, last_name, born) in enumerate(DEMO_CALLERS):
        if User.objects.filter(email=email).exists():
            continue
        user = user_create(
            email=email, role=Role.PATIENT, first_name=first_name, last_name=last_name
        )
        PatientProfile.objects.filter(user=user).update(
            date_of_birth=born,
            phone=f"+44770090{number + 101:04d}",  # Ofcom's numbers for drama: never a real one
            invited_by=by,
            invited_at=now,
        )
        created += 1
    return created


class Command(BaseCommand):
    help = (
        "Create the demo clinic (its people, calendars, courses in every state and a working "
        "day of visits) and print its logins."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with DEBUG off. The demo password is public: never on real data.",
        )

    def handle(self, *args: Any, force: bool = False, **options: Any) -> None:
        if not settings.DEBUG and not force:
            raise CommandError(
                "demo_data creates accounts with a public password; it only runs with DEBUG on "
                "(or with --force on a throwaway database)."
            )
        now = timezone.now()
        with transaction.atomic():
            created = self._fill(now)
        self.stdout.write(f"Demo clinic ready ({created} people created).")
        self.stdout.write("")
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD!r}:")
        for person in DEMO_PEOPLE:
            name = f"{person.first_name} {person.last_name}"
            about = f" ({person.about})" if person.about else ""
            self.stdout.write(f"  {person.role.value:<13} {person.email:<22} {name}{about}")
        self.stdout.write(
            f"and {len(DEMO_CALLERS)} patients registered by phone, who have no login yet."
        )
        self.stdout.write("")

    def _fill(self, now: datetime) -> int:
        created = 0
        for person in DEMO_PEOPLE:
            if not User.objects.filter(email=person.email).exists():
                user_create(
                    email=person.email,
                    role=person.role,
                    password=DEMO_PASSWORD,
                    first_name=person.first_name,
                    last_name=person.last_name,
                )
                created += 1
        for number, profile in enumerate(
            PatientProfile.objects.filter(
                date_of_birth__isnull=True, user__email__endswith="@example.com"
            ).order_by("pk")
        ):
            profile.date_of_birth = date(1975 + 4 * number % 40, 1 + number % 12, 10 + number % 18)
            profile.care_reminders_consent = True
            profile.email_confirmed_at = now
            profile.save()
        desk = User.objects.get(email="reception@example.com")
        created += _demo_callers(desk, now)
        if not TreatmentPlan.objects.exists():
            _demo_courses()
        if not Resource.objects.exists():
            _demo_calendars()
            _demo_course_sessions(now, desk)
            _demo_waitlist(now)
        _demo_days(now, desk)
        return created
