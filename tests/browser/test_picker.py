"""The time picker on a 390-pixel phone: a consultation booked through the day strip and the
review screen, and a course session moved inside its window; no page wider than the screen."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.courses.search import SeriesProposal, propose_series
from bookings.courses.services import series_book
from bookings.models import Appointment
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import make_clinic
from tests.browser.test_login import log_in
from tests.planner.intakes import intake

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(page: Page) -> Page:
    page.set_viewport_size({"width": 390, "height": 844})
    return page


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width} px wide"


def test_a_patient_books_a_consultation_with_the_picker_on_a_phone(phone: Page, alice):
    make_clinic()
    log_in(phone, alice.email)
    phone.goto("/book/consultation/")
    fits(phone)
    strip = phone.locator(".picker-strip")
    expect(strip.locator(".picker-day.is-full").first).to_contain_text("no free time")
    free_days = strip.locator("a.picker-day")
    second = free_days.nth(1)
    chosen_href = second.get_attribute("href")
    assert chosen_href
    second.click()
    expect(phone).to_have_url(f"{phone.url.split('?')[0]}{chosen_href}")
    expect(phone.locator(".picker-day.is-chosen")).to_have_attribute("href", chosen_href)
    expect(phone.get_by_role("heading", name="Afternoon")).to_be_visible()
    fits(phone)
    time = phone.locator(".picker-slots a").first
    label = time.get_attribute("aria-label")
    time.click()
    expect(phone.get_by_role("heading", name="Check your consultation")).to_be_visible()
    fits(phone)
    assert not Appointment.objects.filter(patient=alice).exists()
    phone.get_by_role("button", name="Book", exact=True).click()
    expect(phone.get_by_text("Your consultation is booked.")).to_be_visible()
    booked = Appointment.objects.get(patient=alice)
    local = timezone.localtime(booked.starts_at)
    assert label == f"{local:%A} {local.day} {local:%B} at {local:%H:%M}"


def test_a_patient_moves_a_session_inside_its_window_on_a_phone(phone: Page, alice, doctor):
    clinic = make_clinic()
    plan = plan_create(patient=alice, intake=intake())
    plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=Window(14, 21, 42))
    plan = plan_approve(plan=plan, doctor=doctor)
    proposal = propose_series(
        treatment_type=clinic.session, sessions=plan.sessions, window=plan.window
    )
    assert isinstance(proposal, SeriesProposal)
    first, second, *_ = series_book(plan=plan, proposal=proposal, booked_by=alice)
    opens = timezone.localtime(first.starts_at).date() + timedelta(days=14)
    log_in(phone, alice.email)
    phone.goto(f"/appointments/{second.pk}/")
    phone.get_by_role("link", name="Move").click()
    fits(phone)
    days = phone.locator(".picker-strip li")
    expect(days).to_have_count(14)
    expect(days.first).to_contain_text(f"{opens.day}")
    phone.locator("a.picker-day").first.click()
    phone.locator(".picker-slots a").first.click()
    expect(phone.get_by_role("heading", name="Move to")).to_be_visible()
    fits(phone)
    phone.get_by_role("button", name="Move it").click()
    expect(phone.get_by_text("Moved.")).to_be_visible()
    moved = Appointment.objects.get(pk=second.pk)
    assert moved.starts_at != second.starts_at
    assert timezone.localtime(moved.starts_at).date() >= opens
