"""A patient's private calendar subscription: a secret link, revocable, listing their visits."""

from datetime import date, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from icalendar import Calendar

from bookings.appointments.services import appointment_book
from bookings.calendars.feeds import FEED_HISTORY, calendar_feed_current, calendar_feed_renew
from bookings.models import Appointment
from clinic.models import CalendarFeed
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.racing import race
from tests.bookings.waitlists import approved_plan, book_course, cancel
from tests.conftest import client_for

NOW = utc(2027, 2, 20, 9)


@pytest.fixture
def clinic(db):
    with time_machine.travel(NOW, tick=False):
        return make_clinic(doctors=1)


@pytest.fixture
def course(clinic, alice, doctor):
    with time_machine.travel(NOW, tick=False):
        return book_course(clinic, approved_plan(alice, doctor))


def consultations(clinic, patient, count, first=date(2027, 3, 1), hour=14):
    """`count` consultations on weekdays from `first`, one a day at `hour`."""
    made, day = [], first
    while len(made) < count:
        if day.weekday() < 5:
            made.append(
                appointment_book(
                    patient=patient,
                    treatment_type=clinic.consultation,
                    starts_at=local(day, hour),
                    booked_by=patient,
                    notice=False,
                    now=NOW,
                )
            )
        day += timedelta(days=1)
    return made


def read(patient, client=None):
    feed = calendar_feed_current(patient=patient)
    return (client or Client()).get(reverse("calendar-feed", args=[feed.token]))


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    return calendar, [c for c in calendar.walk() if c.name == "VEVENT"]


def test_the_feed_lists_the_patients_sessions_without_a_login(course):
    with time_machine.travel(NOW, tick=False):
        calendar, found = events(read(course[0].patient))
    assert str(calendar["x-wr-calname"]).startswith("My visits at")
    assert [event.decoded("dtstart") for event in found] == [a.starts_at for a in course]
    assert [str(event["uid"]) for event in found] == [
        f"appointment-{a.pk}@localhost" for a in course
    ]
    assert "Session 2 of 4" in str(found[1]["summary"])


def test_the_feed_says_only_what_the_patient_needs_no_doctor_no_room(course, settings):
    with time_machine.travel(NOW, tick=False):
        _, found = events(read(course[0].patient))
    first = course[0]
    text = str(found[0].to_ical())
    assert str(first.doctor) not in text
    assert str(first.room) not in text
    assert "description" not in found[0]
    assert str(found[0]["location"]) == settings.CLINIC_NAME


def test_a_moved_session_keeps_its_uid_and_a_cancelled_one_leaves_the_feed(course):
    moved, gone = course[1], course[3]
    Appointment.objects.filter(pk=moved.pk).update(
        starts_at=moved.starts_at + timedelta(days=1),
        ends_at=moved.ends_at + timedelta(days=1),
        reserved_until=moved.reserved_until + timedelta(days=1),
    )
    cancel(gone)
    with time_machine.travel(NOW, tick=False):
        _, found = events(read(moved.patient))
    by_uid = {str(event["uid"]): event for event in found}
    assert by_uid[f"appointment-{moved.pk}@localhost"].decoded("dtstart") == (
        moved.starts_at + timedelta(days=1)
    )
    assert f"appointment-{gone.pk}@localhost" not in by_uid
    assert len(found) == 3


def test_visits_long_past_leave_the_feed(course):
    later = course[0].starts_at + FEED_HISTORY + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        _, found = events(read(course[0].patient))
    assert f"appointment-{course[0].pk}@localhost" not in [str(e["uid"]) for e in found]
    assert len(found) == 3


def test_another_patients_visits_are_never_in_the_feed(clinic, course, bob):
    consultations(clinic, bob, 2, first=date(2027, 6, 1))
    with time_machine.travel(NOW, tick=False):
        _, alices = events(read(course[0].patient))
        _, bobs = events(read(bob))
    assert len(alices) == 4
    assert len(bobs) == 2
    assert not {str(e["uid"]) for e in alices} & {str(e["uid"]) for e in bobs}


def test_the_token_is_long_random_and_one_per_patient(alice, bob):
    first = calendar_feed_current(patient=alice)
    assert calendar_feed_current(patient=alice) == first
    other = calendar_feed_current(patient=bob)
    assert len(first.token) >= 32
    assert first.token != other.token


@pytest.mark.parametrize("token", ["nope", "x" * 32, "../admin"])
def test_an_unknown_token_is_a_plain_404(db, token):
    response = Client().get(f"/calendar/{token}.ics")
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_a_revoked_link_answers_exactly_as_an_unknown_one(course):
    alice = course[0].patient
    old = calendar_feed_current(patient=alice).token
    new = calendar_feed_renew(patient=alice).token
    revoked = Client().get(reverse("calendar-feed", args=[old]))
    unknown = Client().get(reverse("calendar-feed", args=["z" * len(old)]))
    assert revoked.status_code == unknown.status_code == 404
    # The plain Not found page, saying nothing of a link that once worked.
    assert revoked.templates[0].name == unknown.templates[0].name == "404.html"
    assert b"revoked" not in revoked.content.lower()
    assert b"VCALENDAR" not in revoked.content
    with time_machine.travel(NOW, tick=False):
        assert len(events(Client().get(reverse("calendar-feed", args=[new])))[1]) == 4


