"""Reminders are rows written with the booking, claimed before they are sent, and sent once."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bookings.appointments.services import appointment_book, appointment_cancel
from bookings.courses.services import session_move
from bookings.models import Reminder, ReminderStatus
from bookings.reminders import messages
from bookings.reminders.services import (
    lease,
    reminder_retry,
    reminder_send,
    reminders_dispatch,
    reminders_plan,
)
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.reminding import kinds, run_due
from tests.bookings.waitlists import BOOKED_ON, approved_plan, book_course

VISIT = local(date(2027, 3, 10), 10)  # a Wednesday


@pytest.fixture
def clinic(db):
    with time_machine.travel(BOOKED_ON, tick=False):
        return make_clinic()


def book(clinic, patient, starts_at=VISIT, treatment=None):
    with time_machine.travel(BOOKED_ON, tick=False):
        return appointment_book(
            patient=patient,
            treatment_type=treatment or clinic.session,
            starts_at=starts_at,
            booked_by=patient,
        )


def test_booking_a_session_writes_its_reminders_in_the_same_transaction(clinic, consenting):
    appointment = book(clinic, consenting)
    assert kinds(appointment) == ["aftercare", "confirmation", "pre_care", "soon"]
    due = {r.kind: r.due_at for r in appointment.reminders.all()}
    assert due["pre_care"] == VISIT - timedelta(hours=48)
    assert due["soon"] == VISIT - timedelta(hours=2)
    assert due["aftercare"] == local(date(2027, 3, 11), 9)


def test_a_patient_who_did_not_agree_to_care_reminders_gets_the_confirmation_only(clinic, alice):
    assert kinds(book(clinic, alice)) == ["confirmation"]


def test_a_booking_that_rolls_back_leaves_no_reminder(clinic, consenting):
    with transaction.atomic():
        book(clinic, consenting)
        transaction.set_rollback(True)
    assert not Reminder.objects.exists()


def test_the_confirmation_is_emailed_with_text_html_and_the_ics(clinic, consenting):
    appointment = book(clinic, consenting)
    assert run_due(BOOKED_ON) == ["sent"]
    (email,) = mail.outbox
    assert email.to == ["alice@example.com"]
    assert "Wednesday 10 March 2027 at 10:00" in email.body
    html, kind = email.alternatives[0]
    assert kind == "text/html"
    assert "See your appointment" in html
    filename, ics, mimetype = email.attachments[0]
    assert (filename, mimetype) == ("appointment.ics", "text/calendar")
    assert f"UID:appointment-{appointment.pk}@" in ics
    assert appointment.reminders.get(kind="confirmation").status == ReminderStatus.SENT


def test_a_course_gets_one_confirmation_listing_every_session(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        booked = book_course(clinic, approved_plan(alice, doctor))
    run_due(BOOKED_ON)
    (email,) = mail.outbox
    assert "session 1 of 4" in email.body
    assert email.body.count("- Session ") == 4
    assert email.attachments[0][1].count("BEGIN:VEVENT") == 4
    assert len(booked) == 4


def test_each_reminder_goes_once_however_often_it_is_dispatched_or_delivered(clinic, consenting):
    book(clinic, consenting)
    with time_machine.travel(BOOKED_ON, tick=False):
        claimed = reminders_dispatch()
        assert reminders_dispatch() == []  # claimed already
        assert [reminder_send(pk) for pk in claimed] == ["sent"]
        assert [reminder_send(pk) for pk in claimed] == ["skipped"]  # the task delivered twice
    assert len(mail.outbox) == 1


def test_a_cancelled_visits_reminders_never_go_even_if_already_handed_out(
    clinic, consenting, receptionist
):
    appointment = book(clinic, consenting)
    run_due(BOOKED_ON)  # the confirmation
    pre_care_at = VISIT - timedelta(hours=48)
    with time_machine.travel(pre_care_at, tick=False):
        claimed = reminders_dispatch()  # handed to a worker...
        appointment_cancel(appointment=appointment, by=consenting, reason="Ill")
        # ...and the cancellation withdrew it in its transaction: the worker does not take it.
        assert [reminder_send(pk) for pk in claimed] == ["skipped"]
    assert run_due(pre_care_at) == ["sent"]  # the cancellation notice, and nothing else
    for moment in (VISIT - timedelta(hours=2), VISIT + timedelta(days=1, hours=2)):
        assert run_due(moment) == []
    assert len(mail.outbox) == 2
    assert kinds(appointment, "sent") == ["cancelled", "confirmation"]


def test_moving_a_visit_moves_its_reminders_and_confirms_the_new_time(clinic, consenting):
    appointment = book(clinic, consenting)
    run_due(BOOKED_ON)
    new_time = local(date(2027, 3, 12), 14)
    with time_machine.travel(BOOKED_ON + timedelta(hours=1), tick=False):
        session_move(appointment=appointment, new_start=new_time, by=consenting)
    live = {r.kind: r.due_at for r in appointment.reminders.filter(status="pending")}
    assert live["soon"] == new_time - timedelta(hours=2)
    assert live["pre_care"] == new_time - timedelta(hours=48)
    assert "confirmation" in live
    assert run_due(VISIT - timedelta(hours=2)) == ["sent"]  # the new confirmation only
    assert "Friday 12 March 2027 at 14:00" in mail.outbox[-1].body


def test_sms_reminders_go_by_the_patients_channel_and_confirmations_by_email(
    clinic, consenting, settings
):
    settings.SMS_BACKEND = "locmem"
    messages.outbox.clear()
    consenting.profile.phone = "+447700900123"
    consenting.profile.preferred_channel = "sms"
    consenting.profile.save()
    appointment = book(clinic, consenting)
    run_due(BOOKED_ON)
    assert run_due(VISIT - timedelta(hours=2)) == ["sent", "sent"]  # pre-care was due too
    assert [m.channel for m in messages.outbox] == ["sms", "sms"]
    assert messages.outbox[-1].to == "+447700900123"
    assert "see you today at 10:00" in messages.outbox[-1].body
    assert len(mail.outbox) == 1  # the confirmation
    assert kinds(appointment, "sent") == ["confirmation", "pre_care", "soon"]


def test_a_failing_channel_is_retried_with_backoff_then_listed_as_failed(
    clinic, consenting, settings, monkeypatch
):
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN = "AC1", "secret"
    settings.TWILIO_SMS_FROM = "+15005550006"
    # A provider that cannot be reached: a closed local port, not a mock.
    monkeypatch.setattr(messages.TwilioText, "URL", "http://127.0.0.1:9/{sid}")
    consenting.profile.phone = "+447700900123"
    consenting.profile.preferred_channel = "sms"
    consenting.profile.save()
    appointment = book(clinic, consenting)
    soon = appointment.reminders.get(kind="soon")
    moment = soon.due_at
    outcomes = []
    for _ in range(5):
        outcomes += [
            outcome
            for outcome in run_due(moment)
            if outcome != "sent"  # the emailed confirmation
        ]
        soon.refresh_from_db()
        moment = max(moment, soon.due_at)
    assert outcomes[:2] == ["retry", "retry"]
    soon.refresh_from_db()
    assert soon.status == ReminderStatus.FAILED
    assert soon.attempts == 5
    assert "Twilio" in soon.last_error
    assert reminder_retry(soon)
    soon.refresh_from_db()
    assert soon.status == ReminderStatus.PENDING


def test_a_task_the_broker_lost_is_handed_out_again_and_a_send_cut_short_is_not_repeated(
    clinic, consenting
):
    book(clinic, consenting)
    with time_machine.travel(BOOKED_ON, tick=False):
        lost = reminders_dispatch()  # the broker loses these tasks
    with time_machine.travel(BOOKED_ON + lease() + timedelta(minutes=1), tick=False):
        again = reminders_dispatch()
        assert again == lost
        # A worker takes it and dies while sending.
        Reminder.objects.filter(pk__in=again).update(
            status=ReminderStatus.SENDING, sending_at=utc(2027, 2, 20, 9, 12)
        )
    with time_machine.travel(BOOKED_ON + 3 * lease(), tick=False):
        assert reminders_dispatch() == []
    stuck = Reminder.objects.get(pk=again[0])
    assert stuck.status == ReminderStatus.FAILED
    assert "check whether it went" in stuck.last_error
    assert not mail.outbox


def test_a_courses_reminders_are_written_in_the_same_number_of_queries_as_one_visits(
    clinic, consenting, doctor
):
    with time_machine.travel(BOOKED_ON, tick=False):
        course = book_course(clinic, approved_plan(consenting, doctor))
        with CaptureQueriesContext(connection) as one:
            reminders_plan(course[:1])
        with CaptureQueriesContext(connection) as four:
            reminders_plan(course)
    assert len(four) == len(one)
    assert Reminder.objects.filter(kind="confirmation", status="pending").count() == 1


def test_re_flowing_a_course_confirms_the_new_times_once(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        course = book_course(clinic, approved_plan(alice, doctor))
    run_due(BOOKED_ON)
    with time_machine.travel(BOOKED_ON + timedelta(hours=1), tick=False):
        session_move(
            appointment=course[0], new_start=local(date(2027, 3, 3), 10), by=alice, reflow=True
        )
    run_due(BOOKED_ON + timedelta(hours=1))
    assert len(mail.outbox) == 2
    assert "Wednesday 3 March 2027 at 10:00" in mail.outbox[-1].body
    assert mail.outbox[-1].body.count("- Session ") == 4
