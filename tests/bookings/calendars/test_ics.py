from datetime import date

import pytest
from django.urls import reverse
from icalendar import Calendar

from bookings.calendars.ics import calendar_file
from bookings.courses.search import propose_series
from bookings.courses.services import series_book
from planner.services import plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.conftest import client_for
from tests.planner.intakes import intake

NOW = utc(2027, 2, 20, 12)


@pytest.fixture
def course(db, alice, doctor):
    clinic = make_clinic()
    plan = plan_approve(plan=plan_create(patient=alice, intake=intake()), doctor=doctor)
    proposal = propose_series(
        treatment_type=clinic.session,
        sessions=plan.sessions,
        window=plan.window,
        first_start=local(date(2027, 3, 1), 10),
        now=NOW,
    )
    return plan, series_book(plan=plan, proposal=proposal, booked_by=alice, now=NOW)


def events(response):
    assert response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk() if c.name == "VEVENT"]


def test_the_whole_course_downloads_as_one_calendar_with_each_session(course, alice):
    plan, booked = course
    found = events(client_for(alice).get(reverse("course-ics", args=[plan.pk])))
    assert len(found) == 4
    first = found[0]
    assert first.decoded("dtstart") == booked[0].starts_at
    assert "Session 1 of 4" in str(first["summary"])
    assert str(first["uid"]) == f"appointment-{booked[0].pk}@localhost"
    assert str(first["status"]) == "CONFIRMED"


def test_one_session_downloads_alone(course, alice):
    _, booked = course
    [event] = events(client_for(alice).get(reverse("appointment-ics", args=[booked[1].pk])))
    assert "Session 2 of 4" in str(event["summary"])


def test_another_patient_or_a_visitor_gets_no_calendar(course, bob, client):
    plan, booked = course
    assert client_for(bob).get(reverse("course-ics", args=[plan.pk])).status_code == 404
    assert client_for(bob).get(reverse("appointment-ics", args=[booked[0].pk])).status_code == 404
    assert client.get(reverse("course-ics", args=[plan.pk])).status_code == 302


def test_long_and_accented_text_is_escaped_and_folded_and_reads_back_whole(course, settings):
    settings.CLINIC_NAME = "Clinique Zoë; Ångström, Łódź"
    _, booked = course
    visit = booked[0]
    visit.doctor.name = "Dr Żaneta Ñúñez-Øverby, consultant dermatologist (laser; pigment)"
    content = calendar_file([visit], sessions=4)
    lines = content.split(b"\r\n")
    assert all(len(line) <= 75 for line in lines)
    (event,) = [c for c in Calendar.from_ical(content).walk() if c.name == "VEVENT"]
    assert str(event["location"]) == f"Clinique Zoë; Ångström, Łódź, {visit.room}"
    assert str(event["description"]).startswith(f"With {visit.doctor.name}. Come without")
    assert (
        str(event["summary"])
        == f"Session 1 of 4: {visit.treatment_type} at Clinique Zoë; Ångström, Łódź"
    )
    assert event.decoded("dtend") == visit.ends_at
