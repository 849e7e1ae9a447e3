"""Fill an empty clinic with demo data, so that a newcomer can log in as each role and find
courses in every state, and the front desk and the doctors a working day: visits in every state
on the day the clinic is open (today, or the next working day), and on the two working days
before and after it.

Project wiring (like urls.py): it fills every layer. Idempotent: running it again changes
nothing and prints the same logins. Run on a later day, it fills the working days around it
that have no visit yet, so the desk never opens on an empty day.
"""

from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from bookings.models import (
    Resource,
)
from clinic.demo.calendars import demo_calendars
from clinic.demo.courses import demo_course_sessions, demo_courses, demo_waitlist
from clinic.demo.days import demo_days
from clinic.demo.people import DEMO_CALLERS, DEMO_PASSWORD, DEMO_PEOPLE, demo_callers
from clinic.demo.records import demo_records
from clinic.models import PatientProfile, User
from clinic.services import user_create
from planner.models import TreatmentPlan

__all__ = ["Command"]


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
        created += demo_callers(desk, now)
        if not TreatmentPlan.objects.exists():
            demo_courses()
        if not Resource.objects.exists():
            demo_calendars()
            demo_course_sessions(now, desk)
            demo_waitlist(now)
        demo_days(now, desk)
        demo_records(now)
        return created
