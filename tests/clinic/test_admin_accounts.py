"""Accounts in the admin: staff never set or see a patient's password (they send a link to
choose it), and every change a member of staff makes to an account there is audited."""

import re

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from clinic.models import AuditEntry, User
from clinic.roles import Role
from clinic.services import patient_register
from tests.conftest import PASSWORD, client_for


def change_page(user):
    return reverse("admin:clinic_user_change", args=[user.pk])


def password_page(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def send_link_page(user):
    return reverse("admin:clinic_user_send_reset_link", args=[user.pk])


def test_a_patients_admin_page_offers_a_link_instead_of_the_password(manager, alice):
    page = client_for(manager).get(change_page(alice)).content.decode()
    assert "Send a password link" in page
    assert send_link_page(alice) in page
    assert password_page(alice) not in page
    assert "md5" not in page
    assert "hash" not in page.lower()


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_password_form_is_refused_for_a_patient(manager, alice, method):
    data = {"password1": "managers choice 123", "password2": "managers choice 123"}
    client = client_for(manager)
    response = getattr(client, method)(password_page(alice), data if method == "post" else None)
    assert response.status_code == 403
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    assert not Client().login(username=alice.email, password="managers choice 123")


def test_the_password_form_is_refused_for_a_patient_waiting_to_confirm(manager, alice):
    User.objects.filter(pk=alice.pk).update(is_active=False)
    assert client_for(manager).get(password_page(alice)).status_code == 403


def test_a_manager_sends_a_patient_a_link_to_choose_a_new_password(manager, alice, client):
    admin = client_for(manager)
    confirm = admin.get(send_link_page(alice))
    assert confirm.status_code == 200
    assert b"Nobody at the clinic sees or chooses the password" in confirm.content
    response = admin.post(send_link_page(alice))
    assert response.status_code == 302
    assert response["Location"] == change_page(alice)
    [message] = mail.outbox
    assert message.to == [alice.email]
    link = re.search(r"http://testserver(/accounts/reset/\S+)", message.body).group(1)
    assert AuditEntry.objects.filter(
        actor=manager, patient=alice, action="sent password reset link from admin"
    ).exists()

    # Only Alice, with the email, chooses the password.
    form_page = client.get(link, follow=True)
    new_password = "alices own new passphrase"
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": new_password, "new_password2": new_password},
    )
    alice.refresh_from_db()
    assert alice.check_password(new_password)


def test_a_patient_who_never_chose_a_password_is_sent_the_invitation_again(
    manager, receptionist, committed
):
    with committed():
        patient = patient_register(
            by=receptionist,
            email="hana@example.com",
            first_name="Hana",
            last_name="Okafor",
            date_of_birth=None,
            phone=None,
            base_url="http://testserver",
        )
    with committed():
        client_for(manager).post(send_link_page(patient))
    assert len(mail.outbox) == 2
    assert "/accounts/invitation/" in mail.outbox[-1].body
    assert AuditEntry.objects.filter(patient=patient, action="sent invitation from admin").exists()


def test_the_link_can_be_sent_to_several_from_the_list(manager, alice, bob):
    response = client_for(manager).post(
        reverse("admin:clinic_user_changelist"),
        {"action": "send_reset_links", "_selected_action": [alice.pk, bob.pk]},
    )
    assert response.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == [alice.email, bob.email]
    assert AuditEntry.objects.filter(action="sent password reset link from admin").count() == 2


def test_a_change_to_a_patients_account_is_audited_with_what_changed(manager, alice):
    patients = Group.objects.get(name=Role.PATIENT.value)
    response = client_for(manager).post(
        change_page(alice),
        {
            "email": alice.email,
            "first_name": "Alicia",
            "last_name": alice.last_name,
            "is_active": "on",
            "groups": [patients.pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(actor=manager, patient=alice, action="changed account in admin")
    assert entry.detail == "changed: first_name"


def test_a_manager_may_set_a_staff_members_password_and_it_is_audited(manager, receptionist):
    new_password = "a receptionist passphrase 7"
    response = client_for(manager).post(
        password_page(receptionist),
        {"password1": new_password, "password2": new_password, "usable_password": "true"},
    )
    assert response.status_code == 302
    receptionist.refresh_from_db()
    assert receptionist.check_password(new_password)
    assert AuditEntry.objects.filter(
        actor=manager, patient=receptionist, action="set password in admin"
    ).exists()


def test_adding_a_member_of_staff_is_audited(manager):
    response = client_for(manager).post(
        reverse("admin:clinic_user_add"),
        {
            "email": "new.doctor@example.com",
            "password1": "a new doctors passphrase",
            "password2": "a new doctors passphrase",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302
    added = User.objects.get(email="new.doctor@example.com")
    assert AuditEntry.objects.filter(
        actor=manager, patient=added, action="added account in admin"
    ).exists()


def test_other_staff_cannot_send_links_or_set_passwords(receptionist, doctor, alice):
    for person in (receptionist, doctor):
        client = client_for(person)
        assert client.post(send_link_page(alice)).status_code == 302  # to the admin's login
        assert client.get(password_page(alice)).status_code == 302
    assert mail.outbox == []
