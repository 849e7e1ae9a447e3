"""Fill an empty clinic with demo data, so that a newcomer can log in as each role and find
courses in every state.

Project wiring (like urls.py): it fills every layer. Idempotent: running it again changes
nothing and prints the same logins.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.models import User
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
        if not TreatmentPlan.objects.exists():
            _demo_courses()
        self.stdout.write(f"Demo clinic ready ({created} people created).")
        self.stdout.write("")
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD!r}:")
        seen: set[Role] = set()
        for person in DEMO_PEOPLE:
            if person.role not in seen:
                seen.add(person.role)
                self.stdout.write(f"  {person.role.value:<13} {person.email}")
        self.stdout.write("")
