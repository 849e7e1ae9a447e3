import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse

from clinic.models import User
from clinic.roles import MANAGED_APPS, Role
from tests.conftest import PASSWORD, client_for


def test_it_creates_the_four_role_groups_by_migration(db):
    assert set(Group.objects.values_list("name", flat=True)) >= {role.value for role in Role}


def test_a_deleted_role_group_comes_back_at_the_next_migrate(db):
    from django.core.management import call_command

    Group.objects.filter(name="Doctor").delete()
    call_command("migrate", verbosity=0)
    assert Group.objects.filter(name="Doctor").exists()


def test_managers_may_administer_every_model_of_the_clinic(db):
    granted = set(
        Group.objects.get(name="Manager").permissions.values_list(
            "content_type__app_label", "codename"
        )
    )
    assert ("clinic", "change_user") in granted
    assert all(app in MANAGED_APPS or app == "auth" for app, _ in granted)


def test_it_logs_in_with_the_email_in_any_case(client, alice):
    response = client.post(
        reverse("login"), {"username": "ALICE@Example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_it_refuses_a_wrong_password_with_a_message(client, alice):
    response = client.post(reverse("login"), {"username": alice.email, "password": "nope"})
    assert response.status_code == 400
    assert b"enter a correct email address and password" in response.content
    assert "_auth_user_id" not in client.session


def test_two_accounts_cannot_share_an_email_in_different_case(alice):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email="ALICE@example.com")])


def test_logging_out_ends_the_session(alice):
    client = client_for(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("patient-home")).status_code == 302


def test_a_forgotten_password_is_reset_through_the_emailed_link(client, alice):
    response = client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice@example.com"]
    assert "Pico Clinic" in message.subject
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)

    form_page = client.get(link, follow=True)
    assert b"Choose a new password" in form_page.content
    new_password = "a brand new passphrase 42"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new_password)


def test_a_reset_link_works_only_once(client, alice):
    client.post(reverse("password_reset"), {"email": alice.email})
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    page = client.get(link, follow=True)
    new_password = "a brand new passphrase 42"
    client.post(
        page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password}
    )
    again = client.get(link, follow=True)
    assert b"This link no longer works" in again.content


def test_a_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_only_managers_reach_the_admin(people):
    for role, user in people.items():
        response = client_for(user).get(reverse("admin:index"))
        assert response.status_code == (200 if role is Role.MANAGER else 302), role


def test_a_manager_cannot_make_anyone_a_superuser_in_the_admin(manager, alice):
    page = client_for(manager).get(reverse("admin:clinic_user_change", args=[alice.pk]))
    assert page.status_code == 200
    assert b'name="is_superuser"' not in page.content


def test_ten_reset_requests_in_a_row_do_not_send_ten_emails(client, alice):
    from django.conf import settings

    for _ in range(10):
        response = client.post(reverse("password_reset"), {"email": alice.email})
        # Always the same answer: the limit does not tell that the address has an account.
        assert response.status_code == 302
        assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == settings.ACCOUNT_EMAILS_PER_EMAIL_PER_HOUR < 10


def test_reset_links_can_be_asked_for_again_an_hour_later(client, alice):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    for _ in range(5):
        client.post(reverse("password_reset"), {"email": alice.email})
    sent = len(mail.outbox)
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        client.post(reverse("password_reset"), {"email": alice.email})
    assert len(mail.outbox) == sent + 1


def test_reset_requests_from_one_address_stop_with_a_clear_answer(client, db, settings):
    settings.ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR = 5
    for n in range(5):
        client.post(reverse("password_reset"), {"email": f"someone{n}@example.com"})
    response = client.post(reverse("password_reset"), {"email": "another@example.com"})
    assert response.status_code == 429
    assert b"try again in an hour" in response.content
