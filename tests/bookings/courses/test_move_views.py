import itertools
from datetime import date
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from bookings.courses.search import propose_series
from bookings.courses.services import series_book
from bookings.models import Appointment
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.conftest import client_for
from tests.planner.intakes import intake

LONDON = ZoneInfo("Europe/London")
FIRST = local(date(2027, 3, 1), 10)


@pytest.fixture(autouse=True)
def _before_the_course():
    with time_machine.travel(utc(2027, 2, 20), tick=False):
        yield


@pytest.fixture
def booked(db, alice, doctor):
    clinic = make_clinic()
    plan = plan_create(patient=alice, intake=intake())
    plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=Window(14, 21, 42))
    plan = plan_approve(plan=plan, doctor=doctor)
    proposal = propose_series(
        treatment_type=clinic.session, sessions=plan.sessions, window=plan.window, first_start=FIRST
    )
    return series_book(plan=plan, proposal=proposal, booked_by=alice)


def test_only_times_inside_the_window_are_offered(booked, alice):
    page = client_for(alice).get(reverse("appointment-move", args=[booked[1].pk]))
    assert page.status_code == 200
    days = [day.day for day in page.context["picker"].days]
    assert days[0] == date(2027, 3, 15)  # 14 days after session 1
    assert all(date(2027, 3, 15) <= day <= date(2027, 4, 12) for day in days)


def test_choosing_a_time_shows_what_happens_to_the_next_session(booked, alice):
    late = local(date(2027, 4, 5), 10)
    page = client_for(alice).get(
        reverse("appointment-move", args=[booked[1].pk]), {"starts_at": late.isoformat()}
    )
    assert "Session 3 would then be 7 days later, outside its window" in page.content.decode()


def test_the_patient_moves_a_session_and_re_flows_the_rest(booked, alice):
    client = client_for(alice)
    late = local(date(2027, 4, 5), 10)
    url = reverse("appointment-move", args=[booked[1].pk])
    refused = client.post(url, {"starts_at": late.isoformat()})
    assert refused.status_code == 400
    assert b"re-flow" in refused.content
    moved = client.post(url, {"starts_at": late.isoformat(), "reflow": "1"})
    assert moved.status_code == 302
    days = [
        a.starts_at
        for a in Appointment.objects.filter(session_number__gte=2).order_by("session_number")
    ]
    assert days[0] == late
    assert [(b - a).days for a, b in itertools.pairwise(days)] == [21, 21]


def test_bad_times_and_other_people_are_refused(booked, bob, client, alice):
    url = reverse("appointment-move", args=[booked[1].pk])
    assert client_for(alice).post(url, {"starts_at": "next week"}).status_code == 400
    assert client_for(alice).get(url, {"starts_at": "never"}).status_code == 400
    for far in ("0001-01-01T00:00:00Z", "9999-12-31T23:00:00+00:00"):
        response = client_for(alice).get(url, {"starts_at": far})
        assert response.status_code == 400
        assert b"within the next year" in response.content
        response = client_for(alice).post(url, {"starts_at": far})
        assert response.status_code == 400
    assert Appointment.objects.get(pk=booked[1].pk).starts_at == booked[1].starts_at
    assert client_for(bob).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_a_doctor_narrowing_the_window_proposes_moving_the_sessions_that_no_longer_fit(
    booked, alice, doctor
):
    # The course was booked 21 days apart; the doctor now wants 28 to 42 days.
    plan = booked[0].plan
    plan_adjust(plan=plan, doctor=doctor, reason="Slower healing", window=Window(28, 35, 42))
    page = client_for(alice).get(reverse("course-detail", args=[plan.pk]))
    fix = page.context["fix"]
    assert [(s.action, s.session) for s in fix.changes] == [("move", 2), ("move", 3), ("move", 4)]
    assert "Session 2 would be 21 days after the one before" in page.content.decode()
    moved = client_for(alice).post(
        reverse("course-replan", args=[plan.pk]), {"fingerprint": fix.fingerprint}
    )
    assert moved.status_code == 302
    days = [
        a.starts_at.astimezone(LONDON)
        for a in Appointment.objects.filter(plan=plan).order_by("session_number")
    ]
    assert [(b.date() - a.date()).days for a, b in itertools.pairwise(days)] == [35, 35, 35]
    assert {day.strftime("%H:%M") for day in days} == {"10:00"}  # across the clocks changing


