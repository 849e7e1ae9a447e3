"""The doctor's own schedule in Chromium (issue 16): from their home page to their column, day
and week, another date, and a visit opened on its record page; read-only; on a phone, one
column as wide as the screen.

As in test_desk, the browser runs in Tokyo's time zone on purpose, and the live server's clock
is moved by time_machine. Set DESK_SHOTS to a folder to keep screenshots of what the doctor sees.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import time_machine
from playwright.sync_api import Page, expect

from bookings.appointments.services import appointment_book
from bookings.models import Appointment
from tests.bookings.clinics import local, make_clinic
from tests.bookings.waitlists import BOOKED_ON, approved_plan, book_course
from tests.browser import test_desk
from tests.browser.test_desk import (
    DASH,
    FIRST,
    NOW,
    box,
    centre,
    drag,
    fits_the_screen,
    go_to,
    shoot,
    shown_start,
    visit_shown,
)
from tests.browser.test_login import log_in
from tests.browser.test_no_barriers import axe_problems

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
desk_page = test_desk.desk_page  # the desk tests' fixture: new pages, a browser context each


@pytest.fixture
def now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def world(db, alice, bob, charlie, doctor) -> dict[str, Appointment]:
    """Alice's course on Dr Rahman's column (session 2: Monday 22 March, 16:00), Charlie's
    consultation on it that Wednesday, and Bob's on the other doctor's column that Monday."""
    with time_machine.travel(BOOKED_ON, tick=False):
        clinic = make_clinic(doctors=2, devices=2, rooms=2)
        course = book_course(clinic, approved_plan(alice, doctor), first=FIRST)
        mine = course[1].doctor
        mine.user = doctor
        mine.save()
        other = next(d for d in clinic.doctors if d.pk != mine.pk)

        def consultation(patient, day: date, hour: int, column) -> Appointment:
            return appointment_book(
                patient=patient,
                treatment_type=clinic.consultation,
                starts_at=local(day, hour),
                booked_by=patient,
                doctor=column,
            )

        return {
            "session": course[1],
            "later": course[2],
            "charlie": consultation(charlie, date(2027, 3, 24), 11, mine),
            "bob": consultation(bob, date(2027, 3, 22), 16, other),
        }


def calendar_ready(page: Page) -> None:
    """Wait for the schedule's calendar and its one column (after any page load)."""
    page.wait_for_function(
        "() => window.deskCalendar && window.deskCalendar.getOption('resources').length === 1"
    )


def open_schedule(page: Page, email: str) -> None:
    """Log in as the doctor and press My schedule on their home page."""
    log_in(page, email)
    page.get_by_role("main").get_by_role("link", name="My schedule").click()
    expect(page.get_by_role("heading", name="My schedule")).to_be_visible()
    calendar_ready(page)


