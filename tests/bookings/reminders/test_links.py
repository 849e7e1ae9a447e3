"""Links in messages: signed, expiring, single-use where they change something, and a clear
page, changing nothing, when stale, used, tampered with or opened by someone else."""

import json
import re
from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.test import Client

from bookings.appointments.services import appointment_book
from bookings.courses.services import session_move
from bookings.models import AppointmentStatus, LinkUse, Reminder
from bookings.reminders.links import link_make
from tests.bookings.clinics import local
from tests.bookings.reminding import run_due
from tests.bookings.waitlists import BOOKED_ON
from tests.conftest import client_for

VISIT = local(date(2027, 3, 10), 10)
PRE_CARE = VISIT - timedelta(hours=48)


@pytest.fixture
def visit(clinic, consenting):
    with time_machine.travel(BOOKED_ON, tick=False):
        return appointment_book(
            patient=consenting, treatment_type=clinic.session, starts_at=VISIT, booked_by=consenting
        )


def links_in(body):
    return dict(
        re.findall(
            r"(Tell us with one click|Move it|cancel it|To move it|To cancel it)"
            r": (http://\S+)",
            body,
        )
    )


@pytest.fixture
def pre_care_links(visit):
    run_due(PRE_CARE)
    email = next(m for m in mail.outbox if m.subject.startswith("Pico Clinic: Getting ready"))
    found = links_in(email.body)
    return {
        "confirm": found["Tell us with one click"],
        "reschedule": found["Move it"],
        "cancel": found["cancel it"],
    }


def path(url):
    return url.removeprefix("http://localhost:8000")


def open_link(url, client=None, data=None, at=PRE_CARE + timedelta(hours=1)):
    client = client or Client()
    with time_machine.travel(at, tick=False):
        if data is None:
            return client.get(path(url))
        return client.post(path(url), data)


def test_the_pre_care_message_carries_confirm_move_and_cancel_links(pre_care_links):
    assert all(url.startswith("http://localhost:8000/m/") for url in pre_care_links.values())
    assert len(set(pre_care_links.values())) == 3


def test_confirming_by_link_needs_no_sign_in_and_works_once(visit, pre_care_links):
    page = open_link(pre_care_links["confirm"])
    assert page.status_code == 200
    assert "Will you come?" in page.text
    visit.refresh_from_db()
    assert visit.confirmed_at is None  # opening the link (a mail scanner does) changes nothing
    done = open_link(pre_care_links["confirm"], data={})
    assert done.status_code == 200
    assert "Thank you" in done.text
    visit.refresh_from_db()
    confirmed = visit.confirmed_at
    assert confirmed is not None
    with time_machine.travel(PRE_CARE + timedelta(hours=2), tick=False):
        detail = client_for(visit.patient).get(f"/appointments/{visit.pk}/")
    assert "the patient confirmed on Mon 8 Mar, 11:00" in detail.text
    again = open_link(pre_care_links["confirm"], data={}, at=PRE_CARE + timedelta(hours=3))
    assert again.status_code == 410
    assert "already been used" in again.text
    visit.refresh_from_db()
    assert visit.confirmed_at == confirmed


def test_cancelling_by_link_asks_why_then_cancels_and_withdraws_the_reminders(
    visit, pre_care_links
):
    form = open_link(pre_care_links["cancel"])
    assert form.status_code == 200
    assert "Cancel this visit?" in form.text
    no_reason = open_link(pre_care_links["cancel"], data={"reason": " "})
    assert no_reason.status_code == 400
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.BOOKED
    done = open_link(pre_care_links["cancel"], data={"reason": "Unwell"})
    assert done.status_code == 200
    assert "Your visit is cancelled" in done.text
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.CANCELLED
    assert visit.cancel_reason == "Unwell"
    # Its reminders are withdrawn; the one pending message tells the patient it is cancelled.
    assert list(visit.reminders.filter(status="pending").values_list("kind", flat=True)) == [
        "cancelled"
    ]
    # Every link of the visit is stale now, the used one and the others.
    for action in ("cancel", "confirm"):
        stale = open_link(pre_care_links[action], data={"reason": "again"})
        assert stale.status_code == 410
        assert "This visit was cancelled" in stale.text


def test_a_cancel_link_inside_the_notice_period_changes_nothing_and_stays_usable(
    visit, pre_care_links
):
    late = VISIT - timedelta(hours=5)  # the clinic asks for 24 hours' notice
    refused = open_link(pre_care_links["cancel"], data={"reason": "Busy"}, at=late)
    assert refused.status_code == 409
    assert "Cancelling needs 24 hours" in refused.text
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.BOOKED
    assert not LinkUse.objects.exists()


