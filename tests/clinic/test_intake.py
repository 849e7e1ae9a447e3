import re
from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse

from clinic.models import AuditEntry, Consent, Intake, IntakeStatus, PatientProfile
from clinic.services import intake_submit
from planner.models import TreatmentPlan
from planner.rules import POLICY
from planner.rules.fitzpatrick import QUESTIONS
from tests.conftest import client_for

ANSWERS = {
    "concern": {
        "concern": "pigmentation",
        "area": "medium",
        "severity": "moderate",
        "sensitive_skin": "no",
    },
    # Ten answers scoring 1: a total of 10, Fitzpatrick type II.
    "skin": {q.key: "1" for q in QUESTIONS},
    "sun": {"sun_exposure": "moderate", "uses_sunscreen": "yes"},
    "screening": {rule.answer: "no" for rule in POLICY.screening},
    "history": {"previous_treatments": "A chemical peel in 2024"},
}
TATTOO = {
    "colours": "black",
    "ink": "amateur",
    "scarring": "none",
    "layering": "no",
    "location": "head_neck",
}


@pytest.fixture
def alice_born(alice):
    PatientProfile.objects.filter(user=alice).update(date_of_birth=date(1990, 5, 17))
    alice.last_name = "Moreau"
    alice.save(update_fields=["last_name"])
    return alice


def section_url(intake, name):
    return reverse("intake-section", args=[intake.pk, name])


def start(client) -> Intake:
    response = client.get(reverse("intake-start"))
    assert response.status_code == 302
    return Intake.objects.latest("created_at")


def fill(client, intake, answers=ANSWERS):
    for name, data in answers.items():
        response = client.post(section_url(intake, name), data | {"next": ""})
        assert response.status_code == 302, (name, response.content.decode()[-3000:])


def submit(client, intake, name="Alice Moreau", agree="on"):
    return client.post(
        reverse("intake-submit", args=[intake.pk]), {"full_name": name, "agree": agree}
    )


def test_a_patient_answers_each_section_consents_and_sees_the_proposed_course(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake)
    response = submit(client, intake)
    plan = TreatmentPlan.objects.get(patient=alice_born)
    assert response.status_code == 302
    assert response["Location"] == reverse("plan-detail", args=[plan.pk])
    assert (plan.concern, plan.sessions, plan.window.ideal_days) == ("pigmentation", 4, 28)
    assert plan.intake["fitzpatrick"] == 2
    assert plan.source_intake == intake
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.SUBMITTED
    consent = Consent.objects.get(intake=intake)
    assert (consent.full_name, consent.text.version) == ("Alice Moreau", "2026-11")
    page = client.get(response["Location"]).content.decode()
    assert "What happens next" in page
    assert "Caring for your skin" in page
    assert plan.reasons[0]["text"] in page


def test_a_draft_is_kept_across_logging_out_and_resumed_where_it_stopped(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    client.post(section_url(intake, "concern"), ANSWERS["concern"] | {"leave": ""})
    client.logout()
    client = client_for(alice_born)
    response = client.get(reverse("intake-start"))
    assert response["Location"] == section_url(intake, "skin")
    page = client.get(section_url(intake, "concern")).content.decode()
    assert re.search(r'value="pigmentation"[^>]*checked', page)
    assert not re.search(r'value="melasma"[^>]*checked', page)


def test_a_skin_questionnaire_left_half_done_is_refused_and_nothing_is_lost(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake, {"concern": ANSWERS["concern"]})
    half = dict(list(ANSWERS["skin"].items())[:5])
    response = client.post(section_url(intake, "skin"), half)
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    intake.refresh_from_db()
    assert intake.answers["concern"]["concern"] == "pigmentation"
    assert "skin" not in intake.answers


@pytest.mark.parametrize(
    ("name", "agree", "message"),
    [
        ("", "on", "This field is required"),
        ("Alice", "on", "first and last name"),
        ("Alice Moreau", "", "This field is required"),
    ],
)
def test_consent_needs_a_full_name_and_the_box_ticked(alice_born, name, agree, message):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake)
    response = submit(client, intake, name=name, agree=agree)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Consent.objects.exists()
    assert not TreatmentPlan.objects.exists()


def test_consent_signed_with_another_name_is_refused_and_nothing_is_stored(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake)
    response = submit(client, intake, name="Somebody Else")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Sign with your name as it is on your record: Alice Moreau." in page
    assert "Agree and see my course" in page  # still on the consent step
    assert not Consent.objects.exists()
    assert not TreatmentPlan.objects.exists()
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT


def test_the_typed_name_matches_the_record_whatever_its_case_and_spacing(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake)
    assert submit(client, intake, name="  alice   MOREAU ").status_code == 302
    assert Consent.objects.get(intake=intake).full_name == "alice MOREAU"


def test_a_patient_without_a_name_on_record_is_asked_to_add_it_before_signing(alice_born):
    alice_born.first_name = alice_born.last_name = ""
    alice_born.save(update_fields=["first_name", "last_name"])
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake)
    response = submit(client, intake)
    assert response.status_code == 400
    assert "Your record has no name yet" in response.content.decode()
    assert not Consent.objects.exists()


