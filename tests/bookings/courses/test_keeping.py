"""Keeping a booked course valid: visits recorded, and the rest re-planned when a session is
missed, cancelled, or the doctor changes the plan."""

import itertools
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from bookings.appointments.services import appointment_cancel
from bookings.courses.keeping import FixChanged, course_fix_apply, course_fix_propose
from bookings.courses.search import propose_series
from bookings.courses.services import course_cancel_rest, series_book
from bookings.models import Appointment
from bookings.visits.services import appointment_check_in, appointment_complete, appointment_no_show
from clinic.models import User
from planner.models import PlanStatus
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.conftest import client_for
from tests.planner.intakes import intake

FIRST = local(date(2027, 3, 1), 10)  # a Monday; the course is 3-weekly, 4 sessions
WINDOW = Window(14, 21, 28)


@pytest.fixture
def booked(db, alice, doctor):
    with time_machine.travel(utc(2027, 2, 20), tick=False):
        clinic = make_clinic(doctors=2)
        plan = plan_create(patient=alice, intake=intake())
        plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=WINDOW, sessions=4)
        plan = plan_approve(plan=plan, doctor=doctor)
        proposal = propose_series(
            treatment_type=clinic.session, sessions=4, window=WINDOW, first_start=FIRST
        )
        return series_book(plan=plan, proposal=proposal, booked_by=alice)


def course(plan):
    return list(
        Appointment.objects.filter(plan=plan)
        .exclude(status="cancelled")
        .order_by("session_number", "starts_at")
    )


def gaps(appointments):
    days = [a.starts_at.astimezone(ZoneInfo("Europe/London")).date() for a in appointments]
    return [(b - a).days for a, b in itertools.pairwise(days)]


def test_a_course_booked_as_proposed_needs_no_re_plan(booked):
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        assert course_fix_propose(booked[0].plan) is None


def test_a_visit_is_checked_in_then_completed_and_the_first_session_starts_the_course(
    booked, receptionist
):
    first = booked[0]
    with time_machine.travel(FIRST - timedelta(minutes=30), tick=False):
        appointment_check_in(appointment=first, by=receptionist)
    with time_machine.travel(FIRST + timedelta(minutes=40), tick=False):
        appointment_complete(appointment=first, by=receptionist)
    first.refresh_from_db()
    assert first.status == "completed"
    assert first.checked_in_at == FIRST - timedelta(minutes=30)
    assert first.plan.status == PlanStatus.IN_PROGRESS


def test_the_last_session_completed_completes_the_course(booked, receptionist):
    for appointment in booked:
        with time_machine.travel(appointment.starts_at + timedelta(minutes=5), tick=False):
            appointment_complete(appointment=appointment, by=receptionist)
    plan = booked[0].plan
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED


def test_visits_are_refused_at_the_wrong_time_or_by_the_patient(booked, alice, receptionist):
    first = booked[0]
    with time_machine.travel(FIRST - timedelta(hours=3), tick=False):
        with pytest.raises(ValidationError, match="an hour before"):
            appointment_check_in(appointment=first, by=receptionist)
        with pytest.raises(ValidationError, match="once the time has come"):
            appointment_no_show(appointment=first, by=receptionist)
        with pytest.raises(ValidationError, match="once it has started"):
            appointment_complete(appointment=first, by=receptionist)
    with time_machine.travel(FIRST + timedelta(minutes=5), tick=False):
        with pytest.raises(PermissionDenied):
            appointment_complete(appointment=first, by=alice)
        appointment_no_show(appointment=first, by=receptionist)
        with pytest.raises(ValidationError, match="no-show"):
            appointment_complete(appointment=first, by=receptionist)
    first.refresh_from_db()
    assert first.status == "no_show"


