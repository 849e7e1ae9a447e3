"""Consent given at the desk: a receptionist or manager records, on the intake's consent step,
that the patient agreed in front of them. It keeps the same consent text version, the name the
patient said, the time, and who witnessed it; it submits the intake as an online signature
does; it is told apart from an online consent wherever a consent is shown."""

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from clinic.models import (
    AuditEntry,
    Consent,
    ConsentMethod,
    ConsentText,
    Intake,
    IntakeStatus,
    PatientProfile,
)
from clinic.services import intake_current, intake_save_section, intake_submit, patient_register
from planner.models import TreatmentPlan
from tests.bookings.clinics import utc
from tests.clinic.test_intake import ANSWERS, fill, section_url
from tests.conftest import client_for

AT_THE_DESK = utc(2027, 3, 2, 10, 15)


@pytest.fixture(autouse=True)
def _at_the_desk():
    with time_machine.travel(AT_THE_DESK, tick=False):
        yield


@pytest.fixture
def hana(receptionist):
    """A caller registered by phone, who comes to the clinic for her consultation."""
    return patient_register(
        by=receptionist,
        email=None,
        first_name="Hana",
        last_name="Okafor",
        date_of_birth=date(1984, 6, 2),
        phone="+447400654321",
        preferred_channel="sms",
        base_url="http://testserver",
    )


@pytest.fixture
def answered(hana, receptionist) -> Intake:
    """Hana's questionnaire, filled at the desk on her behalf, waiting for her consent."""
    client = client_for(receptionist)
    client.get(reverse("intake-start-for", args=[hana.pk]))
    intake = Intake.objects.get(patient=hana)
    fill(client, intake)
    return intake


@pytest.fixture
def alice_signs(alice):
    """Alice, with her full name and date of birth on record, who fills and signs online."""
    alice.last_name = "Moreau"
    alice.save()
    PatientProfile.objects.filter(user=alice).update(date_of_birth=date(1990, 5, 17))
    client = client_for(alice)
    client.get(reverse("intake-start"))
    intake = Intake.objects.get(patient=alice)
    fill(client, intake)
    return client, intake


def record(client, intake, name="Hana Okafor", agree="on", version=None):
    data = {"full_name": name, "agree": agree, "version": version or ConsentText.current().version}
    return client.post(reverse("consent-in-person", args=[intake.pk]), data)


def test_a_receptionist_records_the_consent_given_in_person_and_the_course_is_proposed(
    answered, hana, receptionist
):
    client = client_for(receptionist)
    step = client.get(section_url(answered, "consent")).content.decode()
    assert "Record the consent given in person" in step
    assert "Agree and see my course" not in step  # the patient's own form is not offered
    response = record(client, answered, name="  hana   OKAFOR ")
    plan = TreatmentPlan.objects.get(patient=hana)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-detail", args=[plan.pk])
    assert plan.source_intake == answered
    consent = Consent.objects.get(intake=answered)
    assert consent.method == ConsentMethod.IN_PERSON
    assert consent.full_name == "hana OKAFOR"  # the name as said, spacing tidied
    assert consent.text == ConsentText.current()
    assert consent.given_at == AT_THE_DESK
    assert consent.witnessed_by == receptionist
    assert consent.witness_name == str(receptionist)
    answered.refresh_from_db()
    assert answered.status == IntakeStatus.SUBMITTED
    assert answered.last_saved_by == receptionist
    entry = AuditEntry.objects.get(action="recorded consent in person")
    assert (entry.actor, entry.patient) == (receptionist, hana)
    assert f"consent version {consent.text.version}" in entry.detail


def test_a_manager_may_witness_too(answered, manager):
    assert record(client_for(manager), answered).status_code == 302
    assert Consent.objects.get().witnessed_by == manager


def test_the_doctor_sees_on_the_plan_that_the_consent_was_given_in_person(
    answered, receptionist, doctor
):
    record(client_for(receptionist), answered)
    plan = TreatmentPlan.objects.get()
    page = client_for(doctor).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "Given in person" in page
    assert page.count("witnessed by") == 1  # said once, in the consent line
    assert f"witnessed by {receptionist}" in page
    assert "2 Mar 2027 10:15" in page


def test_the_record_tells_a_consent_given_in_person_from_one_signed_online(
    answered, receptionist, alice, alice_signs
):
    client = client_for(receptionist)
    before = client.get(reverse("patient-detail", args=[answered.patient_id])).content.decode()
    assert "waits for consent" in before
    assert reverse("intake-section", args=[answered.pk, "consent"]) in before
    record(client, answered)
    page = client.get(reverse("patient-detail", args=[answered.patient_id])).content.decode()
    assert "Given in person" in page
    assert f"witnessed by {receptionist}" in page
    assert "waits for consent" not in page
    # Alice signs online: her record says so, and names no witness.
    patient, intake = alice_signs
    patient.post(
        reverse("intake-submit", args=[intake.pk]), {"full_name": "Alice Moreau", "agree": "on"}
    )
    online = client.get(reverse("patient-detail", args=[alice.pk])).content.decode()
    assert "Signed online" in online
    assert "witnessed" not in online
    assert Consent.objects.get(patient=alice).method == ConsentMethod.ONLINE


