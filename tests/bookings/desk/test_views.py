"""The desk's feeds and actions: for the front desk only, a fixed number of queries, audited,
and every refusal a clear 4xx."""

import json
from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.appointments.services import appointment_book
from bookings.models import Appointment, Unavailability
from clinic.models import AuditEntry
from tests.bookings.clinics import local
from tests.bookings.waitlists import BOOKED_ON, approved_plan
from tests.conftest import client_for

ON = local(date(2027, 3, 10), 9)
WEEK = {"start": "2027-03-22", "end": "2027-03-29"}


@pytest.fixture(autouse=True)
def _on_a_wednesday():
    with time_machine.travel(ON, tick=False):
        yield


def events(client, **params):
    return client.get(reverse("desk-events"), WEEK | params)


def test_a_visit_shows_once_on_its_doctors_devices_and_rooms_columns(course, receptionist):
    response = events(client_for(receptionist))
    assert response.status_code == 200
    (visit,) = [e for e in response.json() if e["id"] == f"a{course[1].pk}"]
    v = course[1]
    assert visit["resourceIds"] == [f"r{v.doctor_id}", f"r{v.device_id}", f"r{v.room_id}"]
    assert visit["start"] == "2027-03-22T10:00"
    assert visit["extendedProps"]["session"] == "Session 2 of 4"
    assert visit["extendedProps"]["stateLabel"] == "Booked"
    assert visit["extendedProps"]["window"] == {
        "opens": "2027-03-15",
        "closes": "2027-03-29",
        "next": "2027-04-12",
        "min": 14,
        "max": 28,
    }
    hours = [e for e in response.json() if e["extendedProps"]["kind"] == "hours"]
    assert {e["start"][11:] for e in hours} == {"09:00"}
    assert AuditEntry.objects.filter(actor=receptionist, patient=course[0].patient).exists()


def test_the_feed_takes_the_same_queries_for_one_visit_or_many(
    clinic, course, receptionist, manager, django_assert_max_num_queries
):
    # Each read by someone who has not seen these patients this hour (so each writes its
    # audit entries), once warmed up.
    desk, office = client_for(receptionist), client_for(manager)
    events(desk)
    with django_assert_max_num_queries(14) as few:
        events(office)
    seven_consultations(clinic)
    with django_assert_max_num_queries(len(few.captured_queries)):
        events(desk)  # seven new patients for it: their entries are written


def seven_consultations(clinic, doctor=None) -> None:
    """Seven new patients' consultations on Tuesday 23 March, 09:00 to 15:00."""
    from clinic.roles import Role
    from tests.factories import UserFactory

    for hour in range(9, 16):
        patient = UserFactory(role=Role.PATIENT)
        with time_machine.travel(BOOKED_ON, tick=False):
            appointment_book(
                patient=patient,
                treatment_type=clinic.consultation,
                starts_at=local(date(2027, 3, 23), hour),
                booked_by=patient,
                doctor=doctor,
            )


def test_cancelled_visits_show_only_when_asked_for(course, receptionist, alice):
    from bookings.appointments.services import appointment_cancel

    appointment_cancel(appointment=course[1], by=alice, reason="Away")
    client = client_for(receptionist)
    ids = {e["id"] for e in events(client).json()}
    assert f"a{course[1].pk}" not in ids
    shown = {e["id"]: e for e in events(client, cancelled="1").json()}
    assert shown[f"a{course[1].pk}"]["extendedProps"]["state"] == "cancelled"


@pytest.mark.parametrize(
    "params",
    [
        {"start": "x", "end": "2027-03-29"},
        {"start": "2027-03-01", "end": "2027-06-01"},
        {"start": "0001-01-01", "end": "0001-01-01"},
        {"start": "9999-12-31", "end": "9999-12-31"},
        {},
    ],
)
def test_a_bad_range_is_a_400_with_a_message(course, receptionist, params):
    response = client_for(receptionist).get(reverse("desk-events"), params)
    assert response.status_code == 400
    assert response.json()["detail"]


def endpoints(course):
    visit = course[1].pk
    return [
        ("get", reverse("desk-resources"), {}),
        ("get", reverse("desk-events"), WEEK),
        ("get", reverse("desk-changes"), {}),
        ("get", reverse("desk-visit-panel", args=[visit]), {}),
        ("post", reverse("desk-visit-move", args=[visit]), {"starts_at": "2027-03-24T11:00"}),
        ("post", reverse("desk-visit-action", args=[visit, "check-in"]), {}),
        ("get", reverse("desk-book"), {"start": "2027-03-24T11:00", "resource": 1}),
        ("post", reverse("desk-book-do"), {"start": "2027-03-24T11:00", "resource": 1}),
        ("post", reverse("desk-block-remove", args=[1]), {}),
    ]


