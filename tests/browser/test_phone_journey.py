"""The issue's measure, on a 390 x 844 phone: a new patient from the landing page to a booked
course in at most 25 taps and 6 typed fields (sign-up and the consent's name included). Every
tap and every typed field goes through the small wrappers below, so the count is the journey's.
Opening the confirmation email's link is the patient's mail app, not a tap here; the doctor's
approval of the plan (where the clinic asks for one) is the doctor's, in the database."""

import re

import pytest
from django.core import mail
from playwright.sync_api import Locator, Page, expect

from bookings.models import Appointment
from clinic.models import ConsentText, User
from planner.models import PlanStatus, TreatmentPlan
from planner.rules.fitzpatrick import QUESTIONS
from planner.services import plan_approve
from tests.bookings.clinics import make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MOST_TAPS = 25
MOST_TYPED = 6


class Patient:
    """The patient's thumb: what it taps and types, counted."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.taps = 0
        self.typed = 0

    def tap(self, target: Locator) -> None:
        target.click()
        self.taps += 1

    def tick(self, target: Locator) -> None:
        target.check()
        self.taps += 1

    def type(self, target: Locator, text: str) -> None:
        target.fill(text)
        self.typed += 1

    def choose(self, name: str, value: str) -> None:
        self.tick(self.page.locator(f'input[name="{name}"][value="{value}"]'))

    def fits(self) -> None:
        width = self.page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{self.page.url} is {width} px wide"


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def test_a_new_patient_books_a_course_on_a_phone_in_a_few_taps(phone: Page, doctor):
    make_clinic()
    # The data migration's consent text is gone after earlier transactional tests' flushes.
    ConsentText.objects.get_or_create(
        version="2026-11", defaults={"title": "Consent to pico-laser treatment", "body": "I agree."}
    )
    nadia = Patient(phone)

    phone.goto("/")
    nadia.fits()
    nadia.tap(phone.get_by_role("link", name="Start your skin questionnaire").first)

    nadia.fits()
    nadia.type(phone.get_by_label("First name"), "Nadia")
    nadia.type(phone.get_by_label("Last name"), "Haddad")
    nadia.type(phone.get_by_label("Email address"), "nadia@example.com")
    nadia.type(phone.get_by_label("Date of birth"), "1985-06-14")
    nadia.type(phone.get_by_label("Password"), "nadia's long passphrase")
    nadia.tap(phone.get_by_role("button", name="Create my account"))
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()

    link = re.search(r"https?://\S+/accounts/confirm/\S+", mail.outbox[-1].body).group(0)
    phone.goto(link)  # from her mail app, in the same browser
    expect(phone.get_by_text("you are signed in")).to_be_visible()

    nadia.fits()
    nadia.choose("concern", "pigmentation")
    nadia.choose("area", "medium")
    nadia.choose("severity", "moderate")
    nadia.tap(phone.get_by_role("button", name="Save and continue"))

    expect(phone.get_by_role("heading", name="Your skin type")).to_be_visible()
    nadia.fits()
    for question in QUESTIONS:
        nadia.choose(question.key, "1")  # a total of 10: Fitzpatrick type II
    nadia.choose("sun_exposure", "moderate")
    nadia.tap(phone.get_by_role("button", name="Save and continue"))

    expect(phone.get_by_role("heading", name="Health and safety questions")).to_be_visible()
    nadia.fits()
    nadia.tick(phone.get_by_label("None of these apply to me"))
    nadia.tap(phone.get_by_role("button", name="Save and continue"))

    expect(phone.get_by_role("heading", name="Consent", exact=True)).to_be_visible()
    nadia.fits()
    nadia.type(phone.get_by_label("Your full name"), "Nadia Haddad")
    nadia.tick(phone.get_by_label("I have read the consent above and I agree to it."))
    nadia.tap(phone.get_by_role("button", name="Agree and see my course"))

    expect(phone.get_by_role("heading", name="Pigmentation course")).to_be_visible()
    plan = TreatmentPlan.objects.get(patient__email="nadia@example.com")
    if plan.status == PlanStatus.PROPOSED:
        plan_approve(plan=plan, doctor=doctor)  # the doctor's step, not hers
        phone.reload()
    nadia.fits()
    nadia.tap(phone.get_by_role("link", name="Book your sessions").first)

    nadia.fits()
    nadia.tap(phone.locator(".picker-slots a").first)  # the first free day is shown already
    expect(phone.get_by_role("heading", name="Check the course")).to_be_visible()
    nadia.fits()
    assert not Appointment.objects.exists()  # nothing booked on the first tap
    nadia.tap(phone.get_by_role("button", name=f"Book these {plan.sessions} sessions"))
    expect(phone.get_by_text(f"Your {plan.sessions} sessions are booked.")).to_be_visible()

    patient = User.objects.get(email="nadia@example.com")
    assert Appointment.objects.filter(patient=patient, plan=plan).count() == plan.sessions
    print(f"\nLanding page to a booked course: {nadia.taps} taps, {nadia.typed} typed fields")
    assert nadia.taps <= MOST_TAPS
    assert nadia.typed <= MOST_TYPED


def test_a_visitor_who_chose_a_consultation_time_comes_back_to_its_review(phone: Page):
    make_clinic()
    phone.goto("/")
    time = phone.locator(".front-times a").first
    time.click()
    phone.get_by_role("link", name="Create an account").click()
    phone.get_by_label("First name").fill("Omar")
    phone.get_by_label("Last name").fill("Farouk")
    phone.get_by_label("Email address").fill("omar@example.com")
    phone.get_by_label("Date of birth").fill("1979-02-11")
    phone.get_by_label("Password").fill("omar's long passphrase")
    phone.get_by_role("button", name="Create my account").click()
    expect(phone.get_by_role("heading", name="Check your email")).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm/\S+", mail.outbox[-1].body).group(0)
    phone.goto(link)
    expect(phone.get_by_text("you are signed in")).to_be_visible()
    expect(phone.get_by_role("heading", name="Check your consultation")).to_be_visible()
    assert not Appointment.objects.exists()
    phone.get_by_role("button", name="Book", exact=True).click()
    expect(phone.get_by_text("Your consultation is booked.")).to_be_visible()
    assert Appointment.objects.get().patient.email == "omar@example.com"
