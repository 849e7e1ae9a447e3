"""The manager's admin for the calendars: closures say which booked visits they fall on."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils.html import escape

from bookings.models import Appointment, Closure
from clinic.models import AuditEntry
from tests.bookings.clinics import local, make_clinic, utc
from tests.conftest import client_for

ADD = reverse("admin:bookings_closure_add")


@pytest.fixture(autouse=True)
def _in_february():
    with time_machine.travel(utc(2027, 2, 1), tick=False):
        yield


@pytest.fixture
def visit(db, alice):
    clinic = make_clinic()
    starts_at = local(date(2027, 3, 2), 10)
    return Appointment.objects.create(
        patient=alice,
        treatment_type=clinic.consultation,
        doctor=clinic.doctors[0],
        room=clinic.rooms[0],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=30),
        reserved_until=starts_at + timedelta(minutes=30),
        created_by=alice,
    )


def closure(**fields):
    return {"starts_on": "2027-03-01", "ends_on": "2027-03-03", "reason": "Refit"} | fields


def test_a_closure_over_booked_visits_lists_them_and_waits_for_a_yes(manager, visit):
    client = client_for(manager)
    page = client.post(ADD, closure())
    assert page.status_code == 200
    assert not Closure.objects.exists()
    assert "1 booked visit falls on these days" in page.content.decode()
    assert escape(f"{visit.patient}, Tue 02 Mar 2027 10:00, Dr 0") in page.content.decode()
    assert AuditEntry.objects.filter(actor=manager, patient=visit.patient).exists()

    saved = client.post(ADD, closure(close_anyway="on"))
    assert saved.status_code == 302
    assert Closure.objects.get().reason == "Refit"
    visit.refresh_from_db()
    assert visit.status == "booked"  # the front desk moves it; nothing is cancelled


def test_a_closure_over_free_days_or_cancelled_visits_is_saved_at_once(manager, visit):
    client = client_for(manager)
    assert client.post(ADD, closure(starts_on="2027-03-03")).status_code == 302
    Appointment.objects.filter(pk=visit.pk).update(status="cancelled")
    assert client.post(ADD, closure(ends_on="2027-03-02")).status_code == 302
    assert Closure.objects.count() == 2
    assert not AuditEntry.objects.exists()


def test_extending_a_closure_over_a_visit_warns_too(manager, visit):
    refit = Closure.objects.create(starts_on=date(2027, 3, 3), ends_on=date(2027, 3, 3), reason="x")
    url = reverse("admin:bookings_closure_change", args=[refit.pk])
    page = client_for(manager).post(url, closure())
    assert "1 booked visit falls" in page.content.decode()
    refit.refresh_from_db()
    assert refit.starts_on == date(2027, 3, 3)


def test_a_closure_that_ends_before_it_starts_is_refused_in_a_sentence(manager, db):
    page = client_for(manager).post(ADD, closure(starts_on="2027-03-05", ends_on="2027-03-01"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "The closure must end after it starts." in html
    assert "closure_start_before_end" not in html
    assert not Closure.objects.exists()


@pytest.mark.parametrize(
    ("starts_on", "ends_on"), [("2026-12-10", "9999-12-31"), ("9999-12-30", "9999-12-31")]
)
def test_a_closure_to_the_end_of_time_is_refused_in_a_sentence_not_a_500(
    manager, db, starts_on, ends_on
):
    """Found by trying the admin as a manager: "closed until further notice" typed as 9999."""
    page = client_for(manager).post(ADD, closure(starts_on=starts_on, ends_on=ends_on))
    assert page.status_code == 200
    assert "For a closure until further notice, 31 Dec 2099 will do" in page.content.decode()
    assert not Closure.objects.exists()


def test_a_doctors_column_is_linked_to_a_doctors_login_never_a_patients(
    client, manager, doctor, alice
):
    from tests.conftest import client_for

    page = client_for(manager).get("/admin/bookings/resource/add/").content.decode()
    assert doctor.get_full_name() in page
    assert alice.get_full_name() not in page
