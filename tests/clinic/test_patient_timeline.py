"""The patient's home page: each course as a timeline, the next step before any course, and the
private calendar link."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from bookings.models import AppointmentStatus
from clinic.models import Intake, IntakeStatus
from planner.services import plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic
from tests.bookings.waitlists import BOOKED_ON, approved_plan, book_course
from tests.conftest import client_for
from tests.planner.intakes import intake


@pytest.fixture
def clinic(db):
    with time_machine.travel(BOOKED_ON, tick=False):
        return make_clinic(doctors=1)


def home(patient):
    with time_machine.travel(BOOKED_ON, tick=False):
        response = client_for(patient).get(reverse("patient-home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_patient_with_no_course_sees_the_questionnaire_and_a_consultation_as_next_step(alice):
    page = home(alice)
    assert "Your next step" in page
    assert "Start the questionnaire" in page
    assert reverse("intake-start") in page
    assert reverse("consultation-book") in page


def test_a_patient_who_started_the_questionnaire_is_asked_to_finish_it(alice):
    Intake.objects.create(patient=alice, status=IntakeStatus.DRAFT)
    assert "Continue my questionnaire" in home(alice)


def test_a_booked_course_shows_each_session_its_time_in_the_clinics_zone_and_doctor(
    clinic, alice, doctor
):
    with time_machine.travel(BOOKED_ON, tick=False):
        course = book_course(clinic, approved_plan(alice, doctor))
    page = home(alice)
    # 1 March 2027 10:00 in London; 3 May 10:00 is 09:00 UTC (summer time), shown as 10:00.
    assert "Monday 1 March 2027, 10:00" in page
    assert "Monday 3 May 2027, 10:00" in page
    assert page.count(f"with {course[0].doctor}") == 4
    assert "0 of 4 sessions done" in page
    # Session 2's window: 14 to 28 days after 1 March.
    assert "Window: Mon 15 Mar to Mon 29 Mar 2027" in page
    assert reverse("course-ics", args=[course[0].plan_id]) in page


def test_first_results_are_dated_from_the_first_session(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        course = book_course(clinic, approved_plan(alice, doctor))
    plan = course[0].plan
    first = date(2027, 3, 1) + timedelta(weeks=plan.first_results_from_weeks)
    last = date(2027, 3, 1) + timedelta(weeks=plan.first_results_to_weeks)
    assert f"First results usually show between {first:%-d %b} and {last:%-d %b %Y}" in home(alice)


def test_a_course_not_booked_yet_says_when_results_come_and_offers_to_book(alice, doctor):
    plan = plan_approve(plan=plan_create(patient=alice, intake=intake()), doctor=doctor)
    page = home(alice)
    assert (
        f"First results usually show {plan.first_results_from_weeks} to "
        f"{plan.first_results_to_weeks} weeks after the first session" in page
    )
    assert reverse("course-book", args=[plan.pk]) in page
    assert "Any day you choose." in page


def test_the_doctors_review_shows_who_approved_when_and_their_note(alice, doctor):
    plan = plan_create(patient=alice, intake=intake())
    with time_machine.travel(BOOKED_ON, tick=False):
        plan_approve(plan=plan, doctor=doctor, reason="Fine to go ahead; sunscreen daily.")
    page = home(alice)
    assert "Dr Rahman reviewed and approved your course on 20 February 2027." in page
    assert "Fine to go ahead; sunscreen daily." in page


def test_a_course_waiting_for_review_says_so(alice):
    plan = plan_create(patient=alice, intake=intake())
    plan.requires_doctor_review = True
    plan.save()
    assert "A doctor reviews your answers before your course is confirmed" in home(alice)


def test_pre_care_before_the_next_session_and_aftercare_after_the_last(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        book_course(clinic, approved_plan(alice, doctor))
    page = home(alice)
    assert "Before your next session" in page
    assert "Stop retinoid creams (retinol, tretinoin) and acid peels a week before." in page
    assert "After your last session" in page
    assert "Some redness or mild swelling is normal" in page
    assert "How often should I do Pico Laser?" in page  # the seed the advice quotes


def test_a_session_done_is_marked_done_and_the_next_one_is_next(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        course = book_course(clinic, approved_plan(alice, doctor))
    course[0].status = AppointmentStatus.COMPLETED
    course[0].save()
    with time_machine.travel(local(date(2027, 3, 2), 9), tick=False):
        page = client_for(alice).get(reverse("patient-home")).content.decode()
    assert "1 of 4 sessions done" in page
    assert page.count("timeline-step timeline-done") == 1
    assert page.count("timeline-next") == 1


def test_alice_never_sees_bobs_course(clinic, alice, bob, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        bobs = book_course(clinic, approved_plan(bob, doctor))
    page = home(alice)
    assert reverse("course-detail", args=[bobs[0].plan_id]) not in page
    assert "Your next step" in page


def test_an_anonymous_visitor_or_staff_cannot_see_a_patients_home(client, receptionist, db):
    response = client.get(reverse("patient-home"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client_for(receptionist).get(reverse("patient-home")).status_code == 403


def test_the_home_page_offers_a_private_calendar_link_and_makes_one_only_when_asked(alice):
    page = home(alice)
    assert "Make my private calendar link" in page
    assert not alice.calendar_feeds.exists()  # looking makes no secret link
    client = client_for(alice)
    response = client.post(reverse("calendar-feed-revoke"))
    assert response["Location"] == reverse("patient-home") + "#feed-title"
    token = alice.calendar_feeds.get().token
    page = home(alice)
    assert f"http://testserver/calendar/{token}.ics" in page
    assert f"webcal://testserver/calendar/{token}.ics" in page
    assert "Revoke this link" in page
    home(alice)
    assert alice.calendar_feeds.count() == 1  # one link, kept


def test_the_home_page_takes_as_many_queries_for_a_long_course_as_a_short_one(
    clinic, alice, bob, doctor, django_assert_max_num_queries
):
    with time_machine.travel(BOOKED_ON, tick=False):
        book_course(clinic, approved_plan(alice, doctor, sessions=2))
        book_course(
            clinic, approved_plan(bob, doctor, sessions=6), first=local(date(2027, 3, 2), 11)
        )
        plan_approve(plan=plan_create(patient=bob, intake=intake()), doctor=doctor)
    counts = []
    for patient in (alice, bob):
        with time_machine.travel(BOOKED_ON, tick=False):
            client = client_for(patient)
            with django_assert_max_num_queries(16) as captured:
                assert client.get(reverse("patient-home")).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
