"""The manager's home: this week at a glance, worked out by hand. Today is Wednesday 10 March
2027; the week runs Monday 8 to Sunday 14 March. One doctor, one laser and one room work 09:00
to 17:00 Monday to Friday: 40 hours each this week.

This week: Monday a session that took place (1 hour with its buffer), Tuesday a no-show
(1 hour), Thursday a session still booked (1 hour), Friday a cancelled one (none). Alice's
course: one session on 8 February (a 14-28 day window, so the next closes on 8 March, gone);
Bob's: one session on 15 February, closing 15 March, within the week: at risk. One message
failed, one sent."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Reminder, ReminderStatus
from bookings.reports.week import this_week
from clinic.models import AuditEntry
from tests.bookings.clinics import local, make_clinic
from tests.bookings.reports.world import course, visit
from tests.conftest import client_for

TODAY = local(date(2027, 3, 10), 12)


@pytest.fixture
def week(db, alice, bob, charlie, doctor):
    clinic = make_clinic()
    first = visit(clinic, charlie, local(date(2027, 3, 8), 10))
    visit(clinic, charlie, local(date(2027, 3, 9), 10), status="no_show")
    visit(clinic, charlie, local(date(2027, 3, 11), 10), status="booked")
    visit(clinic, charlie, local(date(2027, 3, 12), 10), status="cancelled")
    course(clinic, alice, doctor, [date(2027, 2, 8)])
    course(clinic, bob, doctor, [date(2027, 2, 15)])
    for status in (ReminderStatus.FAILED, ReminderStatus.SENT):
        Reminder.objects.create(
            patient=charlie,
            appointment=first,
            kind="soon",
            channel="sms",
            status=status,
            due_at=first.starts_at,
        )
    with time_machine.travel(TODAY, tick=False):
        yield


def test_this_week_at_a_glance(week):
    glance = this_week()
    assert (glance.period.first, glance.period.last) == (date(2027, 3, 8), date(2027, 3, 14))
    assert glance.utilisation == [
        ("Doctors", "7.5%"),
        ("Laser devices", "7.5%"),
        ("Rooms", "7.5%"),
    ]
    assert (glance.visits, glance.taken_place, glance.no_shows) == (3, 1, 1)
    assert (glance.at_risk, glance.failed_messages) == (1, 1)


def test_the_home_page_shows_the_week_and_links_to_the_reports(week, manager):
    html = client_for(manager).get(reverse("manager-home")).content.decode()
    assert "This week at a glance" in html
    assert "7.5%" in html
    assert reverse("courses-at-risk") in html
    assert f"{reverse('report-utilisation')}?since=2027-03-08&amp;until=2027-03-14" in html
    assert not AuditEntry.objects.exists()  # figures only: no patient named


def test_the_courses_at_risk_name_their_patients_and_are_audited(week, manager, bob, alice):
    html = client_for(manager).get(reverse("courses-at-risk")).content.decode()
    assert bob.get_full_name() in html
    assert alice.get_full_name() not in html
    assert "Mon 15 Mar 2027" in html
    assert AuditEntry.objects.filter(actor=manager, patient=bob, action="viewed").exists()
