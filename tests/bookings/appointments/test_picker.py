"""The time picker on the consultation page, a course's first session and a move: a strip of
two weeks with the days that have no free time greyed, the chosen day's times by part of the
day, later weeks, and days asked for that the page does not offer refused with a message."""

from datetime import date, time

import pytest
import time_machine
from django.urls import reverse

from bookings.appointments.services import appointment_book
from bookings.courses.search import propose_series
from bookings.courses.services import series_book
from bookings.models import Appointment, TreatmentType
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, weekly
from tests.conftest import client_for
from tests.planner.intakes import intake

FRIDAY = date(2027, 2, 26)
MONDAY = date(2027, 3, 1)


@pytest.fixture(autouse=True)
def _friday_noon():
    with time_machine.travel(local(FRIDAY, 12), tick=False):
        yield


@pytest.fixture
def clinic(db):
    return make_clinic(hours=weekly(time(9), time(19)))


def consultation(user, **params):
    return client_for(user).get(reverse("consultation-book"), params)


def test_the_strip_shows_two_weeks_from_today_and_greys_the_days_without_free_time(clinic, alice):
    response = consultation(alice)
    assert response.status_code == 200
    days = response.context["picker"].days
    assert days[0].day == FRIDAY
    assert len(days) == 14
    closed = {d.day for d in days if not d.free}
    assert closed == {date(2027, 2, 27), date(2027, 2, 28), date(2027, 3, 6), date(2027, 3, 7)}
    page = response.content.decode()
    assert "Saturday 27 February: no free time" in page
    assert "day=2027-02-27" not in page  # a greyed day is no link
    assert "day=2027-03-01" in page


def test_with_no_day_asked_for_the_first_day_with_free_time_is_shown(clinic, alice):
    picker = consultation(alice).context["picker"]
    assert picker.chosen == FRIDAY
    # Two hours' notice from Friday noon: the first time is 14:00.
    assert picker.bands[0].times[0].at == local(FRIDAY, 14)


def test_the_chosen_days_times_are_grouped_into_morning_afternoon_and_evening(clinic, alice):
    picker = consultation(alice, day=MONDAY.isoformat()).context["picker"]
    assert picker.chosen == MONDAY
    bands = {band.name: [t.at.strftime("%H:%M") for t in band.times] for band in picker.bands}
    assert list(bands) == ["morning", "afternoon", "evening"]
    assert (bands["morning"][0], bands["morning"][-1]) == ("09:00", "11:45")
    assert (bands["afternoon"][0], bands["afternoon"][-1]) == ("12:00", "16:45")
    assert (bands["evening"][0], bands["evening"][-1]) == ("17:00", "18:30")
    page = consultation(alice, day=MONDAY.isoformat()).content.decode()
    assert page.index(">Morning<") < page.index(">Afternoon<") < page.index(">Evening<")


def test_a_time_leads_to_the_review_not_to_a_booking(clinic, alice):
    picker = consultation(alice, day=MONDAY.isoformat()).context["picker"]
    href = picker.bands[0].times[0].href
    assert href.startswith("?starts_at=2027-03-01T09%3A00")
    assert not Appointment.objects.exists()


def test_later_weeks_are_offered_and_earlier_ones_back_to_today(clinic, alice):
    first = consultation(alice).context["picker"]
    assert first.earlier == ""
    assert "start=2027-03-12" in first.later
    later = consultation(alice, start="2027-03-12").context["picker"]
    assert later.days[0].day == date(2027, 3, 12)
    assert later.chosen == date(2027, 3, 12)
    assert "start=2027-02-26" in later.earlier


def test_a_day_asked_for_beyond_the_strip_starts_its_own(clinic, alice):
    picker = consultation(alice, day="2027-04-05").context["picker"]
    assert picker.days[0].day == date(2027, 4, 5)
    assert picker.chosen == date(2027, 4, 5)


