"""The manager's settings in the admin: plain labels and help texts, errors as sentences, a
laser's concerns ticked, treatment types grouped by concern, and the weekly hours grid."""

from datetime import time

import pytest
from django.urls import reverse

from bookings.models import BookingPolicy, ReminderPolicy, Resource, TreatmentType, WorkingHours
from tests.bookings.clinics import make_clinic
from tests.conftest import client_for


@pytest.fixture
def clinic(db):
    return make_clinic(doctors=1, devices=1, rooms=2)


def page(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_policies_speak_plainly_and_open_their_one_row(manager, db):
    client = client_for(manager)
    response = client.get(reverse("admin:bookings_reminderpolicy_changelist"))
    assert response.status_code == 302
    html = page(client, response["Location"])
    for words in (
        "Send a reminder shortly before the visit",
        "Hours before the visit the reminder goes",
        "Quiet hours start",
        "Only to patients who agreed to care reminders.",
        "Failed messages list",
    ):
        assert words in html
    assert "Send soon" not in html
    policy = BookingPolicy.current()
    html = page(client, reverse("admin:bookings_bookingpolicy_change", args=[policy.pk]))
    assert "Cancellation notice (hours)" in html
    assert "The reports count a cancellation after it as late." in html


def test_a_bad_policy_value_is_refused_in_a_sentence(manager, db):
    policy = BookingPolicy.current()
    response = client_for(manager).post(
        reverse("admin:bookings_bookingpolicy_change", args=[policy.pk]),
        {
            "slot_step_minutes": 15,
            "minimum_notice_minutes": 120,
            "cancellation_notice_hours": 24,
            "waitlist_offer_hours": 0,
        },
    )
    assert response.status_code == 200
    assert "Give an offer at least 1 hour." in response.content.decode()
    policy.refresh_from_db()
    assert policy.waitlist_offer_hours == 12


def test_the_reminder_policy_saves(manager, db):
    policy = ReminderPolicy.current()
    data = {
        "send_pre_care": "on",
        "pre_care_hours": 72,
        "send_soon": "on",
        "soon_hours": 3,
        "send_aftercare": "on",
        "aftercare_at": "09:30",
        "send_book_next": "on",
        "window_closing_days": 7,
        "review_after_days": 7,
        "course_messages_at": "10:00",
        "quiet_from": "21:00",
        "quiet_until": "08:00",
        "max_attempts": 5,
    }
    url = reverse("admin:bookings_reminderpolicy_change", args=[policy.pk])
    assert client_for(manager).post(url, data).status_code == 302
    policy.refresh_from_db()
    assert (policy.pre_care_hours, policy.aftercare_at, policy.send_review) == (
        72,
        time(9, 30),
        False,
    )


def resource_post(resource, hours=(), absences=(), **fields):
    data = {
        "kind": resource.kind,
        "name": resource.name,
        "active": "on",
        "wavelengths": "",
        "handpieces": "",
        "hours-TOTAL_FORMS": len(hours),
        "hours-INITIAL_FORMS": 0,
        "absences-TOTAL_FORMS": len(absences),
        "absences-INITIAL_FORMS": 0,
        **fields,
    }
    for n, (weekday, starts, ends) in enumerate(hours):
        data |= {
            f"hours-{n}-weekday": weekday,
            f"hours-{n}-starts": starts,
            f"hours-{n}-ends": ends,
        }
    for n, (starts_at, ends_at) in enumerate(absences):
        data |= {
            f"absences-{n}-starts_at_0": starts_at[0],
            f"absences-{n}-starts_at_1": starts_at[1],
            f"absences-{n}-ends_at_0": ends_at[0],
            f"absences-{n}-ends_at_1": ends_at[1],
            f"absences-{n}-reason": "Leave",
        }
    return data


def test_a_lasers_concerns_are_ticked_not_typed(manager, clinic):
    laser = clinic.devices[0]
    client = client_for(manager)
    url = reverse("admin:bookings_resource_change", args=[laser.pk])
    html = page(client, url)
    assert 'type="checkbox" name="concerns" value="pigmentation"' in html
    WorkingHours.objects.filter(resource=laser).delete()
    response = client.post(url, resource_post(laser, concerns=["tattoo", "melasma"]))
    assert response.status_code == 302, response.content.decode()[:3000]
    laser.refresh_from_db()
    assert sorted(laser.concerns) == ["melasma", "tattoo"]


@pytest.mark.parametrize(
    ("hours", "absences", "sentence"),
    [
        ([(0, "17:00", "09:00")], [], "The hours must end after they start."),
        ([(0, "09:00", "13:00"), (0, "12:00", "17:00")], [], "On Monday 09:00-13:00 and"),
        ([], [(("2027-03-02", "15:00"), ("2027-03-02", "11:00"))], "The absence must end after"),
    ],
)
def test_hours_and_absences_are_refused_in_sentences(manager, clinic, hours, absences, sentence):
    room = clinic.rooms[0]
    WorkingHours.objects.filter(resource=room).delete()
    url = reverse("admin:bookings_resource_change", args=[room.pk])
    response = client_for(manager).post(url, resource_post(room, hours, absences))
    assert response.status_code == 200
    html = response.content.decode()
    assert sentence in html
    assert "start_before_end" not in html
    assert not WorkingHours.objects.filter(resource=room).exists()


def test_a_session_without_a_concern_is_refused_in_a_sentence(manager, db):
    response = client_for(manager).post(
        reverse("admin:bookings_treatmenttype_add"),
        {
            "name": "Mystery",
            "kind": "session",
            "concern": "",
            "area": "",
            "duration_minutes": 30,
            "buffer_minutes": 10,
            "needs_device": "on",
            "needs_room": "on",
        },
    )
    assert response.status_code == 200
    assert "A pico-laser session needs the concern it treats." in response.content.decode()
    assert not TreatmentType.objects.filter(name="Mystery").exists()


def test_treatment_types_are_listed_grouped_by_concern(manager, clinic):
    TreatmentType.objects.create(
        name="Tattoo session", kind="session", concern="tattoo", duration_minutes=30
    )
    TreatmentType.objects.create(
        name="Acne scars session", kind="session", concern="acne_scars", duration_minutes=30
    )
    html = page(client_for(manager), reverse("admin:bookings_treatmenttype_changelist"))
    names = ("Consultation", "Acne scars session", "Pico session: pigmentation", "Tattoo session")
    order = [html.index(name) for name in names]
    assert order == sorted(order)
    assert "Consultation (any concern)" in html


def week_post(**days):
    """days: d0_1=("09:00", "13:00") ..."""
    data = {}
    for key, (starts, ends) in days.items():
        data[f"{key}_from"], data[f"{key}_until"] = starts, ends
    return data


def test_the_weekly_grid_sets_a_week_with_a_break_and_gives_it_to_others(manager, clinic):
    doctor, room = clinic.doctors[0], clinic.rooms[1]
    client = client_for(manager)
    url = reverse("admin:bookings_resource_hours", args=[doctor.pk])
    html = page(client, url)
    assert 'value="09:00"' in html  # Monday to Friday 09:00-17:00, as made
    assert "Set the week day by day" in page(
        client, reverse("admin:bookings_resource_change", args=[doctor.pk])
    )
    data = week_post(d0_1=("08:00", "12:00"), d0_2=("13:00", "18:00"), d5_1=("10:00", "14:00"))
    response = client.post(url, {**data, "also": [room.pk]})
    assert response.status_code == 302
    for resource in (doctor, room):
        assert sorted(
            WorkingHours.objects.filter(resource=resource).values_list("weekday", "starts", "ends")
        ) == [(0, time(8), time(12)), (0, time(13), time(18)), (5, time(10), time(14))]
    assert WorkingHours.objects.filter(resource=clinic.rooms[0]).count() == 5  # untouched


@pytest.mark.parametrize(
    ("days", "sentence"),
    [
        ({"d1_1": ("09:00", "")}, "Tuesday: give both times of the span, or neither."),
        ({"d2_1": ("17:00", "09:00")}, "Wednesday: the hours must end after they start."),
        ({"d3_1": ("09:00", "13:00"), "d3_2": ("12:30", "17:00")}, "On Thursday 09:00-13:00"),
        ({"d0_1": ("9 o'clock", "17:00")}, "Enter a valid time."),
    ],
)
def test_the_weekly_grid_refuses_in_sentences_and_changes_nothing(manager, clinic, days, sentence):
    doctor = clinic.doctors[0]
    response = client_for(manager).post(
        reverse("admin:bookings_resource_hours", args=[doctor.pk]), week_post(**days)
    )
    assert response.status_code == 200
    assert sentence in response.content.decode()
    assert WorkingHours.objects.filter(resource=doctor).count() == 5


def test_only_managers_set_the_weekly_hours(receptionist, doctor, clinic, client):
    url = reverse("admin:bookings_resource_hours", args=[clinic.rooms[0].pk])
    for who in (receptionist, doctor):
        response = client_for(who).get(url)
        assert response.status_code == 302  # the admin's own login page: no staff access
        assert "/admin/login/" in response["Location"]
    assert "/admin/login/" in client.get(url)["Location"]
    assert Resource.objects.count() == 4
