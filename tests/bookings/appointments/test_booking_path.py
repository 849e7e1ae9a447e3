"""The booking path at the busiest hour: sessions read from the cache where Redis is configured
(and still working when it is down), and a consultation booked through the page in a few
statements, its reminders among them."""

import os
import subprocess
import sys
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.calendars.availability import free_slots
from bookings.models import Appointment, BookingPolicy, Reminder, ReminderPolicy
from clinic.processes import ROOT, free_port
from tests.bookings.clinics import local, make_clinic
from tests.conftest import client_for

MONDAY = date(2027, 3, 1)
FRIDAY_BEFORE = local(date(2027, 2, 26), 12)
CACHED = "clinic.sessions"


@pytest.fixture(autouse=True)
def _friday_before():
    with time_machine.travel(FRIDAY_BEFORE, tick=False):
        yield


@pytest.fixture
def clinic(db):
    return make_clinic(doctors=2, rooms=2)


def book(client, start):
    return client.post(reverse("consultation-book"), {"starts_at": start.isoformat()})


def session_queries(queries):
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def engine_with(**env):
    """SESSION_ENGINE as settings.py chooses it in a process with this environment."""
    environment = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL",)} | env
    code = "import django; django.setup(); from django.conf import settings; "
    code += "print(settings.SESSION_ENGINE)"
    found = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=environment | {"DJANGO_SETTINGS_MODULE": "clinic.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    return found.stdout.strip()


def test_sessions_live_in_redis_and_the_database_when_redis_is_configured_else_the_database():
    assert engine_with(REDIS_URL="redis://127.0.0.1:6379/0") == CACHED
    assert engine_with() == "django.contrib.sessions.backends.db"


def test_a_logged_in_request_reads_its_session_from_the_cache(clinic, alice, settings):
    settings.SESSION_ENGINE = CACHED
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("consultation-book"), {"day": MONDAY}).status_code == 200
    assert session_queries(queries) == []


def test_with_the_cache_down_a_patient_still_books_from_the_session_in_the_database(
    clinic, alice, settings
):
    settings.SESSION_ENGINE = CACHED
    before = client_for(alice)
    # Nothing listens on this port: every cache call fails, as when Redis is down.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
        }
    }
    assert book(before, local(MONDAY, 10)).status_code == 302
    during = client_for(alice)  # logged in while it is down
    assert book(during, local(MONDAY, 11)).status_code == 302
    assert Appointment.objects.filter(patient=alice).count() == 2


def test_logging_out_ends_the_session_in_the_cache_too(clinic, alice, settings):
    settings.SESSION_ENGINE = CACHED
    client = client_for(alice)
    cookie = client.cookies["sessionid"].value
    client.post(reverse("logout"))
    client.cookies["sessionid"] = cookie  # the old cookie, kept by someone
    response = client.get(reverse("consultation-book"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db(transaction=True)  # no test transaction around it: as in production
def test_booking_a_consultation_through_the_page_takes_a_few_statements(
    alice, settings, django_assert_max_num_queries
):
    """The user and their roles, the consultation, one calendar read (with the booking policy
    and the patient's own visits), the patient's contact with the reminder policy, and one
    write of the visit with its reminders: one statement on PostgreSQL, a transaction of two
    on SQLite."""
    make_clinic(doctors=2, rooms=2)
    BookingPolicy.current(), ReminderPolicy.current()  # a clinic set up, as the admin leaves it
    settings.SESSION_ENGINE = CACHED
    client = client_for(alice)
    alice.profile.care_reminders_consent = True
    alice.profile.save()
    limit = 6 if connection.vendor == "postgresql" else 9
    for hour in (9, 11, 14):
        with django_assert_max_num_queries(limit):
            assert book(client, local(MONDAY, hour)).status_code == 302
    assert Appointment.objects.count() == 3
    assert Reminder.objects.filter(kind="confirmation").count() == 3
    assert Reminder.objects.filter(kind="soon").count() == 3


def test_a_patient_already_booked_then_is_refused_by_the_same_read(clinic, alice, bob):
    client = client_for(alice)
    book(client, local(MONDAY, 10))
    response = book(client, local(MONDAY, 10))
    assert response.status_code == 400
    assert b"You already have an appointment then." in response.content
    assert Appointment.objects.count() == 1


def test_the_times_offered_leave_out_the_patients_own_visits(clinic, alice):
    book(client_for(alice), local(MONDAY, 10))
    consultation = clinic.consultation
    mine = free_slots(consultation, first_day=MONDAY, last_day=MONDAY, patient_id=alice.pk)
    anyone = free_slots(consultation, first_day=MONDAY, last_day=MONDAY)
    assert local(MONDAY, 10) in anyone  # the clinic has another doctor and room then
    assert local(MONDAY, 10) not in mine
    assert local(MONDAY, 9, 30) in mine  # ends as hers begins
    assert local(MONDAY, 9, 45) not in mine


def test_free_times_take_one_query_with_the_booking_policy_in_it(clinic, django_assert_num_queries):
    with django_assert_num_queries(1):
        free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY)
