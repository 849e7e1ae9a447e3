import re

import pytest
from django.core import mail
from django.urls import reverse

from clinic.models import AuditEntry, User
from tests.conftest import client_for

NEW_PATIENT = {
    "first_name": "Grace",
    "last_name": "Mensah",
    "email": "grace@example.com",
    "date_of_birth": "1979-09-30",
    "phone": "07400 123456",
}


@pytest.fixture
def invite(committed):
    def post(client, **overrides):
        with committed():
            return client.post(reverse("patient-new"), NEW_PATIENT | overrides)

    return post


def test_a_receptionist_registers_a_patient_and_the_patient_accepts_the_invitation(
    client, receptionist, invite
):
    response = invite(client_for(receptionist))
    grace = User.objects.get(email="grace@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-detail", args=[grace.pk])
    assert not grace.has_usable_password()
    assert str(grace.profile.phone) == "+447400123456"
    assert grace.profile.invited_by == receptionist
    [message] = mail.outbox
    assert message.to == ["grace@example.com"]
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)

    page = client.get(link)
    assert page.status_code == 200
    password = "grace chooses a strong one"
    response = client.post(link, {"new_password1": password, "new_password2": password})
    assert response.status_code == 302
    grace.refresh_from_db()
    assert grace.check_password(password)
    assert grace.profile.email_confirmed_at is not None
    assert client.get(reverse("patient-home")).status_code == 200  # logged in

    # The invitation works once.
    client.logout()
    again = client.get(link)
    assert again.status_code == 400
    assert b"used or has expired" in again.content


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": "12345"}, "valid phone number"),
        ({"email": "alice@example.com"}, "already uses this email"),
        ({"date_of_birth": "2999-01-01"}, "cannot be in the future"),
        ({"last_name": ""}, "This field is required"),
    ],
)
def test_bad_patient_details_are_refused_and_nothing_is_created(
    receptionist, alice, invite, overrides, message
):
    response = invite(client_for(receptionist), **overrides)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not User.objects.filter(first_name="Grace").exists()
    assert mail.outbox == []


@pytest.mark.parametrize("role", ["doctor", "alice"])
def test_only_receptionists_and_managers_register_patients(role, request, invite):
    response = invite(client_for(request.getfixturevalue(role)))
    assert response.status_code == 403
    assert not User.objects.filter(email="grace@example.com").exists()


def test_a_forged_invitation_link_is_refused(client, db):
    assert client.get("/accounts/invitation/Mg/not-a-token/").status_code == 400
    assert client.get("/accounts/invitation/%FF%FF/x/").status_code == 400


def test_the_invitation_can_be_sent_again_until_a_password_is_chosen(
    receptionist, alice, invite, committed
):
    client = client_for(receptionist)
    invite(client)
    grace = User.objects.get(email="grace@example.com")
    with committed():
        response = client.post(reverse("invitation-resend", args=[grace.pk]))
    assert response.status_code == 302
    assert len(mail.outbox) == 2
    with committed():
        client.post(reverse("invitation-resend", args=[alice.pk]))  # alice has a password
    assert len(mail.outbox) == 2


def test_staff_find_patients_by_name_email_or_phone(receptionist, alice, bob, invite):
    client = client_for(receptionist)
    invite(client)
    for query in ("grace", "Mensah", "grace@", "07400 123456", "7400123456"):
        page = client.get(reverse("patient-list"), {"q": query}).content.decode()
        assert "Grace Mensah" in page, query
        assert "bob@example.com" not in page


def test_a_patient_record_view_is_audited_with_who_and_from_where(receptionist, alice):
    response = client_for(receptionist).get(
        reverse("patient-detail", args=[alice.pk]), REMOTE_ADDR="192.0.2.7"
    )
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="viewed patient")
    assert (entry.actor, entry.patient, entry.ip_address) == (receptionist, alice, "192.0.2.7")


def test_patients_and_visitors_cannot_open_patient_records(client, alice, bob):
    url = reverse("patient-detail", args=[alice.pk])
    assert client_for(bob).get(url).status_code == 403
    assert client_for(alice).get(url).status_code == 403
    assert client.get(url).status_code == 302
    assert client_for(bob).get(reverse("patient-list")).status_code == 403


def test_staff_records_are_not_patient_records(receptionist, doctor):
    url = reverse("patient-detail", args=[doctor.pk])
    assert client_for(receptionist).get(url).status_code == 404


def test_the_patient_list_does_not_query_per_patient(receptionist, django_assert_max_num_queries):
    from clinic.roles import Role
    from tests.factories import UserFactory

    client = client_for(receptionist)
    UserFactory.create_batch(30, role=Role.PATIENT)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("patient-list"))
    assert len(response.context["page"].object_list) == 25


def test_each_patient_a_search_shows_is_audited(receptionist, alice, bob):
    client_for(receptionist).get(reverse("patient-list"), {"q": "alice"})
    listed = AuditEntry.objects.filter(action="listed patient", actor=receptionist)
    assert [entry.patient for entry in listed] == [alice]
    assert listed.get().detail == "alice"


def test_managers_read_and_filter_the_audit_log_but_nobody_changes_it(manager, receptionist, alice):
    client_for(receptionist).get(reverse("patient-detail", args=[alice.pk]))
    entry = AuditEntry.objects.get()
    client = client_for(manager)
    listing = client.get(
        reverse("admin:clinic_auditentry_changelist"), {"action": "viewed patient"}
    )
    assert listing.status_code == 200
    assert "viewed patient" in listing.content.decode()
    assert (
        client.post(
            reverse("admin:clinic_auditentry_delete", args=[entry.pk]), {"post": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("admin:clinic_auditentry_change", args=[entry.pk]), {"action": "x"}
        ).status_code
        == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk, action="viewed patient").exists()


def test_the_patient_record_offers_the_receptionist_the_questionnaire(receptionist, alice, doctor):
    url = reverse("intake-start-for", args=[alice.pk])
    assert (
        url
        in client_for(receptionist).get(reverse("patient-detail", args=[alice.pk])).content.decode()
    )
    # Doctors read the record but do not fill the questionnaire for the patient.
    assert (
        url
        not in client_for(doctor).get(reverse("patient-detail", args=[alice.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("role", "offered"), [("receptionist", True), ("manager", True), ("doctor", False)]
)
def test_the_patient_record_offers_staff_who_book_a_consultation_for_the_patient(
    alice, role, offered, request
):
    staff = request.getfixturevalue(role)
    page = client_for(staff).get(reverse("patient-detail", args=[alice.pk])).content.decode()
    link = f'href="{reverse("consultation-book")}?patient={alice.pk}"'
    assert (link in page) is offered
