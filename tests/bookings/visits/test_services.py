"""A visit is recorded as a course's treatment session only if a doctor approved the course."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from bookings.courses.search import propose_series
from bookings.courses.services import series_book
from bookings.models import Appointment, AppointmentStatus
from bookings.visits.services import appointment_complete
from planner.models import PlanStatus
from planner.services import plan_adjust, plan_approve, plan_create, plan_stop
from tests.bookings.waitlists import BOOKED_ON, FIRST, WINDOW, approved_plan, book_course
from tests.conftest import client_for
from tests.planner.intakes import intake

DURING_THE_FIRST = FIRST + timedelta(minutes=20)


@pytest.fixture
def unapproved_course(clinic, alice, doctor):
    """A course nothing in the intake flagged, so the patient could book it before a doctor
    approved it."""
    with time_machine.travel(BOOKED_ON, tick=False):
        plan = plan_create(patient=alice, intake=intake())
        plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=WINDOW, sessions=4)
        assert plan.status == PlanStatus.PROPOSED
        proposal = propose_series(
            treatment_type=clinic.session, sessions=4, window=WINDOW, first_start=FIRST
        )
        return series_book(plan=plan, proposal=proposal, booked_by=alice)


def test_a_session_of_a_course_never_approved_cannot_be_recorded_as_completed(
    unapproved_course, receptionist
):
    first = unapproved_course[0]
    with (
        time_machine.travel(DURING_THE_FIRST, tick=False),
        pytest.raises(ValidationError, match="never approved"),
    ):
        appointment_complete(appointment=first, by=receptionist)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.BOOKED
    assert first.completed_at is None
    assert first.plan.status == PlanStatus.PROPOSED


def test_a_course_stopped_before_it_was_approved_records_no_session(
    unapproved_course, receptionist, doctor
):
    first = unapproved_course[0]
    plan_stop(plan=first.plan, doctor=doctor, reason="Chose another treatment")
    with (
        time_machine.travel(DURING_THE_FIRST, tick=False),
        pytest.raises(ValidationError, match="never approved"),
    ):
        appointment_complete(appointment=first, by=receptionist)
    assert Appointment.objects.get(pk=first.pk).status == AppointmentStatus.BOOKED


def test_the_visit_page_refuses_it_with_a_400_and_a_message(unapproved_course, receptionist):
    first = unapproved_course[0]
    with time_machine.travel(DURING_THE_FIRST, tick=False):
        response = client_for(receptionist).post(
            reverse("appointment-visit", args=[first.pk, "complete"])
        )
    assert response.status_code == 400
    assert "never approved" in response.content.decode()
    assert Appointment.objects.get(pk=first.pk).status == AppointmentStatus.BOOKED


def test_once_a_doctor_approves_the_course_the_session_is_recorded(
    unapproved_course, receptionist, doctor
):
    first = unapproved_course[0]
    plan_approve(plan=first.plan, doctor=doctor)
    with time_machine.travel(DURING_THE_FIRST, tick=False):
        appointment_complete(appointment=first, by=receptionist)
    first.refresh_from_db()
    assert first.status == AppointmentStatus.COMPLETED
    assert first.plan.status == PlanStatus.IN_PROGRESS


def test_later_sessions_of_a_course_in_progress_are_recorded(clinic, alice, doctor, receptionist):
    with time_machine.travel(BOOKED_ON, tick=False):
        course = book_course(clinic, approved_plan(alice, doctor))
    for appointment in course[:2]:
        with time_machine.travel(appointment.starts_at + timedelta(minutes=20), tick=False):
            appointment_complete(appointment=appointment, by=receptionist)
    second = Appointment.objects.get(pk=course[1].pk)
    assert second.status == AppointmentStatus.COMPLETED
    assert second.plan.status == PlanStatus.IN_PROGRESS


def test_the_appointment_page_asks_for_the_doctors_approval_instead_of_offering_completed(
    unapproved_course, receptionist
):
    first = unapproved_course[0]
    with time_machine.travel(DURING_THE_FIRST, tick=False):
        page = client_for(receptionist).get(reverse("appointment-detail", args=[first.pk]))
    text = page.content.decode()
    assert "approves the plan" in text
    assert reverse("plan-detail", args=[first.plan_id]) in text
    assert reverse("appointment-visit", args=[first.pk, "complete"]) not in text
