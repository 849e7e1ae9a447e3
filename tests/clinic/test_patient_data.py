"""A patient downloads everything the clinic holds about them, as a file another service can
read (JSON) and as a page they can read and print; staff produce the same for a request made at
the desk, and that is audited (issue 17)."""

import json

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import AdverseEvent, Appointment, RecordAddendum, SessionRecord
from clinic.models import AuditEntry
from clinic.patient_data.export import SCHEMA, SCHEMA_VERSION, patient_export
from tests.bookings.clinics import make_clinic, utc
from tests.clinic.patient_records import alice_details, build
from tests.conftest import client_for

ASKED_ON = utc(2027, 3, 5, 12)
DESK_URLS = ["patient-data", "patient-data-json"]


@pytest.fixture(autouse=True)
def _on_the_day_she_asks():
    with time_machine.travel(ASKED_ON, tick=False):
        yield


@pytest.fixture
def records(alice, doctor, receptionist):
    alice_details(alice)
    return build(alice, doctor=doctor, staff=receptionist)


def download(client, url_name="my-data-json", *args):
    response = client.get(reverse(url_name, args=args))
    assert response.status_code == 200, response.content[:500]
    return response, json.loads(response.content)


def test_a_patient_downloads_everything_the_clinic_holds_about_them_as_json(
    alice, records, receptionist
):
    response, data = download(client_for(alice))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="patient-{alice.pk}-data-2027-03-05.json"'
    )
    assert (data["schema"], data["schema_version"]) == (SCHEMA, SCHEMA_VERSION)
    assert data["exported_at"] == "2027-03-05T12:00:00Z"
    person = data["patient"]
    assert (person["first_name"], person["last_name"], person["email"]) == (
        "Alice",
        "Moreau",
        "alice@example.com",
    )
    assert person["profile"]["phone"] == "+447700900123"
    assert person["profile"]["date_of_birth"] == "1990-05-17"
    [intake] = data["intakes"]
    assert intake["status"] == "submitted"
    assert intake["answers"]["history"] == {"previous_treatments": "A chemical peel in 2024"}
    [consent] = data["consents"]
    assert (consent["full_name"], consent["intake_id"]) == ("Alice Moreau", intake["id"])
    assert consent["text_version"]
    assert consent["text"]
    [plan] = data["treatment_plans"]
    assert plan["status_display"] == "In progress"
    actions = [revision["action"] for revision in plan["revisions"]]
    assert actions == ["created", "adjusted", "approved", "started"]
    assert plan["revisions"][1]["reason"] == "3-weekly"
    assert plan["revisions"][1]["changes"]
    visits = data["appointments"]
    assert [v["session_number"] for v in visits] == [1, 2, 3, 4]
    assert [v["status"] for v in visits] == ["completed", "booked", "booked", "booked"]
    assert visits[0]["starts_at"] == "2027-03-01T10:00:00Z"
    [entry] = data["waitlist"]
    assert entry["appointment_id"] == visits[1]["id"]
    assert [o["status"] for o in entry["offers"]] == ["open"]
    kinds = {m["kind"] for m in data["messages"]}
    assert {"confirmation", "aftercare", "waitlist_offer"} <= kinds
    fields = {"kind", "channel", "due_at", "sent_at", "status"}
    assert all(fields <= set(message) for message in data["messages"])


def test_the_access_log_says_when_and_what_but_not_which_member_of_staff(alice, records):
    _, data = download(client_for(alice))

    assert data["access_log"] == [{"at": "2027-02-20T09:00:00Z", "action": "viewed patient"}]
    assert "rosa@example.com" not in json.dumps(data)


def test_the_readable_page_shows_the_same_records_in_words(alice, records):
    response = client_for(alice).get(reverse("my-data"))

    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        "Everything Pico Clinic holds about you",
        "Alice Moreau",
        "+447700900123",
        "17 May 1990",
        "A chemical peel in 2024",
        "Signed online by the patient",
        "Pigmentation",
        "In progress",
        "Mon 1 Mar 2027, 10:00",
        "Completed",
        "Aftercare, the morning after",
        "viewed patient",
        reverse("my-data-json"),
    ):
        assert words in page, words


def test_a_patients_download_holds_nothing_of_another_patient(alice, bob, records):
    _, data = download(client_for(bob))

    assert data["patient"]["email"] == "bob@example.com"
    assert data["treatment_plans"] == data["appointments"] == data["consents"] == []
    assert "alice" not in json.dumps(data).lower()


