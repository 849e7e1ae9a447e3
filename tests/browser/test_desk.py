"""The front desk calendar in Chromium (issue 15): a course session dragged inside and outside
its window, a visit dragged across laser columns, a consultation booked from empty time, a
patient checked in from the panel, and two receptionists at once. Each test checks what the
receptionist sees and what the database holds.

The live server runs in a thread of this process, so time_machine moves the server's clock too;
the browser's own clock does not matter, since the server decides. The browser runs in Tokyo's
time zone on purpose: the calendar must show the clinic's wall clock (London) whatever the
browser's zone.

Set DESK_SHOTS to a folder to keep screenshots of what the receptionist sees.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pytest
import time_machine
from playwright.sync_api import Browser, Locator, Page, Response, expect

from bookings.courses.services import session_move
from bookings.desk import views as desk_views
from bookings.models import Appointment, AppointmentStatus, Reminder, ReminderKind, ReminderStatus
from clinic.roles import Role
from tests.bookings.clinics import local, make_clinic
from tests.bookings.waitlists import BOOKED_ON, approved_plan, book_course
from tests.browser.test_login import log_in
from tests.browser.test_no_barriers import axe_problems
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Alice's course: 1 Mar, 22 Mar, 12 Apr, 3 May, each at 16:00. Session 2's window, from
# session 1, is Mon 15 Mar to Mon 29 Mar. The afternoon time keeps a move to the next morning
# within one screen of the week's timeline, where a day is 14 hours wide.
FIRST = local(date(2027, 3, 1), 16)
SESSION_2 = local(date(2027, 3, 22), 16)
NOW = local(date(2027, 3, 17), 9)  # a Wednesday, days before session 2
BROWSER_ZONE = "Asia/Tokyo"
POLL_MS = 15_000  # desk.js asks for the changes stamp this often
DASH = "\N{EN DASH}"
SHOTS = os.environ.get("DESK_SHOTS", "")

# A Date as the clinic's wall clock, the way desk.js sends it ("2027-03-22T16:00").
WALL = """d => {
    const p = n => String(n).padStart(2, "0");
    const day = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
    return `${day}T${p(d.getHours())}:${p(d.getMinutes())}`;
}"""


@pytest.fixture
def now() -> Iterator[None]:
    with time_machine.travel(NOW, tick=True):
        yield


@pytest.fixture
def clinic(db):
    with time_machine.travel(BOOKED_ON, tick=False):
        return make_clinic(doctors=2, devices=2, rooms=2)


@pytest.fixture
def course(clinic, alice, doctor) -> list[Appointment]:
    """Alice's four sessions; she agreed to care reminders, so each visit has its "soon" one."""
    alice.profile.care_reminders_consent = True
    alice.profile.save()
    with time_machine.travel(BOOKED_ON, tick=False):
        return book_course(clinic, approved_plan(alice, doctor), first=FIRST)


@pytest.fixture
def desk_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """New pages, each in a browser context of its own (one per receptionist)."""
    contexts = []

    def new_page(width: int = 1366, height: int = 900) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport={"width": width, "height": height},
            timezone_id=BROWSER_ZONE,
            locale="en-GB",
            reduced_motion="reduce",  # no smooth scrolling: boxes are read where they stay
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def box(locator: Locator) -> dict[str, float]:
    found = locator.bounding_box()
    assert found is not None, f"{locator} is not drawn"
    return dict(found)


def centre(area: dict[str, float]) -> tuple[float, float]:
    return area["x"] + area["width"] / 2, area["y"] + area["height"] / 2


def is_feed(response: Response) -> bool:
    return "/desk/events.json" in response.url


def open_desk(page: Page, email: str) -> None:
    """Log in as a receptionist: the home page is the desk. Waits for its columns and for its
    first look at the changes stamp (so that a later change is one it can notice)."""
    with page.expect_response(lambda r: "/desk/changes.json" in r.url):
        log_in(page, email)
    expect(page.get_by_role("heading", name="Front desk")).to_be_visible()
    page.wait_for_function("() => window.deskCalendar.getOption('resources').length > 0")


