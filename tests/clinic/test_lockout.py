"""Password guessing: after LOGIN_FAILURE_LIMIT wrong passwords for an account, or from an
address, logins stop (the right password too) with a page that says when to try again and that
the clinic can unlock; a manager unlocks in the admin; the wait ends by itself."""

import re
from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEntry
from tests.conftest import PASSWORD, client_for

HOME = "198.51.100.7"  # documentation addresses (RFC 5737): never real ones
CAFE = "203.0.113.9"


def log_in(email, password, address=HOME, url="login"):
    client = Client(REMOTE_ADDR=address)
    return client.post(reverse(url), {"username": email, "password": password})


def guess(email, times, address=HOME, url="login"):
    for _ in range(times):
        log_in(email, "not the password", address, url)


def test_a_few_wrong_passwords_do_not_lock_anyone_out(alice):
    guess(alice.email, settings.LOGIN_FAILURE_LIMIT - 1)
    assert log_in(alice.email, PASSWORD).status_code == 302


def test_too_many_wrong_passwords_refuse_the_right_one_with_what_to_do(alice):
    guess(alice.email, settings.LOGIN_FAILURE_LIMIT)
    response = log_in(alice.email, PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Logging in is paused" in page
    until = timezone.localtime() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    assert f"try again after <strong>{until:%H:%M}</strong>" in page or (
        f"{(until - timedelta(minutes=1)):%H:%M}" in page  # the minute turned mid-test
    )
    assert "can unlock your account" in page
    assert reverse("password_reset") in page


def test_the_account_stays_locked_from_another_address(alice):
    guess(alice.email, settings.LOGIN_FAILURE_LIMIT, address=CAFE)
    assert log_in(alice.email, PASSWORD, address=HOME).status_code == 429


def test_another_account_from_the_same_address_is_refused_too(alice, bob):
    guess(alice.email, 3)
    guess("nobody@example.com", settings.LOGIN_FAILURE_LIMIT - 3)
    assert log_in(bob.email, PASSWORD, address=HOME).status_code == 429
    # Bob from elsewhere is not held up by someone else's guesses.
    assert log_in(bob.email, PASSWORD, address=CAFE).status_code == 302


def test_the_email_is_counted_without_case_or_spaces(alice):
    for spelling in ["ALICE@example.com", " alice@example.com", "Alice@Example.COM"] * 2:
        log_in(spelling, "not the password", address=CAFE)
    assert log_in(alice.email, PASSWORD, address=HOME).status_code == 429


def test_the_admin_login_is_throttled_too(manager):
    guess(manager.email, settings.LOGIN_FAILURE_LIMIT, url="admin:login")
    response = log_in(manager.email, PASSWORD, url="admin:login")
    assert response.status_code == 429
    assert b"a manager" in response.content
    assert b"can unlock" in response.content


def test_the_lockout_ends_by_itself_after_the_wait(alice):
    guess(alice.email, settings.LOGIN_FAILURE_LIMIT)
    assert log_in(alice.email, PASSWORD).status_code == 429
    later = timezone.now() + timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES + 1)
    with time_machine.travel(later):
        assert log_in(alice.email, PASSWORD).status_code == 302


def test_a_manager_unlocks_an_account_in_the_admin_and_it_is_audited(alice, manager):
    guess(alice.email, settings.LOGIN_FAILURE_LIMIT, address=CAFE)
    admin = client_for(manager)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200
    assert alice.email in listing.content.decode()
    ids = list(AccessAttempt.objects.filter(username=alice.email).values_list("pk", flat=True))
    response = admin.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": ids},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    assert AuditEntry.objects.filter(
        actor=manager, patient=alice, action="unlocked login in admin"
    ).exists()
    assert log_in(alice.email, PASSWORD, address=HOME).status_code == 302


@pytest.mark.parametrize("role", ["receptionist", "doctor", "alice"])
def test_only_managers_see_the_failed_logins(role, request):
    person = request.getfixturevalue(role)
    response = client_for(person).get(reverse("admin:axes_accessattempt_changelist"))
    assert response.status_code in (302, 403)


def test_choosing_a_new_password_by_the_emailed_link_ends_the_lockout(alice):
    guess(alice.email, settings.LOGIN_FAILURE_LIMIT)
    client = Client(REMOTE_ADDR=HOME)
    client.post(reverse("password_reset"), {"email": alice.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    new_password = "a brand new passphrase 42"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert log_in(alice.email, new_password).status_code == 302