def test_patients_doctors_and_visitors_get_no_desk_data(course, alice, bob, doctor, client):
    for method, url, data in endpoints(course):
        for person in (alice, bob, doctor):
            response = getattr(client_for(person), method)(url, data)
            assert response.status_code == 403, (url, person)
        response = getattr(client, method)(url, data)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login"))
    assert Appointment.objects.get(pk=course[1].pk).starts_at == course[1].starts_at


def move(client, visit, **data):
    visit = Appointment.objects.get(pk=visit.pk)
    return client.post(
        reverse("desk-visit-move", args=[visit.pk]),
        {"version": visit.updated_at.isoformat()} | data,
    )


def test_a_drag_answers_json_moved_refused_or_asking(course, receptionist):
    client = client_for(receptionist)
    ok = move(client, course[1], starts_at="2027-03-24T11:00")
    assert ok.status_code == 200
    assert ok.json()["detail"] == "Moved."
    outside = move(client, course[1], starts_at="2027-04-05T11:00")
    assert outside.status_code == 400
    assert "must fall between" in outside.json()["detail"]
    reflow = move(client, course[2], starts_at="2027-04-21T10:00")  # 12 days before 4
    assert reflow.status_code == 409
    assert reflow.json()["reflow"][0]["session"] == 4
    stale = client.post(
        reverse("desk-visit-move", args=[course[1].pk]),
        {"starts_at": "2027-03-25T11:00", "version": course[1].updated_at.isoformat()},
    )
    assert stale.status_code == 409
    assert "changed meanwhile" in stale.json()["detail"]
    garbage = move(client, course[1], starts_at="9999-12-31T10:00")
    assert garbage.status_code == 400
    unknown = move(client, course[1], starts_at="2027-03-24T12:00", resource="99999")
    assert unknown.status_code == 400
    assert Appointment.objects.get(pk=course[1].pk).starts_at == local(date(2027, 3, 24), 11)


def test_the_changes_stamp_moves_when_another_desk_changes_something(course, receptionist, manager):
    mine = client_for(receptionist)
    before = mine.get(reverse("desk-changes")).json()["stamp"]
    assert mine.get(reverse("desk-changes")).json()["stamp"] == before
    with time_machine.travel(ON + timedelta(minutes=1), tick=False):
        move(client_for(manager), course[1], starts_at="2027-03-24T11:00")
    assert mine.get(reverse("desk-changes")).json()["stamp"] != before


def test_the_panel_shows_the_patient_the_window_and_the_actions(course, receptionist, alice):
    alice.profile.phone = "+447700900123"
    alice.profile.save()
    page = client_for(receptionist).get(reverse("desk-visit-panel", args=[course[1].pk]))
    text = page.content.decode()
    assert "+447700900123" in text
    assert "Mon 15 Mar to Mon 29 Mar" in text
    assert reverse("patient-detail", args=[alice.pk]) in text
    assert reverse("course-detail", args=[course[1].plan_id]) in text
    assert AuditEntry.objects.filter(actor=receptionist, action="viewed appointment").exists()


def test_checking_in_from_the_panel_answers_the_panel_and_tells_the_calendar(course, receptionist):
    visit = course[1]
    with time_machine.travel(visit.starts_at - timedelta(minutes=30), tick=False):
        response = client_for(receptionist).post(
            reverse("desk-visit-action", args=[visit.pk, "check-in"])
        )
    assert response.status_code == 200
    assert "Checked in." in response.content.decode()
    assert response["HX-Trigger"] == "deskChanged"
    assert Appointment.objects.get(pk=visit.pk).status == "checked_in"
    refused = client_for(receptionist).post(
        reverse("desk-visit-action", args=[visit.pk, "no-show"])
    )
    assert refused.status_code == 400


def test_empty_time_books_a_consultation_for_the_patient_found(clinic, receptionist, bob):
    client = client_for(receptionist)
    slot = {"start": "2027-03-24T11:00", "resource": clinic.doctors[1].pk}
    found = client.get(reverse("desk-book"), slot | {"q": "bob", "part": "found"})
    assert bob.get_full_name() in found.content.decode()
    chosen = client.get(reverse("desk-book"), slot | {"patient": bob.pk})
    assert "Book a consultation" in chosen.content.decode()
    done = client.post(reverse("desk-book-do"), slot | {"patient": bob.pk, "kind": "consultation"})
    assert done.status_code == 200
    assert "Booked a consultation for" in done.content.decode()
    booked = Appointment.objects.get(patient=bob)
    assert (booked.doctor_id, booked.starts_at) == (
        clinic.doctors[1].pk,
        local(date(2027, 3, 24), 11),
    )