def go_to(page: Page, day: date, view: str = "Day") -> None:
    """Choose the view, then the date in the date picker, as a receptionist does."""
    page.get_by_role("button", name=view, exact=True).click()
    page.get_by_label("Go to a date").fill(day.isoformat())
    page.wait_for_function(
        """day => {
            const view = window.deskCalendar.getView();
            const noon = new Date(day + "T12:00");
            return view.activeStart <= noon && noon < view.activeEnd;
        }""",
        arg=day.isoformat(),
    )


def visit_shown(page: Page, appointment: Appointment) -> None:
    page.wait_for_function(
        "id => window.deskCalendar.getEventById(id) !== null", arg=f"a{appointment.pk}"
    )


def shown_start(page: Page, appointment: Appointment) -> str:
    """When the calendar shows the visit, on the clinic's wall clock."""
    return page.evaluate(
        f"id => ({WALL})(window.deskCalendar.getEventById(id).start)", f"a{appointment.pk}"
    )


def shown_resources(page: Page, appointment: Appointment) -> set[str]:
    return set(
        page.evaluate(
            "id => window.deskCalendar.getEventById(id).resourceIds.map(String)",
            f"a{appointment.pk}",
        )
    )


def point_at(page: Page, x: float, y: float) -> dict[str, str | None]:
    """What the calendar says lies under a point: its wall-clock time and its column."""
    found = page.evaluate(
        f"""([x, y]) => {{
            const info = window.deskCalendar.dateFromPoint(x, y);
            if (!info) return null;
            const resource = info.resource ? String(info.resource.id) : null;
            return {{at: ({WALL})(info.date), resource}};
        }}""",
        [x, y],
    )
    assert found is not None, f"nothing of the calendar at {x}, {y}"
    return found


def in_column(page: Page, column: str, text: str = "") -> Locator:
    """The element of a visit drawn in a day view's column (a visit shows in each of its
    doctor's, device's and room's columns), waited for while the calendar redraws."""
    found = page.wait_for_function(
        """([column, text]) => {
            const head = [...document.querySelectorAll("#desk-calendar .ec-col-head")]
                .find(h => h.textContent.trim() === column);
            if (!head) return 0;
            const r = head.getBoundingClientRect();
            const visits = [...document.querySelectorAll("#desk-calendar .ec-event.visit")];
            return 1 + visits.findIndex(e => {
                const b = e.getBoundingClientRect();
                const x = b.left + b.width / 2;
                return e.textContent.includes(text) && r.left <= x && x <= r.right;
            });
        }""",
        arg=[column, text],
    ).json_value()
    return page.locator("#desk-calendar .ec-event.visit").nth(int(found) - 1)


def day_point(page: Page, column: str, time: str) -> tuple[float, float]:
    """A point in a day view's column at a quarter hour ("14:00"), scrolled into view."""
    row = page.locator(".ec-body .ec-sidebar .ec-slot", has_text=time)
    row.scroll_into_view_if_needed()
    return centre(box(page.locator(".ec-col-head", has_text=column)))[0], centre(box(row))[1]


def drag(
    page: Page,
    start: tuple[float, float],
    end: tuple[float, float],
    before_drop: Callable[[], None] | None = None,
) -> None:
    """Press, move in small steps as a hand does, and let go."""
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(start[0] + 8, start[1] + 2, steps=4)  # past the calendar's 5 px threshold
    page.mouse.move(*end, steps=20)
    if before_drop is not None:
        before_drop()
    page.mouse.up()


