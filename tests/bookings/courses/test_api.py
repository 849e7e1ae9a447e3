"""The course API: propose, book, move, cancel and re-plan, by session or bearer token."""

from datetime import date, timedelta
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from bookings.models import Appointment, TreatmentType
from clinic.api_auth import api_token_create
from clinic.models import ApiToken
from planner.models import TreatmentPlan
from planner.rules import Window
from planner.services import (
    plan_adjust,
    plan_approve,
    plan_complete,
    plan_create,
    plan_start,
    plan_stop,
)
from tests.bookings.clinics import local, make_clinic, utc
from tests.conftest import client_for
from tests.planner.intakes import intake

FIRST = local(date(2027, 3, 1), 10)
JSON = "application/json"


@pytest.fixture(autouse=True)
def _before_the_course():
    with time_machine.travel(utc(2027, 2, 20), tick=False):
        yield


@pytest.fixture
def plan(db, alice, doctor):
    make_clinic()
    plan = plan_create(patient=alice, intake=intake())
    plan = plan_adjust(
        plan=plan, doctor=doctor, reason="3-weekly", window=Window(14, 21, 28), sessions=4
    )
    return plan_approve(plan=plan, doctor=doctor)


def bearer(user) -> Client:
    _, key = api_token_create(user=user, name="phone system")
    return Client(headers={"authorization": f"Bearer {key}"})


def post(client, url, body):
    return client.post(url, body, content_type=JSON)


def propose_and_book(client, plan, **wishes):
    shown = post(client, f"/api/courses/{plan.pk}/proposal", wishes)
    assert shown.status_code == 200, shown.content
    body = shown.json()
    booked = post(
        client, f"/api/courses/{plan.pk}/booking", wishes | {"fingerprint": body["fingerprint"]}
    )
    return body, booked


def test_a_receptionist_system_books_a_patients_course_with_a_token(plan, receptionist):
    body, booked = propose_and_book(
        bearer(receptionist), plan, first_start=FIRST.isoformat(), weekdays=[0]
    )
    assert [s["gap_days"] for s in body["sessions"]] == [None, 21, 21, 21]
    assert body["sessions"][0]["local_start"] == FIRST.isoformat()
    assert booked.status_code == 201
    assert [a["session"] for a in booked.json()] == [1, 2, 3, 4]
    assert Appointment.objects.filter(plan=plan, status="booked").count() == 4
    assert ApiToken.objects.get().last_used_at == timezone.now()


def test_the_patient_books_with_the_browser_session(plan, alice):
    _, booked = propose_and_book(client_for(alice), plan)
    assert booked.status_code == 201
    assert len(booked.json()) == 4


def test_a_proposal_that_changed_since_it_was_shown_is_a_conflict(plan, alice, bob):
    client = client_for(alice)
    shown = post(client, f"/api/courses/{plan.pk}/proposal", {"first_start": FIRST.isoformat()})
    fingerprint = shown.json()["fingerprint"]
    # Someone takes the first session's time meanwhile.
    first = shown.json()["sessions"][0]
    Appointment.objects.create(
        patient=bob,
        treatment_type=TreatmentType.objects.consultation(),
        doctor_id=first["doctor"],
        room_id=first["room"],
        starts_at=FIRST,
        ends_at=FIRST + timedelta(minutes=30),
        reserved_until=FIRST + timedelta(minutes=30),
        created_by=bob,
    )
    refused = post(
        client,
        f"/api/courses/{plan.pk}/booking",
        {"first_start": FIRST.isoformat(), "fingerprint": fingerprint},
    )
    assert refused.status_code == 409
    assert "not free" in refused.json()["detail"]
    assert not Appointment.objects.filter(plan=plan).exists()


@pytest.mark.parametrize(
    ("wishes", "status"),
    [
        ({"weekdays": [9]}, 422),
        ({"bands": ["midnight"]}, 422),
        ({"first_start": "soon"}, 422),
        ({"first_start": "2027-03-01T10:00:00"}, 422),  # no offset
        ({"doctor": 999}, 422),
        ({"first_start": "2027-02-20T12:00:00+00:00"}, 409),  # too soon: no course from then
    ],
)
def test_bad_wishes_are_refused_with_a_message(plan, alice, wishes, status):
    response = post(client_for(alice), f"/api/courses/{plan.pk}/proposal", wishes)
    assert response.status_code == status, response.content
    assert response.json()["detail"]