def test_a_link_for_a_visit_that_has_moved_since_says_so(visit, pre_care_links, consenting):
    with time_machine.travel(PRE_CARE + timedelta(hours=1), tick=False):
        session_move(appointment=visit, new_start=local(date(2027, 3, 12), 14), by=consenting)
    page = open_link(pre_care_links["confirm"], data={})
    assert page.status_code == 410
    assert "This visit has moved" in page.text
    assert "Friday 12 March, 14:00" in page.text
    visit.refresh_from_db()
    assert visit.confirmed_at is None


def test_links_stop_working_when_the_visit_begins_or_they_expire(visit, pre_care_links, settings):
    passed = open_link(pre_care_links["confirm"], data={}, at=VISIT + timedelta(minutes=1))
    assert passed.status_code == 410
    assert "time has passed" in passed.text
    settings.MESSAGE_LINK_MAX_AGE_DAYS = 1
    expired = open_link(
        pre_care_links["confirm"], data={}, at=PRE_CARE + timedelta(days=1, hours=1)
    )
    assert expired.status_code == 410
    assert "expired" in expired.text
    visit.refresh_from_db()
    assert visit.confirmed_at is None


@pytest.mark.parametrize(
    "mangle",
    [
        lambda url: url[:-3] + "abc",  # signature altered
        lambda url: url[: len(url) // 2],  # cut short when copied
        lambda url: url.replace("/m/", "/m/x"),
        lambda url: "http://localhost:8000/m/é:%00",  # not a token at all
    ],
)
def test_a_tampered_link_is_refused_with_a_clear_page(visit, pre_care_links, mangle):
    page = open_link(mangle(pre_care_links["cancel"]), data={"reason": "x"})
    assert page.status_code == 400
    assert "This link is not valid" in page.text
    visit.refresh_from_db()
    assert visit.status == AppointmentStatus.BOOKED


def test_a_link_for_one_visit_cannot_be_turned_onto_another(visit, clinic, bob):
    with time_machine.travel(BOOKED_ON, tick=False):
        bobs = appointment_book(
            patient=bob,
            treatment_type=clinic.session,
            starts_at=VISIT + timedelta(hours=2),
            booked_by=bob,
        )
        url = link_make(visit, "cancel")
    payload, stamp, signature = path(url).removeprefix("/m/").split(":")
    claim = json.loads(signing.b64_decode(payload.encode()))
    assert claim["a"] == visit.pk
    claim["a"] = bobs.pk  # Alice's link, edited to point at Bob's visit
    forged = signing.b64_encode(json.dumps(claim, separators=(",", ":")).encode()).decode()
    with time_machine.travel(PRE_CARE, tick=False):
        page = Client().post(f"/m/{forged}:{stamp}:{signature}", {"reason": "x"})
    assert page.status_code == 400
    assert "This link is not valid" in page.text
    bobs.refresh_from_db()
    assert bobs.status == AppointmentStatus.BOOKED


@pytest.mark.parametrize("who", ["bob", "receptionist"])
def test_someone_else_signed_in_is_refused_and_nothing_changes(visit, pre_care_links, request, who):
    with time_machine.travel(PRE_CARE, tick=False):
        client = client_for(request.getfixturevalue(who))
    for action in ("confirm", "cancel", "reschedule"):
        page = open_link(pre_care_links[action], client=client, data={"reason": "x"})
        assert page.status_code == 403
        assert "sent to someone else" in page.text
        assert "Alice" not in page.text
    visit.refresh_from_db()
    assert (visit.status, visit.confirmed_at) == (AppointmentStatus.BOOKED, None)


def test_the_move_link_leads_to_the_move_page_once_signed_in(visit, pre_care_links, consenting):
    anonymous = open_link(pre_care_links["reschedule"])
    assert anonymous.status_code == 302
    assert anonymous["Location"] == f"/accounts/login/?next=%2Fappointments%2F{visit.pk}%2Fmove%2F"
    with time_machine.travel(PRE_CARE, tick=False):
        signed_in = client_for(consenting)
    page = open_link(pre_care_links["reschedule"], client=signed_in)
    assert page.status_code == 302
    assert page["Location"] == f"/appointments/{visit.pk}/move/"


def test_the_confirmation_carries_move_and_cancel_links_but_no_confirm(visit):
    run_due(BOOKED_ON)
    (email,) = mail.outbox
    found = links_in(email.body)
    assert set(found) == {"To move it", "To cancel it"}
    assert Reminder.objects.get(kind="confirmation").status == "sent"


def test_moving_a_visit_clears_its_confirmation(visit, pre_care_links, consenting):
    open_link(pre_care_links["confirm"], data={})
    with time_machine.travel(PRE_CARE + timedelta(hours=2), tick=False):
        session_move(appointment=visit, new_start=local(date(2027, 3, 12), 14), by=consenting)
    visit.refresh_from_db()
    assert visit.confirmed_at is None