def drag_in_week(
    page: Page,
    appointment: Appointment,
    to: datetime,
    before_drop: Callable[[], None] | None = None,
) -> None:
    """Drag a visit along its doctor's row of the week's timeline to `to`.

    A day of the timeline is wider than the screen, so the timeline is first scrolled sideways
    (as a receptionist would) to put the visit near its left edge; `to` must then be on screen."""
    visit = page.locator(".ec-event.visit", has_text=appointment.patient.get_full_name()).first
    expect(visit).to_be_visible()  # the first is on the doctor's row, the top one
    visit.scroll_into_view_if_needed()
    timeline = page.locator("#desk-calendar .ec-main")
    names = box(page.locator("#desk-calendar .ec-header .ec-sidebar"))
    by = box(visit)["x"] - (names["x"] + names["width"] + 40)
    timeline.evaluate("(el, by) => { el.scrollLeft += by; }", by)
    visit_box = box(visit)
    hour = box(page.locator(f'.ec-slots .ec-slot:has(time[datetime="{to:%Y-%m-%dT%H:00:00}"])'))
    start = (visit_box["x"] + 6, visit_box["y"] + visit_box["height"] / 2)
    end = (hour["x"] + to.minute / 60 * hour["width"] + 6, start[1])
    seen = box(timeline)
    assert end[0] < seen["x"] + seen["width"] - 20, f"{to} is off the screen"
    assert point_at(page, *end)["at"] == f"{to:%Y-%m-%dT%H:%M}"
    drag(page, start, end, before_drop)


def fits_the_screen(page: Page) -> None:
    width = page.viewport_size["width"] if page.viewport_size else 0
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_a_session_dragged_to_another_day_inside_its_window_moves_with_its_reminders(
    desk_page, course, receptionist, now
):
    session = course[1]
    soon = Reminder.objects.get(appointment=session, kind=ReminderKind.SOON)
    assert soon.due_at == local(date(2027, 3, 22), 14)
    page = desk_page()
    open_desk(page, receptionist.email)
    go_to(page, date(2027, 3, 22), view="Week")
    visit_shown(page, session)
    shoot(page, "1366-week")

    def the_window_is_shaded() -> None:
        # While a session is dragged, the days its window allows are shaded (15 to 29 Mar).
        expect(page.locator(".ec-bg-event.desk-window").first).to_be_visible()
        shoot(page, "1366-week-dragging")

    with page.expect_response(is_feed):  # the calendar reads the week again after the move
        drag_in_week(page, session, local(date(2027, 3, 23), 11), the_window_is_shaded)

    alert = page.locator("#desk-alert")
    expect(alert).to_have_text("Moved.")
    expect(alert).to_have_class("alert py-2 alert-success")
    assert shown_start(page, session) == "2027-03-23T11:00"
    page.locator(".ec-event.visit", has_text=session.patient.get_full_name()).first.click()
    expect(page.locator("#desk-panel")).to_contain_text(f"Tue 23 Mar 2027, 11:00{DASH}11:45")

    session.refresh_from_db()
    assert session.starts_at == local(date(2027, 3, 23), 11)
    assert session.status == AppointmentStatus.BOOKED
    soon.refresh_from_db()
    assert soon.status == ReminderStatus.WITHDRAWN
    retimed = Reminder.objects.get(
        appointment=session, kind=ReminderKind.SOON, status=ReminderStatus.PENDING
    )
    assert retimed.due_at == local(date(2027, 3, 23), 9)  # two hours before the new time


def test_a_session_dragged_outside_its_window_snaps_back_with_the_reason(
    desk_page, course, receptionist
):
    session = course[1]
    with time_machine.travel(BOOKED_ON, tick=False):  # to the last day of its window
        session_move(appointment=session, new_start=local(date(2027, 3, 29), 16), by=receptionist)
    with time_machine.travel(NOW, tick=True):
        page = desk_page()
        open_desk(page, receptionist.email)
        go_to(page, date(2027, 3, 29), view="Week")
        visit_shown(page, session)

        with page.expect_response(lambda r: r.url.endswith("/move")) as answer:
            drag_in_week(page, session, local(date(2027, 3, 30), 11))
        assert answer.value.status == 400

        alert = page.locator("#desk-alert")
        expect(alert).to_contain_text("must fall between")
        expect(alert).to_contain_text("Session 2 must fall between Mon 15 Mar and Mon 29 Mar")
        expect(alert).to_have_class("alert py-2 alert-danger")
        shoot(page, "1366-refused-drag")
        assert shown_start(page, session) == "2027-03-29T16:00"
        # Drawn back where it was: on its doctor's row, from Monday's 16:00.
        drawn = box(page.locator(".ec-event.visit").first)
        four = box(page.locator('.ec-slot:has(time[datetime="2027-03-29T16:00:00"])'))
        assert abs(drawn["x"] - four["x"]) < 3

    session.refresh_from_db()
    assert session.starts_at == local(date(2027, 3, 29), 16)


