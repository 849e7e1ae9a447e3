from datetime import date

import pytest
import time_machine
from django.urls import reverse

from bookings.models import Appointment
from clinic.models import AuditEntry
from tests.bookings.clinics import local, make_clinic
from tests.conftest import client_for

MONDAY = date(2027, 3, 1)
FRIDAY_BEFORE = local(date(2027, 2, 26), 12)


@pytest.fixture
def clinic(db):
    return make_clinic()


@pytest.fixture(autouse=True)
def _friday_before():
    with time_machine.travel(FRIDAY_BEFORE, tick=False):
        yield


def book(client, start, **extra):
    return client.post(reverse("consultation-book"), {"starts_at": start.isoformat(), **extra})


def test_a_patient_sees_free_consultation_times_by_day(clinic, alice):
    response = client_for(alice).get(reverse("consultation-book"), {"day": MONDAY.isoformat()})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Monday 1 March" in page
    assert ">09:00<" in page
    assert ">16:30<" in page


def test_a_patient_books_a_consultation_and_sees_it(clinic, alice):
    client = client_for(alice)
    response = book(client, local(MONDAY, 10))
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appointment-detail", args=[appointment.pk])
    assert appointment.patient == alice
    assert appointment.starts_at == local(MONDAY, 10)
    page = client.get(response["Location"]).content.decode()
    assert "Monday 1 March 2027, 10:00" in page


def test_a_taken_time_answers_409_and_offers_the_others(clinic, alice, bob):
    book(client_for(bob), local(MONDAY, 10))
    response = book(client_for(alice), local(MONDAY, 10))
    assert response.status_code == 409
    assert b"not free" in response.content
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    ("starts_at", "message"),
    [
        ("tomorrow at ten", b"could not be read"),
        ("", b"could not be read"),
        (local(MONDAY, 10, 7).isoformat(), b"start every 15 minutes"),
        (local(date(2027, 2, 26), 12, 30).isoformat(), b"hours&#x27; notice"),
        (local(date(2027, 2, 1), 10).isoformat(), b"That time has passed"),
        # Outside Python's dates once in the clinic's zone, and beyond what the clinic books.
        ("9999-12-31T09:00:00+00:00", b"within the next year"),
        ("0001-01-01T00:00:00Z", b"within the next year"),
        (local(date(2031, 3, 3), 10).isoformat(), b"within the next year"),
    ],
)
def test_bad_times_are_refused_with_a_message_and_book_nothing(clinic, alice, starts_at, message):
    response = client_for(alice).post(reverse("consultation-book"), {"starts_at": starts_at})
    assert response.status_code == 400
    assert message in response.content
    assert not Appointment.objects.exists()


def test_an_unknown_doctor_is_refused(clinic, alice):
    response = book(client_for(alice), local(MONDAY, 10), doctor="999")
    assert response.status_code == 400
    assert not Appointment.objects.exists()


@pytest.mark.parametrize(
    ("day", "message"),
    [
        ("yesterday", "That day could not be read"),
        ("2027-02-01", "Choose Friday 26 February 2027 or a later day."),
        ("2031-01-01", "or an earlier day."),
    ],
)
def test_a_bad_search_day_is_refused_with_a_message(clinic, alice, day, message):
    response = client_for(alice).get(reverse("consultation-book"), {"day": day})
    assert response.status_code == 400
    assert message in response.content.decode()


def for_patient(patient):
    return f"{reverse('consultation-book')}?patient={patient.pk}"


def test_doctors_do_not_book_and_anonymous_visitors_log_in_first(clinic, doctor, alice, client):
    assert client_for(doctor).get(reverse("consultation-book")).status_code == 403
    assert client_for(doctor).get(for_patient(alice)).status_code == 403
    response = client.get(for_patient(alice))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", ["receptionist", "manager"])
def test_staff_book_a_consultation_for_the_patient_they_chose(clinic, alice, role, request):
    staff = request.getfixturevalue(role)
    alice.last_name = "Moreau"
    alice.save()
    client = client_for(staff)
    page = client.get(
        reverse("consultation-book"), {"patient": alice.pk, "day": MONDAY.isoformat()}
    )
    assert page.status_code == 200
    assert "for Alice Moreau" in page.content.decode()
    assert f'name="patient" value="{alice.pk}"' in page.content.decode()  # kept by a new search
    assert ">10:00<" in page.content.decode()
    assert AuditEntry.objects.filter(
        actor=staff, patient=alice, action="booking consultation"
    ).exists()
    response = client.post(for_patient(alice), {"starts_at": local(MONDAY, 10).isoformat()})
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("appointment-detail", args=[appointment.pk])
    assert (appointment.patient, appointment.created_by) == (alice, staff)
    said = [str(m) for m in client.get(response["Location"]).context["messages"]]
    assert said == ["Consultation booked for Alice Moreau."]
    assert AuditEntry.objects.filter(
        actor=staff, patient=alice, action="booked consultation"
    ).exists()


