"""Patients without an email address: a receptionist registers a caller by phone with a mobile
number; the patient cannot log in, is reached by text or WhatsApp, is shown by their phone
wherever a person is shown, and can be given a login later from their record."""

import re

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from clinic.models import AuditEntry, User
from clinic.roles import Role
from clinic.services import patient_register, user_create
from tests.conftest import client_for

CALLER = {
    "first_name": "Hana",
    "last_name": "Okafor",
    "date_of_birth": "1984-06-02",
    "phone": "07400 654321",
    "preferred_channel": "sms",
}


@pytest.fixture
def register(committed):
    def post(client, **overrides):
        data = {k: v for k, v in (CALLER | overrides).items() if v is not None}
        with committed():
            return client.post(reverse("patient-new"), data)

    return post


@pytest.fixture
def hana(receptionist) -> User:
    """A caller registered by phone: a mobile number, text reminders, no email address."""
    return patient_register(
        by=receptionist,
        email=None,
        first_name="Hana",
        last_name="Okafor",
        date_of_birth=None,
        phone="+447400654321",
        preferred_channel="sms",
        base_url="http://testserver",
    )


def test_a_receptionist_registers_a_caller_with_a_mobile_and_no_email(receptionist, register):
    response = register(client_for(receptionist))
    hana = User.objects.get(first_name="Hana")
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-detail", args=[hana.pk])
    assert hana.email is None
    assert not hana.has_usable_password()
    assert str(hana.profile.phone) == "+447400654321"
    assert hana.profile.preferred_channel == "sms"
    assert hana.groups.get().name == Role.PATIENT.value
    assert mail.outbox == []  # no invitation: there is nowhere to send it
    assert AuditEntry.objects.filter(
        actor=receptionist, patient=hana, action="created patient"
    ).exists()


def test_whatsapp_can_be_chosen_and_a_mobile_alone_means_text_messages(receptionist, register):
    client = client_for(receptionist)
    register(client, preferred_channel="whatsapp")
    register(client, first_name="Ife", phone="07400 111222", preferred_channel=None)
    assert User.objects.get(first_name="Hana").profile.preferred_channel == "whatsapp"
    assert User.objects.get(first_name="Ife").profile.preferred_channel == "sms"


def test_care_reminders_agreed_on_the_phone_are_kept(receptionist, register):
    register(client_for(receptionist), care_reminders_consent="on")
    assert User.objects.get(first_name="Hana").profile.care_reminders_consent


def test_a_patient_with_an_email_is_still_invited(receptionist, register):
    register(client_for(receptionist), email="Hana@Example.com", preferred_channel=None)
    hana = User.objects.get(first_name="Hana")
    assert hana.email == "hana@example.com"
    assert hana.profile.preferred_channel == "email"
    [invitation] = mail.outbox
    assert invitation.to == ["hana@example.com"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": "", "preferred_channel": None}, "Enter an email address or a mobile number"),
        ({"phone": "", "preferred_channel": "sms"}, "Enter an email address or a mobile number"),
        ({"phone": "020 7946 0000"}, "is a landline: it cannot receive text messages"),
        ({"phone": "0800 123 4567"}, "is not a mobile number"),
        ({"phone": "12345"}, "valid phone number"),
        ({"preferred_channel": "email"}, "Without an email address, reminders go by text"),
        ({"preferred_channel": "pigeon"}, "Select a valid choice"),
        ({"email": "ALICE@example.com"}, "already uses this email address"),
        ({"email": "not-an-address"}, "Enter a valid email address"),
    ],
)
def test_bad_contact_details_are_refused_with_a_clear_message_and_nothing_is_created(
    receptionist, alice, register, overrides, message
):
    response = register(client_for(receptionist), **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(first_name="Hana").exists()
    assert mail.outbox == []


def test_a_patient_choosing_texts_in_their_profile_needs_a_mobile_too(alice):
    response = client_for(alice).post(
        reverse("profile"),
        {
            "first_name": "Alice",
            "last_name": "Moreau",
            "date_of_birth": "1990-05-17",
            "phone": "020 7946 0000",
            "preferred_channel": "sms",
            "language": "en",
        },
    )
    assert response.status_code == 400
    assert "is a landline: it cannot receive text messages" in response.content.decode()
    alice.profile.refresh_from_db()
    assert not alice.profile.phone


def test_a_landline_is_fine_as_a_phone_for_a_patient_reached_by_email(receptionist, register):
    response = register(
        client_for(receptionist),
        email="hana@example.com",
        phone="020 7946 0000",
        preferred_channel="email",
    )
    assert response.status_code == 302


def test_the_service_refuses_a_patient_who_cannot_be_reached(receptionist):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="email address or a mobile number"):
        patient_register(
            by=receptionist,
            email=None,
            phone="",
            first_name="No",
            last_name="Way",
            date_of_birth=None,
            base_url="http://testserver",
        )
    with pytest.raises(ValidationError, match="landline"):
        patient_register(
            by=receptionist,
            email=None,
            phone="+442079460000",
            first_name="No",
            last_name="Way",
            date_of_birth=None,
            base_url="http://testserver",
        )
    assert not User.objects.filter(first_name="No").exists()


