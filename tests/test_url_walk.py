"""Every URL pattern, with the ids of Alice's things filled in, opened by a visitor, by another
patient and by each staff role (DESIGN.md, invariant 6). A visitor and Bob never read Alice's
name, email or phone, and never get a 500; staff who read them are in the audit log. New views
are covered without anyone remembering to add them here."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bookings.models import (
    Reminder,
    Unavailability,
    WaitlistOffer,
)
from bookings.reminders.links import link_make
from clinic.models import AuditEntry, Intake
from clinic.roles import Role
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.visits.clinical import clinical_records
from tests.bookings.visits.photographs import use_photo_dir
from tests.bookings.waitlists import approved_plan, book_course, join
from tests.conftest import client_for

ON = utc(2027, 2, 24, 9)
# The signed token of a message link is the credential: whoever holds it sees the visit.
TOKEN_HOLDER_MAY_SEE = {"message-link"}
# The audit log names patients without showing their records; reading it writes nothing.
NOT_A_PATIENT_RECORD = {"audit-log"}


@pytest.fixture(autouse=True)
def _on_a_day_before_the_course():
    # Everyone logs in and browses on the same day (a staff session ends after a day idle).
    with time_machine.travel(ON, tick=False):
        yield


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry, prefix + str(entry.pattern), inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name, entry.pattern.converters, prefix + str(entry.pattern)


def admin_object(name: str, world: dict):
    """The object of Alice's that an admin URL like admin:bookings_appointment_change opens."""
    label, _, rest = name.removeprefix("admin:").partition("_")
    for suffix in ("_change", "_history", "_delete", "_password"):
        if rest.endswith(suffix):
            rest = rest.removesuffix(suffix)
            break
    try:
        model = apps.get_model(label, rest)
    except LookupError:
        return None
    alice = world["alice"]
    if model._meta.label == "clinic.User":
        return alice.pk
    fields = {f.name for f in model._meta.get_fields()}
    for lookup in ("patient", "user", "plan__patient", "entry__patient", "appointment__patient"):
        if lookup.split("__")[0] in fields:
            found = model.objects.filter(**{lookup: alice}).first()
            return found.pk if found else None
    found = model.objects.first()
    return found.pk if found else None


@pytest.fixture
def world(db, alice, bob, doctor, receptionist, manager, settings, tmp_path, monkeypatch):
    use_photo_dir(tmp_path, monkeypatch, settings)
    alice.first_name, alice.last_name = "Alice", "Quennell-Ashdown"
    alice.save()
    alice.profile.phone = "+447700900777"
    alice.profile.date_of_birth = date(1985, 5, 1)
    alice.profile.save()
    with time_machine.travel(utc(2027, 2, 20, 9), tick=False):
        clinic = make_clinic()
        clinic.doctors[0].user = doctor  # the doctor's own schedule holds Alice's visits
        clinic.doctors[0].save()
        course = book_course(clinic, approved_plan(alice, doctor))
        entry = join(course, 2)
    plan = course[0].plan
    intake = Intake.objects.create(patient=alice, answers={})
    reminder = Reminder.objects.filter(appointment__plan=plan).first()
    reminder.status = "failed"
    reminder.save()
    offer = WaitlistOffer.objects.create(
        entry=entry, starts_at=local(date(2027, 3, 16), 10), expires_at=ON + timedelta(hours=12)
    )
    _record, proposal, patch, photo = clinical_records(course[1], doctor)
    block = Unavailability.objects.create(
        resource=clinic.rooms[0],
        starts_at=local(date(2027, 3, 3), 12),
        ends_at=local(date(2027, 3, 3), 13),
        reason="Break",
    )
    return {
        "alice": alice,
        "bob": bob,
        "staff": {Role.RECEPTIONIST: receptionist, Role.DOCTOR: doctor, Role.MANAGER: manager},
        "kwargs": {
            "patient_id": alice.pk,
            "plan_id": plan.pk,
            "appointment_id": course[1].pk,
            "intake_id": intake.pk,
            "entry_id": entry.pk,
            "offer_id": offer.pk,
            "reminder_id": reminder.pk,
            "block_id": block.pk,
            "proposal_id": proposal.pk,
            "patch_id": patch.pk,
            "photo_id": photo.pk,
            "token": link_make(course[1], "confirm"),
            "decision": "accept",
            "action": "check-in",
            "section": "concern",
        },
    }


