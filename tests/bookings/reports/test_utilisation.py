"""Utilisation worked out by hand: one doctor, one laser and one room, open 09:00-17:00 Monday
to Friday, over the week of Monday 1 March 2027. The clinic is closed on Wednesday; the doctor
is away on Tuesday from 13:00 to 19:00 (four working hours lost). So the laser and the room
were available 4 days x 8 hours = 32 hours, the doctor 32 - 4 = 28.

Booked: Monday 10:00 a pico session (45 minutes + 15 of buffer = 1 hour, doctor, laser and
room); Tuesday 10:00 a consultation (30 minutes, doctor and room); Thursday 10:00 a session
cancelled (frees its time); Friday 10:00 a session the patient missed (its hour stays booked).
Doctor 2.5 of 28 hours; laser 2 of 32; room 2.5 of 32."""

from datetime import date

import pytest

from bookings.models import Closure, Unavailability
from bookings.reports.period import Period
from bookings.reports.utilisation import utilisation_report
from tests.bookings.clinics import local, make_clinic
from tests.bookings.reports.world import visit

MONDAY = date(2027, 3, 1)
WEEK = Period(MONDAY, date(2027, 3, 7), "week")


@pytest.fixture
def clinic(db, alice, bob):
    clinic = make_clinic()
    Closure.objects.create(starts_on=date(2027, 3, 3), ends_on=date(2027, 3, 3), reason="Refit")
    Unavailability.objects.create(
        resource=clinic.doctors[0],
        starts_at=local(date(2027, 3, 2), 13),
        ends_at=local(date(2027, 3, 2), 19),
        reason="Training",
    )
    visit(clinic, alice, local(MONDAY, 10))
    visit(clinic, bob, local(date(2027, 3, 2), 10), treatment=clinic.consultation)
    visit(clinic, alice, local(date(2027, 3, 4), 10), status="cancelled")
    visit(clinic, bob, local(date(2027, 3, 5), 10), status="no_show")
    return clinic


def rows(report, slug):
    return {row[0]: row[1:] for row in report.table(slug).rows}


def test_each_resource_is_booked_over_its_hours_less_absences_and_closures(clinic):
    by_resource = rows(utilisation_report(WEEK), "by-resource")
    assert by_resource["Dr 0"] == ["Doctor", 28.0, 2.5, pytest.approx(2.5 / 28)]
    assert by_resource["PicoWay 0"] == ["Laser device", 32.0, 2.0, pytest.approx(2 / 32)]
    assert by_resource["Room 0"] == ["Room", 32.0, 2.5, pytest.approx(2.5 / 32)]


def test_the_week_is_the_same_sum_by_kind_and_days_split_it(clinic):
    report = utilisation_report(WEEK)
    assert rows(report, "over-time")["01 Mar 2027"] == pytest.approx([2.5 / 28, 2 / 32, 2.5 / 32])
    by_day = rows(utilisation_report(Period(MONDAY, date(2027, 3, 5), "day")), "over-time")
    assert by_day["Mon 01 Mar 2027"] == pytest.approx([1 / 8, 1 / 8, 1 / 8])
    assert by_day["Tue 02 Mar 2027"] == pytest.approx([0.5 / 4, 0.0, 0.5 / 8])
    assert by_day["Wed 03 Mar 2027"] == [None, None, None]  # closed: nothing to divide by
    assert by_day["Thu 04 Mar 2027"] == [0.0, 0.0, 0.0]  # the cancelled session freed it


def test_one_resource_may_be_followed_beside_its_kind(clinic):
    report = utilisation_report(WEEK, resource=clinic.devices[0])
    assert report.table("over-time").header()[-1] == "PicoWay 0"
    assert rows(report, "over-time")["01 Mar 2027"][-1] == pytest.approx(2 / 32)


def test_the_heat_map_counts_visits_by_local_weekday_and_hour(clinic):
    heat = utilisation_report(WEEK).table("busy-hours")
    hours = heat.header()[1:]
    assert hours == ["10:00"]
    assert {row[0]: row[1] for row in heat.rows} == {
        "Monday": 1,
        "Tuesday": 1,
        "Wednesday": 0,
        "Thursday": 0,
        "Friday": 1,
        "Saturday": 0,
        "Sunday": 0,
    }


def test_the_summary_gives_each_kind_over_the_range(clinic):
    assert dict(utilisation_report(WEEK).summary) == {
        "Doctors": "8.9%",
        "Laser devices": "6.2%",
        "Rooms": "7.8%",
    }
