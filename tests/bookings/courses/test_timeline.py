"""The course as the patient follows it (bookings/courses/timeline.py), built from objects in
memory: the timeline reads what it is given and fetches nothing."""

from datetime import date, timedelta

import pytest

from bookings.courses.timeline import course_timeline
from bookings.models import Appointment, AppointmentStatus
from planner.models import PlanStatus, TreatmentPlan
from planner.rules.care import AFTERCARE, PRE_CARE
from tests.bookings.clinics import local

MARCH_1 = local(date(2027, 3, 1), 10)


def plan(sessions=4, review_after=2):
    return TreatmentPlan(
        pk=7,
        status=PlanStatus.APPROVED,
        sessions=sessions,
        sessions_min=2,
        sessions_max=10,
        interval_min_days=14,
        interval_ideal_days=21,
        interval_max_days=28,
        review_after_session=review_after,
        first_results_from_weeks=2,
        first_results_to_weeks=3,
    )


def visit(course, number, starts_at, status=AppointmentStatus.BOOKED, pk=None):
    return Appointment(
        pk=pk or number,
        plan=course,
        session_number=number,
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=45),
        reserved_until=starts_at + timedelta(minutes=60),
        status=status,
    )


def test_a_course_not_yet_booked_has_every_session_to_book_and_the_first_one_next():
    timeline = course_timeline(plan(), [], now=MARCH_1)
    assert [step.state for step in timeline.steps] == ["to_book"] * 4
    assert timeline.next_step.number == 1
    # Before a first session nothing has a date: it may be any day to come.
    assert all(step.window is None for step in timeline.steps)
    assert timeline.first_results is None


def test_each_booked_session_shows_its_window_from_the_one_before():
    course = plan()
    sessions = [visit(course, n, MARCH_1 + timedelta(days=21 * (n - 1))) for n in range(1, 5)]
    timeline = course_timeline(course, sessions, now=MARCH_1 - timedelta(days=3))
    assert [step.state for step in timeline.steps] == ["booked"] * 4
    assert timeline.steps[0].window is None
    assert timeline.steps[1].window == (date(2027, 3, 15), date(2027, 3, 29))
    assert timeline.steps[3].window == (date(2027, 4, 26), date(2027, 5, 10))
    assert not any(step.estimated for step in timeline.steps)
    assert timeline.next_step.number == 1


def test_first_results_are_expected_the_plans_weeks_after_the_first_session():
    course = plan()
    timeline = course_timeline(course, [visit(course, 1, MARCH_1)], now=MARCH_1)
    assert timeline.first_results == (date(2027, 3, 15), date(2027, 3, 22))


def test_sessions_done_come_first_and_the_next_to_book_has_its_dates():
    course = plan()
    done = visit(course, 1, MARCH_1, AppointmentStatus.COMPLETED)
    timeline = course_timeline(course, [done], now=MARCH_1 + timedelta(days=2))
    assert [step.state for step in timeline.steps] == ["done", "to_book", "to_book", "to_book"]
    second, third = timeline.steps[1], timeline.steps[2]
    assert second.is_next
    assert timeline.to_book is second
    assert second.window == (date(2027, 3, 15), date(2027, 3, 29))
    assert not second.estimated
    # The third counts from the second's ideal day (22 Mar), until the second is booked.
    assert third.window == (date(2027, 4, 5), date(2027, 4, 19))
    assert third.estimated


def test_a_missed_or_cancelled_session_is_to_book_again_under_its_number():
    course = plan(sessions=2)
    missed = visit(course, 2, MARCH_1 + timedelta(days=21), AppointmentStatus.NO_SHOW, pk=10)
    cancelled = visit(course, 2, MARCH_1 + timedelta(days=20), AppointmentStatus.CANCELLED, pk=11)
    done = visit(course, 1, MARCH_1, AppointmentStatus.COMPLETED)
    timeline = course_timeline(course, [missed, done, cancelled], now=MARCH_1 + timedelta(days=30))
    assert [step.state for step in timeline.steps] == ["done", "to_book"]
    assert timeline.steps[1].appointment is None


def test_the_next_step_is_the_first_booked_session_not_yet_over():
    course = plan(sessions=3)
    sessions = [visit(course, n, MARCH_1 + timedelta(days=21 * (n - 1))) for n in range(1, 4)]
    sessions[0].status = AppointmentStatus.COMPLETED
    timeline = course_timeline(course, sessions, now=MARCH_1 + timedelta(days=1))
    assert timeline.next_step.number == 2
    assert not timeline.finished


def test_a_course_with_every_session_done_is_finished_with_no_next_step():
    course = plan(sessions=2)
    sessions = [
        visit(course, n, MARCH_1 + timedelta(days=21 * (n - 1)), AppointmentStatus.COMPLETED)
        for n in (1, 2)
    ]
    timeline = course_timeline(course, sessions, now=MARCH_1 + timedelta(days=60))
    assert timeline.finished
    assert timeline.next_step is None
    # No session to come, so no pre-care, and its sources are not cited.
    assert timeline.pre_care == ()
    assert timeline.care_sources == list(dict.fromkeys(c.source for c in AFTERCARE))


@pytest.mark.parametrize(("review_after", "marked"), [(2, [2]), (3, [3]), (4, [])])
def test_the_doctors_progress_review_follows_its_session_but_never_the_last(review_after, marked):
    timeline = course_timeline(plan(review_after=review_after), [], now=MARCH_1)
    assert [step.number for step in timeline.steps if step.review_after] == marked


def test_the_care_advice_is_the_planners_and_names_each_source_once():
    timeline = course_timeline(plan(), [], now=MARCH_1)
    assert timeline.pre_care == PRE_CARE
    assert timeline.aftercare == AFTERCARE
    sources = timeline.care_sources
    assert len(sources) == len(set(sources)) == len({c.source for c in PRE_CARE + AFTERCARE})


def test_a_booked_session_after_one_not_booked_shows_its_window_as_a_guess():
    course = plan()
    sessions = [
        visit(course, 1, MARCH_1),
        visit(course, 2, MARCH_1 + timedelta(days=21), status=AppointmentStatus.CANCELLED),
        visit(course, 3, MARCH_1 + timedelta(days=70)),
    ]
    timeline = course_timeline(course, sessions, now=MARCH_1 - timedelta(days=3))
    second, third = timeline.steps[1], timeline.steps[2]
    assert (second.state, second.estimated) == ("to_book", False)  # counted from session 1
    assert (third.state, third.estimated) == ("booked", True)  # counted from a guess
    assert timeline.steps[3].estimated is False  # counted from session 3, booked