@pytest.mark.parametrize("role", ["doctor", "alice"])
def test_only_receptionists_and_managers_register_callers(role, request, register):
    response = register(client_for(request.getfixturevalue(role)))
    assert response.status_code == 403
    assert not User.objects.filter(first_name="Hana").exists()


def test_a_patient_without_email_cannot_log_in_or_reset_a_password(hana, client):
    assert not hana.has_usable_password()
    assert authenticate(email="", password="") is None
    assert authenticate(email=None, password="anything") is None
    assert client.post(reverse("login"), {"username": "", "password": "x"}).status_code == 400
    with pytest.raises(User.DoesNotExist):
        User.objects.get_by_natural_key(None)
    response = client.post(reverse("password_reset"), {"email": "hana@example.com"})
    assert response.status_code == 302
    assert mail.outbox == []


def test_signing_up_online_still_needs_an_email_address(client, db):
    response = client.post(
        reverse("signup"),
        {
            "first_name": "Ife",
            "last_name": "Okafor",
            "email": "",
            "date_of_birth": "1990-01-01",
            "password1": "a long pass phrase",
            "password2": "a long pass phrase",
        },
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not User.objects.exists()


def test_any_number_of_patients_may_have_no_email_but_addresses_stay_unique_without_case(
    hana, receptionist
):
    other = user_create(email=None, role=Role.PATIENT, first_name="Ife")
    assert other.email is None
    assert hana.email is None
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="ROSA@example.com")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="")  # no address is NULL, never ""


def test_staff_always_have_an_email_address(db):
    with pytest.raises(ValueError, match="Staff need an email address"):
        user_create(email=None, role=Role.RECEPTIONIST)
    with pytest.raises(ValueError, match="Staff need an email address"):
        user_create(email="  ", role=Role.MANAGER)
    with pytest.raises(ValueError, match="cannot log in"):
        user_create(email=None, role=Role.PATIENT, password="a password")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(email=None, is_staff=True)
    assert not User.objects.exists()


def test_a_person_without_email_is_shown_by_name_else_by_phone(hana, receptionist):
    assert str(hana) == "Hana Okafor"
    assert hana.contact == "+44 7400 654321"
    hana.first_name = hana.last_name = ""
    assert str(hana) == "+44 7400 654321"
    hana.save()
    entry = AuditEntry.objects.create(actor=receptionist, patient=hana, action="viewed patient")
    assert str(entry).endswith("viewed patient +44 7400 654321")


def test_the_patient_list_shows_and_finds_a_patient_without_email(hana, alice, receptionist):
    client = client_for(receptionist)
    page = client.get(reverse("patient-list")).content.decode()
    row = re.search(r"<tr>\s*<th[^>]*><a[^>]*>Hana Okafor</a></th>(.*?)</tr>", page, re.S).group(1)
    assert "None" not in row
    assert "+44 7400 654321" in row
    for query in ("okafor", "07400 654321", "7400654321"):
        found = client.get(reverse("patient-list"), {"q": query}).content.decode()
        assert "Hana Okafor" in found, query
        assert "alice@example.com" not in found


def test_the_record_says_there_is_no_email_and_no_login(hana, receptionist):
    page = client_for(receptionist).get(reverse("patient-detail", args=[hana.pk])).content.decode()
    assert "None" not in page
    assert "none: registered by phone" in page
    assert "no login (no email address)" in page
    assert "+44 7400 654321" in page
    assert "Text message (SMS)" in page
    assert "Give a login" in page
    assert "Send the invitation again" not in page


def test_a_doctor_sees_the_record_but_not_the_form_to_give_a_login(hana, doctor):
    page = client_for(doctor).get(reverse("patient-detail", args=[hana.pk])).content.decode()
    assert "+44 7400 654321" in page
    assert "Give a login" not in page


# Giving a login later.


def email_add(client, patient, email, committed):
    with committed():
        return client.post(reverse("patient-email-add", args=[patient.pk]), {"email": email})