def test_a_day_asked_for_with_no_free_time_says_so(clinic, alice):
    response = consultation(alice, day="2027-02-27")
    assert response.status_code == 200
    assert "No free time is left on this day" in response.content.decode()


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"day": "someday"}, "That day could not be read"),
        ({"start": "2027-13-40"}, "That day could not be read"),
        ({"day": "2027-02-25"}, "Choose Friday 26 February 2027 or a later day."),
        ({"start": "2028-03-01"}, "or an earlier day."),
        ({"doctor": "999"}, "Select a valid choice"),
    ],
)
def test_bad_or_forged_days_are_refused_with_a_message(clinic, alice, params, message):
    response = consultation(alice, **params)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_the_picker_is_refused_to_anonymous_visitors_and_other_patients(clinic, alice, bob, client):
    url = f"{reverse('consultation-book')}?patient={alice.pk}&day={MONDAY.isoformat()}"
    assert client_for(bob).get(url).status_code == 404
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_picker_reads_the_calendars_once_however_far_ahead_or_busy(
    clinic, alice, bob, django_assert_max_num_queries
):
    client = client_for(alice)
    url = reverse("consultation-book")
    client.get(url)
    with django_assert_max_num_queries(20) as near:
        client.get(url)
    queries = len(near.captured_queries)  # counted now: the next request resets the log
    reads = [q for q in near.captured_queries if "bookings_workinghours" in q["sql"]]
    assert len(reads) == 1  # one read of the calendars for the fourteen days
    for hour in (9, 11, 14):
        client_for(bob).post(url, {"starts_at": local(MONDAY, hour).isoformat()})
    for params in ({"day": MONDAY.isoformat()}, {"start": "2027-06-01"}, {"day": "2027-12-01"}):
        with django_assert_max_num_queries(queries):
            assert client.get(url, params).status_code == 200


# A move: only the days inside the session's window.


@pytest.fixture
def course(db, alice, doctor):
    clinic = make_clinic()
    plan = plan_create(patient=alice, intake=intake())
    plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=Window(14, 21, 42))
    plan = plan_approve(plan=plan, doctor=doctor)
    proposal = propose_series(
        treatment_type=clinic.session,
        sessions=plan.sessions,
        window=plan.window,
        first_start=local(MONDAY, 10),
    )
    return series_book(plan=plan, proposal=proposal, booked_by=alice)