def test_a_missed_session_re_plans_the_rest_from_the_last_session_that_took_place(
    booked, receptionist, alice
):
    s1, s2, s3, s4 = booked
    with time_machine.travel(s1.starts_at + timedelta(minutes=5), tick=False):
        appointment_complete(appointment=s1, by=receptionist)
    missed_at = s2.starts_at + timedelta(minutes=20)
    with time_machine.travel(missed_at, tick=False):
        appointment_no_show(appointment=s2, by=receptionist)
        plan = s1.plan
        fix = course_fix_propose(plan)
        assert fix is not None
        assert "Session 2 was missed and is still owed." in fix.reasons
        # Session 3 is now 42 days after session 1: out of the 14-28 day window, so the rest
        # is placed again from session 1, the last one that took place: sessions 3 and 4 move
        # to be sessions 2 and 3, and a fourth is added.
        assert [(s.action, s.session, s.appointment_id) for s in fix.changes] == [
            ("move", 2, s3.pk),
            ("move", 3, s4.pk),
            ("add", 4, None),
        ]
        assert Appointment.objects.get(pk=s3.pk).session_number == 3  # shown, not applied
        course_fix_apply(plan=plan, fingerprint=fix.fingerprint, by=alice)
        assert course_fix_propose(plan) is None
    sessions = course(plan)
    assert [a.session_number for a in sessions] == [1, 2, 2, 3, 4]
    assert [a.status for a in sessions] == ["completed", "no_show", "booked", "booked", "booked"]
    held = [a for a in sessions if a.status != "no_show"]
    assert all(WINDOW.contains(gap) for gap in gaps(held))
    assert held[1].starts_at > missed_at


def test_a_no_show_recorded_after_the_window_closed_restarts_the_course_from_the_next_session(
    booked, receptionist, alice
):
    s1, s2, s3, s4 = booked
    with time_machine.travel(s1.starts_at + timedelta(minutes=5), tick=False):
        appointment_complete(appointment=s1, by=receptionist)
    # Session 2 (22 Mar) is recorded as missed on 2 Apr, after its window closed on 29 Mar.
    with time_machine.travel(utc(2027, 4, 2, 9), tick=False):
        appointment_no_show(appointment=s2, by=receptionist)
        plan = s1.plan
        fix = course_fix_propose(plan)
        assert fix is not None
        assert [(s.action, s.session, s.appointment_id) for s in fix.changes] == [
            ("keep", 2, s3.pk),
            ("keep", 3, s4.pk),
            ("add", 4, None),
        ]
        course_fix_apply(plan=plan, fingerprint=fix.fingerprint, by=alice)
        assert course_fix_propose(plan) is None  # the restart is not re-planned again
    held = [a for a in course(plan) if a.status != "no_show"]
    assert [a.session_number for a in held] == [1, 2, 3, 4]
    assert all(WINDOW.contains(gap) for gap in gaps(held[1:]))


def test_a_course_left_waiting_past_its_window_starts_again_from_the_earliest_free_time(
    booked, receptionist, alice
):
    s1 = booked[0]
    with time_machine.travel(s1.starts_at + timedelta(minutes=5), tick=False):
        appointment_complete(appointment=s1, by=receptionist)
    with time_machine.travel(utc(2027, 3, 2, 9), tick=False):
        course_cancel_rest(plan=s1.plan, by=alice, reason="Travelling")
    with time_machine.travel(utc(2027, 5, 10, 9), tick=False):
        plan = s1.plan
        fix = course_fix_propose(plan)
        assert fix is not None
        assert any("closed on Mon 29 Mar" in reason for reason in fix.reasons)
        assert [(s.action, s.session) for s in fix.changes] == [("add", 2), ("add", 3), ("add", 4)]
        assert fix.changes[0].starts_at < utc(2027, 5, 13)
        course_fix_apply(plan=plan, fingerprint=fix.fingerprint, by=alice)
        assert course_fix_propose(plan) is None
    held = [a for a in course(plan)]
    assert [a.session_number for a in held] == [1, 2, 3, 4]
    assert all(WINDOW.contains(gap) for gap in gaps(held[1:]))


def test_a_cancelled_session_in_the_middle_is_booked_again_inside_its_window(booked, alice):
    s1, s2, _, _ = booked
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        appointment_cancel(appointment=s2, by=alice, reason="Away that week")
        plan = s1.plan
        fix = course_fix_propose(plan)
        assert fix is not None
        course_fix_apply(plan=plan, fingerprint=fix.fingerprint, by=alice)
    sessions = course(plan)
    assert [a.session_number for a in sessions] == [1, 2, 3, 4]
    assert all(WINDOW.contains(gap) for gap in gaps(sessions))


