"""Staff sessions end after a working day without a request (STAFF_SESSION_IDLE_HOURS);
patients' last as Django's default (SESSION_COOKIE_AGE, two weeks)."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, client_for

HOMES = {
    "receptionist": "reception-home",
    "doctor": "doctor-home",
    "manager": "manager-home",
    "alice": "patient-home",
}


def logged_in(client, url_name) -> bool:
    return client.get(reverse(url_name)).status_code == 200


@pytest.mark.parametrize("who", ["receptionist", "doctor", "manager"])
def test_a_staff_session_ends_after_a_working_day_idle(who, request):
    person = request.getfixturevalue(who)
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = client_for(person)
        assert logged_in(client, HOMES[who])
        clock.shift(timedelta(hours=settings.STAFF_SESSION_IDLE_HOURS, minutes=1))
        assert not logged_in(client, HOMES[who])


def test_each_request_moves_the_end_of_a_staff_session_on(receptionist):
    idle = timedelta(hours=settings.STAFF_SESSION_IDLE_HOURS)
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_for(receptionist)
        for _ in range(3):  # three working days' worth of hours, never idle for a whole one
            clock.shift(idle - timedelta(minutes=10))
            assert logged_in(client, "reception-home")


def test_a_staff_login_through_the_form_is_short_from_the_start(receptionist):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = Client()
        client.post(reverse("login"), {"username": receptionist.email, "password": PASSWORD})
        clock.shift(timedelta(hours=settings.STAFF_SESSION_IDLE_HOURS, minutes=1))
        assert not logged_in(client, "reception-home")


def test_the_idle_time_is_a_setting(receptionist, settings):
    settings.STAFF_SESSION_IDLE_HOURS = 2
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_for(receptionist)
        assert logged_in(client, "reception-home")
        clock.shift(timedelta(hours=2, minutes=1))
        assert not logged_in(client, "reception-home")


def test_a_patient_session_lasts_as_before(alice):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = client_for(alice)
        assert logged_in(client, "patient-home")
        clock.shift(timedelta(days=3))
        assert logged_in(client, "patient-home")
        clock.shift(timedelta(seconds=settings.SESSION_COOKIE_AGE))
        assert not logged_in(client, "patient-home")
