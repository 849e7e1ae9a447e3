"""Managers read the audit log filtered by patient, staff member and dates, and export it."""

import csv
import io

import pytest
from django.urls import reverse

from clinic.models import AuditEntry
from tests.conftest import client_for


@pytest.fixture
def log(alice, bob, receptionist, doctor):
    for actor, patient, action in (
        (receptionist, alice, "viewed appointment"),
        (doctor, alice, "approved plan"),
        (receptionist, bob, "cancelled appointment"),
    ):
        AuditEntry.objects.create(actor=actor, patient=patient, action=action)


def shown(response):
    return [(e.actor.pk, e.patient.pk, e.action) for e in response.context["page"]]


def test_a_manager_filters_the_log_by_patient_and_by_staff_member(
    log, manager, alice, bob, receptionist
):
    client = client_for(manager)
    by_patient = client.get(reverse("audit-log"), {"patient": alice.last_name})
    assert {row[1] for row in shown(by_patient)} == {alice.pk}
    assert len(shown(by_patient)) == 2
    by_staff = client.get(reverse("audit-log"), {"staff": receptionist.pk})
    assert {row[0] for row in shown(by_staff)} == {receptionist.pk}
    both = client.get(reverse("audit-log"), {"staff": receptionist.pk, "patient": bob.email})
    assert shown(both) == [(receptionist.pk, bob.pk, "cancelled appointment")]


def test_the_export_has_every_row_the_filter_selects(log, manager, alice):
    response = client_for(manager).get(
        reverse("audit-log"), {"patient": alice.email, "format": "csv"}
    )
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:4] == ["when (UTC)", "staff member", "action", "patient"]
    assert sorted(row[2] for row in rows[1:]) == ["approved plan", "viewed appointment"]
    assert all(alice.email in row[3] for row in rows[1:])


def test_bad_filters_are_a_400_with_a_message(log, manager):
    response = client_for(manager).get(
        reverse("audit-log"), {"since": "2027-03-02", "until": "2027-03-01", "staff": "x"}
    )
    assert response.status_code == 400
    assert "before the start date" in response.content.decode()


@pytest.mark.parametrize("who", ["alice", "receptionist", "doctor"])
def test_only_managers_read_the_log(log, request, who, client):
    assert client_for(request.getfixturevalue(who)).get(reverse("audit-log")).status_code == 403
    assert client.get(reverse("audit-log")).status_code == 302


def test_the_log_page_takes_the_same_queries_for_few_or_many_entries(
    log, manager, alice, receptionist, django_assert_max_num_queries
):
    client = client_for(manager)
    client.get(reverse("audit-log"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("audit-log"))
    AuditEntry.objects.bulk_create(
        AuditEntry(actor=receptionist, patient=alice, action="viewed") for _ in range(60)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("audit-log"))


def test_reading_the_log_does_not_write_to_it(log, manager):
    before = AuditEntry.objects.count()
    client_for(manager).get(reverse("audit-log"))
    assert AuditEntry.objects.count() == before
