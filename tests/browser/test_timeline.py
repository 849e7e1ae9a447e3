"""The patient's course timeline on a 390-pixel phone, and the private calendar link working."""

import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.bookings.clinics import local, make_clinic
from tests.bookings.waitlists import approved_plan, book_course
from tests.browser.test_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def a_monday_ahead() -> date:
    today = timezone.localdate()
    return today + timedelta(days=14 - today.weekday())


def test_the_course_timeline_fits_a_phone_and_its_calendar_link_works(
    page: Page, alice, doctor, tmp_path
):
    clinic = make_clinic()
    course = book_course(clinic, approved_plan(alice, doctor), first=local(a_monday_ahead(), 10))
    page.set_viewport_size(PHONE)
    log_in(page, alice.email)

    timeline = page.locator("ol.timeline").first
    expect(timeline.locator("li")).to_have_count(4)
    expect(timeline.locator("li").first).to_contain_text("Session 1")
    expect(timeline.locator("li").first).to_contain_text(f"{a_monday_ahead():%A} ")
    expect(page.get_by_text("Before your next session")).to_be_visible()
    expect(page.get_by_role("link", name="Add every session to my calendar")).to_be_visible()
    # A vertical list: each session below the one before, and nothing wider than the phone.
    boxes = [timeline.locator("li").nth(n).bounding_box() for n in range(4)]
    assert all(a["y"] + a["height"] <= b["y"] + 1 for a, b in itertools.pairwise(boxes))
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(tmp_path / "timeline-390.png"), full_page=True)

    page.get_by_role("button", name="Make my private calendar link").click()
    expect(page.get_by_text("Here is your private calendar link")).to_be_visible()
    link = page.get_by_label("My private calendar link").input_value()
    page.get_by_role("button", name="Copy", exact=True).click()
    expect(page.get_by_role("button", name="Copied", exact=True)).to_be_visible()
    feed = page.request.get(link)
    assert feed.status == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    assert feed.text().count("BEGIN:VEVENT") == len(course)

    page.get_by_role("button", name="Revoke this link (makes a new one)").click()
    expect(page.get_by_text("Your old calendar link no longer works.")).to_be_visible()
    new_link = page.get_by_label("My private calendar link").input_value()
    assert new_link != link
    assert page.request.get(link).status == 404
    assert page.request.get(new_link).status == 200