def test_revoking_makes_a_new_link_and_says_so(course):
    alice = course[0].patient
    old = calendar_feed_current(patient=alice).token
    client = client_for(alice)
    response = client.post(reverse("calendar-feed-revoke"))
    assert response.status_code == 302
    assert response["Location"] == reverse("patient-home") + "#feed-title"
    [message] = list(get_messages(response.wsgi_request))
    assert "no longer works" in str(message)
    assert Client().get(reverse("calendar-feed", args=[old])).status_code == 404
    new = CalendarFeed.objects.live().get(patient=alice).token
    assert new != old
    page = client.get(reverse("patient-home")).content.decode()
    assert new in page
    assert old not in page


def test_revoking_is_a_post_only(alice):
    feed = calendar_feed_current(patient=alice)
    assert client_for(alice).get(reverse("calendar-feed-revoke")).status_code == 405
    assert CalendarFeed.objects.live().get(patient=alice) == feed


def test_a_revoke_needs_the_patients_csrf_token(alice):
    feed = calendar_feed_current(patient=alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(reverse("calendar-feed-revoke")).status_code == 403
    assert CalendarFeed.objects.live().get(patient=alice) == feed


def test_another_patient_or_a_visitor_cannot_revoke_alices_link(alice, bob, receptionist):
    feed = calendar_feed_current(patient=alice)
    response = Client().post(reverse("calendar-feed-revoke"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client_for(receptionist).post(reverse("calendar-feed-revoke")).status_code == 403
    # Bob's post renews Bob's own link, never Alice's.
    assert client_for(bob).post(reverse("calendar-feed-revoke")).status_code == 302
    assert CalendarFeed.objects.live().get(patient=alice) == feed
    assert CalendarFeed.objects.filter(patient=bob).count() == 1


def test_the_feed_takes_as_many_queries_for_forty_visits_as_for_ten(
    clinic, alice, bob, django_assert_num_queries
):
    consultations(clinic, alice, 10, hour=11)
    consultations(clinic, bob, 40)
    with time_machine.travel(NOW, tick=False):
        ten = calendar_feed_current(patient=alice).token
        forty = calendar_feed_current(patient=bob).token
        with django_assert_num_queries(2):
            assert len(events(Client().get(reverse("calendar-feed", args=[ten])))[1]) == 10
        with django_assert_num_queries(2):
            assert len(events(Client().get(reverse("calendar-feed", args=[forty])))[1]) == 40


def test_the_link_of_a_closed_account_reads_nothing(course):
    alice = course[0].patient
    token = calendar_feed_current(patient=alice).token
    alice.is_active = False
    alice.save()
    assert Client().get(reverse("calendar-feed", args=[token])).status_code == 404


def test_the_feed_says_when_and_where_but_never_what_is_treated(clinic, course):
    alice = course[0].patient
    with time_machine.travel(NOW, tick=False):
        consultations(clinic, alice, 1)
        _, found = events(read(alice))
    summaries = {str(event["summary"]) for event in found}
    treatment = str(course[0].treatment_type)
    assert summaries == {
        "Consultation at Pico Clinic",
        *(f"Session {n} of 4 at Pico Clinic" for n in range(1, 5)),
    }
    assert not any(treatment in summary or "melasma" in summary for summary in summaries)
    assert all("description" not in event for event in found)
    # The .ics the patient downloads for the course, to their own device, names it.
    course_file = client_for(alice).get(reverse("course-ics", args=[course[0].plan_id]))
    assert treatment in course_file.content.decode()


def test_the_feed_is_in_the_patients_language(course):
    alice = course[0].patient
    alice.profile.language = "ms"
    alice.profile.save()
    with time_machine.travel(NOW, tick=False):
        calendar, found = events(read(alice))
    assert str(calendar["x-wr-calname"]) == "Lawatan saya di Pico Clinic"
    assert str(found[1]["summary"]) == "Sesi 2 daripada 4 di Pico Clinic"


def test_a_calendar_service_may_check_the_link_with_head(course):
    feed = calendar_feed_current(patient=course[0].patient)
    assert Client().head(reverse("calendar-feed", args=[feed.token])).status_code == 200


@pytest.mark.django_db(transaction=True)
def test_two_new_links_asked_for_at_once_leave_one_link_that_works(alice):
    calendar_feed_current(patient=alice)
    outcomes = race(6, lambda n: calendar_feed_renew(patient=alice))
    assert outcomes == ["booked"] * 6  # each renewal went through: no error
    assert CalendarFeed.objects.live().filter(patient=alice).count() == 1
    assert CalendarFeed.objects.filter(patient=alice).count() == 7