def test_staff_may_book_inside_the_online_notice(clinic, alice, receptionist):
    # Friday noon: 12:30 is inside the two hours' notice a patient online must give.
    friday = {"day": "2027-02-26"}
    staff_page = client_for(receptionist).get(
        reverse("consultation-book"), friday | {"patient": alice.pk}
    )
    assert "Friday 26 February at 12:30" in staff_page.content.decode()
    own_page = client_for(alice).get(reverse("consultation-book"), friday)
    assert "Friday 26 February at 12:30" not in own_page.content.decode()
    assert "Friday 26 February at 14:00" in own_page.content.decode()
    response = client_for(receptionist).post(
        for_patient(alice), {"starts_at": local(date(2027, 2, 26), 12, 30).isoformat()}
    )
    assert response.status_code == 302
    assert Appointment.objects.get().patient == alice


def test_staff_without_a_chosen_patient_are_sent_to_choose_one(clinic, receptionist):
    response = client_for(receptionist).get(reverse("consultation-book"))
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-list")
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("patient", ["999999", "abc", "", "²", "99999999999999999999", "-1"])
def test_staff_choosing_no_such_patient_get_404(clinic, receptionist, patient):
    url = f"{reverse('consultation-book')}?patient={patient}"
    assert client_for(receptionist).get(url).status_code == 404
    response = client_for(receptionist).post(url, {"starts_at": local(MONDAY, 10).isoformat()})
    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_staff_cannot_book_a_consultation_for_a_member_of_staff(clinic, receptionist, doctor):
    assert client_for(receptionist).get(for_patient(doctor)).status_code == 404


def test_a_patient_books_only_for_themselves(clinic, alice, bob):
    client = client_for(alice)
    assert client.get(for_patient(bob)).status_code == 404
    response = client.post(for_patient(bob), {"starts_at": local(MONDAY, 10).isoformat()})
    assert response.status_code == 404
    assert not Appointment.objects.exists()
    assert client.get(for_patient(alice)).status_code == 200


def test_another_patient_cannot_see_an_appointment(clinic, alice, bob, client):
    book(client_for(alice), local(MONDAY, 10))
    appointment = Appointment.objects.get()
    url = reverse("appointment-detail", args=[appointment.pk])
    assert client_for(bob).get(url).status_code == 404
    assert client.get(url).status_code == 302


def test_staff_seeing_an_appointment_is_audited(clinic, alice, receptionist):
    book(client_for(alice), local(MONDAY, 10))
    appointment = Appointment.objects.get()
    response = client_for(receptionist).get(reverse("appointment-detail", args=[appointment.pk]))
    assert response.status_code == 200
    assert AuditEntry.objects.filter(
        actor=receptionist, patient=alice, action="viewed appointment"
    ).exists()


def test_the_booking_page_takes_the_same_queries_for_an_empty_or_a_busy_week(
    clinic, alice, bob, settings, django_assert_num_queries
):
    settings.SESSION_ENGINE = "clinic.sessions"  # read from the cache, as with Redis
    client = client_for(alice)
    url = reverse("consultation-book")
    client.get(url, {"day": MONDAY.isoformat()})
    with django_assert_num_queries(5):  # the consultation read once, its price with it
        client.get(url, {"day": MONDAY.isoformat()})
    for hour in (9, 11, 14):
        book(client_for(bob), local(MONDAY, hour))
    with django_assert_num_queries(5):  # the consultation read once, its price with it
        client.get(url, {"day": MONDAY.isoformat()})


def test_times_the_patient_is_already_booked_at_are_not_offered(db, alice):
    make_clinic(doctors=2, rooms=2)  # the clinic itself would still have room
    client = client_for(alice)
    book(client, local(MONDAY, 10))
    page = client.get(reverse("consultation-book"), {"day": MONDAY.isoformat()}).content.decode()
    assert "Monday 1 March at 09:30" in page  # ends as hers begins
    assert "Monday 1 March at 09:45" not in page
    assert "Monday 1 March at 10:00" not in page
    assert "Monday 1 March at 10:30" in page


def test_the_service_refuses_a_booking_beyond_the_horizon_whatever_calls_it(clinic, alice):
    from django.core.exceptions import ValidationError

    from bookings.appointments.services import appointment_book
    from bookings.models import TreatmentType

    with pytest.raises(ValidationError, match="up to a year ahead"):
        appointment_book(
            patient=alice,
            treatment_type=TreatmentType.objects.consultation(),
            starts_at=local(date(2028, 3, 6), 10),
            booked_by=alice,
        )
    assert not Appointment.objects.exists()
