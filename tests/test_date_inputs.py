"""Date and time inputs carry ISO values (YYYY-MM-DD, HH:MM): the only form a browser's
<input type="date"> or type="time" reads. The clinic's locale (en-gb) would write 02/03/2027,
which the browser drops, leaving the field blank."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

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


def test_the_course_picker_sends_its_days_and_times_as_iso_values(plan, alice):
    with time_machine.travel(local(date(2027, 3, 1), 9), tick=False):
        page = client_for(alice).get(reverse("course-book", args=[plan.pk])).content.decode()
    assert "day=2027-03-02" in page
    assert "first_day=2027-03-01&amp;first_time=11%3A00" in page
    assert "02/03/2027" not in page


@pytest.mark.parametrize("form_class", [SignupForm, PatientInviteForm])
def test_a_date_of_birth_is_written_as_an_iso_date(db, form_class):
    form = form_class(initial={"date_of_birth": date(1975, 1, 10)})
    assert 'value="1975-01-10"' in str(form["date_of_birth"])


def test_every_date_and_time_input_has_an_iso_format(db, alice):
    forms = [
        CourseSearchForm(),
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