def test_a_visit_dragged_to_another_lasers_column_changes_the_device_not_the_doctor(
    desk_page, clinic, course, receptionist, now
):
    session = course[1]
    doctor, laser, other_laser = session.doctor, clinic.devices[0], clinic.devices[1]
    assert session.device == laser
    page = desk_page()
    open_desk(page, receptionist.email)
    go_to(page, date(2027, 3, 22))
    visit_shown(page, session)
    shoot(page, "1366-day")
    visit = in_column(page, laser.name)
    visit.evaluate('el => el.scrollIntoView({block: "center", behavior: "instant"})')
    visit_box = box(visit)
    start = (visit_box["x"] + visit_box["width"] / 2, visit_box["y"] + 10)
    heads = page.locator(".ec-col-head")
    across = centre(box(heads.filter(has_text=other_laser.name)))[0]
    across -= centre(box(heads.filter(has_text=laser.name)))[0]
    end = (start[0] + across, start[1])  # the same time, the next laser's column
    assert point_at(page, *end) == {"at": "2027-03-22T16:00", "resource": f"r{other_laser.pk}"}

    with page.expect_response(is_feed):
        drag(page, start, end)

    expect(page.locator("#desk-alert")).to_have_text("Moved.")
    assert shown_start(page, session) == "2027-03-22T16:00"
    assert shown_resources(page, session) == {
        f"r{doctor.pk}",
        f"r{other_laser.pk}",
        f"r{session.room_id}",
    }
    expect(page.locator(".ec-event.visit")).to_have_count(3)
    in_column(page, other_laser.name).click()
    expect(page.locator("#desk-panel")).to_contain_text(
        f"{doctor.name}, {other_laser.name}, {session.room.name}"
    )

    session.refresh_from_db()
    assert session.device == other_laser
    assert session.doctor == doctor
    assert session.starts_at == SESSION_2


def test_empty_time_in_a_doctors_column_books_a_consultation_for_a_patient_found_by_name(
    desk_page, clinic, course, receptionist, bob, now
):
    other_doctor = clinic.doctors[1]
    page = desk_page()
    open_desk(page, receptionist.email)
    go_to(page, date(2027, 3, 22))
    visit_shown(page, course[1])
    x, y = day_point(page, other_doctor.name, "14:00")
    assert point_at(page, x, y) == {"at": "2027-03-22T14:00", "resource": f"r{other_doctor.pk}"}

    page.mouse.click(x, y)

    panel = page.locator("#desk-panel")
    expect(panel.get_by_role("heading", level=2)).to_have_text("Mon 22 Mar, 14:00")
    expect(panel).to_contain_text(other_doctor.name)
    shoot(page, "1366-booking-panel")
    # Typed as a receptionist types, a key at a time: the search runs once they pause.
    panel.get_by_label("Patient (name, email or phone)").press_sequentially(
        bob.get_full_name(), delay=20
    )
    panel.get_by_role("link", name=bob.get_full_name()).click()
    shoot(page, "1366-booking-panel-patient")
    with page.expect_response(is_feed):  # the calendar reads the day again after the booking
        panel.get_by_role("button", name="Book a consultation").click()

    expect(panel.get_by_role("status")).to_have_text(
        f"Booked a consultation for {bob.get_full_name()}, Mon 22 Mar 14:00."
    )
    booked = Appointment.objects.get(patient=bob)
    assert booked.starts_at == local(date(2027, 3, 22), 14)
    assert booked.doctor == other_doctor
    assert booked.treatment_type == clinic.consultation
    assert booked.status == AppointmentStatus.BOOKED
    visit_shown(page, booked)
    assert shown_start(page, booked) == "2027-03-22T14:00"
    expect(in_column(page, other_doctor.name, bob.get_full_name())).to_contain_text(
        f"14:00{DASH}14:30"
    )


