"""Booking a proposed course: all of its sessions, or none."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from bookings.appointments.services import SlotUnavailable
from bookings.courses.search import SeriesProposal, propose_series
from bookings.courses.services import SeriesConflict, series_book
from bookings.models import Appointment
from planner.models import PlanStatus
from planner.rules import ScreeningAnswers
from planner.services import plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.planner.intakes import intake

MONDAY = date(2027, 3, 1)
NOW = utc(2027, 2, 20, 12)


@pytest.fixture
def clinic(db):
    return make_clinic()


@pytest.fixture
def plan(alice, doctor):
    course = plan_create(patient=alice, intake=intake())  # pigmentation: 4 sessions, 14/28/42
    return plan_approve(plan=course, doctor=doctor)


def proposal_for(plan, clinic) -> SeriesProposal:
    result = propose_series(
        treatment_type=clinic.session,
        sessions=plan.sessions,
        window=plan.window,
        first_start=local(MONDAY, 10),
        now=NOW,
    )
    assert isinstance(result, SeriesProposal)
    return result


def test_a_course_is_booked_whole_with_its_session_numbers(clinic, plan, alice):
    booked = series_book(plan=plan, proposal=proposal_for(plan, clinic), booked_by=alice, now=NOW)
    assert [a.session_number for a in booked] == [1, 2, 3, 4]
    assert {a.plan_id for a in booked} == {plan.pk}
    assert Appointment.objects.filter(plan=plan).count() == 4


def test_when_session_three_is_taken_meanwhile_nothing_is_booked(clinic, plan, alice, bob):
    proposal = proposal_for(plan, clinic)
    third = proposal.sessions[2]
    # Someone else books session 3's time on the same resources after the proposal was made.
    Appointment.objects.create(
        patient=bob,
        treatment_type=clinic.session,
        doctor_id=third.doctor_id,
        device_id=third.device_id,
        room_id=third.room_id,
        starts_at=third.starts_at,
        ends_at=third.starts_at + clinic.session.duration,
        reserved_until=third.starts_at + clinic.session.reserved,
        created_by=bob,
    )
    with pytest.raises(SeriesConflict) as conflict:
        series_book(plan=plan, proposal=proposal, booked_by=alice, now=NOW)
    assert conflict.value.session == 3
    assert "Session 3" in str(conflict.value)
    assert not Appointment.objects.filter(plan=plan).exists()


def test_a_hard_stop_or_an_unreviewed_flag_cannot_book_the_course(clinic, alice, bob):
    blocked = plan_create(patient=alice, intake=intake(screening=ScreeningAnswers(pregnant=True)))
    flagged = plan_create(
        patient=bob, intake=intake(screening=ScreeningAnswers(anticoagulants=True))
    )
    for course, message in ((blocked, "cannot be booked"), (flagged, "A doctor reviews")):
        with pytest.raises(ValidationError, match=message):
            series_book(
                plan=course, proposal=proposal_for(course, clinic), booked_by=alice, now=NOW
            )
    assert not Appointment.objects.exists()


def test_an_unflagged_proposed_course_can_be_booked(clinic, alice):
    course = plan_create(patient=alice, intake=intake())
    assert course.status == PlanStatus.PROPOSED
    assert (
        len(
            series_book(
                plan=course, proposal=proposal_for(course, clinic), booked_by=alice, now=NOW
            )
        )
        == 4
    )


def test_a_proposal_that_leaves_the_window_is_refused(clinic, plan, alice, doctor):
    from planner.rules import Window
    from planner.services import plan_adjust

    proposal = proposal_for(plan, clinic)  # gaps of 28 days
    plan_adjust(plan=plan, doctor=doctor, reason="Longer gaps", window=Window(35, 42, 56))
    plan.refresh_from_db()
    with pytest.raises(ValidationError, match="this course needs 35 to 56"):
        series_book(plan=plan, proposal=proposal, booked_by=alice, now=NOW)
    assert not Appointment.objects.exists()


def test_a_course_session_is_booked_once(clinic, plan, alice):
    proposal = proposal_for(plan, clinic)
    series_book(plan=plan, proposal=proposal, booked_by=alice, now=NOW)
    again = propose_series(
        treatment_type=clinic.session,
        sessions=plan.sessions,
        window=plan.window,
        first_start=local(date(2027, 3, 2), 10),
        now=NOW,
    )
    with pytest.raises(SlotUnavailable, match="booked already"):
        series_book(plan=plan, proposal=again, booked_by=alice, now=NOW)
    assert Appointment.objects.filter(plan=plan).count() == 4


@pytest.mark.django_db(transaction=True)
def test_many_patients_booking_overlapping_courses_at_once_never_overlap():
    import threading

    from django.db import connection

    from clinic.roles import Role
    from tests.factories import UserFactory

    clinic = make_clinic(doctors=2, devices=1, rooms=2)  # one laser: courses compete for it
    doctor = UserFactory(role=Role.DOCTOR)
    plans = []
    for _ in range(8):
        patient = UserFactory(role=Role.PATIENT)
        plans.append(
            plan_approve(plan=plan_create(patient=patient, intake=intake()), doctor=doctor)
        )
    # Everyone is shown the same first time and so the same course.
    proposals = [proposal_for(plan, clinic) for plan in plans]
    start_together = threading.Barrier(len(plans))
    outcomes: list[str] = []

    def book(plan, proposal):
        try:
            start_together.wait()
            series_book(plan=plan, proposal=proposal, booked_by=plan.patient, now=NOW)
            outcomes.append("booked")
        except SeriesConflict:
            outcomes.append("conflict")
        except Exception as error:  # anything else is a failure to report
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [
        threading.Thread(target=book, args=pair) for pair in zip(plans, proposals, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert set(outcomes) <= {"booked", "conflict"}, outcomes
    assert outcomes.count("booked") == 1
    # Every course is whole or absent.
    counts = {plan.pk: Appointment.objects.filter(plan=plan).count() for plan in plans}
    assert sorted(counts.values()) == [0] * 7 + [4]