def test_inside_the_notice_period_a_patient_is_asked_to_call_and_staff_may_still_move(
    booked, alice, receptionist
):
    first, url = booked[0], reverse("appointment-move", args=[booked[0].pk])
    later = local(date(2027, 3, 2), 11)
    with time_machine.travel(utc(2027, 2, 28, 12), tick=False):  # 22 hours before session 1
        client = client_for(alice)
        page = client.get(reverse("appointment-detail", args=[first.pk])).content.decode()
        assert "please call the clinic" in page
        assert url not in page  # no Move button, no cancel form
        assert reverse("appointment-cancel", args=[first.pk]) not in page
        response = client.get(url, follow=True)
        assert "Moving needs 24 hours&#x27; notice; please call the clinic." in (
            response.content.decode()
        )
        refused = client.post(url, {"starts_at": later.isoformat()})
        assert refused.status_code == 302
        assert Appointment.objects.get(pk=first.pk).starts_at == first.starts_at
        staff = client_for(receptionist)
        assert url in staff.get(reverse("appointment-detail", args=[first.pk])).content.decode()
        assert staff.post(url, {"starts_at": later.isoformat()}).status_code == 302
    assert Appointment.objects.get(pk=first.pk).starts_at == later


def test_the_move_picker_does_not_offer_the_time_the_visit_has_now(booked, alice):
    second = booked[1]
    day = second.starts_at.astimezone(LONDON).date()
    page = client_for(alice).get(reverse("appointment-move", args=[second.pk]), {"day": day})
    offered = {t.at for band in page.context["picker"].bands for t in band.times}
    assert offered  # the day has other times
    assert second.starts_at not in offered


@pytest.mark.parametrize(
    "when",
    [local(date(2027, 3, 21), 11), local(date(2027, 3, 22), 3), local(date(2027, 3, 22), 10, 5)],
)
def test_the_move_review_refuses_a_time_the_clinic_cannot_give(booked, alice, when):
    """A Sunday, the middle of the night and a time off the slot grid: said at once, with that
    day's times, and nothing moves; the day links carry no bad time along."""
    second = booked[1]
    url = reverse("appointment-move", args=[second.pk])
    response = client_for(alice).get(url, {"starts_at": when.isoformat()})
    assert response.status_code == 409
    assert "That time is not free for this visit" in response.content.decode()
    assert response.context["chosen"] is None
    picker = response.context["picker"]
    assert "starts_at" not in picker.later + "".join(day.href for day in picker.days)
    assert Appointment.objects.get(pk=second.pk).starts_at == second.starts_at


def test_the_move_service_itself_holds_a_patient_to_the_notice(booked, alice):
    from django.core.exceptions import ValidationError

    from bookings.courses.services import session_move

    with pytest.raises(ValidationError, match="Moving needs 24 hours' notice"):
        session_move(
            appointment=booked[0],
            new_start=local(date(2027, 3, 2), 11),
            by=alice,
            now=utc(2027, 2, 28, 12),
        )
    assert Appointment.objects.get(pk=booked[0].pk).starts_at == booked[0].starts_at


def test_a_visit_that_has_passed_is_not_said_to_need_notice(booked, alice):
    with time_machine.travel(utc(2027, 3, 2, 12), tick=False):  # the day after session 1
        response = client_for(alice).post(
            reverse("appointment-move", args=[booked[0].pk]),
            {"starts_at": local(date(2027, 3, 9), 11).isoformat()},
        )
    assert response.status_code == 400
    assert "Only an appointment still to come can move." in response.content.decode()
    assert "notice" not in response.content.decode()
    assert Appointment.objects.get(pk=booked[0].pk).starts_at == booked[0].starts_at
