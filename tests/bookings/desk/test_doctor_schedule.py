"""The doctor's own schedule: the page and its feeds hold only the doctor's own column, whatever
is asked for; the desk's feeds stay the desk's; each read is audited and takes the same queries
however many visits it holds; and no date, however it is written, is a 500."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.appointments.services import appointment_book
from bookings.models import SessionRecord, Unavailability
from clinic.models import AuditEntry
from clinic.roles import Role
from tests.bookings.clinics import local
from tests.bookings.desk.test_views import ON, WEEK, seven_consultations
from tests.bookings.waitlists import BOOKED_ON
from tests.conftest import client_for
from tests.factories import UserFactory

FEEDS = ("doctor-schedule-resources", "doctor-schedule-events", "doctor-schedule-changes")


@pytest.fixture(autouse=True)
def _on_a_wednesday():
    with time_machine.travel(ON, tick=False):
        yield


@pytest.fixture
def course(course, doctor):
    """Alice's course (conftest), on the column then tied to Dr Rahman's login."""
    column = course[1].doctor
    column.user = doctor
    column.save()
    return course


@pytest.fixture
def other_column(clinic, course):
    return next(d for d in clinic.doctors if d.pk != course[1].doctor_id)


@pytest.fixture
def bobs_visit_elsewhere(clinic, bob, other_column):
    """Bob's consultation on the other doctor's column, the same morning as Alice's session."""
    with time_machine.travel(BOOKED_ON, tick=False):
        return appointment_book(
            patient=bob,
            treatment_type=clinic.consultation,
            starts_at=local(date(2027, 3, 22), 10),
            booked_by=bob,
            doctor=other_column,
        )


def feed(client, name="doctor-schedule-events", **params):
    return client.get(reverse(name), (WEEK if name == "doctor-schedule-events" else {}) | params)


def visit_ids(response) -> set[int]:
    return {
        e["extendedProps"]["appointment"]
        for e in response.json()
        if e["extendedProps"]["kind"] == "visit"
    }


def test_the_doctor_sees_their_own_visits_and_not_another_doctors(
    course, bobs_visit_elsewhere, doctor
):
    response = feed(client_for(doctor))
    assert response.status_code == 200
    assert visit_ids(response) == {course[1].pk}
    assert bobs_visit_elsewhere.patient.get_full_name() not in response.content.decode()
    (visit,) = [e for e in response.json() if e["id"] == f"a{course[1].pk}"]
    assert visit["resourceIds"] == [f"r{course[1].doctor_id}"]
    assert visit["editable"] is False
    props = visit["extendedProps"]
    assert props["patient"] == course[1].patient.get_full_name()
    assert props["session"] == "Session 2 of 4"
    assert props["stateLabel"] == "Booked"
    assert props["recordLabel"] == "Record not started"
    assert props["url"] == f"/visits/{course[1].pk}/record/"


def test_asking_for_another_column_or_the_whole_clinic_still_gets_only_the_doctors_own(
    course, bobs_visit_elsewhere, other_column, clinic, doctor
):
    client = client_for(doctor)
    mine = {f"r{course[1].doctor_id}"}
    for params in (
        {"resource": other_column.pk},
        {"resources": f"r{other_column.pk}"},
        {"resource": clinic.devices[0].pk},
        {"doctor": other_column.pk, "cancelled": "1"},
    ):
        events = feed(client, **params).json()
        assert visit_ids(feed(client, **params)) == {course[1].pk}, params
        assert {r for e in events for r in e["resourceIds"]} == mine, params
        resources = feed(client, "doctor-schedule-resources", **params).json()
        assert [r["id"] for r in resources] == [f"r{course[1].doctor_id}"], params


def test_the_desk_feeds_stay_closed_to_doctors(course, doctor):
    client = client_for(doctor)
    for name in ("desk-resources", "desk-events", "desk-changes"):
        assert client.get(reverse(name), WEEK).status_code == 403, name


def test_the_front_desk_and_the_manager_still_see_the_whole_clinic(
    course, bobs_visit_elsewhere, receptionist, manager
):
    for person in (receptionist, manager):
        client = client_for(person)
        response = client.get(reverse("desk-events"), WEEK)
        assert visit_ids(response) == {course[1].pk, bobs_visit_elsewhere.pk}
        assert len(client.get(reverse("desk-resources")).json()) == 6
        # The doctor's schedule is a doctor's: the desk has its own calendar.
        assert client.get(reverse("doctor-schedule")).status_code == 403
        for name in FEEDS:
            assert feed(client, name).status_code == 403, name


def test_patients_are_refused_and_visitors_sent_to_log_in(course, alice, bob, client):
    for name in ("doctor-schedule", *FEEDS):
        assert feed(client_for(alice), name).status_code == 403, name
        response = feed(client_for(bob), name)
        assert response.status_code == 403, name
        assert "Alice" not in response.content.decode()
        response = feed(client, name)
        assert response.status_code == 302, name
        assert response["Location"].startswith(reverse("login"))


def test_consultations_show_and_a_records_state_is_told_for_each_treatment_visit(
    clinic, course, charlie, doctor
):
    column = course[1].doctor
    with time_machine.travel(BOOKED_ON, tick=False):
        consultation = appointment_book(
            patient=charlie,
            treatment_type=clinic.consultation,
            starts_at=local(date(2027, 3, 23), 11),
            booked_by=charlie,
            doctor=column,
        )
    first, second = course[0], course[1]
    SessionRecord.objects.create(
        appointment=first, created_by=doctor, status="signed", signed_by=doctor, signed_at=ON
    )
    SessionRecord.objects.create(appointment=second, created_by=doctor)
    client = client_for(doctor)
    shown = {
        e["extendedProps"]["appointment"]: e["extendedProps"]
        for e in feed(client, start="2027-03-01", end="2027-03-29").json()
        if e["extendedProps"]["kind"] == "visit"
    }
    assert shown[first.pk]["recordLabel"] == "Record signed"
    assert shown[second.pk]["recordLabel"] == "Record in draft"
    assert shown[consultation.pk]["treatment"] == "Consultation"
    assert shown[consultation.pk]["recordLabel"] == ""  # a consultation has no session record
    assert shown[consultation.pk]["url"] == f"/visits/{consultation.pk}/record/"