def urls(world: dict) -> list[tuple[str, str]]:
    found = []
    for name, converters, _ in walk(get_resolver()):
        kwargs = {}
        for key in converters:
            if key == "object_id":
                value = admin_object(name, world)
                if value is None:
                    break
                kwargs[key] = str(value)
            elif key in world["kwargs"]:
                kwargs[key] = world["kwargs"][key]
            else:
                break
        else:
            try:
                found.append((name, reverse(name, kwargs=kwargs)))
            except Exception:  # a pattern whose converters we cannot fill (admin's app_label)
                continue
    return found


def body(response) -> bytes:
    """What the response sent, streamed (a photo, a CSV) or not."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def names_alice(content: bytes, alice) -> bool:
    text = content.decode(errors="ignore")
    return any(mark in text for mark in ("Quennell-Ashdown", alice.email, "7700900777"))


def test_the_walk_reaches_the_clinics_own_pages_and_the_admin(world):
    reached = dict(urls(world))
    for name in (
        "patient-detail",
        "course-detail",
        "appointment-detail",
        "desk-events",
        "plan-detail",
        "intake-section",
        "admin:clinic_user_change",
        "admin:clinic_user_changelist",
    ):
        assert name in reached, name


def test_a_visitor_and_another_patient_never_read_alices_records(world, client):
    for name, url in urls(world):
        for who, browser in (("visitor", client), ("bob", client_for(world["bob"]))):
            response = browser.get(url)
            assert response.status_code < 500, (who, name, url)
            if name in TOKEN_HOLDER_MAY_SEE:
                continue
            assert not names_alice(body(response), world["alice"]), (who, name, url)


@pytest.mark.parametrize("role", [Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER])
def test_staff_who_read_alices_records_are_in_the_audit_log(world, role):
    staff = world["staff"][role]
    browser = client_for(staff)
    missing = []
    for name, url in urls(world):
        AuditEntry.objects.filter(actor=staff).delete()
        response = browser.get(url)
        assert response.status_code < 500, (name, url)
        if (
            names_alice(body(response), world["alice"])
            and not AuditEntry.objects.filter(actor=staff, patient=world["alice"]).exists()
        ):
            missing.append((name, url))
    assert not missing, f"{role}: pages naming Alice with no audit entry: {missing}"


def test_a_patient_reading_their_own_records_is_not_audited(world):
    client_for(world["alice"]).get(reverse("course-detail", args=[world["kwargs"]["plan_id"]]))
    assert not AuditEntry.objects.exists()


def test_the_front_desk_and_the_doctors_home_are_audited(world):
    """Two pages that used to name patients with no entry."""
    with time_machine.travel(local(date(2027, 3, 22), 8), tick=False):  # Alice's session day
        client_for(world["staff"][Role.RECEPTIONIST]).get(reverse("reception-home"))
        client_for(world["staff"][Role.DOCTOR]).get(reverse("doctor-home"))
    for role in (Role.RECEPTIONIST, Role.DOCTOR):
        assert AuditEntry.objects.filter(
            actor=world["staff"][role], patient=world["alice"], action="viewed"
        ).exists(), role


def test_a_patient_is_audited_once_per_request_however_often_named(world):
    receptionist = world["staff"][Role.RECEPTIONIST]
    client_for(receptionist).get(reverse("patient-detail", args=[world["alice"].pk]))
    assert AuditEntry.objects.filter(actor=receptionist, patient=world["alice"]).count() == 1
