from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from bookings.models import Appointment
from tests.bookings.clinics import make_clinic
from tests.browser.test_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def next_monday() -> date:
    today = timezone.localdate()
    return today + timedelta(days=7 - today.weekday())


def test_a_patient_books_a_consultation_in_the_browser(page: Page, alice):
    make_clinic()
    monday = next_monday()
    log_in(page, alice.email)
    page.get_by_role("link", name="Book a consultation").first.click()
    page.locator(f'a.picker-day[href*="day={monday.isoformat()}"]').click()
    expect(page.locator(".picker-day.is-chosen")).to_contain_text(f"{monday.day}")
    page.get_by_role("link", name=f"{monday:%A} {monday.day} {monday:%B} at 11:15").click()
    expect(page.get_by_role("heading", name="Check your consultation")).to_be_visible()
    assert not Appointment.objects.filter(patient=alice).exists()  # not on the first tap
    page.get_by_role("button", name="Book", exact=True).click()
    expect(page.get_by_text("Your consultation is booked.")).to_be_visible()
    expect(page.get_by_text(f"{monday.day} {monday:%B} {monday.year}, 11:15")).to_be_visible()
    booked = Appointment.objects.get(patient=alice)
    assert timezone.localtime(booked.starts_at).strftime("%H:%M") == "11:15"
