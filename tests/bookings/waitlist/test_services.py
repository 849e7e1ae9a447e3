"""The waitlist that understands windows: a freed time is offered to the patients whose due
window holds it, the first to accept has it, and an offer lapses."""

import itertools
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from bookings.appointments.services import appointment_book, appointment_cancel
from bookings.courses.services import session_move
from bookings.models import Appointment, EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from bookings.waitlist.offers import OfferGone, offer_accept, offer_decline
from bookings.waitlist.services import waitlist_join, waitlist_leave, waitlist_offer_time
from tests.bookings.clinics import local, resource, utc
from tests.bookings.reminding import run_due
from tests.bookings.waitlists import (
    BOOKED_ON,
    CANCELLED_ON,
    FIRST,
    FREED,
    WINDOW,
    approved_plan,
    book_course,
    cancel,
    join,
)


def test_a_freed_time_inside_the_due_window_is_offered_and_emailed(alice_course, bobs_visit):
    with time_machine.travel(BOOKED_ON, tick=False):
        entry = join(alice_course, 2)
    assert (entry.earliest, entry.latest) == (date(2027, 3, 15), date(2027, 3, 22))
    cancel(bobs_visit)
    offer = WaitlistOffer.objects.get()
    assert offer.entry == entry
    assert offer.starts_at == FREED
    assert offer.expires_at == CANCELLED_ON + timedelta(hours=12)
    # The message is a row written with the offer, sent by the workers.
    (reminder,) = offer.reminders.all()
    assert (reminder.kind, reminder.due_at) == ("waitlist_offer", CANCELLED_ON)
    mail.outbox.clear()
    run_due(CANCELLED_ON)
    (message,) = [m for m in mail.outbox if "sooner time" in m.subject]
    assert message.to == ["alice@example.com"]
    assert (
        message.subject == "Pico Clinic: A sooner time for your session 2 of 4: Tue 16 Mar at 10:00"
    )
    assert "Tuesday 16 March 2027 at 10:00" in message.body
    assert f"/offers/{offer.pk}/" in message.body
    assert not message.attachments


def test_an_offer_lapsed_before_its_message_goes_is_not_sent(alice_course, bobs_visit):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
    cancel(bobs_visit)
    offer = WaitlistOffer.objects.get()
    # Twelve hours later the offer has lapsed; a message still waiting for a worker is dropped.
    assert run_due(offer.expires_at + timedelta(minutes=1)).count("withdrawn") >= 1
    assert offer.reminders.get().status == "withdrawn"


def test_nothing_is_offered_for_a_time_outside_the_window_or_no_sooner(clinic, alice_course, bob):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
        too_early = appointment_book(  # before session 2's window opens (15 Mar)
            patient=bob,
            treatment_type=clinic.session,
            starts_at=local(date(2027, 3, 12), 10),
            booked_by=bob,
        )
        later = appointment_book(  # after the time Alice has already
            patient=bob,
            treatment_type=clinic.session,
            starts_at=local(date(2027, 3, 24), 10),
            booked_by=bob,
        )
    cancel(too_early)
    cancel(later)
    assert not WaitlistOffer.objects.exists()


def test_accepting_moves_the_session_and_closes_the_entry(alice_course, bobs_visit):
    with time_machine.travel(BOOKED_ON, tick=False):
        entry = join(alice_course, 2)
    cancel(bobs_visit)
    offer = WaitlistOffer.objects.get()
    with time_machine.travel(CANCELLED_ON + timedelta(hours=1), tick=False):
        offer_accept(offer=offer, by=entry.patient)
    session_2 = Appointment.objects.get(pk=alice_course[1].pk)
    assert session_2.starts_at == FREED
    assert session_2.status == "booked"
    entry.refresh_from_db()
    offer.refresh_from_db()
    assert entry.status == EntryStatus.SERVED
    assert offer.status == OfferStatus.ACCEPTED


def test_the_first_patient_to_accept_has_the_time_and_the_others_are_told(
    clinic, alice_course, bobs_visit, charlie, doctor
):
    with time_machine.travel(BOOKED_ON, tick=False):
        charlies = book_course(
            clinic, approved_plan(charlie, doctor), first=FIRST + timedelta(hours=2)
        )
        alice_entry = join(alice_course, 2)
        charlie_entry = join(charlies, 2)
    cancel(bobs_visit)
    alice_offer = WaitlistOffer.objects.get(entry=alice_entry)
    charlie_offer = WaitlistOffer.objects.get(entry=charlie_entry)
    with time_machine.travel(CANCELLED_ON + timedelta(hours=1), tick=False):
        offer_accept(offer=charlie_offer, by=charlie)
        alice_offer.refresh_from_db()
        assert alice_offer.status == OfferStatus.TAKEN
        with pytest.raises(OfferGone, match="Someone else accepted this time first"):
            offer_accept(offer=alice_offer, by=alice_course[0].patient)
    assert Appointment.objects.get(pk=alice_course[1].pk).starts_at == alice_course[1].starts_at
    alice_entry.refresh_from_db()
    assert alice_entry.status == EntryStatus.WAITING


