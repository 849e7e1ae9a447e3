from datetime import date

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Appointment
from clinic.models import AuditEntry
from planner.services import plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic
from tests.conftest import client_for
from tests.planner.intakes import intake

MONDAY = date(2027, 3, 1)
SEARCH = {"first_day": "2027-03-01", "first_time": "10:00", "same_doctor": "on"}


@pytest.fixture(autouse=True)
def _a_week_before():
    with time_machine.travel(local(date(2027, 2, 22), 9), tick=False):
        yield


@pytest.fixture
def plan(db, alice, doctor):
    make_clinic()
    return plan_approve(plan=plan_create(patient=alice, intake=intake()), doctor=doctor)


def test_the_patient_sees_the_whole_course_proposed_and_books_it(plan, alice):
    client = client_for(alice)
    page = client.get(reverse("course-book", args=[plan.pk]), SEARCH)
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [session.number for session, *_ in rows] == [1, 2, 3, 4]
    assert "Mon 1 Mar 2027, 10:00" in page.content.decode()
    response = client.post(
        reverse("course-book", args=[plan.pk]), SEARCH | {"shown": page.context["fingerprint"]}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("course-detail", args=[plan.pk])
    assert Appointment.objects.filter(plan=plan).count() == 4
    detail = client.get(response["Location"]).content.decode()
    assert detail.count("Booked") == 4


def test_a_course_that_changed_since_it_was_shown_is_shown_again_not_booked(plan, alice):
    response = client_for(alice).post(
        reverse("course-book", args=[plan.pk]), SEARCH | {"shown": "12345:1"}
    )
    assert response.status_code == 409
    assert b"The calendar changed" in response.content
    assert not Appointment.objects.exists()


def test_a_course_that_does_not_fit_says_which_session_and_what_would(plan, alice):
    wishes = SEARCH | {"weekdays": ["6"]}  # Sundays only: the clinic is shut
    response = client_for(alice).get(reverse("course-book", args=[plan.pk]), wishes)
    assert response.status_code == 409
    page = response.content.decode()
    assert "We could not fit the whole course" in page
    assert "at any day and time" in page


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"first_day": "2020-01-01"}, "today or a later day"),
        ({"first_day": "soon"}, "Enter a valid date"),
        ({"first_time": "25:00"}, "Enter a valid time"),
        ({"weekdays": ["9"]}, "Select a valid choice"),
    ],
)
def test_bad_wishes_are_refused_with_a_message(plan, alice, params, message):
    response = client_for(alice).get(reverse("course-book", args=[plan.pk]), SEARCH | params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_other_patients_visitors_and_doctors_cannot_book_the_course(plan, bob, doctor, client):
    url = reverse("course-book", args=[plan.pk])
    assert client_for(bob).get(url, SEARCH).status_code == 404
    assert client_for(doctor).get(url, SEARCH).status_code == 404
    assert client.get(url, SEARCH).status_code == 302
    assert client_for(bob).get(reverse("course-detail", args=[plan.pk])).status_code == 404


def test_a_receptionist_books_for_the_patient_and_it_is_audited(plan, alice, receptionist):
    client = client_for(receptionist)
    page = client.get(reverse("course-book", args=[plan.pk]), SEARCH)
    client.post(
        reverse("course-book", args=[plan.pk]), SEARCH | {"shown": page.context["fingerprint"]}
    )
    assert Appointment.objects.filter(plan=plan, patient=alice).count() == 4
    assert AuditEntry.objects.filter(
        actor=receptionist, patient=alice, action="booking course"
    ).exists()


@pytest.fixture
def under_a_time_bound():
    """The search once recursed for minutes on a booked course: fail instead of hanging."""
    import signal

    def too_long(signum, frame):
        raise TimeoutError("the booking page took more than 20 seconds")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(20)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def book_course(client, plan):
    page = client.get(reverse("course-book", args=[plan.pk]), SEARCH)
    return client.post(
        reverse("course-book", args=[plan.pk]), SEARCH | {"shown": page.context["fingerprint"]}
    )


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_booking_page_of_a_booked_course_says_so_at_once_and_books_nothing(
    plan, alice, method, under_a_time_bound
):
    client = client_for(alice)
    book_course(client, plan)
    response = getattr(client, method)(
        reverse("course-book", args=[plan.pk]), SEARCH | {"shown": "x"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("course-detail", args=[plan.pk])
    page = client.get(response["Location"]).content.decode()
    assert "This course is booked" in page
    assert Appointment.objects.filter(plan=plan).count() == 4


@pytest.mark.parametrize(
    ("close", "message"),
    [("plan_stop", "was stopped"), ("plan_complete", "is completed")],
)
def test_a_stopped_or_completed_course_has_nothing_to_book(
    plan, alice, doctor, close, message, under_a_time_bound
):
    from planner.services import plan_complete, plan_start, plan_stop

    if close == "plan_stop":
        plan_stop(plan=plan, doctor=doctor, reason="The patient moved away.")
    else:
        plan_complete(plan=plan_start(plan=plan, author=doctor), author=doctor)
    client = client_for(alice)
    response = client.get(reverse("course-book", args=[plan.pk]), SEARCH)
    assert response.status_code == 302
    assert message in client.get(response["Location"]).content.decode()
    assert not Appointment.objects.filter(plan=plan).exists()


def test_staff_booking_for_a_patient_read_whose_course_was_booked(plan, receptionist):
    client = client_for(receptionist)
    page = client.get(reverse("course-book", args=[plan.pk]), SEARCH)
    assert "Book Alice" in page.content.decode()
    response = book_course(client, plan)
    shown = client.get(response["Location"]).content.decode()
    assert "sessions are booked" in shown
    assert "Your 4 sessions" not in shown
    assert f"{plan.patient.get_full_name()}&#x27;s 4 sessions are booked" in shown


def test_a_course_under_a_hard_stop_says_so_before_proposing_anything(db, alice):
    from planner.rules import ScreeningAnswers

    make_clinic()
    plan = plan_create(patient=alice, intake=intake(screening=ScreeningAnswers(pregnant=True)))
    client = client_for(alice)
    response = client.get(reverse("course-book", args=[plan.pk]), SEARCH)
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "Treatment cannot be booked for this course" in page
    assert reverse("course-book", args=[plan.pk]) not in page  # no button leading back


def test_a_stopped_course_page_offers_no_booking(plan, alice, doctor):
    from planner.services import plan_stop

    plan_stop(plan=plan, doctor=doctor, reason="The patient moved away.")
    page = client_for(alice).get(reverse("course-detail", args=[plan.pk])).content.decode()
    assert reverse("course-book", args=[plan.pk]) not in page


def test_staff_read_the_appointment_page_in_their_own_words(plan, alice, receptionist):
    book_course(client_for(alice), plan)
    visit = Appointment.objects.filter(plan=plan).first()
    page = client_for(receptionist).get(reverse("appointment-detail", args=[visit.pk]))
    text = page.content.decode()
    assert "my calendar" not in text
    assert "my home page" not in text
    own = client_for(alice).get(reverse("appointment-detail", args=[visit.pk])).content.decode()
    assert "Add to my calendar" in own
