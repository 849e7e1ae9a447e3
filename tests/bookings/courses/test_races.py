"""One course booked many times at once (a double click, two tabs, the desk and the patient),
on real connections: it is booked once, and every other request gets a clear conflict."""

from datetime import date, timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from bookings.courses.search import propose_series
from bookings.courses.services import series_book
from bookings.models import Appointment, BookingPolicy
from planner.services import plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.racing import race
from tests.planner.intakes import intake

MONDAY = date(2027, 3, 1)
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _before_the_course():
    with time_machine.travel(utc(2027, 2, 20), tick=False):
        yield


@pytest.fixture
def course(alice, doctor):
    clinic = make_clinic(doctors=2, devices=2, rooms=2)
    BookingPolicy.current()
    plan = plan_approve(plan=plan_create(patient=alice, intake=intake()), doctor=doctor)
    return clinic, plan


def test_the_same_course_booked_twenty_times_at_once_is_booked_once(course, alice):
    clinic, plan = course
    # Each request with its own proposal: a different first day.
    proposals = [
        propose_series(
            treatment_type=clinic.session,
            sessions=plan.sessions,
            window=plan.window,
            first_start=local(MONDAY + timedelta(days=n % 5 + 7 * (n // 5)), 10),
        )
        for n in range(20)
    ]
    outcomes = race(20, lambda n: series_book(plan=plan, proposal=proposals[n], booked_by=alice))
    assert sorted(set(outcomes)) == ["booked", "conflict"], outcomes
    assert outcomes.count("booked") == 1
    assert Appointment.objects.filter(plan=plan).count() == plan.sessions


def test_the_booking_page_posted_ten_times_at_once_books_once_and_answers_409(course, alice):
    _, plan = course
    url = reverse("course-book", args=[plan.pk])
    posts = []
    for n in range(10):
        client = Client()
        client.force_login(alice)
        day = MONDAY + timedelta(days=n % 5 + 7 * (n // 5))  # weekdays: the clinic is open
        search = {"first_day": day.isoformat(), "first_time": "10:00"}
        shown = client.get(url, search).context["fingerprint"]
        posts.append((client, search | {"shown": shown, "same_doctor": "on"}))
    statuses: list[int] = [0] * 10

    def post(n: int) -> None:
        client, data = posts[n]
        statuses[n] = client.post(url, data).status_code

    outcomes = race(10, post)
    assert outcomes == ["booked"] * 10  # every request answered (none raised)
    # One books (302 to the course). The others either raced it (409), or, on a loaded machine
    # where SQLite's write lock queued them behind its commit, found the course booked when they
    # began and were sent to its page (302) without booking anything.
    assert set(statuses) <= {302, 409}, statuses
    assert 302 in statuses, statuses
    assert Appointment.objects.filter(plan=plan).count() == plan.sessions  # booked once
