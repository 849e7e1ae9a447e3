"""Alice's records, of every kind the clinic keeps: her details, a questionnaire sent with its
consent and one left as a draft, a four-session course (approved, session 1 done, the rest
booked), a place on the waitlist with an offer, the messages of all of it, and a member of
staff's look at her record. The world of the export and erasure tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import time_machine

from bookings.models import Appointment, WaitlistEntry, WaitlistOffer
from bookings.reminders.services import reminders_offer
from bookings.visits.services import appointment_complete
from clinic.models import AuditEntry, Consent, ConsentText, Intake, IntakeStatus, User
from tests.bookings.clinics import Clinic, local, make_clinic, utc
from tests.bookings.waitlists import FIRST, approved_plan, book_course, join
from tests.clinic.test_intake import ANSWERS

BOOKED_ON = utc(2027, 2, 20, 9)
ERASED_ON = utc(2027, 3, 10, 9)  # after session 1, before sessions 2-4 (22 Mar, 12 Apr, 3 May)


@dataclass
class Records:
    clinic: Clinic
    courses: list[list[Appointment]]
    entries: list[WaitlistEntry]


def alice_details(alice: User) -> User:
    alice.last_name = "Moreau"
    alice.save(update_fields=["last_name"])
    alice.profile.phone = "+447700900123"
    alice.profile.date_of_birth = date(1990, 5, 17)
    alice.profile.care_reminders_consent = True
    alice.profile.save()
    return alice


def questionnaire(patient: User, *, at: datetime) -> Intake:
    """A questionnaire sent with the patient's consent."""
    with time_machine.travel(at, tick=False):
        intake = Intake.objects.create(
            patient=patient, answers=ANSWERS, status=IntakeStatus.SUBMITTED, submitted_at=at
        )
        Consent.objects.create(
            patient=patient,
            intake=intake,
            text=ConsentText.current(),
            full_name=patient.get_full_name(),
            ip_address="192.0.2.10",
        )
    return intake


def build(
    patient: User,
    *,
    doctor: User,
    staff: User,
    courses: int = 1,
    clinic: Clinic | None = None,
    later: int = 0,
) -> Records:
    """`courses` of everything: that many questionnaires, courses (two hours apart on the same
    days, `later` two-hour steps after 10:00), waitlist places and offers, and looks by `staff`.
    The first course's session 1 is done."""
    with time_machine.travel(BOOKED_ON, tick=False):
        clinic = clinic or make_clinic()
    booked, entries = [], []
    for n in range(later, later + courses):
        questionnaire(patient, at=BOOKED_ON - timedelta(days=1, hours=n))
        with time_machine.travel(BOOKED_ON, tick=False):
            course = book_course(
                clinic, approved_plan(patient, doctor), first=FIRST + timedelta(hours=2 * n)
            )
            entry = join(course, 2)
            offer = WaitlistOffer.objects.create(
                entry=entry,
                starts_at=local(date(2027, 3, 16), 10 + 2 * n),
                expires_at=ERASED_ON + timedelta(days=1),
            )
            reminders_offer([offer])
            AuditEntry.objects.create(actor=staff, patient=patient, action="viewed patient")
        booked.append(course)
        entries.append(entry)
    with time_machine.travel(booked[0][0].ends_at, tick=False):
        appointment_complete(appointment=booked[0][0], by=staff)
    return Records(clinic=clinic, courses=booked, entries=entries)
