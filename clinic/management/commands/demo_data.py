"""Fill an empty clinic with demo people, so that a newcomer can log in as each role.

Idempotent: running it again changes nothing and prints the same logins.
"""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from clinic.models import User
from clinic.roles import Role
from clinic.services import user_create

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
)


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
        self.stdout.write(f"Demo clinic ready ({created} people created).")
        self.stdout.write("")
        self.stdout.write(f"Log in at http://127.0.0.1:8000/ with password {DEMO_PASSWORD!r}:")
        seen: set[Role] = set()
        for person in DEMO_PEOPLE:
            if person.role not in seen:
                seen.add(person.role)
                self.stdout.write(f"  {person.role.value:<13} {person.email}")
        self.stdout.write("")
