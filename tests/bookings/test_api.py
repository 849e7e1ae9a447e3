from datetime import date

import pytest

from tests.bookings.clinics import local, make_clinic

MONDAY = date(2027, 3, 1)


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
