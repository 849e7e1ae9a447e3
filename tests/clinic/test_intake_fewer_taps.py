"""The questionnaire in fewer taps on a phone: yes/no questions whose usual answer is no are
boxes to tick, the safety questions are ticked where the answer is yes (with one box for
"none of these"), and the short sections share a page with the one before. The answers are
kept as before: "yes" or "no" per question, each section under its own name."""

import pytest
from django.urls import reverse

from clinic.models import Intake
from planner.rules import POLICY
from planner.rules.fitzpatrick import QUESTIONS
from tests.clinic.test_intake import ANSWERS, alice_born, section_url, start  # noqa: F401
from tests.conftest import client_for

NAMES = [rule.answer for rule in POLICY.screening]


@pytest.fixture
def intake(alice_born):  # noqa: F811
    client = client_for(alice_born)
    return client, start(client)


def answers(intake: Intake) -> dict:
    intake.refresh_from_db()
    return intake.answers


def test_an_untouched_list_of_safety_questions_is_refused_and_nothing_is_kept(intake):
    client, draft = intake
    response = client.post(section_url(draft, "screening"), {"previous_treatments": ""})
    assert response.status_code == 400
    assert "None of these apply to me" in response.content.decode()
    assert "screening" not in answers(draft)
    assert "history" not in answers(draft)


def test_none_of_these_answers_no_to_each_question_and_keeps_the_history(intake):
    client, draft = intake
    response = client.post(
        section_url(draft, "screening"),
        {"none_apply": "on", "previous_treatments": "A peel in 2024", "next": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == section_url(draft, "consent")
    kept = answers(draft)
    assert kept["screening"] == dict.fromkeys(NAMES, "no")
    assert kept["history"] == {"previous_treatments": "A peel in 2024"}


def test_a_ticked_question_is_a_yes_and_the_others_no(intake):
    client, draft = intake
    client.post(section_url(draft, "screening"), {"pregnant": "on", "previous_treatments": ""})
    kept = answers(draft)["screening"]
    assert kept["pregnant"] == "yes"
    assert {kept[name] for name in NAMES if name != "pregnant"} == {"no"}


def test_a_yes_ticked_with_none_of_these_is_refused(intake):
    client, draft = intake
    response = client.post(
        section_url(draft, "screening"),
        {"pregnant": "on", "none_apply": "on", "previous_treatments": ""},
    )
    assert response.status_code == 400
    assert "screening" not in answers(draft)


def test_the_page_shows_none_of_these_ticked_when_every_answer_was_no(intake):
    client, draft = intake
    client.post(section_url(draft, "screening"), {"none_apply": "on", "previous_treatments": ""})
    page = client.get(section_url(draft, "screening")).content.decode()
    assert (
        'name="none_apply" class="checkboxinput form-check-input" id="id_none_apply" checked'
        in page
    )


def test_the_skin_page_asks_about_the_sun_too_and_keeps_both_sections(intake):
    client, draft = intake
    data = ANSWERS["skin"] | {"sun_exposure": "high", "uses_sunscreen": "on", "next": ""}
    response = client.post(section_url(draft, "skin"), data)
    assert response["Location"] == section_url(draft, "screening")
    kept = answers(draft)
    assert kept["skin"] == {q.key: 1 for q in QUESTIONS}
    assert kept["sun"] == {"sun_exposure": "high", "uses_sunscreen": "yes"}


def test_an_unticked_box_is_a_no_and_a_sent_no_stays_a_no(intake):
    client, draft = intake
    concern = {"concern": "pigmentation", "area": "small", "severity": "mild"}
    client.post(section_url(draft, "concern"), concern)
    assert answers(draft)["concern"]["sensitive_skin"] == "no"
    client.post(section_url(draft, "concern"), concern | {"sensitive_skin": "no"})
    assert answers(draft)["concern"]["sensitive_skin"] == "no"
    client.post(section_url(draft, "concern"), concern | {"sensitive_skin": "on"})
    assert answers(draft)["concern"]["sensitive_skin"] == "yes"


def test_another_patient_cannot_answer_this_questionnaire(intake, bob):
    _, draft = intake
    response = client_for(bob).post(section_url(draft, "screening"), {"none_apply": "on"})
    assert response.status_code == 404
    assert "screening" not in answers(draft)


def test_an_anonymous_visitor_is_sent_to_log_in(intake, client):
    _, draft = intake
    response = client.post(section_url(draft, "screening"), {"none_apply": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
