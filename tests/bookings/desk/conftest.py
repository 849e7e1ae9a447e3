"""The desk tests' world: a clinic of two doctors, two lasers and two rooms, and Alice's
four-session course in it (sessions on 1 and 22 March, 12 April and 3 May 2027, at 10:00)."""

import pytest
import time_machine

from tests.bookings.clinics import make_clinic
from tests.bookings.waitlists import BOOKED_ON, approved_plan, book_course


@pytest.fixture
def clinic(db):
    with time_machine.travel(BOOKED_ON, tick=False):
        return make_clinic(doctors=2, devices=2, rooms=2)


@pytest.fixture
def course(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        return book_course(clinic, approved_plan(alice, doctor))
