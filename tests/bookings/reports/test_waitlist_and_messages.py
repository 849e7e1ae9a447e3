"""The waitlist's offers and the messages, worked out by hand in March 2027."""

from datetime import date, timedelta

import pytest
import time_machine

from bookings.models import (
    EntryStatus,
    OfferStatus,
    Reminder,
    ReminderKind,
    ReminderStatus,
    WaitlistEntry,
    WaitlistOffer,
)
from bookings.reports.messages import messages_report
from bookings.reports.period import Period
from bookings.reports.waitlist import waitlist_report
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.reports.world import course, visit

MARCH = Period(date(2027, 3, 1), date(2027, 3, 31), "month")
NOW = utc(2027, 3, 20, 12)


def rows(report, slug):
    return {row[0]: row[1:] for row in report.table(slug).rows}


@pytest.fixture
def offers(db, alice, bob, doctor):
    """One freed time (Tue 16 Mar 10:00) offered to Alice and Bob on 10 Mar: Alice accepted
    (her session 2 moved there, an hour with its buffer), so Bob's was taken by another. A
    second time offered to Bob on 12 Mar, which he let lapse; a third on 19 Mar, still open.
    An offer made in February is left out."""
    clinic = make_clinic()
    freed = local(date(2027, 3, 16), 10)
    alices = course(clinic, alice, doctor, [date(2027, 3, 1)])
    visit(clinic, alice, freed, plan=alices, session=2, status="booked")
    bobs = course(clinic, bob, doctor, [date(2027, 3, 2)])

    def offer(plan, starts_at, made, status, expires_in=timedelta(hours=12)):
        entry = WaitlistEntry.objects.create(
            patient=plan.patient,
            plan=plan,
            earliest=date(2027, 3, 1),
            latest=date(2027, 4, 30),
            created_by=plan.patient,
            status=EntryStatus.LEFT,
        )
        with time_machine.travel(made, tick=False):
            return WaitlistOffer.objects.create(
                entry=entry, starts_at=starts_at, expires_at=made + expires_in, status=status
            )

    offer(alices, freed, utc(2027, 3, 10, 9), OfferStatus.ACCEPTED)
    offer(bobs, freed, utc(2027, 3, 10, 9), OfferStatus.TAKEN)
    offer(bobs, local(date(2027, 3, 17), 11), utc(2027, 3, 12, 9), OfferStatus.OPEN)
    offer(
        bobs,
        local(date(2027, 3, 24), 11),
        utc(2027, 3, 19, 9),
        OfferStatus.OPEN,
        expires_in=timedelta(days=3),
    )
    offer(bobs, local(date(2027, 2, 24), 11), utc(2027, 2, 19, 9), OfferStatus.DECLINED)
    with time_machine.travel(NOW, tick=False):
        yield


def test_offers_made_and_what_became_of_them_and_the_hours_filled(offers):
    report = waitlist_report(MARCH)
    # made, accepted, declined, lapsed, taken by another, still open, acceptance rate,
    # freed times offered, freed times filled, hours filled again
    assert rows(report, "offers") == {"Mar 2027": [4, 1, 0, 1, 1, 1, 0.25, 3, 1, 1.0]}
    assert dict(report.summary) == {
        "Offers made": "4",
        "Accepted": "1",
        "Hours filled again": "1.0",
    }


@pytest.fixture
def messages(db, alice, bob):
    clinic = make_clinic()
    first = visit(clinic, alice, local(date(2027, 3, 1), 10))
    second = visit(clinic, bob, local(date(2027, 3, 2), 10))

    def message(appointment, kind, channel, status, due, error=""):
        return Reminder.objects.create(
            patient=appointment.patient,
            appointment=appointment,
            kind=kind,
            channel=channel,
            status=status,
            due_at=due,
            last_error=error,
        )

    due = utc(2027, 3, 1, 8)
    message(first, ReminderKind.CONFIRMATION, "email", ReminderStatus.SENT, due)
    message(first, ReminderKind.PRE_CARE, "email", ReminderStatus.SENT, due)
    message(first, ReminderKind.SOON, "sms", ReminderStatus.FAILED, due, "No such number")
    message(second, ReminderKind.CONFIRMATION, "sms", ReminderStatus.SENT, due)
    message(second, ReminderKind.SOON, "sms", ReminderStatus.WITHDRAWN, due, "Refused")
    message(second, ReminderKind.PRE_CARE, "whatsapp", ReminderStatus.WITHDRAWN, due)
    message(second, ReminderKind.AFTERCARE, "email", ReminderStatus.PENDING, utc(2027, 3, 3, 9))
    message(second, ReminderKind.AFTERCARE, "email", ReminderStatus.SENT, utc(2027, 4, 3, 9))


def test_messages_by_kind_and_channel(messages):
    report = messages_report(MARCH)
    # sent, failed, dropped after failing, withdrawn, still to go, failure rate
    assert rows(report, "by-kind") == {
        "Booking confirmation": [2, 0, 0, 0, 0, 0.0],
        "Pre-care, before the visit": [1, 0, 0, 1, 0, 0.0],
        "Shortly before the visit": [0, 1, 1, 0, 0, 1.0],
        "Aftercare, the morning after": [0, 0, 0, 0, 1, None],
    }
    assert rows(report, "by-channel") == {
        "Email": [2, 0, 0, 0, 1, 0.0],
        "SMS": [1, 1, 1, 0, 0, pytest.approx(2 / 3)],
        "WhatsApp": [0, 0, 0, 1, 0, None],
    }
    assert dict(report.summary)["Failure rate"] == "40.0%"