def test_the_consent_service_refuses_another_name_too(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake)
    with pytest.raises(ValidationError) as refused:
        intake_submit(intake=intake, full_name="Somebody Else", ip_address=None, missing=[])
    assert "Alice Moreau" in refused.value.message_dict["full_name"][0]
    assert not Consent.objects.exists()
    intake.refresh_from_db()
    assert intake.status == IntakeStatus.DRAFT


def test_consent_before_every_section_is_answered_is_refused(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake, {"concern": ANSWERS["concern"]})
    response = submit(client, intake)
    assert response.status_code == 400
    assert "Please answer these sections first" in response.content.decode()
    assert not TreatmentPlan.objects.exists()


def test_tattoo_questions_are_asked_only_about_a_tattoo(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    assert client.get(section_url(intake, "tattoo")).status_code == 302  # not a tattoo yet
    tattoo = {"concern": ANSWERS["concern"] | {"concern": "tattoo"}, "tattoo": TATTOO}
    fill(client, intake, tattoo | {k: v for k, v in ANSWERS.items() if k != "concern"})
    submit(client, intake)
    plan = TreatmentPlan.objects.get(patient=alice_born)
    assert plan.kirby_desai == 2 + 1 + 1 + 1 + 0 + 0


def test_a_hard_stop_answer_explains_that_treatment_cannot_be_booked(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    answers = ANSWERS | {"screening": ANSWERS["screening"] | {"pregnant": "yes"}}
    fill(client, intake, answers)
    submit(client, intake)
    plan = TreatmentPlan.objects.get(patient=alice_born)
    assert plan.booking_blocked
    page = client.get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "cannot be booked" in page


def test_a_patient_without_a_date_of_birth_gives_it_first(alice):
    response = client_for(alice).get(reverse("intake-start"))
    assert response["Location"] == reverse("profile")


def test_another_patient_and_a_visitor_cannot_open_the_intake(alice_born, bob, client):
    intake = start(client_for(alice_born))
    assert client_for(bob).get(section_url(intake, "concern")).status_code == 404
    assert client_for(bob).post(reverse("intake-submit", args=[intake.pk]), {}).status_code == 404
    assert client.get(section_url(intake, "concern")).status_code == 302


def test_a_receptionist_fills_the_intake_for_the_patient_who_then_consents(
    alice_born, receptionist
):
    staff = client_for(receptionist)
    response = staff.get(reverse("intake-start-for", args=[alice_born.pk]))
    intake = Intake.objects.get(patient=alice_born)
    fill(staff, intake)
    consent_page = staff.get(section_url(intake, "consent")).content.decode()
    assert "Only the patient can give consent" in consent_page
    assert (
        staff.post(
            reverse("intake-submit", args=[intake.pk]), {"full_name": "A B", "agree": "on"}
        ).status_code
        == 403
    )
    assert (
        AuditEntry.objects.filter(
            actor=receptionist, patient=alice_born, action="saved intake"
        ).count()
        == 5
    )
    assert response.status_code == 302
    # The patient logs in, finds the answers, and signs.
    patient = client_for(alice_born)
    assert patient.get(reverse("intake-start"))["Location"] == section_url(intake, "consent")
    assert submit(patient, intake).status_code == 302


def test_doctors_cannot_fill_an_intake_for_a_patient(alice_born, doctor):
    assert (
        client_for(doctor).get(reverse("intake-start-for", args=[alice_born.pk])).status_code == 403
    )


def test_a_doctor_sees_the_answers_and_the_consent_on_the_plan(alice_born, doctor):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake)
    submit(client, intake)
    plan = TreatmentPlan.objects.get()
    page = client_for(doctor).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "A chemical peel in 2024" in page
    assert "Alice Moreau" in page
    assert "Fitzpatrick type 2" in page


def test_a_submitted_intake_cannot_change(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    fill(client, intake)
    submit(client, intake)
    response = client.post(
        section_url(intake, "sun"), {"sun_exposure": "high", "uses_sunscreen": "no"}
    )
    assert response.status_code == 302
    intake.refresh_from_db()
    assert intake.answers["sun"]["sun_exposure"] == "moderate"
    assert submit(client, intake).status_code == 302  # the same plan, not a second one
    assert TreatmentPlan.objects.count() == 1


def test_nobody_may_edit_or_delete_a_consent(db):
    codenames = set(
        Permission.objects.filter(content_type__model="consent").values_list("codename", flat=True)
    )
    assert codenames == {"view_consent"}


def test_an_unknown_section_is_404(alice_born):
    client = client_for(alice_born)
    intake = start(client)
    assert client.get(reverse("intake-section", args=[intake.pk, "horoscope"])).status_code == 404


def test_a_manager_publishes_a_new_consent_version_but_cannot_rewrite_one(manager):
    from clinic.models import ConsentText

    client = client_for(manager)
    old = ConsentText.current()
    response = client.post(
        reverse("admin:clinic_consenttext_change", args=[old.pk]),
        {"version": old.version, "title": "Changed", "body": "Changed"},
    )
    assert response.status_code == 403
    old.refresh_from_db()
    assert old.title != "Changed"
    response = client.post(
        reverse("admin:clinic_consenttext_add"),
        {"version": "2027-01", "title": "Consent, 2027 wording", "body": "New words."},
    )
    assert response.status_code == 302
    assert ConsentText.current().version == "2027-01"
