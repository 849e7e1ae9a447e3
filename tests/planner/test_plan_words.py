"""Plan pages speak the clinic's words: a reason's source by its title and clinic, not a file
name; the patient's answers and the plan's history by their labels, not their codes."""

import re

import pytest
from django.urls import reverse

from planner.rules import (
    Concern,
    InkAmount,
    Scarring,
    ScreeningAnswers,
    TattooColours,
    TattooDetails,
    TattooLocation,
)
from planner.rules import sources as src
from planner.services import plan_adjust, plan_approve, plan_clear_hard_stop, plan_create
from tests.conftest import client_for
from tests.planner.intakes import intake

UPPER_BACK_TATTOO = TattooDetails(
    colours=TattooColours.BLACK_RED,
    ink=InkAmount.MODERATE,
    scarring=Scarring.MINIMAL,
    layering=True,
    location=TattooLocation.UPPER_TRUNK,
)
CODES = re.compile(r"\b(black_red|upper_trunk|acne_scars|fine_lines|in_progress|hard_stop)\b")


def visible_text(html: str) -> str:
    """The page as read: without tags, attributes, scripts and form field names."""
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


@pytest.fixture
def tattoo_plan(alice):
    return plan_create(
        patient=alice, intake=intake(concern=Concern.TATTOO, tattoo=UPPER_BACK_TATTOO)
    )


def test_the_patient_reads_each_reasons_source_as_an_article_title_and_its_clinic(alice):
    plan = plan_create(patient=alice, intake=intake())
    assert {reason["source"] for reason in plan.reasons} >= {
        src.SEED_HOW_OFTEN,
        src.SEED_HOW_MANY,
    }
    page = client_for(alice).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "seeds/" not in page
    assert "Source: <cite>How Many Pico Laser Sessions Do You Need?</cite>" in page
    assert (
        "Source: <cite>How often should I do Pico Laser? 5 things you should know</cite>, "
        "Clique Clinic" in page
    )


def test_a_published_reference_is_shown_by_its_citation(alice, tattoo_plan):
    page = client_for(alice).get(reverse("plan-detail", args=[tattoo_plan.pk])).content.decode()
    assert f"Source: {src.KIRBY_DESAI}" in page


def test_a_flags_source_reads_as_a_title_too(alice):
    plan = plan_create(patient=alice, intake=intake(screening=ScreeningAnswers(sunburn_now=True)))
    page = client_for(alice).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "seeds/" not in page
    assert "(<cite>How often should I do Pico Laser?" in page


def test_staff_read_the_planning_policys_sources_by_title(doctor):
    page = client_for(doctor).get(reverse("planning-policy")).content.decode()
    assert "seeds/" not in page
    assert "<cite>How Many Pico Laser Sessions Do You Need?</cite>" in page
    assert src.CHRYSIASIS in page


def test_the_planning_policy_shows_the_tattoo_conversion_and_its_trials(doctor):
    page = client_for(doctor).get(reverse("planning-policy")).content.decode()
    flat = " ".join(visible_text(page).split())
    assert "one picosecond session for every 2 points of the score, rounded up" in flat
    assert "a score up to 10 plans 3 to 5 sessions" in flat
    assert src.SAEDI_2012 in page
    assert src.BERNSTEIN_2015 in page
    assert "the clinic&#x27;s own conversion" in page
    assert "replaces the table" not in page


def test_the_doctor_reads_the_patients_answers_by_their_labels(tattoo_plan, doctor):
    response = client_for(doctor).get(reverse("plan-detail", args=[tattoo_plan.pk]))
    page = visible_text(response.content.decode())
    assert "Mostly black, some red" in page
    assert "Professional, a moderate amount of ink" in page
    assert "Upper back or chest" in page
    assert "Medium (the cheeks, or a palm-sized tattoo)" in page
    assert "Some: outdoors now and then" in page
    assert not CODES.findall(page)


def test_the_plans_history_shows_labels_not_codes(alice, doctor):
    plan = plan_create(patient=alice, intake=intake(screening=ScreeningAnswers(pregnant=True)))
    plan_clear_hard_stop(plan=plan, doctor=doctor, reason="Baby born in January.")
    plan_adjust(plan=plan, doctor=doctor, reason="Scars seen", concern=Concern.ACNE_SCARS)
    plan_approve(plan=plan, doctor=doctor)
    page = visible_text(
        client_for(doctor).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    )
    flat = " ".join(page.split())
    assert "Hard stops: Pregnancy → none" in flat
    assert "Concern: Pigmentation → Acne scars" in flat
    assert "Status: Proposed → Approved" in flat
    assert not CODES.findall(page)
