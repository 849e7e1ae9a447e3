"""A patient registered by phone, without an email address, gets every message on their text
channel (SMS or WhatsApp), the booking confirmation included as a short text; a patient the
clinic cannot reach at all has a failed message saying why, never a crash."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from bookings.appointments.services import appointment_book, appointment_cancel
from bookings.models import Reminder, ReminderPolicy, ReminderStatus
from bookings.reminders import messages
from clinic.models import PatientProfile
from clinic.roles import Role
from clinic.services import patient_register, user_create
from tests.bookings.clinics import local
from tests.bookings.reminding import kinds, run_due
from tests.bookings.waitlists import BOOKED_ON, approved_plan, book_course
from tests.conftest import client_for

VISIT = local(date(2027, 3, 10), 10)  # a Wednesday
MOBILE = "+447400654321"


@pytest.fixture(autouse=True)
def _texts_in_memory(settings):
    settings.SMS_BACKEND = settings.WHATSAPP_BACKEND = "locmem"
    messages.outbox.clear()


def caller(receptionist, channel="sms", **names):
    """A caller registered by phone, who agreed to care reminders."""
    with time_machine.travel(BOOKED_ON, tick=False):
        return patient_register(
            by=receptionist,
            email=None,
            first_name=names.get("first_name", "Hana"),
            last_name="Okafor",
            date_of_birth=date(1984, 6, 2),
            phone=MOBILE,
            preferred_channel=channel,
            care_reminders_consent=True,
            base_url="http://testserver",
        )


def book(clinic, patient, by, starts_at=VISIT):
    with time_machine.travel(BOOKED_ON, tick=False):
        return appointment_book(
            patient=patient, treatment_type=clinic.session, starts_at=starts_at, booked_by=by
        )


@pytest.mark.parametrize("channel", ["sms", "whatsapp"])
def test_the_confirmation_goes_as_a_short_text_with_the_time_and_the_clinic(
    clinic, receptionist, channel
):
    hana = caller(receptionist, channel)
    appointment = book(clinic, hana, receptionist)
    confirmation = appointment.reminders.get(kind="confirmation")
    assert confirmation.channel == channel
    assert run_due(BOOKED_ON) == ["sent"]
    (text,) = messages.outbox
    assert (text.channel, text.to) == (channel, MOBILE)
    assert text.body.startswith("Pico Clinic: ")
    assert "is booked for Wed 10 Mar at 10:00" in text.body
    # No login to see the appointment page: the signed link that cancels without one.
    assert "Details:" not in text.body
    assert "To cancel: http://" in text.body
    assert "/m/" in text.body
    assert mail.outbox == []


def test_every_other_reminder_goes_by_text_too_and_none_by_email(clinic, receptionist):
    hana = caller(receptionist)
    appointment = book(clinic, hana, receptionist)
    assert set(appointment.reminders.values_list("channel", flat=True)) == {"sms"}
    run_due(BOOKED_ON)
    run_due(VISIT - timedelta(hours=2))
    run_due(VISIT + timedelta(days=1))
    assert kinds(appointment, "sent") == ["aftercare", "confirmation", "pre_care", "soon"]
    assert [m.to for m in messages.outbox] == [MOBILE] * 4
    assert mail.outbox == []


def test_a_cancellation_is_told_by_text(clinic, receptionist):
    hana = caller(receptionist)
    appointment = book(clinic, hana, receptionist)
    run_due(BOOKED_ON)
    cancelled_on = BOOKED_ON + timedelta(days=2)
    with time_machine.travel(cancelled_on, tick=False):
        appointment_cancel(appointment=appointment, by=receptionist, reason="Called to cancel")
    messages.outbox.clear()
    run_due(cancelled_on)
    (text,) = messages.outbox
    assert text.to == MOBILE
    assert "on Wed 10 Mar at 10:00 is cancelled" in text.body
    assert mail.outbox == []


def test_a_course_is_confirmed_and_followed_by_text(clinic, receptionist, doctor):
    hana = caller(receptionist)
    with time_machine.travel(BOOKED_ON, tick=False):
        sessions = book_course(clinic, approved_plan(hana, doctor))
    plan = sessions[0].plan
    course_messages = Reminder.objects.filter(appointment__plan=plan, kind="first_results")
    assert course_messages.get().channel == "sms"
    assert run_due(BOOKED_ON) == ["sent"]
    (text,) = messages.outbox
    assert "your session 1 of 4 is booked for Mon 1 Mar at 10:00" in text.body
    assert mail.outbox == []


def test_a_patient_with_an_email_still_gets_the_confirmation_by_email(clinic, alice, receptionist):
    PatientProfile.objects.filter(user=alice).update(phone=MOBILE, preferred_channel="sms")
    appointment = book(clinic, alice, receptionist)
    assert appointment.reminders.get(kind="confirmation").channel == "email"
    run_due(BOOKED_ON)
    assert [m.to for m in mail.outbox] == [["alice@example.com"]]
    assert messages.outbox == []


@pytest.fixture
def unreachable(db):
    """A patient with neither an email address nor a phone number (made outside the desk's
    form, which refuses one), whose messages may be tried once."""
    policy = ReminderPolicy.current()
    policy.max_attempts = 1
    policy.save()
    return user_create(email=None, role=Role.PATIENT, first_name="Ivo", last_name="Nowhere")


def test_a_patient_who_cannot_be_reached_has_a_failed_message_saying_why(
    clinic, unreachable, receptionist
):
    book(clinic, unreachable, receptionist)
    assert run_due(BOOKED_ON) == ["failed"]
    failed = Reminder.objects.get(status=ReminderStatus.FAILED)
    assert "no email address and no phone number" in failed.last_error
    with time_machine.travel(BOOKED_ON + timedelta(hours=1), tick=False):
        page = client_for(receptionist).get("/messages/failed/")
    assert page.status_code == 200
    assert "Ivo Nowhere" in page.text
    assert "no email address and no phone number on file: add one to their record" in page.text
    assert mail.outbox == []
    assert messages.outbox == []


def test_once_a_mobile_is_added_the_failed_message_goes_by_text(clinic, unreachable, receptionist):
    book(clinic, unreachable, receptionist)
    run_due(BOOKED_ON)
    failed = Reminder.objects.get(status=ReminderStatus.FAILED)
    PatientProfile.objects.filter(user=unreachable).update(phone=MOBILE)
    later = BOOKED_ON + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        client_for(receptionist).post(f"/messages/failed/{failed.pk}/retry")
    assert run_due(later + timedelta(minutes=1)) == ["sent"]
    failed.refresh_from_db()
    assert (failed.status, failed.channel) == (ReminderStatus.SENT, "sms")
    (text,) = messages.outbox
    assert text.to == MOBILE