def test_other_patients_visitors_and_bad_tokens_are_refused(plan, bob, alice):
    url = f"/api/courses/{plan.pk}/proposal"
    assert post(client_for(bob), url, {}).status_code == 404
    assert post(Client(), url, {}).status_code == 401
    assert post(Client(headers={"authorization": "Bearer nope"}), url, {}).status_code == 401
    token, key = api_token_create(user=alice, name="old")
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert post(Client(headers={"authorization": f"Bearer {key}"}), url, {}).status_code == 401
    assert post(client_for(alice), "/api/courses/99999/proposal", {}).status_code == 404
    assert not Appointment.objects.exists()


def test_the_doctor_cannot_book_a_course(plan, doctor):
    response = post(client_for(doctor), f"/api/courses/{plan.pk}/proposal", {})
    assert response.status_code == 403


def test_moving_and_cancelling_a_session(plan, alice, bob):
    client = client_for(alice)
    _, booked = propose_and_book(client, plan, first_start=FIRST.isoformat())
    second = booked.json()[1]
    url = f"/api/appointments/{second['id']}/move"
    outside = post(client, url, {"starts_at": local(date(2027, 4, 30), 10).isoformat()})
    assert outside.status_code == 422
    assert "must fall between" in outside.json()["detail"]
    assert post(client, url, {"starts_at": "2027-03-24T10:00:00"}).status_code == 422
    assert post(client_for(bob), url, {"starts_at": FIRST.isoformat()}).status_code == 404
    later = local(date(2027, 3, 24), 11)
    moved = post(client, url, {"starts_at": later.isoformat(), "reflow": True})
    assert moved.status_code == 200
    assert moved.json()[0]["local_start"] == later.isoformat()

    cancel = f"/api/appointments/{second['id']}/cancel"
    assert post(client, cancel, {"reason": ""}).status_code == 422
    assert post(client_for(bob), cancel, {"reason": "x"}).status_code == 404
    done = post(client, cancel, {"reason": "Away"})
    assert done.status_code == 200
    assert done.json()["status"] == "cancelled"
    assert post(client, cancel, {"reason": "Away"}).status_code == 422

    preview = client.get(f"/api/courses/{plan.pk}/replan").json()
    assert preview["fingerprint"]
    assert post(client, f"/api/courses/{plan.pk}/replan", {"fingerprint": "x"}).status_code == 409
    replanned = post(
        client, f"/api/courses/{plan.pk}/replan", {"fingerprint": preview["fingerprint"]}
    )
    assert replanned.status_code == 200
    live = [a for a in replanned.json() if a["status"] == "booked"]
    assert [a["session"] for a in live] == [1, 2, 3, 4]


def test_a_taken_time_is_a_conflict_when_moving(plan, alice, bob):
    client = client_for(alice)
    _, booked = propose_and_book(client, plan, first_start=FIRST.isoformat())
    first, second = booked.json()[:2]
    # Another patient holds session 2's doctor and room an hour before it.
    taken_at = local(date(2027, 3, 22), 9)
    Appointment.objects.create(
        patient=bob,
        treatment_type=Appointment.objects.get(pk=first["id"]).treatment_type,
        doctor_id=first["doctor"],
        room_id=first["room"],
        device_id=Appointment.objects.get(pk=first["id"]).device_id,
        starts_at=taken_at,
        ends_at=taken_at + timedelta(minutes=45),
        reserved_until=taken_at + timedelta(hours=1),
        created_by=bob,
    )
    response = post(
        client, f"/api/appointments/{second['id']}/move", {"starts_at": taken_at.isoformat()}
    )
    assert response.status_code == 409
    assert Appointment.objects.get(pk=second["id"]).starts_at == local(date(2027, 3, 22), 10)


