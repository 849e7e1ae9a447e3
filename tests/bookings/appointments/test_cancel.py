"""Cancelling one session or the rest of a course, under the clinic's notice policy."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.courses.search import propose_series
from bookings.courses.services import series_book
from bookings.models import Appointment, AppointmentStatus
from clinic.models import AuditEntry
from planner.services import plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.conftest import client_for
from tests.planner.intakes import intake

FIRST = local(date(2027, 3, 1), 10)


@pytest.fixture
def course(db, alice, doctor):
    clinic = make_clinic()
    plan = plan_approve(plan=plan_create(patient=alice, intake=intake()), doctor=doctor)
    proposal = propose_series(
        treatment_type=clinic.session,
        sessions=plan.sessions,
        window=plan.window,
        first_start=FIRST,
        now=utc(2027, 2, 20),
    )
    return plan, series_book(plan=plan, proposal=proposal, booked_by=alice, now=utc(2027, 2, 20))


def cancel(client, appointment, **data):
    return client.post(reverse("appointment-cancel", args=[appointment.pk]), data)


def status_of(appointment):
    appointment.refresh_from_db()
    return appointment.status


def test_a_patient_cancels_a_session_with_notice_and_its_time_is_free_again(course, alice):
    _, booked = course
    with time_machine.travel(FIRST - timedelta(days=3), tick=False):
        response = cancel(client_for(alice), booked[0], reason="Travelling")
    assert response.status_code == 302
    assert status_of(booked[0]) == AppointmentStatus.CANCELLED
    booked[0].refresh_from_db()
    assert booked[0].cancel_reason == "Travelling"
    assert status_of(booked[1]) == AppointmentStatus.BOOKED


def test_inside_the_notice_period_a_patient_is_told_to_call(course, alice):
    _, booked = course
    with time_machine.travel(FIRST - timedelta(hours=5), tick=False):
        response = cancel(client_for(alice), booked[0], reason="Ill", override="on")
    assert response.status_code == 400
    assert b"24 hours&#x27; notice" in response.content
    assert status_of(booked[0]) == AppointmentStatus.BOOKED


def test_staff_may_cancel_inside_the_notice_period_saying_so(course, receptionist, alice):
    _, booked = course
    with time_machine.travel(FIRST - timedelta(hours=5), tick=False):
        refused = cancel(client_for(receptionist), booked[0], reason="Patient ill")
        assert refused.status_code == 400
        allowed = cancel(client_for(receptionist), booked[0], reason="Patient ill", override="on")
    assert allowed.status_code == 302
    assert status_of(booked[0]) == AppointmentStatus.CANCELLED
    assert AuditEntry.objects.filter(
        actor=receptionist, patient=alice, action="cancelled appointment"
    ).exists()


def test_a_cancellation_needs_a_reason(course, alice):
    _, booked = course
    with time_machine.travel(FIRST - timedelta(days=3), tick=False):
        assert cancel(client_for(alice), booked[0], reason="").status_code == 400
    assert status_of(booked[0]) == AppointmentStatus.BOOKED


def test_the_rest_of_a_course_is_cancelled_at_once(course, alice):
    plan, booked = course
    with time_machine.travel(FIRST + timedelta(days=2), tick=False):
        response = client_for(alice).post(
            reverse("course-cancel", args=[plan.pk]), {"reason": "Moving away"}
        )
    assert response.status_code == 302
    statuses = [status_of(a) for a in booked]
    assert statuses == [AppointmentStatus.BOOKED] + [AppointmentStatus.CANCELLED] * 3


def test_another_patient_or_a_visitor_cannot_cancel(course, bob, client):
    plan, booked = course
    with time_machine.travel(FIRST - timedelta(days=3), tick=False):
        assert cancel(client_for(bob), booked[0], reason="x").status_code == 404
        assert (
            client.post(
                reverse("appointment-cancel", args=[booked[0].pk]), {"reason": "x"}
            ).status_code
            == 302
        )
        assert (
            client_for(bob)
            .post(reverse("course-cancel", args=[plan.pk]), {"reason": "x"})
            .status_code
            == 404
        )
    assert Appointment.objects.filter(status=AppointmentStatus.CANCELLED).count() == 0


def test_cancelling_twice_says_it_is_cancelled_already(course, alice):
    _, booked = course
    with time_machine.travel(FIRST - timedelta(days=3), tick=False):
        cancel(client_for(alice), booked[0], reason="Travelling")
        again = cancel(client_for(alice), booked[0], reason="Travelling")
    assert again.status_code == 400
    assert b"already cancelled" in again.content


def test_the_course_and_appointment_pages_offer_to_cancel_what_is_still_to_come(course, alice):
    plan, booked = course
    with time_machine.travel(FIRST - timedelta(days=3), tick=False):
        course_page = (
            client_for(alice).get(reverse("course-detail", args=[plan.pk])).content.decode()
        )
        session_page = (
            client_for(alice)
            .get(reverse("appointment-detail", args=[booked[0].pk]))
            .content.decode()
        )
    assert reverse("course-cancel", args=[plan.pk]) in course_page
    assert reverse("appointment-cancel", args=[booked[0].pk]) in session_page
    assert reverse("appointment-move", args=[booked[0].pk]) in session_page
