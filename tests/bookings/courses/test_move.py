"""Moving a session: only inside its window, and never leaving a later gap outside its own."""

import itertools
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from bookings.appointments.services import SlotUnavailable
from bookings.courses.search import propose_series
from bookings.courses.services import series_book, session_move
from bookings.courses.windows import move_effects
from bookings.models import Appointment
from clinic.roles import Role
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.factories import UserFactory
from tests.planner.intakes import intake

NOW = utc(2027, 2, 20)
FIRST = local(date(2027, 3, 1), 10)
LONDON_DAY = lambda moment: moment.astimezone(FIRST.tzinfo).date()  # noqa: E731


@pytest.fixture
def course(db, alice, doctor):
    clinic = make_clinic(doctors=2, rooms=2)
    plan = plan_create(patient=alice, intake=intake())
    # An ideal off the middle of the window, so that a move can push the next gap out of it.
    plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=Window(14, 21, 42))
    plan = plan_approve(plan=plan, doctor=doctor)
    proposal = propose_series(
        treatment_type=clinic.session,
        sessions=plan.sessions,
        window=plan.window,
        first_start=FIRST,
        now=NOW,
    )
    return clinic, plan, series_book(plan=plan, proposal=proposal, booked_by=alice, now=NOW)


def gaps(plan):
    days = [
        LONDON_DAY(a.starts_at)
        for a in Appointment.objects.active().filter(plan=plan).order_by("session_number")
    ]
    return [(b - a).days for a, b in itertools.pairwise(days)]


def test_a_session_moves_inside_its_window_and_the_others_stay(course, alice):
    _, plan, booked = course
    second = booked[1]
    new = local(LONDON_DAY(second.starts_at) + timedelta(days=3), 14)  # 24 days after session 1
    session_move(appointment=second, new_start=new, by=alice, now=NOW)
    second.refresh_from_db()
    assert second.starts_at == new
    assert gaps(plan) == [24, 18, 21]


def test_a_move_outside_the_window_is_refused_and_changes_nothing(course, alice):
    _, plan, booked = course
    too_soon = local(date(2027, 3, 8), 10)  # 7 days after session 1; needs 14 to 42
    with pytest.raises(ValidationError, match="must fall between Mon 15 Mar and Mon 12 Apr"):
        session_move(appointment=booked[1], new_start=too_soon, by=alice, now=NOW)
    assert gaps(plan) == [21, 21, 21]


def test_a_move_that_would_push_the_next_session_out_of_its_window_asks_for_a_reflow(course, alice):
    _, plan, booked = course
    late = local(date(2027, 4, 5), 10)  # 35 days after session 1: in its window
    [effect] = move_effects(booked[1], late)
    assert (effect.session, effect.gap_days, effect.in_window) == (3, 7, False)
    with pytest.raises(ValidationError, match="Session 3 would then be 7 days later"):
        session_move(appointment=booked[1], new_start=late, by=alice, now=NOW)
    assert gaps(plan) == [21, 21, 21]


def test_a_reflow_moves_the_later_sessions_inside_their_windows_in_one_go(course, alice):
    _, plan, booked = course
    late = local(date(2027, 4, 5), 10)
    moved = session_move(appointment=booked[1], new_start=late, by=alice, reflow=True, now=NOW)
    assert [a.session_number for a in moved] == [2, 3, 4]
    assert gaps(plan) == [35, 21, 21]
    assert Appointment.objects.active().filter(plan=plan).count() == 4


def test_a_move_onto_a_taken_time_is_refused_and_changes_nothing(course, alice):
    clinic, _plan, booked = course
    target = local(LONDON_DAY(booked[1].starts_at) + timedelta(days=1), 11)
    for doctor, room in zip(clinic.doctors, clinic.rooms, strict=True):
        patient = UserFactory(role=Role.PATIENT)  # one patient cannot be in two rooms at once
        Appointment.objects.create(
            patient=patient,
            treatment_type=clinic.consultation,
            doctor=doctor,
            room=room,
            starts_at=target,
            ends_at=target + timedelta(minutes=30),
            reserved_until=target + timedelta(minutes=30),
            created_by=patient,
        )
    before = booked[1].starts_at
    with pytest.raises(SlotUnavailable):
        session_move(appointment=booked[1], new_start=target, by=alice, now=NOW)
    booked[1].refresh_from_db()
    assert booked[1].starts_at == before
    assert booked[1].status == "booked"
