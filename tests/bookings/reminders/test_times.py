"""When reminders are due: whole days on the clinic's calendar, never in quiet hours."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from bookings.reminders.times import (
    Course,
    CourseSchedule,
    Quiet,
    Schedule,
    course_reminders,
    visit_reminders,
)

LONDON = ZoneInfo("Europe/London")
DEFAULT = Schedule(
    pre_care_hours=48, soon_hours=2, aftercare_at=time(9), quiet=Quiet(time(21), time(8))
)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON).astimezone(UTC)


def test_a_10_00_sessions_48_hour_reminder_goes_at_10_00_across_the_clocks_changing():
    # The clocks go forward on Sunday 28 March 2027: 48 hours of elapsed time would be 09:00.
    due = visit_reminders(
        at(date(2027, 3, 29), 10),
        session=True,
        schedule=DEFAULT,
        now=at(date(2027, 3, 1), 12),
        zone=LONDON,
    )
    assert due["pre_care"].astimezone(LONDON) == datetime(2027, 3, 27, 10, tzinfo=LONDON)
    assert due["soon"].astimezone(LONDON) == datetime(2027, 3, 29, 8, tzinfo=LONDON)
    assert due["aftercare"].astimezone(LONDON) == datetime(2027, 3, 30, 9, tzinfo=LONDON)


def test_a_reminder_due_in_quiet_hours_waits_for_their_end_or_goes_the_evening_before():
    now = at(date(2027, 5, 1), 12)
    nine = visit_reminders(
        at(date(2027, 5, 10), 9), session=False, schedule=DEFAULT, now=now, zone=LONDON
    )
    assert nine["soon"] == at(date(2027, 5, 10), 8)  # 07:00 is quiet: at 08:00, still before
    eight = visit_reminders(
        at(date(2027, 5, 10), 8), session=False, schedule=DEFAULT, now=now, zone=LONDON
    )
    assert eight["soon"] == at(date(2027, 5, 9), 20, 45)  # 08:00 would be too late


def test_a_visit_booked_at_short_notice_gets_its_pre_care_at_once_and_no_past_reminders():
    now = at(date(2027, 5, 10), 11)
    due = visit_reminders(
        at(date(2027, 5, 11), 10), session=True, schedule=DEFAULT, now=now, zone=LONDON
    )
    assert due["pre_care"] == now
    late = visit_reminders(
        at(date(2027, 5, 10), 12), session=True, schedule=DEFAULT, now=now, zone=LONDON
    )
    assert "soon" not in late
    assert "pre_care" not in late


def test_a_consultation_has_no_pre_care_or_aftercare():
    due = visit_reminders(
        at(date(2027, 5, 20), 10),
        session=False,
        schedule=DEFAULT,
        now=at(date(2027, 5, 1), 9),
        zone=LONDON,
    )
    assert set(due) == {"soon"}


@given(
    day=st.dates(min_value=date(2027, 1, 1), max_value=date(2028, 12, 31)),
    minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
    booked_days=st.integers(min_value=0, max_value=30),
    booked_minutes=st.integers(min_value=0, max_value=24 * 60 - 1),
    quiet_from=st.integers(min_value=18, max_value=23),
    quiet_until=st.integers(min_value=5, max_value=9),
    pre_care=st.sampled_from([24, 36, 48, 72, 168]),
    soon=st.integers(min_value=1, max_value=6),
)
def test_no_reminder_is_due_in_quiet_hours_in_the_past_or_out_of_order(
    day, minutes, booked_days, booked_minutes, quiet_from, quiet_until, pre_care, soon
):
    starts_at = at(day, 0) + timedelta(minutes=minutes)
    now = at(day - timedelta(days=booked_days), 0) + timedelta(minutes=booked_minutes)
    quiet = Quiet(time(quiet_from), time(quiet_until))
    schedule = Schedule(pre_care_hours=pre_care, soon_hours=soon, aftercare_at=time(9), quiet=quiet)
    due = visit_reminders(starts_at, session=True, schedule=schedule, now=now, zone=LONDON)
    for moment in due.values():
        assert not quiet.contains(moment.astimezone(LONDON).time())
        assert moment >= now
    if "soon" in due:
        assert due["soon"] < starts_at
    if "pre_care" in due:
        assert due["pre_care"] < due.get("soon", starts_at)
    assert due["aftercare"].astimezone(LONDON).date() >= starts_at.astimezone(
        LONDON
    ).date() + timedelta(days=1)


COURSE_SCHEDULE = CourseSchedule(
    first_results=True,
    book_next=True,
    closing_days=7,
    review_after_days=7,
    at=time(10),
    quiet=Quiet(time(21), time(8)),
)


@st.composite
def courses(draw):
    sessions = draw(st.integers(2, 10))
    min_days = draw(st.integers(14, 56))
    max_days = draw(st.integers(min_days, 56))
    held_numbers = draw(st.sets(st.integers(1, sessions)))
    day, held = date(2027, 1, 4), {}
    for number in sorted(held_numbers):
        held[number] = day
        day += timedelta(days=draw(st.integers(min_days, max_days)))
    return Course(
        sessions=sessions,
        min_days=min_days,
        max_days=max_days,
        review_after=draw(st.integers(1, sessions)),
        first_results_weeks=draw(st.integers(2, 4)),
        held=held,
    )


@given(courses(), st.integers(0, 400))
def test_course_messages_follow_the_course_and_are_never_late(course, days_on):
    now = at(date(2027, 1, 1), 12) + timedelta(days=days_on)
    due = course_reminders(course, schedule=COURSE_SCHEDULE, now=now, zone=LONDON)
    kinds = [kind for _, kind, _ in due]
    assert len(kinds) == len(set(kinds))  # at most one of each
    for session, kind, moment in due:
        assert moment > now
        assert session in course.held  # a message hangs on a session booked or done
        local = moment.astimezone(LONDON)
        assert local.time() == time(10)
        if kind in ("book_next", "window_closing"):
            assert session + 1 not in course.held
            gap = (local.date() - course.held[session]).days
            assert course.min_days <= gap <= course.max_days  # inside the next one's window
    by_kind = {kind: moment for _, kind, moment in due}
    if "book_next" in by_kind and "window_closing" in by_kind:
        assert by_kind["book_next"] < by_kind["window_closing"]


def test_book_next_asks_for_the_first_gap_only():
    course = Course(
        sessions=5,
        min_days=14,
        max_days=28,
        review_after=3,
        first_results_weeks=2,
        held={1: date(2027, 1, 4), 2: date(2027, 1, 25), 4: date(2027, 3, 1)},
    )
    due = course_reminders(
        course, schedule=COURSE_SCHEDULE, now=at(date(2027, 1, 1), 12), zone=LONDON
    )
    assert [(s, k) for s, k, _ in due] == [
        (1, "first_results"),
        (2, "book_next"),
        (2, "window_closing"),
    ]
    assert due[1][2] == at(date(2027, 2, 8), 10)  # 14 days after session 2
    assert due[2][2] == at(date(2027, 2, 15), 10)  # a week before day 28