def test_a_doctor_shortening_the_course_cancels_the_sessions_no_longer_needed(
    booked, doctor, alice
):
    plan = booked[0].plan
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        plan_adjust(plan=plan, doctor=doctor, reason="Good response", sessions=3)
        fix = course_fix_propose(plan)
        assert [(s.action, s.was_number) for s in fix.changes] == [("cancel", 4)]
        course_fix_apply(plan=plan, fingerprint=fix.fingerprint, by=alice)
    assert [a.session_number for a in course(plan)] == [1, 2, 3]
    booked[3].refresh_from_db()
    assert booked[3].cancel_reason == "Course re-planned: no longer needed."


def test_a_doctor_lengthening_the_course_adds_sessions_inside_the_window(booked, doctor, alice):
    plan = booked[0].plan
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        plan_adjust(plan=plan, doctor=doctor, reason="Slow response", sessions=6)
        fix = course_fix_propose(plan)
        assert [(s.action, s.session) for s in fix.changes] == [("add", 5), ("add", 6)]
        course_fix_apply(plan=plan, fingerprint=fix.fingerprint, by=alice)
    sessions = course(plan)
    assert [a.session_number for a in sessions] == [1, 2, 3, 4, 5, 6]
    assert gaps(sessions) == [21] * 5


def test_a_re_plan_that_changed_since_it_was_shown_is_refused_and_changes_nothing(
    booked, doctor, alice
):
    plan = booked[0].plan
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        plan_adjust(plan=plan, doctor=doctor, reason="Slow response", sessions=5)
        shown = course_fix_propose(plan)
        plan_adjust(plan=plan, doctor=doctor, reason="Slower still", sessions=6)
        with pytest.raises(FixChanged):
            course_fix_apply(plan=plan, fingerprint=shown.fingerprint, by=alice)
    assert len(course(plan)) == 4


def test_another_patient_cannot_re_plan_a_course(booked, doctor, bob):
    plan = booked[0].plan
    with time_machine.travel(utc(2027, 2, 21), tick=False):
        plan_adjust(plan=plan, doctor=doctor, reason="Slow response", sessions=5)
        fix = course_fix_propose(plan)
        with pytest.raises(PermissionDenied):
            course_fix_apply(plan=plan, fingerprint=fix.fingerprint, by=bob)
        url = reverse("course-replan", args=[plan.pk])
        assert client_for(bob).post(url, {"fingerprint": fix.fingerprint}).status_code == 404
        anonymous = Client().post(url, {"fingerprint": fix.fingerprint})
        assert anonymous.status_code == 302
        assert anonymous["Location"].startswith(reverse("login"))
        assert client_for(User.objects.get(pk=plan.patient_id)).post(url, {}).status_code == 400
        stale = client_for(plan.patient).post(url, {"fingerprint": "0" * 32})
        assert stale.status_code == 409
        assert b"changed since" in stale.content
    assert len(course(plan)) == 4


def test_the_visit_buttons_are_for_staff_and_a_no_show_leads_to_the_course_page(
    booked, receptionist, alice, client
):
    s1 = booked[0]
    url = reverse("appointment-visit", args=[s1.pk, "no-show"])
    with time_machine.travel(s1.starts_at + timedelta(minutes=10), tick=False):
        page = client_for(receptionist).get(reverse("appointment-detail", args=[s1.pk]))
        assert url in page.content.decode()
        assert client_for(alice).post(url).status_code == 403
        assert client.post(url).status_code == 302  # to log in
        assert client.post(url)["Location"].startswith(reverse("login"))
        assert (
            client_for(receptionist)
            .post(reverse("appointment-visit", args=[s1.pk, "dance"]))
            .status_code
            == 404
        )
        done = client_for(receptionist).post(url)
        assert done.status_code == 302
        assert done["Location"] == reverse("course-detail", args=[s1.plan_id])
        again = client_for(receptionist).post(url)
        assert again.status_code == 400
        course_page = client_for(receptionist).get(done["Location"])
        assert b"needs re-planning" in course_page.content
