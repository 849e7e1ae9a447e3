import re
from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode

from clinic.forms import MAX_PATIENT_AGE, MIN_PATIENT_AGE
from clinic.models import User
from clinic.roles import Role, roles_of
from clinic.services import patient_register
from planner.rules.intake import MAX_AGE, MIN_AGE
from tests.conftest import PASSWORD as PASSWORD_OF_ALICE
from tests.conftest import client_for

PASSWORD = "a long and private passphrase"


def signup_data(**overrides):
    return {
        "first_name": "Dana",
        "last_name": "Kowalski",
        "email": "Dana.K@Example.com",
        "date_of_birth": "1988-04-02",
        "password1": PASSWORD,
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
        ({"password1": ""}, "This field is required"),
        ({"password1": "1234"}, "too short"),
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


def without_csrf_token(page: bytes) -> bytes:
    # The token is in the page's htmx headers and in each form (the language switcher's).
    page = re.sub(rb'"X-CSRFToken": "[^"]+"', b"", page)
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", page)


class CountingHasher(MD5PasswordHasher):
    """MD5 (fast), counting how often a password is hashed."""

    algorithm = "counting_md5"
    hashed = 0

    def encode(self, password, salt):
        type(self).hashed += 1
        return super().encode(password, salt)


@pytest.fixture
def counting_hasher(settings):
    settings.PASSWORD_HASHERS = [
        f"{__name__}.CountingHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",  # the fixtures' passwords
    ]
    CountingHasher.hashed = 0
    return CountingHasher


def test_a_sign_up_with_a_taken_address_answers_as_a_new_one_and_emails_the_owner(
    client, alice, committed, counting_hasher
):
    with committed():
        new = client.post(reverse("signup"), signup_data(), follow=True)
    hashed_for_new = counting_hasher.hashed
    with committed():
        taken = client.post(reverse("signup"), signup_data(email="ALICE@example.com"), follow=True)

    # The same page, the same status, and as much work (one password hashed) either way.
    assert new.status_code == taken.status_code == 200
    assert new.redirect_chain == taken.redirect_chain == [(reverse("signup-done"), 302)]
    assert without_csrf_token(new.content) == without_csrf_token(taken.content)
    assert hashed_for_new == 1
    assert counting_hasher.hashed == 2

    # Alice's account is as it was; she is told someone tried, and what to do if it was her.
    alice.refresh_from_db()
    assert alice.first_name == "Alice"
    assert alice.check_password(PASSWORD_OF_ALICE)
    assert User.objects.filter(email__iexact="alice@example.com").count() == 1
    confirmation, notice = mail.outbox
    assert confirmation.to == ["dana.k@example.com"]
    assert notice.to == ["alice@example.com"]
    assert "someone tried to sign up" in notice.subject
    assert "http://testserver/accounts/login/" in notice.body
    assert "http://testserver/accounts/password_reset/" in notice.body
    assert PASSWORD not in notice.body


def test_a_second_sign_up_before_confirming_sends_the_confirmation_link_again(
    client, db, committed
):
    with committed():
        client.post(reverse("signup"), signup_data())
    with committed():
        response = client.post(reverse("signup"), signup_data(password1="x" * 3))
    # A bad form is still refused as bad: only whether the address is taken goes untold.
    assert response.status_code == 400
    with committed():
        response = client.post(reverse("signup"), signup_data(first_name="Danuta"))
    assert response.status_code == 302
    _, notice = mail.outbox
    assert "waiting for you to confirm" in notice.body
    assert client.get(link_in(notice)).status_code == 302
    user = User.objects.get(email="dana.k@example.com")
    assert user.is_active
    assert user.first_name == "Dana"  # the second sign-up changed nothing


def test_a_sign_up_with_the_address_of_a_patient_registered_at_the_desk_sends_the_invitation(
    client, receptionist, committed
):
    with committed():
        patient = patient_register(
            by=receptionist,
            email="dana.k@example.com",
            first_name="Dana",
            last_name="Kowalski",
            date_of_birth=date(1988, 4, 2),
            phone=None,
            base_url="http://testserver",
        )
    with committed():
        response = client.post(reverse("signup"), signup_data())
    assert response.status_code == 302
    notice = mail.outbox[-1]
    assert "registered you already" in notice.body
    assert "/accounts/invitation/" in notice.body
    patient.refresh_from_db()
    assert not patient.has_usable_password()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        (" " * 10, "different characters"),
        (" " * 8, "too short"),
        ("aaaaaaaaaaaa", "different characters"),
        ("shortpass", "too short"),
        # Django's own check compares with each name apart: "Alice Vang" is like neither.
        ("Alice Vang", "too similar to your name"),
        ("vang alice", "too similar to your name"),
        ("AliceVang1988", "too similar to your name"),
        ("alice.v@example.com", "too similar to the email address"),
    ],
)
def test_a_password_like_nothing_or_like_the_person_is_refused(client, db, password, message):
    person = {"first_name": "Alice", "last_name": "Vang", "email": "alice.v@example.com"}
    response = client.post(reverse("signup"), signup_data(password1=password, **person))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_a_password_is_refused_when_like_the_name_before_the_account_exists(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    unsaved = User(first_name="Alice", last_name="Vang", email="alice.v@example.com")
    with pytest.raises(ValidationError, match="too similar to your name"):
        validate_password("Alice Vang", user=unsaved)
    validate_password("a long and private passphrase", user=unsaved)


def test_an_invited_patient_cannot_choose_their_name_as_password(client, receptionist, committed):
    with committed():
        patient_register(
            by=receptionist,
            email="dana.k@example.com",
            first_name="Alice",
            last_name="Vang",
            date_of_birth=None,
            phone=None,
            base_url="http://testserver",
        )
    link = link_in(mail.outbox[0])
    response = client.post(link, {"new_password1": "Alice Vang", "new_password2": "Alice Vang"})
    assert response.status_code == 400
    assert "too similar to your name" in response.content.decode()


def test_a_reset_password_cannot_be_the_persons_email(client, alice):
    client.post(reverse("password_reset"), {"email": alice.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "alice@example.com", "new_password2": "alice@example.com"},
    )
    assert response.status_code == 400
    assert "too similar to the email address" in response.content.decode()


def test_sign_ups_to_one_address_send_a_few_emails_at_most(client, alice, committed):
    for _ in range(10):
        with committed():
            response = client.post(reverse("signup"), signup_data(email=alice.email))
        assert response.status_code == 302
    assert len(mail.outbox) == settings.ACCOUNT_EMAILS_PER_EMAIL_PER_HOUR
    with time_machine.travel(timezone.now() + timedelta(hours=1, minutes=1)), committed():
        client.post(reverse("signup"), signup_data(email=alice.email))
    assert len(mail.outbox) == settings.ACCOUNT_EMAILS_PER_EMAIL_PER_HOUR + 1


def test_sign_ups_from_one_address_are_limited_with_a_clear_answer(client, db, committed, settings):
    settings.ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR = 3
    for n in range(3):
        with committed():
            assert (
                client.post(reverse("signup"), signup_data(email=f"p{n}@example.com")).status_code
                == 302
            )
    response = client.post(reverse("signup"), signup_data(email="p4@example.com"))
    assert response.status_code == 429
    assert b"try again in an hour" in response.content
    assert not User.objects.filter(email="p4@example.com").exists()


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


def test_asking_again_and_again_for_the_confirmation_link_sends_a_few_at_most(
    client, db, committed
):
    with committed():
        client.post(reverse("signup"), signup_data())
    for _ in range(10):
        with committed():
            response = client.post(reverse("resend-confirmation"), {"email": "dana.k@example.com"})
        assert response.status_code == 302
    assert len(mail.outbox) == settings.ACCOUNT_EMAILS_PER_EMAIL_PER_HOUR


def test_a_visitor_reading_malay_signs_up_in_malay_and_is_written_to_in_it(client, db, committed):
    with committed():
        client.post(reverse("signup"), signup_data(), HTTP_ACCEPT_LANGUAGE="ms")
    assert User.objects.get(email="dana.k@example.com").profile.language == "ms"
    assert mail.outbox[-1].subject == f"Sahkan e-mel anda untuk {settings.CLINIC_NAME}"
    assert mail.outbox[-1].body.startswith("Salam sejahtera Dana,")


def test_the_owner_of_a_taken_address_is_written_to_in_their_language_not_the_visitors(
    client, alice, committed
):
    alice.profile.language = "zh-hans"
    alice.profile.save()
    with committed():
        client.post(reverse("signup"), signup_data(email=alice.email), HTTP_ACCEPT_LANGUAGE="ms")
    assert mail.outbox[-1].body.startswith("Alice，您好：")  # noqa: RUF001


def test_an_invitation_a_receptionist_sends_is_in_the_patients_language(receptionist, committed):
    # The receptionist's page is in English; the patient reads Chinese.
    with committed():
        patient = patient_register(
            by=receptionist,
            email="mei@example.com",
            first_name="Mei",
            last_name="Tan",
            date_of_birth=date(1990, 1, 1),
            phone="",
            base_url="http://testserver",
        )
    patient.profile.language = "zh-hans"
    patient.profile.save()
    with committed():
        client_for(receptionist).post(reverse("invitation-resend", args=[patient.pk]))
    assert len(mail.outbox) == 2
    assert mail.outbox[0].body.startswith("Hello Mei,")
    assert mail.outbox[1].body.startswith("Mei，您好：")  # noqa: RUF001


@pytest.mark.parametrize(
    ("next_url", "kept"),
    [
        ("/book/consultation/?starts_at=2027-03-01T09:00:00Z", True),
        ("https://elsewhere.example/phish", False),
        ("//elsewhere.example/phish", False),
        ("javascript:alert(1)", False),
    ],
)
def test_only_a_page_of_the_clinic_goes_through_the_sign_up_to_the_link(
    client, db, committed, next_url, kept
):
    page = client.get(reverse("signup"), {"next": next_url}).content.decode()
    assert (f'name="next" value="{escape(next_url)}"' in page) is kept
    with committed():
        client.post(reverse("signup"), signup_data(next=next_url))
    link = link_in(mail.outbox[-1])
    assert (f"?{urlencode({'next': next_url})}" in link) is kept
    assert "elsewhere" not in link
    assert "javascript" not in link


def test_the_password_is_typed_once(client, db):
    page = client.get(reverse("signup")).content.decode()
    assert page.count('type="password"') == 1
