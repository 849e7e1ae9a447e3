"""Review before booking: a consultation or a course is booked only from the review screen
(what, when, where, with whom, price, how to cancel). Showing it books nothing; its Book button
posts; a time taken meanwhile says so and goes back to the picker."""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Appointment
from bookings.prices.quotes import consultation_quote, course_quote
from planner.services import plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic
from tests.conftest import client_for
from tests.planner.intakes import intake

MONDAY = date(2027, 3, 1)
TEN = local(MONDAY, 10)


@pytest.fixture(autouse=True)
def _friday_before():
    with time_machine.travel(local(date(2027, 2, 26), 12), tick=False):
        yield


@pytest.fixture
def clinic(db):
    clinic = make_clinic()
    clinic.consultation.price_minor = 8000
    clinic.consultation.save()
    return clinic


def review(user, starts_at=TEN, **params):
    return client_for(user).get(
        reverse("consultation-book"), {"starts_at": starts_at.isoformat(), **params}
    )


def test_the_review_says_what_when_where_with_whom_the_price_and_how_to_cancel(clinic, alice):
    from bookings.models import ClinicContact

    ClinicContact.objects.create(
        pk=1, address="18 Jalan Ampang\nKuala Lumpur", phone="+60321610000"
    )
    response = review(alice)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check your consultation" in page
    assert "Consultation, 30 minutes" in page
    assert "Monday 1 March 2027, 10:00\u201310:30" in page
    assert clinic.rooms[0].name in page
    assert clinic.doctors[0].name in page
    assert str(consultation_quote()) in page
    assert "up to 24 hours before it starts" in page
    assert "18 Jalan Ampang<br>Kuala Lumpur" in page
    assert 'href="tel:+60321610000"' in page
    assert f'name="doctor" value="{clinic.doctors[0].pk}"' in page
    assert f'name="starts_at" value="{TEN.isoformat()}"' in page


def test_showing_the_review_books_nothing_and_its_button_books(clinic, alice):
    shown = review(alice)
    assert not Appointment.objects.exists()
    client = client_for(alice)
    response = client.post(
        reverse("consultation-book"),
        {"starts_at": TEN.isoformat(), "doctor": shown.context["review"].doctor.pk},
    )
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appointment-detail", args=[appointment.pk])
    assert (appointment.starts_at, appointment.doctor) == (TEN, clinic.doctors[0])


def test_a_time_taken_before_the_review_says_so_and_shows_that_days_picker(clinic, alice, bob):
    client_for(bob).post(reverse("consultation-book"), {"starts_at": TEN.isoformat()})
    response = review(alice)
    assert response.status_code == 409
    assert "not free" in response.content.decode()
    assert "review" not in response.context
    assert response.context["picker"].chosen == MONDAY
    assert Appointment.objects.filter(patient=alice).count() == 0


def test_a_time_taken_between_the_review_and_book_answers_409_with_the_picker(clinic, alice, bob):
    shown = review(alice)
    client_for(bob).post(reverse("consultation-book"), {"starts_at": TEN.isoformat()})
    response = client_for(alice).post(
        reverse("consultation-book"),
        {"starts_at": TEN.isoformat(), "doctor": shown.context["review"].doctor.pk},
    )
    assert response.status_code == 409
    assert "not free" in response.content.decode()
    assert response.context["picker"].chosen == MONDAY
    assert Appointment.objects.filter(patient=alice).count() == 0


@pytest.mark.parametrize(
    ("starts_at", "status", "message"),
    [
        ("next tuesday", 400, "could not be read"),
        (local(MONDAY, 10, 7).isoformat(), 400, "start every 15 minutes"),
        (local(date(2027, 2, 26), 12, 30).isoformat(), 400, "hours&#x27; notice"),
        ("9999-12-31T09:00:00+00:00", 400, "within the next year"),
        (local(date(2027, 2, 27), 10).isoformat(), 409, "not free"),  # a Saturday: closed
    ],
)
def test_a_forged_time_gets_no_review_and_a_message(clinic, alice, starts_at, status, message):
    response = client_for(alice).get(reverse("consultation-book"), {"starts_at": starts_at})
    assert response.status_code == status
    assert message in response.content.decode()
    assert "review" not in response.context
    assert not Appointment.objects.exists()


