"""Date and time inputs carry ISO values (YYYY-MM-DD, HH:MM): the only form a browser's
<input type="date"> or type="time" reads. The clinic's locale (en-gb) would write 02/03/2027,
which the browser drops, leaving the field blank."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from bookings.appointments.forms import SlotSearchForm
from bookings.courses.forms import CourseSearchForm
from clinic.forms import PatientInviteForm, ProfileForm, SignupForm
from planner.services import plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic
from tests.conftest import client_for
from tests.planner.intakes import intake


@pytest.fixture
def plan(db, alice, doctor):
    make_clinic()
    return plan_approve(plan=plan_create(patient=alice, intake=intake()), doctor=doctor)


def test_the_course_booking_page_offers_tomorrow_as_an_iso_date(plan, alice):
    with time_machine.travel(local(date(2027, 3, 1), 9), tick=False):
        page = client_for(alice).get(reverse("course-book", args=[plan.pk])).content.decode()
    assert 'value="2027-03-02"' in page
    assert "02/03/2027" not in page


def test_a_chosen_time_is_written_as_hours_and_minutes(db):
    form = CourseSearchForm(initial={"first_day": date(2027, 3, 2), "first_time": time(10, 15)})
    assert 'value="2027-03-02"' in str(form["first_day"])
    assert 'value="10:15"' in str(form["first_time"])


def test_the_consultation_search_writes_its_day_as_an_iso_date(db):
    form = SlotSearchForm(initial={"day": date(2027, 3, 2)})
    assert 'value="2027-03-02"' in str(form["day"])


@pytest.mark.parametrize("form_class", [SignupForm, PatientInviteForm])
def test_a_date_of_birth_is_written_as_an_iso_date(db, form_class):
    form = form_class(initial={"date_of_birth": date(1975, 1, 10)})
    assert 'value="1975-01-10"' in str(form["date_of_birth"])


def test_every_date_and_time_input_has_an_iso_format(db, alice):
    forms = [
        CourseSearchForm(),
        SlotSearchForm(),
        SignupForm(),
        PatientInviteForm(),
        ProfileForm(instance=alice.profile),
    ]
    expected = {"date": "%Y-%m-%d", "time": "%H:%M", "datetime-local": "%Y-%m-%dT%H:%M"}
    for form in forms:
        for name, field in form.fields.items():
            kind = getattr(field.widget, "input_type", None)
            if kind in expected:
                assert field.widget.format == expected[kind], (type(form).__name__, name)
