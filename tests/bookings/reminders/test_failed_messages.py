"""The receptionists' failed-messages page: a message that could not go after every retry is
listed with why, and can be sent again or dropped; only the front desk sees it."""

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bookings.appointments.services import appointment_book
from bookings.models import Reminder, ReminderPolicy, ReminderStatus
from clinic.models import AuditEntry
from tests.bookings.reminding import run_due
from tests.bookings.waitlists import BOOKED_ON, FREED
from tests.conftest import client_for


def book(clinic, patient, hours=0):
    with time_machine.travel(BOOKED_ON, tick=False):
        return appointment_book(
            patient=patient,
            treatment_type=clinic.session,
            starts_at=FREED + timedelta(hours=hours),
            booked_by=patient,
        )


@pytest.fixture
def failed(clinic, alice, settings):
    """Alice's confirmation, refused by the mail server on every try."""
    policy = ReminderPolicy.current()
    policy.max_attempts = 1
    policy.save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 1, False
    book(clinic, alice)
    assert run_due(BOOKED_ON) == ["failed"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return Reminder.objects.get(status=ReminderStatus.FAILED)


def desk(receptionist):
    with time_machine.travel(BOOKED_ON + timedelta(hours=1), tick=False):
        return client_for(receptionist)


def test_a_failed_message_is_listed_with_why(failed, receptionist):
    page = desk(receptionist).get("/messages/failed/")
    assert page.status_code == 200
    assert "Alice" in page.text
    assert "Booking confirmation" in page.text
    assert "The mail server did not take it" in page.text
    assert AuditEntry.objects.filter(action="listed failed messages").count() == 1


def test_sending_again_sends_it_once(failed, receptionist):
    client = desk(receptionist)
    with time_machine.travel(BOOKED_ON + timedelta(hours=1), tick=False):
        response = client.post(f"/messages/failed/{failed.pk}/retry")
        assert response.status_code == 302
        assert (
            client.post(f"/messages/failed/{failed.pk}/retry").status_code == 404
        )  # not failed now
    assert run_due(BOOKED_ON + timedelta(hours=1, minutes=1)) == ["sent"]
    assert len(mail.outbox) == 1
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.SENT
    assert "Every message went." in desk(receptionist).get("/messages/failed/").text


def test_dropping_it_means_it_never_goes(failed, receptionist):
    with time_machine.travel(BOOKED_ON + timedelta(hours=1), tick=False):
        desk(receptionist).post(f"/messages/failed/{failed.pk}/drop")
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.WITHDRAWN
    assert run_due(BOOKED_ON + timedelta(days=1)) == []
    assert not mail.outbox


def test_a_bad_decision_or_id_is_a_4xx_and_changes_nothing(failed, receptionist):
    client = desk(receptionist)
    with time_machine.travel(BOOKED_ON + timedelta(hours=1), tick=False):
        assert client.post(f"/messages/failed/{failed.pk}/resend-twice").status_code == 400
        assert client.post("/messages/failed/999999/retry").status_code == 404
        assert client.get(f"/messages/failed/{failed.pk}/retry").status_code == 405
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.FAILED


def test_patients_doctors_and_visitors_are_refused(failed, alice, bob, doctor):
    for user in (alice, bob, doctor):
        with time_machine.travel(BOOKED_ON + timedelta(hours=1), tick=False):
            client = client_for(user)
            assert client.get("/messages/failed/").status_code == 403
            assert client.post(f"/messages/failed/{failed.pk}/retry").status_code == 403
    anonymous = Client()
    assert anonymous.get("/messages/failed/")["Location"].startswith("/accounts/login/")
    assert anonymous.post(f"/messages/failed/{failed.pk}/retry").status_code == 302
    failed.refresh_from_db()
    assert failed.status == ReminderStatus.FAILED


def test_the_list_costs_the_same_queries_for_one_failure_or_many(
    failed, clinic, bob, charlie, receptionist
):
    client = desk(receptionist)
    with CaptureQueriesContext(connection) as one:
        client.get("/messages/failed/")
    for hours, patient in ((2, bob), (4, charlie)):
        appointment = book(clinic, patient, hours)
        Reminder.objects.filter(appointment=appointment).update(status=ReminderStatus.FAILED)
    with CaptureQueriesContext(connection) as three:
        page = client.get("/messages/failed/")
    assert page.text.count("Send again") == 3
    assert len(three) == len(one)