def test_the_doctor_sees_their_day_and_week_goes_to_another_date_and_opens_a_visit(
    desk_page, world, doctor, now
):
    session, charlie, bob = world["session"], world["charlie"], world["bob"]
    page = desk_page()
    open_schedule(page, doctor.email)
    expect(page.locator(".ec-col-head")).to_have_text(session.doctor.name)
    expect(page.get_by_label("Go to a date")).to_have_value("2027-03-17")  # the clinic's today

    go_to(page, date(2027, 3, 22))
    visit_shown(page, session)
    visit = page.locator(".ec-event.visit")
    expect(visit).to_have_count(1)  # Bob's, at the same time on the other column, is not here
    expect(visit).to_contain_text(session.patient.get_full_name())
    expect(visit).to_contain_text(f"16:00{DASH}16:45 · Session 2 of 4")
    expect(visit).to_contain_text("Booked")
    expect(visit).to_contain_text("Record not started")
    assert bob.patient.get_full_name() not in page.content()
    assert axe_problems(page) == []
    shoot(page, "doctor-1366-day")

    go_to(page, date(2027, 3, 22), view="Week")
    visit_shown(page, charlie)
    expect(page.locator("#desk-title")).to_have_text(f"22 {DASH} 28 March 2027")
    expect(page.locator(".ec-event.visit")).to_have_count(2)
    expect(page.locator(".ec-event.visit", has_text="Consultation")).to_contain_text(
        charlie.patient.get_full_name()
    )
    assert page.url.endswith("/desk/doctor/?date=2027-03-22&view=week")
    assert axe_problems(page) == []
    shoot(page, "doctor-1366-week")

    page.get_by_role("button", name="Next").click()  # the week of 29 March holds nothing
    expect(page.locator("#desk-title")).to_have_text(f"29 March {DASH} 4 April 2027")
    expect(page.locator(".ec-event.visit")).to_have_count(0)
    page.get_by_role("button", name="Previous").click()
    visit_shown(page, session)

    # Read-only: a visit dragged to Tuesday stays on Monday, and empty time opens nothing.
    assert page.evaluate("() => window.deskCalendar.getOption('selectable')") is False
    visit = page.locator(".ec-event.visit", has_text="Session 2 of 4")
    visit.scroll_into_view_if_needed()
    start = centre(box(visit))
    drag(page, start, (start[0] + 150, start[1]))  # a day's column is 150 px wide
    page.wait_for_timeout(300)
    assert shown_start(page, session) == "2027-03-22T16:00"
    assert "/desk/doctor/" in page.url

    record = f"/visits/{session.pk}/record/"
    page.locator(".ec-event.visit", has_text="Session 2 of 4").locator(".desk-event-record").click()
    page.wait_for_url(f"**{record}")
    page.go_back()  # back to the week that was shown
    calendar_ready(page)
    expect(page.get_by_label("Go to a date")).to_have_value("2027-03-22")
    visit_shown(page, session)
    session.refresh_from_db()
    assert session.starts_at == local(date(2027, 3, 22), 16)


def test_a_link_opens_the_schedule_on_its_date_and_the_name_is_a_link_to_the_record(
    desk_page, world, doctor, now
):
    later = world["later"]
    page = desk_page()
    log_in(page, doctor.email)
    page.goto("/desk/doctor/?date=2027-04-12")
    calendar_ready(page)
    visit_shown(page, later)
    link = page.get_by_role("link", name=later.patient.get_full_name())
    expect(link).to_have_attribute("href", f"/visits/{later.pk}/record/")
    # One control, not a link inside a button: the link takes the keyboard, and Enter opens it.
    expect(page.locator(".ec-event.visit")).not_to_have_attribute("role", "button")
    expect(page.locator(".ec-event.visit")).not_to_have_attribute("tabindex", "0")
    link.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    expect(link).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/visits/{later.pk}/record/")

    page.goto("/desk/doctor/?date=2027-13-45")
    expect(page.get_by_role("alert")).to_contain_text("showing today")
    expect(page.get_by_label("Go to a date")).to_have_value("2027-03-17")


def test_on_a_phone_the_doctors_day_is_one_column_as_wide_as_the_screen(
    desk_page, world, doctor, now
):
    session = world["session"]
    page = desk_page(width=390, height=844)
    log_in(page, doctor.email)
    page.goto("/desk/doctor/?date=2027-03-22")
    calendar_ready(page)
    visit_shown(page, session)
    fits_the_screen(page)
    visit = page.locator(".ec-event.visit")
    visit.scroll_into_view_if_needed()
    expect(visit).to_contain_text("Session 2 of 4")
    assert box(visit)["width"] > 250  # one column: the visit can be read
    assert axe_problems(page) == []
    shoot(page, "doctor-390-day")

    go_to(page, date(2027, 3, 22), view="Week")  # a week on a phone is its list of visits
    visit_shown(page, world["charlie"])
    expect(page.locator(".ec-event.visit")).to_have_count(2)
    fits_the_screen(page)
    assert axe_problems(page) == []
    shoot(page, "doctor-390-week")