def test_staff_add_an_email_later_and_the_patient_accepts_the_invitation(
    hana, receptionist, committed, client
):
    response = email_add(client_for(receptionist), hana, "Hana@Example.com", committed)
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-detail", args=[hana.pk])
    hana.refresh_from_db()
    assert hana.email == "hana@example.com"
    assert hana.profile.preferred_channel == "sms"  # reminders stay as they were
    assert hana.profile.invited_by == receptionist
    assert AuditEntry.objects.filter(
        actor=receptionist, patient=hana, action="added email and invited"
    ).exists()
    [invitation] = mail.outbox
    assert invitation.to == ["hana@example.com"]
    link = re.search(r"http://testserver(/\S+)", invitation.body).group(1)
    password = "hana chooses a strong one"
    response = client.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    client.logout()
    assert client.login(email="HANA@example.com", password=password)


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "This field is required"),
        ("not-an-address", "Enter a valid email address"),
        ("ALICE@EXAMPLE.COM", "already uses this email address"),
    ],
)
def test_a_bad_or_taken_address_is_refused_and_changes_nothing(
    hana, alice, receptionist, committed, email, message
):
    response = email_add(client_for(receptionist), hana, email, committed)
    assert response.status_code == 400
    assert message in response.content.decode()
    hana.refresh_from_db()
    assert hana.email is None
    assert mail.outbox == []


def test_a_patient_who_has_an_address_keeps_it(alice, receptionist, committed):
    response = email_add(client_for(receptionist), alice, "new@example.com", committed)
    assert response.status_code == 400
    assert "has an email address already" in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == "alice@example.com"
    assert mail.outbox == []


def test_patients_doctors_and_visitors_cannot_give_a_login(hana, alice, bob, doctor, committed):
    url = reverse("patient-email-add", args=[hana.pk])
    for user in (alice, bob, doctor):
        assert client_for(user).post(url, {"email": "x@example.com"}).status_code == 403
    assert Client().post(url, {"email": "x@example.com"})["Location"].startswith("/accounts/login/")
    assert client_for(bob).get(url).status_code == 405
    hana.refresh_from_db()
    assert hana.email is None


def test_staff_records_get_no_login_through_the_patient_form(receptionist, doctor, committed):
    response = email_add(client_for(receptionist), doctor, "other@example.com", committed)
    assert response.status_code == 404


def test_no_invitation_is_sent_again_to_a_patient_without_email(hana, receptionist, committed):
    with committed():
        response = client_for(receptionist).post(reverse("invitation-resend", args=[hana.pk]))
    assert response.status_code == 302
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="sent invitation").exists()


# The admin.


def test_the_admin_lists_a_patient_without_email_by_phone(hana, manager):
    page = client_for(manager).get(reverse("admin:clinic_user_changelist")).content.decode()
    assert "+44 7400 654321" in page
    found = client_for(manager).get(reverse("admin:clinic_user_changelist"), {"q": "7400654321"})
    assert "Hana" in found.content.decode()
    change = client_for(manager).get(reverse("admin:clinic_user_change", args=[hana.pk]))
    assert change.status_code == 200


def test_the_admin_adds_no_one_without_an_email(manager):
    response = client_for(manager).post(
        reverse("admin:clinic_user_add"),
        {"email": "", "password1": "a long pass phrase", "password2": "a long pass phrase"},
    )
    assert response.status_code == 200  # the form again, with its error
    assert "This field is required" in response.content.decode()
    assert User.objects.count() == 1


def admin_change(client, person, **changes):
    data = {
        "email": person.email or "",
        "first_name": person.first_name,
        "last_name": person.last_name,
        "is_active": "on",
        "groups": [g.pk for g in person.groups.all()],
        "date_joined_0": "2027-01-01",
        "date_joined_1": "09:00:00",
    }
    return client.post(reverse("admin:clinic_user_change", args=[person.pk]), data | changes)


def test_the_admin_keeps_a_patient_without_email_as_they_are(hana, manager):
    response = admin_change(client_for(manager), hana, last_name="Okafor-Ade")
    assert response.status_code == 302
    hana.refresh_from_db()
    assert (hana.email, hana.last_name) == (None, "Okafor-Ade")


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("receptionist", "Staff need an email address"),
        ("alice", "This person logs in with a password: keep their address."),
    ],
)
def test_the_admin_refuses_to_take_the_email_of_staff_or_of_someone_who_logs_in(
    manager, request, who, message
):
    person = request.getfixturevalue(who)
    response = admin_change(client_for(manager), person, email="")
    assert response.status_code == 200  # the form again, with its error
    assert message in response.content.decode()
    person.refresh_from_db()
    assert person.email