def test_a_patient_is_checked_in_from_the_visits_panel(desk_page, course, receptionist):
    session = course[1]
    # Check-in opens an hour before the visit: here half an hour before, on its day.
    with time_machine.travel(local(date(2027, 3, 22), 15, 30), tick=True):
        page = desk_page()
        open_desk(page, receptionist.email)  # the desk opens on today
        visit_shown(page, session)
        page.locator(".ec-event.visit", has_text="Session 2 of 4").first.click()
        panel = page.locator("#desk-panel")
        expect(panel.get_by_role("heading", level=2)).to_have_text(session.patient.get_full_name())
        expect(panel).to_contain_text(f"Mon 22 Mar 2027, 16:00{DASH}16:45")
        shoot(page, "1366-visit-panel")

        panel.get_by_role("button", name="Check in").click()

        expect(panel.get_by_role("status")).to_have_text("Checked in.")
        expect(panel.locator(".visit-badge")).to_have_text("Checked in")
        expect(page.locator(".ec-event.visit-checked_in")).to_have_count(3)
    session.refresh_from_db()
    assert session.status == AppointmentStatus.CHECKED_IN
    assert session.checked_in_at is not None


def test_a_move_by_one_receptionist_shows_on_the_others_calendar_at_the_next_poll(
    desk_page, course, receptionist, now
):
    session = course[1]
    other = UserFactory(email="omar@example.com", first_name="Omar", role=Role.RECEPTIONIST)
    rosa, omar = desk_page(), desk_page()
    omar.clock.install()  # Omar's poll runs when the test says its 15 seconds are up
    for page, person in ((rosa, receptionist), (omar, other)):
        open_desk(page, person.email)
        go_to(page, date(2027, 3, 22))
        visit_shown(page, session)

    # Rosa moves the visit from its panel (the way to move without dragging).
    rosa.locator(".ec-event.visit", has_text="Session 2 of 4").first.click()
    rosa.get_by_label("New time").fill("2027-03-22T14:00")
    rosa.locator("#desk-panel").get_by_role("button", name="Move", exact=True).click()
    expect(rosa.locator("#desk-panel").get_by_role("status")).to_have_text("Moved.")
    session.refresh_from_db()
    assert session.starts_at == local(date(2027, 3, 22), 14)

    assert shown_start(omar, session) == "2027-03-22T16:00"  # until Omar's desk polls
    with omar.expect_response(is_feed):
        omar.clock.fast_forward(POLL_MS)
    omar.wait_for_function(
        "id => window.deskCalendar.getEventById(id).start.getHours() === 14", arg=f"a{session.pk}"
    )
    expect(omar.locator(".ec-event.visit").first).to_contain_text(f"14:00{DASH}14:45")


def test_a_late_answer_for_the_week_just_left_does_not_replace_the_week_shown(
    desk_page, course, receptionist, now, monkeypatch
):
    session = course[1]
    held = threading.Event()
    events = desk_views.desk_events

    def late_for_this_week(first, last, **kwargs):
        if first == date(2027, 3, 15):  # this week's, asked for as Week is pressed, then left
            held.wait(10)
        return events(first, last, **kwargs)

    monkeypatch.setattr(desk_views, "desk_events", late_for_this_week)
    page = desk_page()
    open_desk(page, receptionist.email)
    try:
        with page.expect_response(lambda r: is_feed(r) and "start=2027-03-15" in r.url) as late:
            go_to(page, date(2027, 3, 22), view="Week")
            visit_shown(page, session)
            held.set()
        late.value.finished()
    finally:
        held.set()
    page.wait_for_timeout(300)  # time enough to draw the late answer, if it were drawn

    expect(page.locator("#desk-title")).to_have_text(f"22 {DASH} 28 March 2027")
    expect(page.locator(".ec-event.visit")).to_have_count(3)
    assert shown_start(page, session) == "2027-03-22T16:00"


@pytest.mark.parametrize("who", ["charlie", "doctor"])
def test_patients_and_doctors_get_no_desk_and_no_calendar_data(desk_page, course, who, request):
    page = desk_page()
    log_in(page, request.getfixturevalue(who).email)
    response = page.goto("/reception/")
    assert response is not None
    assert response.status == 403
    expect(page.locator("#desk-calendar")).to_have_count(0)
    for url in (
        "/desk/events.json?start=2027-03-22&end=2027-03-29",
        "/desk/resources.json",
        "/desk/changes.json",
        f"/desk/visits/{course[1].pk}/",
    ):
        answer = page.request.get(url)
        assert answer.status == 403, url
        assert course[1].patient.get_full_name() not in answer.text()


