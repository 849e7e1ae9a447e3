"""Every cancellation tells the patient on their channel, whoever cancelled; and no message
goes in the clinic's quiet hours (21:00-08:00), waitlist offers included."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail

from bookings.appointments.services import appointment_cancel
from bookings.courses.services import course_cancel_rest
from bookings.models import Reminder, WaitlistOffer
from bookings.reminders import messages
from tests.bookings.clinics import local
from tests.bookings.reminding import run_due
from tests.bookings.waitlists import BOOKED_ON, CANCELLED_ON, join

LATE = local(date(2027, 3, 10), 22, 30)  # inside quiet hours
MORNING = local(date(2027, 3, 11), 8)  # when they end


def cancelled_messages():
    return [m for m in mail.outbox if "Cancelled:" in m.subject]


@pytest.mark.parametrize("who", ["patient", "receptionist"])
def test_a_cancelled_session_is_told_to_the_patient_whoever_cancelled_it(
    alice_course, alice, receptionist, who
):
    by = alice if who == "patient" else receptionist
    with time_machine.travel(CANCELLED_ON, tick=False):
        appointment_cancel(appointment=alice_course[1], by=by, reason="Away that week")
    mail.outbox.clear()
    run_due(CANCELLED_ON)
    (message,) = cancelled_messages()
    assert message.to == ["alice@example.com"]
    assert message.subject == "Pico Clinic: Cancelled: session 2 of 4 on Mon 22 Mar at 10:00"
    assert "is cancelled" in message.body
    assert f"/courses/{alice_course[1].plan_id}/" in message.body


def test_the_rest_of_a_course_cancelled_at_once_is_one_message_listing_the_sessions(
    alice_course, receptionist
):
    with time_machine.travel(CANCELLED_ON, tick=False):
        course_cancel_rest(plan=alice_course[0].plan, by=receptionist, reason="Moving abroad")
    mail.outbox.clear()
    run_due(CANCELLED_ON)
    (message,) = cancelled_messages()
    assert "The rest of your course" in message.body
    for number in (2, 3, 4):
        assert f"- Session {number}:" in message.body


def test_a_cancellation_notice_goes_by_sms_to_a_patient_who_chose_it(alice_course, alice, settings):
    settings.SMS_BACKEND = "locmem"
    alice.profile.phone = "+447700900123"
    alice.profile.preferred_channel = "sms"
    alice.profile.save()
    with time_machine.travel(CANCELLED_ON, tick=False):
        appointment_cancel(appointment=alice_course[2], by=alice, reason="Busy")
    messages.outbox.clear()
    run_due(CANCELLED_ON)
    (text,) = [m for m in messages.outbox if "cancelled" in m.body]
    assert text.to == "+447700900123"
    assert "your session 3 of 4 on Mon 12 Apr at 10:00 is cancelled" in text.body


def test_a_cancellation_late_in_the_evening_is_told_when_quiet_hours_end(alice_course, alice):
    with time_machine.travel(LATE, tick=False):
        appointment_cancel(appointment=alice_course[1], by=alice, reason="Away")
    notice = Reminder.objects.get(kind="cancelled")
    assert notice.due_at == MORNING
    mail.outbox.clear()
    run_due(LATE + timedelta(hours=1))
    assert not cancelled_messages()
    run_due(MORNING)
    assert len(cancelled_messages()) == 1


def test_an_offer_made_at_night_is_sent_when_quiet_hours_end_and_open_from_then(
    alice_course, bobs_visit, bob
):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
    night = local(date(2027, 3, 11), 1, 10)
    with time_machine.travel(night, tick=False):
        appointment_cancel(appointment=bobs_visit, by=bob, reason="Ill")
    offer = WaitlistOffer.objects.get()
    (reminder,) = offer.reminders.all()
    assert reminder.due_at == MORNING
    assert offer.expires_at == MORNING + timedelta(hours=12)
    mail.outbox.clear()
    run_due(night + timedelta(minutes=5))
    assert not [m for m in mail.outbox if "sooner time" in m.subject]
    run_due(MORNING)
    assert len([m for m in mail.outbox if "sooner time" in m.subject]) == 1


def test_no_message_of_any_kind_is_due_in_quiet_hours(alice_course, bobs_visit, alice, bob):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
    for moment in (LATE, local(date(2027, 3, 12), 3)):
        with time_machine.travel(moment, tick=False):
            appointment_cancel(
                appointment=alice_course[3 if moment == LATE else 2], by=alice, reason="Away"
            )
    with time_machine.travel(local(date(2027, 3, 13), 23, 45), tick=False):
        appointment_cancel(appointment=bobs_visit, by=bob, reason="Ill")
    written_at_night = Reminder.objects.filter(kind__in=["cancelled", "waitlist_offer"])
    assert written_at_night.count() >= 3
    for reminder in written_at_night:
        local_time = reminder.due_at.astimezone(MORNING.tzinfo).time()
        assert 8 <= local_time.hour < 21, reminder.due_at


def test_a_course_booked_late_at_night_is_confirmed_when_quiet_hours_end(clinic, alice, doctor):
    from bookings.models import Appointment
    from tests.bookings.waitlists import approved_plan, book_course

    night = local(date(2027, 2, 20), 23, 30)
    with time_machine.travel(night, tick=False):
        course = book_course(clinic, approved_plan(alice, doctor))
    (confirmation,) = Reminder.objects.filter(kind="confirmation")
    assert confirmation.appointment == Appointment.objects.get(pk=course[0].pk)
    assert confirmation.due_at == local(date(2027, 2, 21), 8)
