import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from clinic.models import ConsentText
from planner.models import TreatmentPlan
from planner.rules import POLICY
from planner.rules.fitzpatrick import QUESTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def choose(page: Page, name: str, value: str) -> None:
    page.locator(f'input[name="{name}"][value="{value}"]').check()


def test_sign_up_then_the_questionnaire_then_the_proposed_course(page: Page, live_server):
    # The data migration's consent text is gone after earlier transactional tests' flushes.
    ConsentText.objects.get_or_create(
        version="2026-11", defaults={"title": "Consent to pico-laser treatment", "body": "I agree."}
    )
    page.goto("/")
    page.get_by_role("link", name="Start your skin questionnaire").first.click()
    page.get_by_label("First name").fill("Nadia")
    page.get_by_label("Last name").fill("Haddad")
    page.get_by_label("Email address").fill("nadia@example.com")
    page.get_by_label("Date of birth").fill("1985-06-14")
    page.get_by_label("Password").fill("nadia's long passphrase")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    # Opened in the browser that signed up: confirmed, signed in, straight to the questions.
    link = re.search(r"https?://\S+/accounts/confirm/\S+", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_text("you are signed in")).to_be_visible()
    expect(page.get_by_role("heading", name="Your concern")).to_be_visible()

    choose(page, "concern", "melasma")
    choose(page, "area", "medium")
    choose(page, "severity", "moderate")
    # "My skin is sensitive" left unticked: a no.
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Your skin type")).to_be_visible()
    for question in QUESTIONS:
        choose(page, question.key, "3")  # a total of 30: Fitzpatrick type V
    choose(page, "sun_exposure", "moderate")  # on the same page
    page.get_by_label("I wear sunscreen every day").check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page.get_by_role("heading", name="Health and safety questions")).to_be_visible()
    assert page.locator('input[type="checkbox"]').count() == len(POLICY.screening) + 1
    page.get_by_label("None of these apply to me").check()
    page.get_by_role("button", name="Save and continue").click()  # no previous treatments

    page.get_by_label("Your full name").fill("Nadia Haddad")
    page.get_by_label("I have read the consent above and I agree to it.").check()
    page.get_by_role("button", name="Agree and see my course").click()

    expect(page.get_by_role("heading", name="Melasma course")).to_be_visible()
    expect(page.get_by_text("What happens next")).to_be_visible()
    expect(page.get_by_text("may combine this course with other treatments")).to_be_visible()
    plan = TreatmentPlan.objects.get(patient__email="nadia@example.com")
    assert plan.intake["fitzpatrick"] == 5
    assert plan.intake["uses_sunscreen"] is True
    assert plan.intake["sensitive_skin"] is False
    assert plan.interval_ideal_days == 42  # darker skin: longer between sessions
    intake = plan.source_intake
    assert set(intake.answers["screening"].values()) == {"no"}
    assert intake.answers["history"] == {"previous_treatments": ""}
