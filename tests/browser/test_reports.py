"""The manager's reports in Chromium (issue 18): every chart is drawn (a Chart.js chart on its
canvas, with pixels on it) with no error in the console and nothing refused by the
Content-Security-Policy; the tables are there beside the charts; on a phone no page is wider
than the screen (the tables scroll inside it).

Set REPORT_SHOTS to a folder to keep screenshots at 1366 and 390 pixels wide.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date

import pytest
import time_machine
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from bookings.reports.views import REPORTS
from tests.bookings.clinics import make_clinic, utc
from tests.bookings.reports.world import fill
from tests.browser.test_login import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOW = utc(2027, 6, 1, 9)
SPRING = "since=2027-03-01&until=2027-05-31&by=week"
SHOTS = os.environ.get("REPORT_SHOTS", "")

DRAWN = """() => [...document.querySelectorAll("canvas[data-chart]")].map(canvas => {
    const chart = window.Chart.getChart(canvas);
    const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    let inked = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) inked++;
    return {id: canvas.id, chart: Boolean(chart), width: canvas.width, inked};
})"""


@pytest.fixture
def now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def year(db, doctor):
    with time_machine.travel(utc(2027, 2, 20, 9), tick=False):
        fill(make_clinic(doctors=2, devices=1, rooms=2), doctor, 8)


@pytest.fixture
def open_page(browser: Browser, live_server) -> Iterator[Callable[..., tuple[Page, list[str]]]]:
    """A page of its own width, and the errors its console and the policy report."""
    contexts = []

    def new_page(width: int = 1366, height: int = 900) -> tuple[Page, list[str]]:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            locale="en-GB",
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []

        def on_console(message: ConsoleMessage) -> None:
            # The site has no favicon: the browser's own request for one is no page's error.
            if message.location.get("url", "").endswith("/favicon.ico"):
                return
            if message.type in ("error", "warning"):
                errors.append(message.text)

        page.on("console", on_console)
        page.on("pageerror", lambda error: errors.append(str(error)))
        return page, errors

    yield new_page
    for context in contexts:
        context.close()


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_every_report_draws_its_charts_with_no_error(open_page, manager, year, now):
    page, errors = open_page()
    log_in(page, manager.email)
    expect(page.get_by_role("heading", name="This week at a glance")).to_be_visible()
    shoot(page, "1366-manager-home")
    for slug, kind in REPORTS.items():
        page.goto(f"/manager/reports/{slug}/?{SPRING}")
        expect(page.get_by_role("heading", level=1)).to_have_text(kind.title)
        page.wait_for_function("() => document.querySelectorAll('canvas[data-chart]').length > 0")
        drawn = page.evaluate(DRAWN)
        assert drawn, slug
        for chart in drawn:
            assert chart["chart"], chart
            assert chart["width"] > 0, chart
            assert chart["inked"] > 500, chart  # axes, labels and bars or lines
        # Each chart's figures are in a table under it, with the date it counts by.
        assert (
            page.locator("table caption").count() == page.locator("section.report-figure").count()
        )
        expect(page.locator(".counts-by").first).to_contain_text("Counts each")
        shoot(page, f"1366-{slug}")
    assert errors == []


def test_the_csv_link_downloads_the_table(open_page, manager, year, now):
    page, errors = open_page()
    log_in(page, manager.email)
    page.goto(f"/manager/reports/courses/?{SPRING}")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV of Drop-off by session").click()
    assert download.value.suggested_filename == "courses-drop-off-20270301-20270531.csv"
    assert errors == []


@pytest.mark.parametrize("slug", [*REPORTS, "home", "at-risk"])
def test_on_a_phone_no_report_is_wider_than_the_screen(open_page, manager, year, now, slug):
    page, errors = open_page(width=390, height=844)
    log_in(page, manager.email)
    url = {"home": "/manager/", "at-risk": "/manager/reports/courses-at-risk/"}.get(
        slug, f"/manager/reports/{slug}/?{SPRING}"
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for chart in page.evaluate(DRAWN):
        assert chart["inked"] > 200, chart
    shoot(page, f"390-{slug}")
    assert errors == []


def test_a_bad_range_says_why_and_draws_nothing(open_page, manager, year, now):
    page, errors = open_page()
    log_in(page, manager.email)
    page.goto("/manager/reports/utilisation/")
    page.get_by_label("From").fill(date(2027, 5, 1).isoformat())
    page.get_by_label("To").fill(date(2027, 4, 1).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("alert")).to_have_text("The end date is before the start date.")
    assert page.locator("canvas").count() == 0
    # The 400 itself is logged by the browser as a failed resource: nothing else.
    assert all("400" in error for error in errors), errors


def test_the_manager_sets_a_week_in_the_grid(open_page, manager, db):
    from bookings.models import WorkingHours
    from tests.bookings.clinics import make_clinic

    clinic = make_clinic(doctors=1, devices=1, rooms=1)
    page, errors = open_page()
    log_in(page, manager.email)
    page.goto(f"/admin/bookings/resource/{clinic.doctors[0].pk}/change/")
    shoot(page, "1366-admin-resource")
    page.get_by_role("link", name="Set the week day by day").click()
    page.get_by_label("Monday, first span, from").fill("08:00")
    page.get_by_label("Monday, first span, until").fill("12:00")
    page.get_by_label("Monday, second span, from").fill("13:00")
    page.get_by_label("Monday, second span, until").fill("18:30")
    page.get_by_label("Room 0").check()
    shoot(page, "1366-admin-weekly-hours")
    page.get_by_role("button", name="Save the week").click()
    expect(page.locator(".messagelist")).to_contain_text("Weekly hours saved for Dr 0, Room 0.")
    assert WorkingHours.objects.filter(resource=clinic.rooms[0], weekday=0).count() == 2
    page.goto(reverse_admin("bookings_reminderpolicy_changelist"))
    shoot(page, "1366-admin-reminder-policy")
    assert errors == []


def reverse_admin(name: str) -> str:
    from django.urls import reverse

    return reverse(f"admin:{name}")
