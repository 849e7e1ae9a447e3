"""The course page works the re-plan out only when the course no longer stands as booked: the
cheap check (course_stands, no query) agrees with the full re-plan (course_fix_propose) on
every course, at every moment of it."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.appointments.services import appointment_cancel
from bookings.courses.keeping import CourseUnfixable, course_fix_propose, course_stands
from bookings.courses.search import propose_series
from bookings.courses.services import course_cancel_rest, series_book
from bookings.models import Appointment
from bookings.visits.services import appointment_complete, appointment_no_show
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.conftest import client_for
from tests.planner.intakes import intake

FIRST = local(date(2027, 3, 1), 10)  # a Monday; 3-weekly, 4 sessions: 1, 22 Mar, 12 Apr, 3 May
WINDOW = Window(14, 21, 28)
MOMENTS = [utc(2027, 2, 21, 9) + timedelta(days=n) for n in range(0, 110, 4)]


@pytest.fixture
def booked(db, alice, doctor):
    with time_machine.travel(utc(2027, 2, 20), tick=False):
        clinic = make_clinic(doctors=2)
        plan = plan_create(patient=alice, intake=intake())
        plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=WINDOW, sessions=4)
        plan = plan_approve(plan=plan, doctor=doctor)
        proposal = propose_series(
            treatment_type=clinic.session, sessions=4, window=WINDOW, first_start=FIRST
        )
        return series_book(plan=plan, proposal=proposal, booked_by=alice)


def agree_throughout(plan):
    for moment in MOMENTS:
        with time_machine.travel(moment, tick=False):
            plan.refresh_from_db()
            try:
                stands = course_fix_propose(plan, now=moment) is None
            except CourseUnfixable:
                stands = False
            appointments = list(Appointment.objects.filter(plan=plan))
            assert course_stands(plan, appointments, now=moment) == stands, moment


def test_a_course_as_booked_stands_throughout(booked):
    agree_throughout(booked[0].plan)


def test_a_course_with_a_session_cancelled_in_the_middle_does_not(booked, alice):
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        appointment_cancel(appointment=booked[1], by=alice, reason="Away that week")
    fresh = list(Appointment.objects.filter(plan=booked[0].plan))
    assert not course_stands(booked[0].plan, fresh, now=utc(2027, 2, 22))
    agree_throughout(booked[0].plan)


def test_a_course_with_a_session_missed_does_not(booked, receptionist):
    s1, s2, _, _ = booked
    with time_machine.travel(s1.starts_at + timedelta(minutes=5), tick=False):
        appointment_complete(appointment=s1, by=receptionist)
    with time_machine.travel(s2.starts_at + timedelta(minutes=20), tick=False):
        appointment_no_show(appointment=s2, by=receptionist)
    agree_throughout(s1.plan)


def test_a_missed_session_recorded_after_its_window_restarts_the_course(booked, receptionist):
    s1, s2, _, _ = booked
    with time_machine.travel(s1.starts_at + timedelta(minutes=5), tick=False):
        appointment_complete(appointment=s1, by=receptionist)
    with time_machine.travel(utc(2027, 4, 2, 9), tick=False):
        appointment_no_show(appointment=s2, by=receptionist)
    agree_throughout(s1.plan)


@pytest.mark.parametrize("sessions", [3, 6])
def test_a_course_the_doctor_shortened_or_lengthened_does_not(booked, doctor, sessions):
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        plan_adjust(plan=booked[0].plan, doctor=doctor, reason="Response", sessions=sessions)
    agree_throughout(booked[0].plan)


def test_a_course_left_waiting_past_its_window(booked, receptionist, alice):
    s1 = booked[0]
    with time_machine.travel(s1.starts_at + timedelta(minutes=5), tick=False):
        appointment_complete(appointment=s1, by=receptionist)
    with time_machine.travel(utc(2027, 3, 2, 9), tick=False):
        course_cancel_rest(plan=s1.plan, by=alice, reason="Travelling")
    agree_throughout(s1.plan)


def test_the_course_page_of_a_course_as_booked_works_no_re_plan_out(
    booked, alice, settings, django_assert_num_queries
):
    """The user, the plan, its sessions, the waitlist, the roles, the offers: nothing more
    (the session read from the cache, as where Redis is configured)."""
    settings.SESSION_ENGINE = "clinic.sessions"
    plan = booked[0].plan
    url = reverse("course-detail", args=[plan.pk])
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        client = client_for(alice)
        client.get(url)
        with django_assert_num_queries(6):
            assert client.get(url).status_code == 200
