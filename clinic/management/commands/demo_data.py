"""Fill an empty clinic with demo data, so that a newcomer can log in as each role and find
courses in every state.

Project wiring (like urls.py): it fills every layer. Idempotent: running it again changes
nothing and prints the same logins.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from bookings.appointments.services import appointment_book
from bookings.models import (
    BookingPolicy,
    Closure,
    Resource,
    ResourceKind,
    TreatmentKind,
    TreatmentType,
    WorkingHours,
)
from bookings.waitlist.services import waitlist_join
from clinic.models import PatientProfile, User
from clinic.roles import Role
from clinic.services import user_create
from planner.models import TreatmentPlan
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


DEMO_PEOPLE = (
    DemoPerson("manager@example.com", Role.MANAGER, "Maya", "Lindqvist"),
    DemoPerson("reception@example.com", Role.RECEPTIONIST, "Rosa", "Patel"),
    DemoPerson("doctor@example.com", Role.DOCTOR, "Aisha", "Rahman"),
    DemoPerson("doctor2@example.com", Role.DOCTOR, "Tom", "Okafor"),
    DemoPerson("patient@example.com", Role.PATIENT, "Alice", "Moreau"),
    DemoPerson("bob@example.com", Role.PATIENT, "Bob", "Nakamura"),
    DemoPerson("charlie@example.com", Role.PATIENT, "Charlie", "Evans"),
    DemoPerson("dana@example.com", Role.PATIENT, "Dana", "Kowalski"),
    DemoPerson("eve@example.com", Role.PATIENT, "Eve", "Haddad"),
    DemoPerson("frank@example.com", Role.PATIENT, "Frank", "Osei"),
)


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


def _demo_consultations() -> None:
    """Upcoming consultations for Alice and Bob on the next working days."""
    consultation = TreatmentType.objects.consultation()
    assert consultation is not None
    zone = timezone.get_current_timezone()
    day = timezone.localdate() + timedelta(days=2)
    for email in ("patient@example.com", "bob@example.com"):
        while day.weekday() >= 5 or Closure.objects.filter(starts_on__lte=day, ends_on__gte=day):
            day += timedelta(days=1)
        patient = User.objects.get(email=email)
        appointment_book(
            patient=patient,
            treatment_type=consultation,
            starts_at=datetime.combine(day, time(10), tzinfo=zone),
            booked_by=User.objects.get(email="reception@example.com"),
            notice=False,
        )
        day += timedelta(days=1)


def _demo_waitlist() -> None:
    """Dana waits for a sooner first session, so the waitlist page has someone on it."""
    dana = User.objects.get(email="dana@example.com")
    plan = TreatmentPlan.objects.filter(patient=dana).order_by("-created_at").first()
    if plan is not None and not plan.booking_problem:
        waitlist_join(plan=plan, by=dana, latest=timezone.localdate() + timedelta(days=21))


class Command(BaseCommand):
    help = "Create the demo clinic's people (one login per role) and print their logins."

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
            )
        ):
            profile.date_of_birth = date(1975 + 4 * number, 1 + number, 10 + number)
            profile.care_reminders_consent = True
            profile.email_confirmed_at = timezone.now()
            profile.save()
        if not TreatmentPlan.objects.exists():
            _demo_courses()
        if not Resource.objects.exists():
            _demo_calendars()
            _demo_consultations()
            _demo_waitlist()
        self.stdout.write(f"Demo clinic ready ({created} people created).")
        self.stdout.write("")
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD!r}:")
        seen: set[Role] = set()
        for person in DEMO_PEOPLE:
            if person.role not in seen:
                seen.add(person.role)
                self.stdout.write(f"  {person.role.value:<13} {person.email}")
        self.stdout.write("")
