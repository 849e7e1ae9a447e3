import pytest
from django.urls import reverse

from clinic.roles import Role
from tests.conftest import client_for

HOME_PAGES = {
    Role.PATIENT: "patient-home",
    Role.RECEPTIONIST: "reception-home",
    Role.DOCTOR: "doctor-home",
    Role.MANAGER: "manager-home",
}


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_home_page_after_logging_in(client, people, role):
    user = people[role]
    response = client.post(
        reverse("login"), {"username": user.email, "password": "correct horse battery staple"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse(HOME_PAGES[role])
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("page_role", list(Role))
def test_a_home_page_refuses_every_other_role(people, role, page_role):
    response = client_for(people[role]).get(reverse(HOME_PAGES[page_role]))
    assert response.status_code == (200 if role == page_role else 403)


@pytest.mark.parametrize("page", list(HOME_PAGES.values()))
def test_an_anonymous_visitor_is_sent_to_log_in(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={reverse(page)}"


def test_the_front_page_is_public(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert b"Log in" in response.content


def test_a_person_without_a_role_is_told_to_ask_the_manager(client, db):
    from clinic.models import User

    user = User.objects.create_user("norole@example.com", "x")
    response = client_for(user).get(reverse("home"))
    assert response.status_code == 403
    assert b"has no role yet" in response.content


def test_the_patient_home_shows_the_patients_own_account(alice):
    response = client_for(alice).get(reverse("patient-home"))
    assert b"alice@example.com" in response.content


def test_the_navigation_shows_only_the_links_of_the_persons_role(alice, manager):
    patient_page = client_for(alice).get(reverse("patient-home")).content.decode()
    assert reverse("patient-home") in patient_page
    assert reverse("admin:index") not in patient_page
    manager_page = client_for(manager).get(reverse("manager-home")).content.decode()
    assert reverse("admin:index") in manager_page


def test_the_manager_home_counts_people_by_role(manager, alice, bob, doctor):
    response = client_for(manager).get(reverse("manager-home"))
    people = dict(response.context["people"])
    assert people == {"Patient": 2, "Receptionist": 0, "Doctor": 1, "Manager": 1}


def test_the_manager_home_takes_the_same_queries_whatever_the_number_of_people(
    manager, django_assert_max_num_queries
):
    from tests.factories import UserFactory

    client = client_for(manager)
    # The people by role, and this week at a glance (bookings/reports/week.py).
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("manager-home"))
    UserFactory.create_batch(30, role=Role.PATIENT)
    with django_assert_max_num_queries(len(few)):
        client.get(reverse("manager-home"))


def test_reception_and_doctors_see_todays_appointments_without_a_query_each(
    receptionist, doctor, alice, bob, django_assert_max_num_queries
):
    from datetime import timedelta

    from django.utils import timezone

    from bookings.models import Appointment
    from tests.bookings.clinics import make_clinic

    clinic = make_clinic(doctors=2, rooms=2)
    clinic.doctors[0].user = doctor
    clinic.doctors[0].save()
    soon = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    if timezone.localtime(soon).date() != timezone.localdate():
        soon -= timedelta(hours=2)
    for n, (patient, who) in enumerate([(alice, 0), (bob, 1)]):
        start = soon + timedelta(minutes=30 * n)
        Appointment.objects.create(
            patient=patient,
            treatment_type=clinic.consultation,
            doctor=clinic.doctors[who],
            room=clinic.rooms[who],
            starts_at=start,
            ends_at=start + timedelta(minutes=30),
            reserved_until=start + timedelta(minutes=30),
            created_by=receptionist,
        )
    desk = client_for(receptionist)
    # The session, the user, their roles, today's visits, the booking policy, and the audit
    # log's two (which of the people shown are patients, and the entries): none per visit.
    with django_assert_max_num_queries(8):
        page = desk.get(reverse("reception-home")).content.decode()
    assert str(alice) in page
    assert str(bob) in page
    mine = client_for(doctor).get(reverse("doctor-home")).content.decode()
    assert str(alice) in mine
    assert str(bob) not in mine