def test_an_offer_lapses_and_accepting_it_then_changes_nothing(alice_course, bobs_visit):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
    cancel(bobs_visit)
    offer = WaitlistOffer.objects.get()
    with (
        time_machine.travel(offer.expires_at + timedelta(minutes=1), tick=False),
        pytest.raises(OfferGone, match="lapsed"),
    ):
        offer_accept(offer=offer, by=alice_course[0].patient)
    assert Appointment.objects.get(pk=alice_course[1].pk).starts_at == alice_course[1].starts_at


def test_an_offer_lapses_before_its_time_is_too_close_to_book(
    alice_course, bobs_visit, receptionist
):
    from bookings.models import BookingPolicy

    BookingPolicy.objects.filter(pk=BookingPolicy.current().pk).update(waitlist_offer_hours=24)
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
    cancel(bobs_visit, on=FREED - timedelta(hours=15), by=receptionist)  # 19:00 the day before
    offer = WaitlistOffer.objects.get()
    assert offer.expires_at == FREED - timedelta(hours=2)  # the clinic's minimum notice


def test_a_time_freed_at_night_that_would_lapse_before_quiet_hours_end_is_not_offered(
    alice_course, bobs_visit, receptionist
):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
    # Freed at 04:00 for 10:00: the patient could be told at 08:00, when it needs its notice.
    cancel(bobs_visit, on=FREED - timedelta(hours=6), by=receptionist)
    assert not WaitlistOffer.objects.exists()


def test_a_time_inside_the_minimum_notice_is_not_offered(alice_course, bobs_visit, receptionist):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
    with time_machine.travel(FREED - timedelta(hours=1), tick=False):
        appointment_cancel(appointment=bobs_visit, by=receptionist, reason="Ill", override=True)
    assert not WaitlistOffer.objects.exists()


def test_a_patient_booked_elsewhere_at_that_time_is_not_offered_it(
    clinic, alice_course, bobs_visit
):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
        clinic.doctors.append(resource("doctor", "Dr Extra"))
    alice = alice_course[0].patient
    Appointment.objects.create(  # a visit elsewhere in the clinic, written as the desk would
        patient=alice,
        treatment_type=clinic.consultation,
        doctor=clinic.doctors[-1],
        starts_at=FREED + timedelta(minutes=15),
        ends_at=FREED + timedelta(minutes=45),
        reserved_until=FREED + timedelta(minutes=45),
        created_by=alice,
    )
    cancel(bobs_visit)
    assert not WaitlistOffer.objects.exists()


def test_declining_keeps_the_patient_waiting(alice_course, bobs_visit):
    with time_machine.travel(BOOKED_ON, tick=False):
        entry = join(alice_course, 2)
    cancel(bobs_visit)
    offer = WaitlistOffer.objects.get()
    with time_machine.travel(CANCELLED_ON, tick=False):
        offer_decline(offer=offer, by=entry.patient)
        with pytest.raises(ValidationError, match="declined already"):
            offer_accept(offer=offer, by=entry.patient)
    entry.refresh_from_db()
    assert entry.status == EntryStatus.WAITING


def test_a_course_not_yet_booked_is_booked_whole_from_the_time_offered(
    clinic, alice, doctor, bobs_visit
):
    with time_machine.travel(BOOKED_ON, tick=False):
        plan = approved_plan(alice, doctor, sessions=3)
        entry = waitlist_join(plan=plan, by=alice, latest=date(2027, 3, 20))
    cancel(bobs_visit)
    offer = WaitlistOffer.objects.get(entry=entry)
    with time_machine.travel(CANCELLED_ON, tick=False):
        booked = offer_accept(offer=offer, by=alice)
    assert [a.session_number for a in booked] == [1, 2, 3]
    assert booked[0].starts_at == FREED
    days = [a.starts_at.date() for a in booked]
    assert all(WINDOW.contains((b - a).days) for a, b in itertools.pairwise(days))


