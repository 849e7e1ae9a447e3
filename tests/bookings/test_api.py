from datetime import date

import pytest
import time_machine

from tests.bookings.clinics import local, make_clinic, utc

MONDAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _a_week_before():
    with time_machine.travel(utc(2027, 2, 22), tick=False):
        yield


@pytest.fixture
def clinic(db):
    return make_clinic()


def get(client, **params):
    return client.get("/api/availability", {"from": "2027-03-01", "to": "2027-03-01"} | params)


def test_availability_lists_free_starts_in_utc_with_local_times(client, clinic):
    response = get(client, treatment_type=clinic.consultation.pk)
    assert response.status_code == 200
    body = response.json()
    assert body["time_zone"] == "Europe/London"
    first = body["slots"][0]
    assert first["starts_at"].startswith("2027-03-01T09:00:00")
    assert first["ends_at"].startswith("2027-03-01T09:30:00")
    assert first["local_start"] == local(MONDAY, 9).isoformat()
    assert len(body["slots"]) == 31


def test_availability_for_one_doctor(client, db):
    clinic = make_clinic(doctors=2)
    response = get(client, treatment_type=clinic.consultation.pk, doctor=clinic.doctors[1].pk)
    assert response.status_code == 200
    assert response.json()["slots"]


@pytest.mark.parametrize(
    "params",
    [
        {"from": "2027-03-05", "to": "2027-03-01"},
        {"from": "2027-01-01", "to": "2027-12-31"},
        {"from": "1st March"},
        {"treatment_type": "consultation"},
        {"doctor": "someone"},
    ],
)
def test_bad_queries_answer_422(client, clinic, params):
    response = get(client, **({"treatment_type": clinic.consultation.pk} | params))
    assert response.status_code == 422


@pytest.mark.parametrize(
    ("first", "last", "says"),
    [
        ("0001-01-01", "0001-01-01", "today (2027-02-22) or later"),
        ("9999-12-31", "9999-12-31", "2028-02-23 or earlier"),
        ("2027-02-22", "9999-12-31", "2028-02-23 or earlier"),
        ("0001-01-01", "2027-03-01", "today (2027-02-22) or later"),
        ("2027-02-21", "2027-02-22", "today (2027-02-22) or later"),
        ("2028-02-20", "2028-02-24", "2028-02-23 or earlier"),
    ],
)
def test_days_before_today_or_beyond_the_booking_horizon_answer_422(
    client, clinic, first, last, says
):
    response = get(client, treatment_type=clinic.consultation.pk, **{"from": first, "to": last})
    assert response.status_code == 422
    assert says in response.json()["detail"]


def test_today_and_the_last_day_of_the_horizon_are_asked_for(client, clinic):
    for first, last in (("2027-02-22", "2027-02-22"), ("2028-02-20", "2028-02-23")):
        response = get(client, treatment_type=clinic.consultation.pk, **{"from": first, "to": last})
        assert response.status_code == 200, response.content


def test_a_missing_treatment_type_or_doctor_answers_404(client, clinic):
    assert get(client, treatment_type=999).status_code == 404
    assert (
        get(client, treatment_type=clinic.consultation.pk, doctor=clinic.rooms[0].pk).status_code
        == 404
    )


def test_treatment_types_are_listed(client, clinic):
    names = {t["name"] for t in client.get("/api/treatment-types").json()}
    assert names == {"Consultation", "Pico session: pigmentation"}


def test_the_openapi_schema_documents_availability(client, db):
    schema = client.get("/api/openapi.json").json()
    parameters = {p["name"] for p in schema["paths"]["/api/availability"]["get"]["parameters"]}
    assert {"treatment_type", "from", "to", "doctor"} <= parameters