def test_the_doctors_absences_and_the_closures_show_but_not_a_lasers(clinic, course, doctor):
    from bookings.models import Closure

    column = course[1].doctor
    Unavailability.objects.create(
        resource=column,
        starts_at=local(date(2027, 3, 24), 12),
        ends_at=local(date(2027, 3, 24), 13),
        reason="Training",
    )
    Unavailability.objects.create(
        resource=clinic.devices[0],
        starts_at=local(date(2027, 3, 24), 12),
        ends_at=local(date(2027, 3, 24), 13),
        reason="Service",
    )
    Closure.objects.create(starts_on=date(2027, 3, 26), ends_on=date(2027, 3, 26), reason="Audit")
    events = feed(client_for(doctor)).json()
    blocks = [e["title"] for e in events if e["extendedProps"]["kind"] == "block"]
    assert blocks == ["Training"]
    (closure,) = [e for e in events if e["extendedProps"]["kind"] == "closure"]
    assert closure["resourceIds"] == [f"r{column.pk}"]
    assert closure["display"] == "background"
    hours = [e for e in events if e["extendedProps"]["kind"] == "hours"]
    assert len(hours) == 5
    assert {r for e in hours for r in e["resourceIds"]} == {f"r{column.pk}"}


def test_the_doctors_read_takes_the_same_queries_for_one_visit_or_many(
    clinic, course, doctor, django_assert_max_num_queries
):
    client = client_for(doctor)
    with django_assert_max_num_queries(14) as few:
        feed(client)  # Alice's entry is written
    seven_consultations(clinic, doctor=course[1].doctor)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = feed(client)  # seven new patients: their entries are written
    assert len(visit_ids(response)) == 8


def test_the_doctors_reads_are_audited_once_an_hour_per_patient(course, doctor, alice):
    client = client_for(doctor)
    feed(client)
    feed(client)
    entries = AuditEntry.objects.filter(actor=doctor, patient=alice)
    assert [e.action for e in entries] == ["viewed their schedule"]
    assert entries[0].detail == "2027-03-22 to 2027-03-28"
    with time_machine.travel(ON + timedelta(hours=2), tick=False):
        feed(client)
    assert AuditEntry.objects.filter(actor=doctor, patient=alice).count() == 2


def test_the_changes_stamp_moves_with_the_doctors_own_visits_and_records_only(
    clinic, course, bobs_visit_elsewhere, doctor
):
    from bookings.appointments.services import appointment_cancel

    client = client_for(doctor)
    before = feed(client, "doctor-schedule-changes").json()["stamp"]
    appointment_cancel(
        appointment=bobs_visit_elsewhere, by=bobs_visit_elsewhere.patient, reason="Away"
    )
    Unavailability.objects.create(
        resource=clinic.devices[0],
        starts_at=local(date(2027, 3, 24), 12),
        ends_at=local(date(2027, 3, 24), 13),
        reason="Service",
    )
    assert feed(client, "doctor-schedule-changes").json()["stamp"] == before
    SessionRecord.objects.create(appointment=course[0], created_by=doctor)
    drafted = feed(client, "doctor-schedule-changes").json()["stamp"]
    assert drafted != before
    with time_machine.travel(ON + timedelta(minutes=10), tick=False):
        appointment_cancel(appointment=course[1], by=course[1].patient, reason="Away")
    assert feed(client, "doctor-schedule-changes").json()["stamp"] != drafted


def test_the_page_opens_on_the_date_and_view_of_its_link(course, doctor):
    response = client_for(doctor).get(reverse("doctor-schedule"), {"date": "2027-03-22"})
    assert response.status_code == 200
    assert 'data-mode="doctor"' in response.content.decode()
    assert 'data-date="2027-03-22"' in response.content.decode()
    assert course[1].doctor.name in response.content.decode()
    week = client_for(doctor).get(reverse("doctor-schedule"), {"view": "week"})
    assert 'data-view="week"' in week.content.decode()
    assert 'data-date="2027-03-10"' in week.content.decode()


@pytest.mark.parametrize("asked", ["2027-02-30", "tomorrow", "0001-01-01", "9999-12-31", "2027"])
def test_a_bad_or_far_date_is_today_with_a_message_never_a_500(course, doctor, asked):
    response = client_for(doctor).get(reverse("doctor-schedule"), {"date": asked, "view": "x"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-date="2027-03-10"' in page
    assert 'data-view="day"' in page
    assert "showing today" in page


def test_a_doctor_without_a_column_is_told_so_and_their_feeds_say_why(doctor, db):
    other = UserFactory(role=Role.DOCTOR)
    client = client_for(other)
    response = client.get(reverse("doctor-schedule"))
    assert response.status_code == 200
    assert "not tied to a doctor&#x27;s column" in response.content.decode()
    assert 'id="desk-calendar"' not in response.content.decode()
    for name in FEEDS:
        answer = feed(client, name)
        assert answer.status_code == 404, name
        assert "not tied" in answer.json()["detail"]


def test_the_doctors_home_and_menu_lead_to_their_schedule(course, doctor):
    page = client_for(doctor).get(reverse("doctor-home")).content.decode()
    assert page.count(f'href="{reverse("doctor-schedule")}"') == 2  # the menu and the button
    assert "My schedule" in page