def test_moving_a_session_offers_the_time_it_leaves(clinic, alice_course, charlie, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        # Charlie's session 2 falls on 29 Mar; Alice's 22 Mar time is inside its window.
        charlies = book_course(
            clinic, approved_plan(charlie, doctor), first=local(date(2027, 3, 8), 10)
        )
        entry = join(charlies, 2)
    with time_machine.travel(CANCELLED_ON, tick=False):
        session_move(
            appointment=alice_course[1],
            new_start=local(date(2027, 3, 23), 14),
            by=alice_course[0].patient,
        )
    offer = WaitlistOffer.objects.get()
    assert offer.entry == entry
    assert offer.starts_at == alice_course[1].starts_at


def test_the_window_is_read_as_the_course_stands_when_the_time_frees(alice_course, bobs_visit):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)  # window from 1 Mar: 15 to 22 Mar
        # Session 1 then moves to 3 Mar: session 2's window now opens on 17 Mar.
        session_move(
            appointment=alice_course[0],
            new_start=local(date(2027, 3, 3), 10),
            by=alice_course[0].patient,
        )
    cancel(bobs_visit)  # 16 Mar
    assert not WaitlistOffer.objects.exists()


def test_cancelling_the_waiting_session_takes_it_off_the_waitlist(alice_course):
    with time_machine.travel(BOOKED_ON, tick=False):
        entry = join(alice_course, 2)
    cancel(alice_course[1])
    entry.refresh_from_db()
    assert entry.status == EntryStatus.LEFT


def test_joining_is_refused_twice_by_another_patient_or_with_no_sooner_day_in_the_window(
    alice_course, bob
):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
        with pytest.raises(ValidationError, match="on the waitlist already"):
            join(alice_course, 2)
        with pytest.raises(PermissionDenied):
            join(alice_course, 3, by=bob)
    with time_machine.travel(local(date(2027, 3, 22), 8), tick=False):
        # Session 3's window from 22 Mar opens on 5 Apr, well before its 12 Apr: allowed.
        join(alice_course, 3)
    session_1 = alice_course[0]
    with time_machine.travel(BOOKED_ON, tick=False):
        Appointment.objects.filter(pk=alice_course[1].pk).update(
            # Placed by the desk a day before its window opens: nothing sooner can be offered.
            starts_at=session_1.starts_at + timedelta(days=13),
            ends_at=session_1.starts_at + timedelta(days=13, hours=1),
            reserved_until=session_1.starts_at + timedelta(days=13, hours=1),
        )
        WaitlistEntry.objects.all().delete()
        with pytest.raises(ValidationError, match="cannot come any sooner"):
            join(alice_course, 2)


def test_a_first_session_wait_needs_a_date_within_a_year(alice, doctor, clinic):
    with time_machine.travel(BOOKED_ON, tick=False):
        plan = approved_plan(alice, doctor)
        with pytest.raises(ValidationError, match="by when"):
            waitlist_join(plan=plan, by=alice)
        with pytest.raises(ValidationError, match="365 days"):
            waitlist_join(plan=plan, by=alice, latest=date(2030, 1, 1))
        with pytest.raises(ValidationError, match="365 days"):
            waitlist_join(plan=plan, by=alice, latest=date(2027, 1, 1))


def test_leaving_withdraws_open_offers(alice_course, bobs_visit):
    with time_machine.travel(BOOKED_ON, tick=False):
        entry = join(alice_course, 2)
    cancel(bobs_visit)
    with time_machine.travel(CANCELLED_ON, tick=False):
        waitlist_leave(entry=entry, by=entry.patient)
        with pytest.raises(ValidationError):
            offer_accept(offer=WaitlistOffer.objects.get(), by=entry.patient)
    assert WaitlistOffer.objects.get().status == OfferStatus.DECLINED


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    day_offset=st.integers(min_value=0, max_value=20), hour=st.integers(min_value=9, max_value=15)
)
@example(day_offset=4, hour=15)  # 14 Mar: the day before the window opens
@example(day_offset=5, hour=9)  # 15 Mar: its first day
@example(day_offset=12, hour=9)  # 22 Mar, the morning of the session itself
@example(day_offset=12, hour=11)  # 22 Mar, after it: no sooner
@example(day_offset=13, hour=9)  # 23 Mar
def test_a_freed_time_is_offered_exactly_when_it_falls_in_the_due_window_and_sooner(
    alice_course, day_offset, hour
):
    """Session 2 (booked 22 Mar 10:00, window from 1 Mar: 15 to 29 Mar) waits for a sooner
    time: any freed time from 15 Mar up to its own is offered, nothing else."""
    freed = local(date(2027, 3, 10) + timedelta(days=day_offset), hour)
    with transaction.atomic():
        with time_machine.travel(BOOKED_ON, tick=False):
            join(alice_course, 2)
        with time_machine.travel(utc(2027, 3, 1, 18), tick=False):
            offered = waitlist_offer_time(starts_at=freed)
        session_2 = alice_course[1].starts_at
        opens = local(date(2027, 3, 15), 0)
        expected = (
            freed.weekday() < 5 and opens <= freed < session_2 and freed > utc(2027, 3, 1, 20)
        )
        assert bool(offered) == expected
        transaction.set_rollback(True)