def test_the_review_of_a_time_the_patient_is_booked_at_is_refused(clinic, alice):
    client_for(alice).post(reverse("consultation-book"), {"starts_at": TEN.isoformat()})
    response = review(alice, local(MONDAY, 10, 15))
    assert response.status_code == 409
    assert "You already have an appointment then." in response.content.decode()


def test_another_patient_and_a_visitor_cannot_see_a_review_for_someone(clinic, alice, bob, client):
    assert review(bob, patient=alice.pk).status_code == 404
    response = client.get(
        reverse("consultation-book"), {"starts_at": TEN.isoformat(), "patient": alice.pk}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_staff_review_for_the_patient_they_chose_and_it_is_audited(clinic, alice, receptionist):
    from clinic.models import AuditEntry

    response = review(receptionist, patient=alice.pk)
    assert response.status_code == 200
    assert (alice.get_full_name() or alice.email) in response.content.decode()
    assert AuditEntry.objects.filter(
        actor=receptionist, patient=alice, action="booking consultation"
    ).exists()
    assert not Appointment.objects.exists()


# A course.

SEARCH = {"first_day": "2027-03-01", "first_time": "10:00", "same_doctor": "on"}


@pytest.fixture
def plan(clinic, alice, doctor):
    clinic.session.price_minor = 45000
    clinic.session.save()
    return plan_approve(plan=plan_create(patient=alice, intake=intake()), doctor=doctor)


def test_the_course_review_shows_every_session_the_price_and_the_notice_and_books_nothing(
    plan, alice
):
    response = client_for(alice).get(reverse("course-book", args=[plan.pk]), SEARCH)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Check the course" in page
    assert "Session 1: Mon 1 Mar 2027, 10:00" in page
    quote = course_quote(plan)
    assert quote is not None
    assert str(quote) in page
    assert quote.basis in page
    assert "up to 24 hours before it starts" in page
    assert "Book these 4 sessions" in page
    assert not Appointment.objects.exists()


def test_the_course_is_booked_from_its_review_and_not_from_the_picker(plan, alice):
    client = client_for(alice)
    url = reverse("course-book", args=[plan.pk])
    picker = client.get(url).context["picker"]
    chosen = picker.bands[0].times[0].href
    assert not Appointment.objects.exists()
    shown = client.get(url + chosen)
    assert shown.status_code == 200
    data = dict(SEARCH)
    data["first_day"] = shown.context["form"].cleaned_data["first_day"].isoformat()
    data["first_time"] = shown.context["form"].cleaned_data["first_time"].strftime("%H:%M")
    response = client.post(url, data | {"shown": shown.context["fingerprint"]})
    assert response.status_code == 302
    assert Appointment.objects.filter(plan=plan).count() == 4


def test_a_course_post_with_no_first_day_is_refused_with_a_message(plan, alice):
    response = client_for(alice).post(reverse("course-book", args=[plan.pk]), {"shown": "x"})
    assert response.status_code == 400
    assert "Choose the day of the first session." in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_first_time_taken_before_the_review_says_the_course_does_not_fit(plan, alice, bob):
    from bookings.appointments.services import appointment_book

    appointment_book(patient=bob, treatment_type=plan_session(plan), starts_at=TEN, booked_by=bob)
    response = client_for(alice).get(reverse("course-book", args=[plan.pk]), SEARCH)
    assert response.status_code == 409
    assert "We could not fit the whole course" in response.content.decode()
    assert not Appointment.objects.filter(plan=plan).exists()


def plan_session(plan):
    from bookings.models import TreatmentType

    return TreatmentType.objects.session_for(concern=plan.concern, area=plan.intake["area"])