@pytest.mark.parametrize("url_name", ["my-data", "my-data-json"])
def test_a_visitor_is_sent_to_log_in(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", DESK_URLS)
def test_a_visitor_asking_for_a_patients_data_at_the_desk_is_sent_to_log_in(
    client, alice, url_name
):
    response = client.get(reverse(url_name, args=[alice.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("url_name", DESK_URLS)
@pytest.mark.parametrize("who", ["bob", "doctor"])
def test_another_patient_and_a_doctor_cannot_produce_a_patients_data(
    request, alice, records, url_name, who
):
    """A doctor reads the clinical record on its pages; handing it out is the desk's work."""
    response = client_for(request.getfixturevalue(who)).get(reverse(url_name, args=[alice.pk]))
    assert response.status_code == 403
    assert b"Moreau" not in response.content


@pytest.mark.parametrize("url_name", DESK_URLS)
@pytest.mark.parametrize("who", ["receptionist", "manager"])
def test_the_desk_produces_a_patients_data_on_request_and_it_is_audited(
    request, alice, records, url_name, who
):
    staff = request.getfixturevalue(who)
    response = client_for(staff).get(reverse(url_name, args=[alice.pk]))

    assert response.status_code == 200
    assert b"Moreau" in response.content
    assert AuditEntry.objects.filter(
        actor=staff, patient=alice, action="exported patient data"
    ).exists()


def test_the_desk_cannot_export_a_member_of_staff_as_a_patient(receptionist, doctor):
    response = client_for(receptionist).get(reverse("patient-data-json", args=[doctor.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("url_name", ["my-data", "my-data-json"])
def test_a_patients_data_is_never_kept_in_a_cache(alice, url_name):
    response = client_for(alice).get(reverse(url_name))
    assert "no-store" in response["Cache-Control"]


def test_the_patients_home_page_links_to_their_data(alice):
    response = client_for(alice).get(reverse("patient-home"))
    assert reverse("my-data") in response.content.decode()


def test_the_patient_record_offers_the_desk_the_patients_data(receptionist, alice):
    page = client_for(receptionist).get(reverse("patient-detail", args=[alice.pk])).content.decode()
    assert reverse("patient-data", args=[alice.pk]) in page
    assert reverse("patient-data-json", args=[alice.pk]) in page
    assert reverse("patient-erase", args=[alice.pk]) not in page  # a manager's act


# One per kind of record, with the plans' revisions, the offers, and the session records'
# adverse events and addenda prefetched.
QUERIES = 16


def record_sessions(patient, doctor):
    """A signed session record, with an adverse event and an addendum, for each visit."""
    for visit in Appointment.objects.filter(patient=patient):
        record = SessionRecord.objects.create(
            appointment=visit, created_by=doctor, status="signed", signed_by=doctor,
            signed_at=visit.starts_at, fluence_j_cm2="2.00", treated_areas="Cheeks",
        )  # fmt: skip
        AdverseEvent.objects.create(record=record, kind="erythema", grade=1)
        RecordAddendum.objects.create(record=record, text="Spot 3 mm", reason="Slip", author=doctor)


@pytest.mark.parametrize("courses", [1, 3])
def test_the_export_takes_the_same_queries_however_much_the_patient_has(
    alice, doctor, receptionist, django_assert_num_queries, courses
):
    alice_details(alice)
    build(alice, doctor=doctor, staff=receptionist, courses=courses)
    record_sessions(alice, doctor)

    with django_assert_num_queries(QUERIES):
        data = patient_export(patient=alice)

    assert len(data["treatment_plans"]) == len(data["consents"]) == courses
    assert len(data["appointments"]) == 4 * courses
    assert len(data["access_log"]) == courses
    assert len(data["session_records"]) == 4 * courses
    assert data["session_records"][0]["fluence_j_cm2"] == "2.00"
    assert data["session_records"][0]["addenda"][0]["text"] == "Spot 3 mm"


def test_the_download_takes_the_same_queries_for_one_course_as_for_three(
    alice, bob, doctor, receptionist
):
    clinic = make_clinic(doctors=2, devices=2, rooms=2)
    build(alice_details(alice), doctor=doctor, staff=receptionist, courses=1, clinic=clinic)
    build(bob, doctor=doctor, staff=receptionist, courses=3, clinic=clinic)
    counted = []
    for patient in (alice, bob):
        client = client_for(patient)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("my-data-json")).status_code == 200
        counted.append(len(queries))
    assert counted[0] == counted[1]
