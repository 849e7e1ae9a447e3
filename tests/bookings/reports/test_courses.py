"""Courses worked out by hand, from 1 March to 20 May 2027 (today is 20 May), 14-21-28 day
windows:

- Alice's course: sessions on 1 Mar, 22 Mar, 12 Apr, 3 May (gaps 21, 21, 21: inside, on the
  ideal); completed. Questionnaire submitted 20 Feb: 9 days to the first session.
- Bob's: 2 Mar, then 6 Apr (a gap of 35 days: outside, 14 from the ideal); then stopped.
  Set up by a doctor, without a questionnaire.
- Charlie's: 10 May, the next booked for 31 May; in progress. Questionnaire of 5 May: 5 days.
- A questionnaire submitted on 1 Apr that never became a course.

Drop-off: 3 courses reached session 1 and 2 went on (Charlie's next is still to come); 2
reached session 2, 1 went on, 1 stopped there; Alice's alone reached 3 and 4, and finished.
Gaps: 4, 3 inside (75%), mean distance from the ideal 14 / 4 = 3.5 days."""

from datetime import date

import pytest
import time_machine

from bookings.reports.courses import courses_at_risk, courses_report
from bookings.reports.period import Period
from clinic.models import Intake, IntakeStatus
from planner.models import PlanStatus
from planner.rules import Window
from planner.services import plan_adjust
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.reports.world import course, days_after

SPRING = Period(date(2027, 3, 1), date(2027, 5, 20), "week")
TODAY = utc(2027, 5, 20, 12)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def courses(db, alice, bob, charlie, doctor):
    clinic = make_clinic()
    course(
        clinic,
        alice,
        doctor,
        days_after(date(2027, 3, 1), 21, 21, 21),
        status=PlanStatus.COMPLETED,
        submitted=local(date(2027, 2, 20), 18),
    )
    course(clinic, bob, doctor, days_after(date(2027, 3, 2), 35), status=PlanStatus.STOPPED)
    course(
        clinic,
        charlie,
        doctor,
        [date(2027, 5, 10)],
        booked=[date(2027, 5, 31)],
        submitted=local(date(2027, 5, 5), 9),
    )
    Intake.objects.create(
        patient=alice, status=IntakeStatus.SUBMITTED, submitted_at=local(date(2027, 4, 1), 9)
    )
    return clinic


def rows(report, slug):
    return {row[0]: row[1:] for row in report.table(slug).rows}


def test_courses_count_by_the_month_they_started_and_stand_as_of_today(courses):
    assert rows(courses_report(SPRING), "started") == {
        "Mar 2027": [2, 0, 1, 1],  # started, in progress, completed, stopped
        "Apr 2027": [0, 0, 0, 0],
        "May 2027": [1, 1, 0, 0],
    }


def test_drop_off_counts_the_stopped_course_where_it_stopped(courses):
    # reached, went on, share, finished there, stopped there, share stopped, still to come
    assert rows(courses_report(SPRING), "drop-off") == {
        "Session 1": [3, 2, pytest.approx(2 / 3), 0, 0, 0.0, 1],
        "Session 2": [2, 1, 0.5, 0, 1, 0.5, 0],
        "Session 3": [1, 1, 1.0, 0, 0, 0.0, 0],
        "Session 4": [1, 0, 0.0, 1, 0, 0.0, 0],
    }


def test_one_gap_outside_its_window_of_four(courses):
    report = courses_report(SPRING)
    # gaps, inside, outside, share inside, mean distance from the ideal
    assert rows(report, "gaps") == {
        "Mar 2027": [1, 1, 0, 1.0, 0.0],
        "Apr 2027": [2, 1, 1, 0.5, 7.0],
        "May 2027": [1, 1, 0, 1.0, 0.0],
    }
    summary = dict(report.summary)
    assert summary["Gaps inside their window"] == "75.0%"


def test_a_gap_counts_by_its_later_session_so_one_from_before_the_range_counts_once(courses):
    april = courses_report(Period(date(2027, 4, 1), date(2027, 4, 30), "week"))
    # 22 Mar -> 12 Apr (inside) and 2 Mar -> 6 Apr (outside): both end in April.
    assert rows(april, "gaps") == {"Apr 2027": [2, 1, 1, 0.5, 7.0]}


def test_days_from_questionnaire_to_first_session(courses):
    report = courses_report(SPRING)
    assert rows(report, "intake-to-first-session") == {
        "Within a week": [1],
        "8 to 14 days": [1],
        "15 to 28 days": [0],
        "29 to 56 days": [0],
        "More than 56 days": [0],
    }
    assert dict(report.summary)["Mean days to first session"] == "7.0"


def test_questionnaires_become_approved_and_booked_courses(courses):
    # submitted, approved, share, booked, share
    assert rows(courses_report(SPRING), "conversion") == {
        "Mar 2027": [0, 0, None, 0, None],
        "Apr 2027": [1, 0, 0.0, 0, 0.0],
        "May 2027": [1, 1, 1.0, 1, 1.0],
    }


def test_a_course_is_at_risk_when_its_next_window_closes_within_a_week_unbooked(
    db, alice, bob, charlie, doctor
):
    clinic = make_clinic()
    # Last session 26 Apr: the next window closes 24 May, in 4 days. Nothing booked.
    at_risk = course(clinic, alice, doctor, [date(2027, 4, 26)])
    # The same, with its next session booked: not at risk.
    course(clinic, bob, doctor, [date(2027, 4, 27)], booked=[date(2027, 5, 24)])
    # Last session 7 May: its window closes 4 June, beyond the week.
    course(clinic, charlie, doctor, [date(2027, 5, 7)])
    found = list(courses_at_risk())
    assert found == [at_risk]
    assert found[0].closes == date(2027, 5, 24)
    assert found[0].last_number == 1


def test_a_course_that_took_all_its_sessions_or_is_stopped_is_not_at_risk(db, alice, doctor):
    clinic = make_clinic()
    course(clinic, alice, doctor, days_after(date(2027, 4, 5), 21), sessions=2)
    stopped = course(clinic, alice, doctor, [date(2027, 4, 27)], status=PlanStatus.STOPPED)
    assert stopped.status == PlanStatus.STOPPED
    assert list(courses_at_risk()) == []


def test_a_gap_counts_against_the_window_it_had_not_one_set_later(db, alice, doctor):
    """Found in review: after an adverse event lengthened a course's window, its earlier gaps,
    inside the window they had, were counted as outside (the course record said inside)."""
    clinic = make_clinic()
    with time_machine.travel(utc(2027, 2, 20), tick=False):
        plan = course(clinic, alice, doctor, days_after(date(2027, 3, 1), 21))  # in 14-28
    with time_machine.travel(utc(2027, 4, 1), tick=False):
        plan_adjust(plan=plan, doctor=doctor, reason="PIH", window=Window(28, 42, 56))
    assert rows(courses_report(SPRING), "gaps")["Mar 2027"] == [1, 1, 0, 1.0, 0.0]
