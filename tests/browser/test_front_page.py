"""The front page on a 360-pixel phone: nothing wider than the screen, and a free time leads
through the login to its booking review."""

from datetime import time

import pytest
from playwright.sync_api import Page, expect

from bookings.models import ClinicContact, CoursePackage
from tests.bookings.clinics import make_clinic, weekly

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def clinic(db):
    clinic = make_clinic(hours=weekly(time(9), time(18), days=range(7)))
    clinic.consultation.price_minor = 8000
    clinic.consultation.save()
    clinic.session.price_minor = 45000
    clinic.session.save()
    CoursePackage.objects.create(concern="pigmentation", price_minor=240000, sessions=6)
    ClinicContact.objects.create(
        pk=1,
        address="Level 3, Wisma Cahaya\n18 Jalan Ampang\n50450 Kuala Lumpur",
        phone="+60321610000",
    )
    return clinic


def test_the_front_page_fits_a_360_pixel_phone(page: Page, clinic):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/")
    expect(page.get_by_role("heading", name="Treatments and prices")).to_be_visible()
    expect(page.get_by_text("Course package for pigmentation, up to 6 sessions")).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth") <= 360


def test_a_free_time_leads_to_the_login_and_back_to_its_booking(page: Page, clinic):
    page.goto("/")
    times = page.locator(".front-times a")
    expect(times.first).to_be_visible()
    times.first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")
    assert "next=%2Fbook%2Fconsultation%2F%3Fstarts_at%3D" in page.url
