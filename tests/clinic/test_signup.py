import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.forms import MAX_PATIENT_AGE, MIN_PATIENT_AGE
from clinic.models import User
from clinic.roles import Role, roles_of
from planner.rules.intake import MAX_AGE, MIN_AGE

PASSWORD = "a long and private passphrase"


def signup_data(**overrides):
    return {
        "first_name": "Dana",
        "last_name": "Kowalski",
        "email": "Dana.K@Example.com",
        "date_of_birth": "1988-04-02",
        "password1": PASSWORD,
        "password2": PASSWORD,
    } | overrides


def link_in(message) -> str:
    return re.search(r"http://testserver(/\S+)", message.body).group(1)


def test_the_age_bounds_match_the_planners():
    assert (MIN_PATIENT_AGE, MAX_PATIENT_AGE) == (MIN_AGE, MAX_AGE)


def test_a_patient_signs_up_confirms_the_email_and_logs_in(client, db, committed):
    with committed():
        response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302
    user = User.objects.get(email="dana.k@example.com")
    assert not user.is_active
    assert user.profile.date_of_birth == date(1988, 4, 2)
    [message] = mail.outbox
    assert message.to == ["dana.k@example.com"]
    assert "Confirm your email" in message.subject

    # Before confirming, the password does not open the account.
    login = {"username": "dana.k@example.com", "password": PASSWORD}
    assert client.post(reverse("login"), login).status_code == 400

    response = client.get(link_in(message))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_active
    assert user.profile.email_confirmed_at is not None
    assert Role.PATIENT in roles_of(user)
    assert client.post(reverse("login"), login).status_code == 302


def test_a_confirmation_link_opened_twice_still_says_confirmed(client, db, committed):
    with committed():
        client.post(reverse("signup"), signup_data())
    link = link_in(mail.outbox[0])
    assert client.get(link).status_code == 302
    assert client.get(link).status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"date_of_birth": (timezone.localdate() + timedelta(days=3)).isoformat()},
            "cannot be in the future",
        ),
        ({"date_of_birth": "1850-01-01"}, "check the year of birth"),
        (
            {"date_of_birth": (timezone.localdate() - timedelta(days=365 * 12)).isoformat()},
            "seen with a parent",
        ),
        ({"date_of_birth": "31/02/1990"}, "Enter a valid date"),
        ({"password2": "something else"}, "password fields didn"),
        ({"password1": "1234", "password2": "1234"}, "too short"),
        ({"email": "not-an-email"}, "valid email address"),
        ({"first_name": ""}, "This field is required"),
    ],
)
def test_a_bad_sign_up_is_refused_with_a_message_and_creates_nothing(
    client, db, overrides, message
):
    response = client.post(reverse("signup"), signup_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(email__iexact="dana.k@example.com").exists()
    assert mail.outbox == []


def test_an_address_already_in_use_is_refused(client, alice):
    response = client.post(reverse("signup"), signup_data(email="ALICE@example.com"))
    assert response.status_code == 400
    assert b"already uses this email" in response.content


def test_a_tampered_link_is_refused_clearly(client, db, committed):
    with committed():
        client.post(reverse("signup"), signup_data())
    link = link_in(mail.outbox[0])
    response = client.get(link[:-3] + "abc/")
    assert response.status_code == 400
    assert b"not valid" in response.content
    assert not User.objects.get(email="dana.k@example.com").is_active


def test_an_expired_link_is_refused_and_a_new_one_can_be_sent(client, db, committed):
    with committed():
        client.post(reverse("signup"), signup_data())
    link = link_in(mail.outbox[0])
    with time_machine.travel(timezone.now() + timedelta(days=4)):
        response = client.get(link)
    assert response.status_code == 400
    assert b"expired" in response.content
    with committed():
        response = client.post(reverse("resend-confirmation"), {"email": "dana.k@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    assert client.get(link_in(mail.outbox[1])).status_code == 302


def test_resending_says_the_same_for_unknown_addresses(client, alice, committed):
    with committed():
        response = client.post(reverse("resend-confirmation"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    with committed():
        response = client.post(reverse("resend-confirmation"), {"email": alice.email})
    assert response.status_code == 302  # alice is active already: nothing to send
    assert mail.outbox == []


def test_resending_needs_an_email_address(client, db):
    assert client.post(reverse("resend-confirmation"), {"email": "x"}).status_code == 400


def test_a_logged_in_person_is_sent_home_from_sign_up(alice):
    from tests.conftest import client_for

    assert client_for(alice).get(reverse("signup")).status_code == 302