def test_empty_time_offers_a_courses_next_session_only_inside_its_window(
    clinic, receptionist, alice, doctor
):
    plan = approved_plan(alice, doctor)
    client = client_for(receptionist)
    slot = {"start": "2027-03-24T11:00", "resource": clinic.doctors[0].pk}
    page = client.get(reverse("desk-book"), slot | {"patient": alice.pk}).content.decode()
    assert "Book session 1 of 4" in page
    client.post(
        reverse("desk-book-do"), slot | {"patient": alice.pk, "kind": "session", "plan": plan.pk}
    )
    too_soon = {"start": "2027-03-26T11:00", "resource": clinic.doctors[0].pk}
    page = client.get(reverse("desk-book"), too_soon | {"patient": alice.pk}).content.decode()
    assert "Session 2 of the pigmentation course falls between" in page
    refused = client.post(
        reverse("desk-book-do"),
        too_soon | {"patient": alice.pk, "kind": "session", "plan": plan.pk},
    )
    assert refused.status_code == 400
    assert Appointment.objects.filter(plan=plan).count() == 1


def test_empty_time_blocks_the_columns_time_and_a_block_can_be_removed(clinic, receptionist):
    client = client_for(receptionist)
    room = clinic.rooms[0]
    done = client.post(
        reverse("desk-book-do"),
        {
            "start": "2027-03-24T12:00",
            "resource": room.pk,
            "kind": "block",
            "until": "2027-03-24T13:00",
            "reason": "Deep clean",
        },
    )
    assert done.status_code == 200
    block = Unavailability.objects.get()
    assert (block.resource, block.reason) == (room, "Deep clean")
    feed = json.loads(events(client, start="2027-03-24", end="2027-03-25").content)
    assert any(e["id"] == f"b{block.pk}" for e in feed)
    client.post(reverse("desk-block-remove", args=[block.pk]))
    assert not Unavailability.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"start": "never", "resource": "1", "kind": "consultation"},
        {"start": "2027-03-24T11:00", "resource": "999", "kind": "consultation"},
        {"start": "2027-03-24T11:00", "resource": "{doctor}", "kind": "dance", "patient": "{bob}"},
        {"start": "2027-03-24T11:00", "resource": "{doctor}", "kind": "block", "until": "x"},
    ],
)
def test_bad_bookings_from_empty_time_are_refused_and_change_nothing(
    clinic, receptionist, bob, data
):
    data = {k: v.format(doctor=clinic.doctors[0].pk, bob=bob.pk) for k, v in data.items()}
    response = client_for(receptionist).post(reverse("desk-book-do"), data)
    assert response.status_code == 400
    assert not Appointment.objects.exists()
    assert not Unavailability.objects.exists()


def test_empty_time_in_a_rooms_column_books_that_room(clinic, receptionist, bob):
    room = clinic.rooms[1]
    slot = {"start": "2027-03-24T11:00", "resource": room.pk}
    done = client_for(receptionist).post(
        reverse("desk-book-do"), slot | {"patient": bob.pk, "kind": "consultation"}
    )
    assert done.status_code == 200
    assert Appointment.objects.get(patient=bob).room_id == room.pk
    laser = {"start": "2027-03-24T12:00", "resource": clinic.devices[0].pk}
    refused = client_for(receptionist).post(
        reverse("desk-book-do"), laser | {"patient": bob.pk, "kind": "consultation"}
    )
    assert refused.status_code == 400
    assert "uses no laser device" in refused.content.decode()


def test_the_desk_removes_its_own_blocks_but_not_a_doctors_leave(clinic, receptionist):
    leave = Unavailability.objects.create(
        resource=clinic.doctors[0],
        starts_at=local(date(2027, 3, 25), 0),
        ends_at=local(date(2027, 3, 26), 0),
        reason="Annual leave",
    )
    client = client_for(receptionist)
    refused = client.post(reverse("desk-block-remove", args=[leave.pk]))
    assert refused.status_code == 403
    assert "administration" in refused.content.decode()
    assert Unavailability.objects.filter(pk=leave.pk).exists()
    feed = {e["id"]: e for e in events(client, start="2027-03-25", end="2027-03-26").json()}
    assert feed[f"b{leave.pk}"]["extendedProps"]["removable"] is False


def test_a_desk_reading_the_calendar_again_within_the_hour_is_audited_once(
    course, receptionist, alice
):
    client = client_for(receptionist)
    for _ in range(3):
        events(client)
    seen = AuditEntry.objects.filter(actor=receptionist, patient=alice)
    assert seen.count() == 1
    with time_machine.travel(ON + timedelta(hours=2), tick=False):
        events(client_for(receptionist))
    assert seen.count() == 2
