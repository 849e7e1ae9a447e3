"""Fixtures shared by the waitlist tests: a small clinic, Alice's four-session course in it,
and Bob's visit on a morning Alice would rather come (tests/bookings/waitlists.py)."""

import pytest
import time_machine

from bookings.appointments.services import appointment_book
from tests.bookings.clinics import make_clinic
from tests.bookings.waitlists import BOOKED_ON, FREED, approved_plan, book_course


@pytest.fixture
def clinic(db):
    with time_machine.travel(BOOKED_ON, tick=False):
        return make_clinic(doctors=1)


@pytest.fixture
def alice_course(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        return book_course(clinic, approved_plan(alice, doctor))


@pytest.fixture
def bobs_visit(clinic, bob):
    """Bob's session on the morning Alice would rather come."""
    with time_machine.travel(BOOKED_ON, tick=False):
        return appointment_book(
            patient=bob, treatment_type=clinic.session, starts_at=FREED, booked_by=bob
        )


@pytest.fixture
def consenting(alice):
    """Alice, who agreed to care reminders."""
    alice.profile.care_reminders_consent = True
    alice.profile.save()
    return alice