def test_the_plan_of_an_online_consent_says_nothing_of_a_witness(alice_signs, doctor):
    patient, intake = alice_signs
    patient.post(
        reverse("intake-submit", args=[intake.pk]), {"full_name": "Alice Moreau", "agree": "on"}
    )
    plan = TreatmentPlan.objects.get()
    page = client_for(doctor).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "Alice Moreau" in page
    assert "in person" not in page


def test_the_patient_never_sees_the_form_to_record_a_consent_in_person(alice_signs):
    client, intake = alice_signs
    page = client.get(section_url(intake, "consent")).content.decode()
    assert "Agree and see my course" in page
    assert "Record the consent given in person" not in page
    assert reverse("consent-in-person", args=[intake.pk]) not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"name": ""}, "This field is required"),
        ({"name": "Hana"}, "first and last name"),
        ({"name": "Hana Smith"}, "The name must be the one on the patient&#x27;s record"),
        ({"agree": ""}, "This field is required"),
    ],
)
def test_a_consent_that_is_not_whole_is_refused_and_nothing_is_stored(
    answered, receptionist, overrides, message
):
    response = record(client_for(receptionist), answered, **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Consent.objects.exists()
    assert not TreatmentPlan.objects.exists()
    assert not AuditEntry.objects.filter(action="recorded consent in person").exists()
    answered.refresh_from_db()
    assert answered.status == IntakeStatus.DRAFT


def test_a_consent_before_every_section_is_answered_is_refused(hana, receptionist):
    intake = intake_current(patient=hana, by=receptionist)
    intake_save_section(
        intake=intake, section="concern", answers=ANSWERS["concern"], by=receptionist
    )
    response = record(client_for(receptionist), intake)
    assert response.status_code == 400
    assert "Please answer these sections first" in response.content.decode()
    assert not Consent.objects.exists()


def test_a_consent_read_in_an_older_wording_is_refused_and_the_new_one_shown(
    answered, receptionist
):
    old = ConsentText.current().version
    ConsentText.objects.create(version="2027-02", title="Consent, 2027", body="New words.")
    response = record(client_for(receptionist), answered, version=old)
    assert response.status_code == 400
    page = response.content.decode()
    assert "The consent text changed (now version 2027-02)" in page
    assert "New words." in page
    assert 'name="version" value="2027-02"' in page
    assert not Consent.objects.exists()
    assert record(client_for(receptionist), answered, version="2027-02").status_code == 302
    assert Consent.objects.get().text.version == "2027-02"


def test_recording_it_twice_gives_one_consent_and_one_course(answered, receptionist):
    client = client_for(receptionist)
    first, second = record(client, answered), record(client, answered)
    assert first["Location"] == second["Location"]
    assert Consent.objects.count() == 1
    assert TreatmentPlan.objects.count() == 1


def test_patients_doctors_and_visitors_cannot_record_a_consent_in_person(
    answered, hana, alice, doctor
):
    for user in (alice, doctor):
        assert record(client_for(user), answered).status_code == 403
    anonymous = record(Client(), answered)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")
    url = reverse("consent-in-person", args=[answered.pk])
    assert client_for(alice).get(url).status_code == 405  # only ever posted
    # Nor can a doctor open the step that holds the form.
    assert client_for(doctor).get(section_url(answered, "consent")).status_code == 404
    assert not Consent.objects.exists()
    assert not TreatmentPlan.objects.exists()


def test_an_unknown_intake_is_404(receptionist, db):
    assert record(client_for(receptionist), Intake(pk=999999)).status_code == 404


def test_the_service_takes_only_a_receptionist_or_a_manager_as_witness(answered, hana, doctor):
    for witness in (doctor, hana):
        with pytest.raises(PermissionDenied):
            intake_submit(
                intake=answered,
                full_name="Hana Okafor",
                ip_address=None,
                missing=[],
                witnessed_by=witness,
            )
    assert not Consent.objects.exists()


def test_a_consent_in_person_without_a_witness_cannot_be_stored(answered, hana):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Consent.objects.create(
            patient=hana,
            intake=answered,
            text=ConsentText.current(),
            full_name="Hana Okafor",
            method=ConsentMethod.IN_PERSON,
        )


def test_the_admin_lists_how_each_consent_was_given(answered, receptionist, manager):
    record(client_for(receptionist), answered)
    page = client_for(manager).get(reverse("admin:clinic_consent_changelist")).content.decode()
    assert "Given in person, witnessed by staff" in page
    assert str(receptionist) in page
