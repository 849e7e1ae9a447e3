"""A patient reads their plan in the language on their profile: its reasons, flags and figures,
and the planner's questions and advice are in the catalogues. The plan keeps its reasons in
English too (what staff and the audit read), and a plan saved before reasons kept their
messages still shows."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings

from clinic.languages import profile_language
from clinic.models import PatientProfile
from planner.models import TreatmentPlan
from planner.rules import POLICY, Concern, recommend
from planner.rules.care import AFTERCARE, PRE_CARE
from planner.rules.fitzpatrick import QUESTIONS
from planner.rules.intake import (
    InkAmount,
    Scarring,
    ScreeningAnswers,
    TattooColours,
    TattooDetails,
    TattooLocation,
)
from planner.rules.kirby_desai import (
    COLOUR_WORDS,
    INK_WORDS,
    LAYERING_WORDS,
    LOCATION_WORDS,
    SCARRING_WORDS,
    SKIN_WORDS,
)
from planner.rules.recommend import Reason
from planner.services import plan_create
from planner.words import reason_words
from tests.conftest import client_for
from tests.planner.intakes import intake, intakes, tattoo_intakes

LANGUAGES = ("ms", "zh-hans")
# A multicoloured tattoo with heavy scarring on the forearm: its reasons carry numbers and the
# features that raised the count.
HARD_TATTOO = TattooDetails(
    colours=TattooColours.MULTICOLOUR,
    ink=InkAmount.SIGNIFICANT,
    scarring=Scarring.SIGNIFICANT,
    layering=False,
    location=TattooLocation.DISTAL_LIMB,
)


def reading(user, language):
    PatientProfile.objects.filter(user=user).update(
        language=profile_language(language), date_of_birth=date(1990, 5, 17)
    )
    return client_for(user)


def in_language(language, text):
    with translation.override(language):
        return translation.gettext(text)


def page_of(plan, language):
    client = reading(plan.patient, language)
    response = client.get(reverse("plan-detail", args=[plan.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_patient_reads_their_plans_reasons_in_their_language(alice, language):
    plan = plan_create(patient=alice, intake=intake(concern=Concern.MELASMA))
    page = page_of(plan, language)
    for reason in plan.reasons:
        shown = in_language(language, reason["template"])
        assert shown != reason["template"]
        assert escape(shown) in page
        # The English is not shown to a patient who reads another language.
        assert escape(reason["text"]) not in page
    assert escape(in_language(language, "Why this plan")) in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_tattoos_reasons_keep_their_numbers_and_name_its_features_translated(alice, language):
    tattoo = intake(concern=Concern.TATTOO, tattoo=HARD_TATTOO, fitzpatrick=2)
    plan = plan_create(patient=alice, intake=tattoo)
    page = page_of(plan, language)
    score = plan.kirby_desai
    scored = next(r for r in plan.reasons if "%(score)d" in r["template"])
    assert escape(in_language(language, scored["template"]) % {"score": score}) in page
    for words in ("many colours", "heavy scarring", "a lot of ink"):
        # (The first feature opens the sentence, with a capital.)
        assert escape(in_language(language, words))[1:] in page
        assert words[1:] not in page
    # The stored English reads as it always did, for staff and the audit.
    assert any(
        r["text"].startswith("Heavy scarring, a tattoo on the forearm") for r in plan.reasons
    )
    assert f"scores this tattoo {score} (from 4 to 26)" in plan.reasons[1]["text"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_hard_stop_shows_in_the_patients_language(alice, language):
    plan = plan_create(patient=alice, intake=intake(screening=ScreeningAnswers(pregnant=True)))
    page = page_of(plan, language)
    flag = POLICY.screening[0].flag
    assert escape(in_language(language, flag)) in page
    assert escape(flag) not in page


def test_the_page_in_english_reads_as_the_stored_text(alice):
    plan = plan_create(patient=alice, intake=intake(concern=Concern.TATTOO, tattoo=HARD_TATTOO))
    page = page_of(plan, "en-gb")
    for reason in plan.reasons:
        assert escape(reason["text"]) in page


def test_a_plan_saved_before_reasons_kept_their_messages_still_shows(alice):
    plan = plan_create(patient=alice, intake=intake(concern=Concern.TATTOO, tattoo=HARD_TATTOO))
    # As plans were stored before: English text and source only.
    old = [{"text": r["text"], "source": r["source"]} for r in plan.reasons]
    TreatmentPlan.objects.filter(pk=plan.pk).update(reasons=old)
    page = page_of(plan, "ms")
    # A reason that was a fixed sentence is translated; one built with numbers stays English.
    assert escape(in_language("ms", POLICY.tattoo.picosecond_reason.text)) in page
    assert escape(old[1]["text"]) in page


def test_a_translation_that_breaks_its_parameters_falls_back_to_the_english():
    reason = Reason.made("%(features)s usually need more sessions.", "x", features=1).as_stored()
    reason["template"] = "%(missing)s"
    assert reason_words(reason) == reason["text"]


def test_the_english_of_a_reason_is_its_message_filled_in():
    stored = Reason.made(
        "%(features)s usually need more sessions, so %(n)d.",
        "source",
        features={"list": ["many colours", "a lot of ink", "heavy scarring"]},
        n=7,
    ).as_stored()
    assert (
        stored["text"]
        == "Many colours, a lot of ink and heavy scarring usually need more sessions, so 7."
    )
    with translation.override("zh-hans"):
        shown = reason_words(stored)
    assert "多种颜色、大量墨水和严重疤痕" in shown


def _messages_of(reason: Reason) -> list[str]:
    """Every catalogue message a reason needs: its template and its words."""
    found = [reason.template]
    for value in reason.params.values():
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found += value.get("list", []) + value.get("sentences", [])
    return found


def _assert_translated(messages):
    for language in LANGUAGES:
        with translation.override(language):
            missing = [m for m in messages if translation.gettext(m) == m]
        assert not missing, f"{language}: {missing}"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(course=intakes())
def test_every_reason_a_course_can_give_is_translated(course):
    _assert_translated([m for reason in recommend(course).reasons for m in _messages_of(reason)])


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(course=tattoo_intakes())
def test_every_reason_a_tattoo_can_give_is_translated(course):
    recommendation = recommend(course)
    _assert_translated(
        [m for reason in recommendation.reasons for m in _messages_of(reason)]
        + [flag.text for flag in recommendation.flags]
    )


def test_every_planner_sentence_a_patient_reads_is_in_both_catalogues():
    cited = [POLICY.sessions_ceiling_reason, POLICY.standard_window_reason, POLICY.sun_reason]
    cited += [POLICY.slower_window_reason, POLICY.review_reason, POLICY.first_results_reason]
    cited += [POLICY.slower_first_results_reason, *PRE_CARE, *AFTERCARE]
    for rule in POLICY.concerns.values():
        cited += [
            c
            for c in (
                rule.reason,
                rule.severe_reason,
                rule.large_area_reason,
                rule.combination_therapy,
            )
            if c
        ]
    tattoo = POLICY.tattoo
    cited += [tattoo.picosecond_reason, tattoo.conversion_reason, tattoo.harder_reason]
    words = [*COLOUR_WORDS.values(), *INK_WORDS.values(), *SCARRING_WORDS.values()]
    words += [LAYERING_WORDS, *LOCATION_WORDS.values(), *SKIN_WORDS.values()]
    _assert_translated([c.text for c in cited] + words)


def test_the_intakes_skin_type_and_screening_questions_are_in_both_catalogues():
    questions = [q.text for q in QUESTIONS] + [a for q in QUESTIONS for a in q.answers]
    questions += [rule.question for rule in POLICY.screening]
    questions += [rule.flag for rule in POLICY.screening]
    _assert_translated(questions)


# language: (the course page with no session booked yet, the data page's first heading)
COURSE_WORDS = {
    "ms": ("Belum ada sesi yang ditempah.", "Butiran peribadi"),
    "zh-hans": ("尚未预约任何治疗。", "个人资料"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_course_page_and_the_patients_own_data_are_in_their_language(alice, language):
    nothing_booked, personal = COURSE_WORDS[language]
    plan = plan_create(patient=alice, intake=intake())
    client = reading(alice, language)
    course = client.get(reverse("course-detail", args=[plan.pk])).content.decode()
    assert nothing_booked in course
    assert "No session is booked yet." not in course
    data = client.get(reverse("my-data")).content.decode()
    assert personal in data
    assert escape(in_language(language, plan.reasons[0]["template"])) in data
