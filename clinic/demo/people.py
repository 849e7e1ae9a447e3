"""The demo clinic's people: one login per role and the patients' stories, and patients the
front desk registered by phone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from clinic.models import PatientProfile, User
from clinic.roles import Role
from clinic.services import user_create

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


def demo_callers(by: User, now: datetime) -> int:
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