def test_the_api_token_command_prints_a_token_once_and_refuses_strangers(receptionist):
    out = StringIO()
    call_command("api_token", receptionist.email, "front desk", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    token = ApiToken.objects.get()
    assert token.prefix == key[:8]
    assert key not in token.key_hash
    with pytest.raises(CommandError, match="No active user"):
        call_command("api_token", "nobody@example.com", "x")


def test_the_course_api_is_in_the_openapi_schema(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in (
        "/api/courses/{plan_id}/proposal",
        "/api/courses/{plan_id}/booking",
        "/api/appointments/{appointment_id}/move",
        "/api/appointments/{appointment_id}/cancel",
    ):
        assert path in paths


def test_every_course_call_refuses_visitors_and_other_patients(plan, alice, bob):
    _, booked = propose_and_book(client_for(alice), plan, first_start=FIRST.isoformat())
    session = booked.json()[1]["id"]
    calls = [
        ("get", f"/api/courses/{plan.pk}/sessions", None),
        ("get", f"/api/courses/{plan.pk}/replan", None),
        ("post", f"/api/courses/{plan.pk}/replan", {"fingerprint": "x"}),
        ("post", f"/api/courses/{plan.pk}/booking", {"fingerprint": "x"}),
        ("post", f"/api/appointments/{session}/move", {"starts_at": FIRST.isoformat()}),
        ("post", f"/api/appointments/{session}/cancel", {"reason": "x"}),
    ]
    for method, url, body in calls:
        for client, status in ((Client(), 401), (client_for(bob), 404)):
            response = client.get(url) if method == "get" else post(client, url, body)
            assert response.status_code == status, (url, response.content)
    assert Appointment.objects.filter(plan=plan, status="booked").count() == 4


@pytest.mark.parametrize("body", ["12345", "[]", '"x"', "null", "[1, 2]", "true"])
def test_a_body_that_is_not_a_json_object_is_refused_and_changes_nothing(plan, alice, body):
    client = client_for(alice)
    _, booked = propose_and_book(client, plan, first_start=FIRST.isoformat())
    second = booked.json()[1]["id"]
    before = list(Appointment.objects.order_by("pk").values_list("pk", "status", "starts_at"))
    for url in (
        f"/api/courses/{plan.pk}/proposal",
        f"/api/courses/{plan.pk}/booking",
        f"/api/courses/{plan.pk}/replan",
        f"/api/appointments/{second}/move",
        f"/api/appointments/{second}/cancel",
    ):
        response = client.post(url, body, content_type=JSON)
        assert response.status_code == 422, (url, response.content)
        assert "must be a JSON object" in response.json()["detail"][0]["msg"]
    assert list(Appointment.objects.order_by("pk").values_list("pk", "status", "starts_at")) == (
        before
    )


def test_an_empty_object_still_proposes_the_earliest_course(plan, alice):
    response = client_for(alice).post(f"/api/courses/{plan.pk}/proposal", "{}", content_type=JSON)
    assert response.status_code == 200
    assert len(response.json()["sessions"]) == 4


@pytest.mark.parametrize("closing", ["completed", "stopped"])
def test_a_closed_course_is_neither_proposed_nor_booked(plan, alice, doctor, closing):
    client = client_for(alice)
    shown = post(client, f"/api/courses/{plan.pk}/proposal", {"first_start": FIRST.isoformat()})
    if closing == "completed":
        plan_complete(plan=plan_start(plan=plan))
    else:
        plan_stop(plan=plan, doctor=doctor, reason="Moved abroad")
    for url, body in (
        (f"/api/courses/{plan.pk}/proposal", {}),
        (f"/api/courses/{plan.pk}/booking", {"fingerprint": shown.json()["fingerprint"]}),
    ):
        response = post(client, url, body)
        assert response.status_code == 409, (url, response.content)
        assert response.json()["detail"] == TreatmentPlan.objects.get(pk=plan.pk).booking_problem
    assert not Appointment.objects.exists()


def test_a_course_stopped_by_screening_is_a_conflict_with_its_reason(plan, alice):
    TreatmentPlan.objects.filter(pk=plan.pk).update(booking_blocked=True)
    response = post(client_for(alice), f"/api/courses/{plan.pk}/proposal", {})
    assert response.status_code == 409
    assert response.json()["detail"] == TreatmentPlan.objects.get(pk=plan.pk).booking_problem


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "application/octet-stream"]
)
def test_a_nul_in_a_json_body_sent_under_another_content_type_changes_nothing(
    plan, alice, content_type
):
    # The API reads JSON whatever the Content-Type says; the NUL once reached PostgreSQL (500).
    client = client_for(alice)
    _, booked = propose_and_book(client, plan, first_start=FIRST.isoformat())
    second = booked.json()[1]["id"]
    body = '{"reason": "a\\u0000b"}'
    response = client.post(f"/api/appointments/{second}/cancel", body, content_type=content_type)
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    assert Appointment.objects.get(pk=second).status == "booked"


def test_a_form_posted_to_the_api_is_refused_cleanly_not_a_500(plan, alice):
    # A multipart form is not JSON: ninja says so (the NUL check must not eat the body first).
    response = client_for(alice).post(f"/api/courses/{plan.pk}/proposal", {"first_start": "x"})
    assert 400 <= response.status_code < 500
