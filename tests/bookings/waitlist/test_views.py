"""Waitlist pages: joining from the course page, the offer's page, and the staff's list."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.models import Appointment, EntryStatus, OfferStatus, WaitlistEntry, WaitlistOffer
from tests.bookings.clinics import local
from tests.bookings.waitlists import (
    BOOKED_ON,
    CANCELLED_ON,
    FREED,
    approved_plan,
    book_course,
    cancel,
    join,
)
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def offer(alice_course, bobs_visit):
    with time_machine.travel(BOOKED_ON, tick=False):
        join(alice_course, 2)
    cancel(bobs_visit)
    return WaitlistOffer.objects.get()


def test_the_course_page_offers_a_sooner_time_and_joining_puts_the_session_on_the_waitlist(
    alice_course, alice
):
    plan = alice_course[0].plan
    with time_machine.travel(BOOKED_ON, tick=False):
        client = client_for(alice)
        page = client.get(reverse("course-detail", args=[plan.pk]))
        assert page.content.decode().count("Ask for a sooner time") == 4
        response = client.post(
            reverse("waitlist-join", args=[plan.pk]), {"appointment": alice_course[1].pk}
        )
        assert response.status_code == 302
        page = client.get(reverse("course-detail", args=[plan.pk]))
    entry = WaitlistEntry.objects.get()
    assert entry.appointment == alice_course[1]
    assert "On the waitlist" in page.content.decode()
    assert page.content.decode().count("Ask for a sooner time") == 3


def test_joining_with_a_session_of_another_course_or_bad_input_changes_nothing(
    clinic, alice_course, alice, bob, doctor
):
    with time_machine.travel(BOOKED_ON, tick=False):
        bobs = book_course(clinic, approved_plan(bob, doctor), first=local(date(2027, 3, 2), 10))
        client = client_for(alice)
        url = reverse("waitlist-join", args=[alice_course[0].plan_id])
        assert client.post(url, {"appointment": bobs[1].pk}).status_code == 404
        assert client.post(url, {"appointment": "x"}).status_code == 400
        assert client.post(url, {"latest": "2027-13-45"}).status_code == 400
        # A booked course waits per session, not for a first session.
        response = client.post(url, {"latest": "2027-04-01"})
        assert response.status_code == 400
        assert "wait for a sooner time for one of its sessions" in response.content.decode()
    assert not WaitlistEntry.objects.exists()


def test_another_patient_and_a_visitor_cannot_join_see_or_take_an_offer(offer, bob):
    plan_id = offer.entry.plan_id
    urls = [
        (
            "post",
            reverse("waitlist-join", args=[plan_id]),
            {"appointment": offer.entry.appointment_id},
        ),
        ("get", reverse("waitlist-offer", args=[offer.pk]), {}),
        ("post", reverse("waitlist-offer-decide", args=[offer.pk, "accept"]), {}),
        ("post", reverse("waitlist-offer-decide", args=[offer.pk, "decline"]), {}),
        ("post", reverse("waitlist-leave", args=[offer.entry_id]), {}),
    ]
    with time_machine.travel(CANCELLED_ON, tick=False):
        for method, url, data in urls:
            assert getattr(client_for(bob), method)(url, data).status_code == 404, url
            response = getattr(Client(), method)(url, data)
            assert response.status_code == 302
            assert "/accounts/login/" in response["Location"]
    offer.refresh_from_db()
    assert offer.status == OfferStatus.OPEN
    assert offer.entry.status == EntryStatus.WAITING
    assert WaitlistEntry.objects.count() == 1


def test_the_offer_page_shows_the_time_and_accepting_moves_the_session(offer, alice):
    with time_machine.travel(CANCELLED_ON, tick=False):
        client = client_for(alice)
        page = client.get(reverse("waitlist-offer", args=[offer.pk]))
        assert "Tuesday 16 March 2027, 10:00" in page.content.decode()
        assert "Take this time" in page.content.decode()
        home = client.get(reverse("patient-home"))
        assert reverse("waitlist-offer", args=[offer.pk]) in home.content.decode()
        response = client.post(reverse("waitlist-offer-decide", args=[offer.pk, "accept"]))
    assert response.status_code == 302
    assert Appointment.objects.get(pk=offer.entry.appointment_id).starts_at == FREED


def test_a_lapsed_offer_answers_409_and_says_so(offer, alice):
    with time_machine.travel(offer.expires_at + timedelta(minutes=1), tick=False):
        response = client_for(alice).post(
            reverse("waitlist-offer-decide", args=[offer.pk, "accept"])
        )
    assert response.status_code == 409
    assert "lapsed" in response.content.decode()
    assert Appointment.objects.get(pk=offer.entry.appointment_id).starts_at != FREED


def test_an_unknown_decision_is_404(offer, alice):
    url = reverse("waitlist-offer-decide", args=[offer.pk, "maybe"])
    assert client_for(alice).post(url).status_code == 404


def test_a_receptionist_takes_an_offer_for_a_patient_on_the_phone(offer, receptionist):
    with time_machine.travel(CANCELLED_ON, tick=False):
        response = client_for(receptionist).post(
            reverse("waitlist-offer-decide", args=[offer.pk, "accept"])
        )
    assert response.status_code == 302
    offer.refresh_from_db()
    assert offer.status == OfferStatus.ACCEPTED
    assert offer.decided_by == receptionist


def test_staff_see_everyone_waiting_in_a_constant_number_of_queries(
    clinic, alice_course, receptionist, charlie, doctor, alice
):
    with time_machine.travel(BOOKED_ON, tick=False):
        client = client_for(receptionist)
        join(alice_course, 2)
        with CaptureQueriesContext(connection) as one:
            page = client.get(reverse("waitlist"))
        charlies = book_course(clinic, approved_plan(charlie, doctor), first=FREED)
        join(charlies, 2)
        join(charlies, 3)
        with CaptureQueriesContext(connection) as three:
            page = client.get(reverse("waitlist"))
    assert page.status_code == 200
    assert "Alice" in page.content.decode()
    assert "Charlie" in page.content.decode()
    assert len(three) == len(one)
    assert client_for(alice).get(reverse("waitlist")).status_code == 403
    assert Client().get(reverse("waitlist")).status_code == 302


def test_a_receptionist_removes_a_patient_from_the_waitlist(offer, receptionist):
    with time_machine.travel(CANCELLED_ON, tick=False):
        response = client_for(receptionist).post(
            reverse("waitlist-leave", args=[offer.entry_id]), {"back": "waitlist"}
        )
    assert response["Location"] == reverse("waitlist")
    offer.refresh_from_db()
    assert offer.entry.status == EntryStatus.LEFT
    assert offer.status == OfferStatus.DECLINED


def test_a_course_not_booked_yet_can_wait_for_a_first_session(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        plan = approved_plan(alice, doctor)
        client = client_for(alice)
        page = client.get(reverse("course-detail", args=[plan.pk]))
        assert "Join the waitlist" in page.content.decode()
        response = client.post(reverse("waitlist-join", args=[plan.pk]), {"latest": "2027-03-31"})
    assert response.status_code == 302
    entry = WaitlistEntry.objects.get()
    assert entry.appointment is None
    assert (entry.earliest, entry.latest) == (date(2027, 2, 20), date(2027, 3, 31))