def test_on_a_phone_the_desk_opens_on_the_agenda_and_stays_as_wide_as_the_screen(
    desk_page, clinic, course, receptionist, now
):
    session = course[1]
    page = desk_page(width=390, height=844)
    open_desk(page, receptionist.email)
    expect(page.get_by_role("button", name="Agenda")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#desk-calendar")).to_contain_text("No visits")  # today is empty
    assert axe_problems(page) == []
    go_to(page, date(2027, 3, 22), view="Agenda")
    expect(page.locator(".ec-event.visit")).to_contain_text(f"16:00{DASH}16:45 · Session 2 of 4")
    fits_the_screen(page)
    assert axe_problems(page) == []
    shoot(page, "390-agenda")

    page.locator(".ec-event.visit").click()
    expect(page.locator("#desk-panel")).to_contain_text("Mon 15 Mar to Mon 29 Mar")
    fits_the_screen(page)
    shoot(page, "390-visit-panel")

    go_to(page, date(2027, 3, 22))
    visit_shown(page, session)
    fits_the_screen(page)
    shoot(page, "390-day")
    page.mouse.click(*day_point(page, clinic.doctors[1].name, "14:00"))
    expect(page.locator("#desk-panel").get_by_role("heading", level=2)).to_have_text(
        "Mon 22 Mar, 14:00"
    )
    fits_the_screen(page)
    shoot(page, "390-booking-panel")

    visit = in_column(page, session.doctor.name)
    visit.evaluate('el => el.scrollIntoView({block: "center", behavior: "instant"})')
    visit_box = box(visit)
    rows = page.locator(".ec-body .ec-sidebar .ec-slot")
    later = box(rows.filter(has_text="17:30"))["y"] - box(rows.filter(has_text="16:00"))["y"]
    start = (visit_box["x"] + visit_box["width"] / 2, visit_box["y"] + 6)
    end = (start[0], start[1] + later)  # 17:30, after the doctor's day
    assert point_at(page, *end)["at"] == "2027-03-22T17:30"
    drag(page, start, end)
    expect(page.locator("#desk-alert")).to_contain_text("09:00-17:00 on Mondays: 17:30")
    assert shown_start(page, session) == "2027-03-22T16:00"
    fits_the_screen(page)
    shoot(page, "390-refused-drag")

    go_to(page, date(2027, 3, 22), view="Week")
    visit_shown(page, session)
    fits_the_screen(page)
    assert axe_problems(page) == []
    shoot(page, "390-week")
    session.refresh_from_db()
    assert session.starts_at == SESSION_2


def test_every_view_of_the_desk_is_free_of_barriers_and_a_visit_opens_from_the_keyboard(
    desk_page, course, receptionist, now
):
    """No WCAG 2.1 A/AA violation in the day, the week or the agenda (EventCalendar's own
    markup mended by desk.js), each titled with what it shows; a visit is one button, reached
    with Tab, whose Enter opens its panel."""
    session = course[1]
    page = desk_page()
    open_desk(page, receptionist.email)
    for view, title in (
        ("Week", f"22 {DASH} 28 March 2027"),
        ("Agenda", "22 March 2027"),
        ("Day", "22 March 2027"),
    ):
        go_to(page, date(2027, 3, 22), view=view)
        visit_shown(page, session)
        expect(page.get_by_role("heading", level=2, name=title)).to_be_visible()
        assert axe_problems(page) == [], view

    name = session.patient.get_full_name()
    visits = page.get_by_role("button", name=name)
    expect(visits).to_have_count(3)  # the doctor's, the laser's and the room's column
    expect(visits.first.get_by_role("link")).to_have_count(0)
    visits.first.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # the visit takes the keyboard in its turn
    expect(visits.first).to_be_focused()
    page.keyboard.press("Enter")
    panel = page.locator("#desk-panel")
    expect(panel.get_by_role("heading", level=2)).to_have_text(name)
    expect(panel).to_contain_text(f"Mon 22 Mar 2027, 16:00{DASH}16:45")