def test_a_move_offers_only_the_days_of_the_sessions_window(course, alice):
    url = reverse("appointment-move", args=[course[1].pk])
    first = client_for(alice).get(url).context["picker"]
    assert first.days[0].day == date(2027, 3, 15)  # 14 days after session 1
    assert first.earlier == ""
    last = client_for(alice).get(url, {"start": "2027-03-30"}).context["picker"]
    assert last.days[-1].day == date(2027, 4, 12)  # 42 days after: the window closes
    assert last.later == ""


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"day": "2027-03-14"}, "Choose Monday 15 March 2027 or a later day."),
        ({"start": "2027-04-13"}, "Choose Monday 12 April 2027 or an earlier day."),
        ({"starts_at": local(date(2027, 4, 13), 10).isoformat()}, "must fall between"),
    ],
)
def test_a_move_refuses_days_outside_the_window_with_a_message(course, alice, params, message):
    url = reverse("appointment-move", args=[course[1].pk])
    response = client_for(alice).get(url, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_move_page_is_a_strip_and_one_days_times_not_every_time_of_the_window(course, alice):
    page = client_for(alice).get(reverse("appointment-move", args=[course[1].pk]))
    picker = page.context["picker"]
    assert len(picker.days) == 14
    shown = page.content.decode().count("?starts_at=")
    assert shown == sum(len(band.times) for band in picker.bands) <= 40


def test_the_move_pages_queries_do_not_grow_with_a_wider_window(
    course, alice, doctor, django_assert_max_num_queries
):
    url = reverse("appointment-move", args=[course[1].pk])
    client = client_for(alice)
    client.get(url)
    with django_assert_max_num_queries(30) as narrow:
        client.get(url)
    queries = len(narrow.captured_queries)  # counted now: the next request resets the log
    plan_adjust(plan=course[0].plan, doctor=doctor, reason="Wider", window=Window(14, 28, 56))
    with django_assert_max_num_queries(queries):
        client.get(url, {"start": "2027-04-12"})


def test_another_patient_and_a_visitor_cannot_use_the_move_picker(course, bob, client):
    url = reverse("appointment-move", args=[course[1].pk])
    assert client_for(bob).get(url, {"day": "2027-03-15"}).status_code == 404
    assert client.get(url, {"day": "2027-03-15"}).status_code == 302


# A course's first session.


@pytest.fixture
def plan(db, alice, doctor):
    make_clinic()
    return plan_approve(plan=plan_create(patient=alice, intake=intake()), doctor=doctor)


def test_the_course_page_picks_the_first_session_and_keeps_the_wishes(plan, alice):
    url = reverse("course-book", args=[plan.pk])
    page = client_for(alice).get(url, {"day": MONDAY.isoformat(), "weekdays": ["0", "2"]})
    assert page.status_code == 200
    picker = page.context["picker"]
    assert picker.chosen == MONDAY
    href = picker.bands[0].times[0].href
    assert "first_day=2027-03-01" in href
    assert "first_time=09%3A00" in href
    assert "weekdays=0&weekdays=2" in href
    assert 'type="date"' not in page.content.decode()
    assert 'type="time"' not in page.content.decode()
    assert not Appointment.objects.exists()


def test_the_course_picker_leaves_out_the_times_the_patient_is_booked_elsewhere(plan, alice):
    def times():
        page = client_for(alice).get(reverse("course-book", args=[plan.pk]), {"day": "2027-03-01"})
        return {t.at.time() for band in page.context["picker"].bands for t in band.times}

    assert time(10) in times()
    appointment_book(
        patient=alice,
        treatment_type=TreatmentType.objects.consultation(),
        starts_at=local(MONDAY, 10),
        booked_by=alice,
    )
    offered = times()
    assert time(10) not in offered  # she is at her consultation then
    assert offered  # the rest of the day is still offered


def test_with_no_wishes_said_the_course_is_proposed_with_one_doctor(plan, alice):
    page = client_for(alice).get(reverse("course-book", args=[plan.pk]))
    assert "same_doctor=on" in page.context["picker"].bands[0].times[0].href


def test_the_plan_pages_call_to_book_is_a_button_at_the_top(plan, alice):
    page = client_for(alice).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    button = f'<a class="btn btn-clinic btn-lg" href="{reverse("course-book", args=[plan.pk])}">'
    assert button in page
    assert page.index(button) < page.index("Why this plan")


def test_a_course_picker_day_outside_the_horizon_is_refused_with_a_message(plan, alice):
    response = client_for(alice).get(reverse("course-book", args=[plan.pk]), {"day": "2020-01-01"})
    assert response.status_code == 400
    assert "Choose Friday 26 February 2027 or a later day." in response.content.decode()


def test_a_move_to_a_time_taken_meanwhile_says_so_and_shows_that_days_times(course, alice, bob):
    from bookings.appointments.services import appointment_book

    url = reverse("appointment-move", args=[course[1].pk])
    taken = local(date(2027, 3, 17), 10)
    appointment_book(
        patient=bob, treatment_type=course[1].treatment_type, starts_at=taken, booked_by=bob
    )
    response = client_for(alice).post(url, {"starts_at": taken.isoformat()})
    assert response.status_code == 409
    assert "not free" in response.content.decode()
    assert response.context["picker"].chosen == date(2027, 3, 17)
    assert Appointment.objects.get(pk=course[1].pk).starts_at == course[1].starts_at


def test_a_day_refused_is_said_in_the_readers_language_with_its_year(clinic, alice):
    from clinic.models import PatientProfile

    PatientProfile.objects.filter(user=alice).update(language="ms")
    page = consultation(alice, day="2027-02-25")
    assert page.status_code == 400
    assert "Pilih Jumaat, 26 Februari 2027 atau hari selepasnya." in page.content.decode()
