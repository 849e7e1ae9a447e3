"""No-shows and late cancellations worked out by hand, with 24 hours' notice, in March 2027
(today is 20 March):

- Mon 1 Mar, Alice: completed; confirmed from the link; booked online.
- Tue 2 Mar, Bob: no-show; not confirmed; booked at the desk.
- Mon 8 Mar, Charlie: cancelled 2 hours before (late); booked online.
- Tue 9 Mar, Alice: cancelled 3 days before (in good time): left out.
- Mon 29 Mar, Bob: still to come: left out.

Three visits due: one no-show, one late cancellation."""

from datetime import date, timedelta

import pytest
import time_machine

from bookings.reports.attendance import attendance_report
from bookings.reports.period import Period
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.reports.world import visit

MARCH = Period(date(2027, 3, 1), date(2027, 3, 31), "week")


@pytest.fixture
def visits(db, alice, bob, charlie, receptionist):
    clinic = make_clinic()
    visit(clinic, alice, local(date(2027, 3, 1), 10), confirmed_at=utc(2027, 2, 27, 9))
    visit(clinic, bob, local(date(2027, 3, 2), 10), status="no_show", by=receptionist)
    late = local(date(2027, 3, 8), 10)
    visit(clinic, charlie, late, status="cancelled", cancelled_at=late - timedelta(hours=2))
    early = local(date(2027, 3, 9), 10)
    visit(clinic, alice, early, status="cancelled", cancelled_at=early - timedelta(days=3))
    visit(clinic, bob, local(date(2027, 3, 29), 10), status="booked")
    with time_machine.travel(utc(2027, 3, 20, 12), tick=False):
        yield


def rows(report, slug):
    return {row[0]: row[1:] for row in report.table(slug).rows}


def test_rates_count_the_visits_still_booked_when_the_notice_began(visits):
    report = attendance_report(MARCH)
    # visits due, no-shows, rate, late cancellations, rate
    assert rows(report, "by-month") == {
        "Mar 2027": [3, 1, pytest.approx(1 / 3), 1, pytest.approx(1 / 3)]
    }
    assert dict(report.summary) == {
        "Visits due": "3",
        "No-show rate": "33.3%",
        "Late cancellation rate": "33.3%",
    }


def test_by_weekday(visits):
    by_weekday = rows(attendance_report(MARCH), "by-weekday")
    assert by_weekday["Monday"] == [2, 0, 0.0, 1, 0.5]
    assert by_weekday["Tuesday"] == [1, 1, 1.0, 0, 0.0]
    assert by_weekday["Sunday"] == [0, 0, None, 0, None]


def test_confirmed_from_the_link_against_not_confirmed(visits):
    assert rows(attendance_report(MARCH), "by-confirmation") == {
        "Confirmed from the link": [1, 0, 0.0, 0, 0.0],
        "Not confirmed": [2, 1, 0.5, 1, 0.5],
    }


def test_booked_online_against_at_the_desk(visits):
    assert rows(attendance_report(MARCH), "by-booking") == {
        "Online, by the patient": [2, 0, 0.0, 1, 0.5],
        "At the desk, by staff": [1, 1, 1.0, 0, 0.0],
    }


def test_a_longer_notice_makes_a_cancellation_late(visits):
    from bookings.models import BookingPolicy

    BookingPolicy.objects.update_or_create(pk=1, defaults={"cancellation_notice_hours": 96})
    assert rows(attendance_report(MARCH), "by-month")["Mar 2027"][:4] == [4, 1, 0.25, 2]
