from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bookings.calendars.availability import free_slots
from bookings.models import (
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    Closure,
    Unavailability,
)
from tests.bookings.clinics import local, make_clinic, resource, utc, weekly

MONDAY = date(2027, 3, 1)
LONG_BEFORE = utc(2027, 1, 1)


@pytest.fixture
def clinic(db):
    return make_clinic()


def times(slots, zone="Europe/London"):
    return [slot.astimezone(ZoneInfo(zone)).strftime("%H:%M") for slot in slots]


def book_directly(clinic, start, minutes=30, until=None, status=AppointmentStatus.BOOKED, **who):
    from clinic.models import User

    patient = User.objects.create_user(f"p{Appointment.objects.count()}@example.com")
    return Appointment.objects.create(
        patient=patient,
        treatment_type=clinic.consultation,
        doctor=who.get("doctor", clinic.doctors[0]),
        device=who.get("device"),
        room=who.get("room", clinic.rooms[0]),
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        reserved_until=until or start + timedelta(minutes=minutes),
        status=status,
        created_by=patient,
    )


def test_slots_start_on_the_step_inside_working_hours(clinic):
    slots = free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE)
    assert times(slots)[:3] == ["09:00", "09:15", "09:30"]
    assert times(slots)[-1] == "16:30"  # a 30-minute consultation ends at 17:00
    assert len(slots) == 31


def test_the_buffer_must_fit_inside_the_hours_too(clinic):
    slots = free_slots(clinic.session, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE)
    assert times(slots)[-1] == "16:00"  # 45 minutes and 15 of cool-down


def test_a_weekend_without_hours_has_no_slots(clinic):
    saturday = MONDAY - timedelta(days=2)
    assert (
        free_slots(
            clinic.consultation,
            first_day=saturday,
            last_day=saturday + timedelta(1),
            now=LONG_BEFORE,
        )
        == []
    )


def test_a_booking_and_its_buffer_take_their_slots_and_back_to_back_is_free(clinic):
    book_directly(clinic, local(MONDAY, 10), minutes=45, until=local(MONDAY, 11))
    slots = times(
        free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE)
    )
    assert "09:30" in slots  # ends 10:00, back to back
    assert "09:45" not in slots
    assert not {"10:00", "10:15", "10:30", "10:45"} & set(slots)
    assert "11:00" in slots  # right after the buffer


def test_a_cancelled_booking_frees_its_time(clinic):
    book_directly(clinic, local(MONDAY, 10), status=AppointmentStatus.CANCELLED)
    assert "10:00" in times(
        free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE)
    )


def test_a_closure_empties_the_whole_day(clinic):
    Closure.objects.create(starts_on=MONDAY, ends_on=MONDAY, reason="Bank holiday")
    slots = free_slots(
        clinic.consultation, first_day=MONDAY, last_day=MONDAY + timedelta(1), now=LONG_BEFORE
    )
    assert {slot.astimezone(ZoneInfo("Europe/London")).date() for slot in slots} == {
        MONDAY + timedelta(1)
    }


def test_a_doctors_leave_removes_their_time_and_another_doctor_fills_it(db):
    clinic = make_clinic(doctors=2, rooms=2)
    Unavailability.objects.create(
        resource=clinic.doctors[0],
        starts_at=local(MONDAY, 9),
        ends_at=local(MONDAY, 13),
        reason="Leave",
    )
    alone = free_slots(
        clinic.consultation,
        first_day=MONDAY,
        last_day=MONDAY,
        doctor=clinic.doctors[0],
        now=LONG_BEFORE,
    )
    assert times(alone)[0] == "13:00"
    anyone = free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE)
    assert times(anyone)[0] == "09:00"


def test_a_device_under_maintenance_blocks_sessions_but_not_consultations(clinic):
    Unavailability.objects.create(
        resource=clinic.devices[0],
        starts_at=local(MONDAY, 0),
        ends_at=local(MONDAY, 23),
        reason="Service",
    )
    assert free_slots(clinic.session, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE) == []
    assert free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE)


def test_only_a_device_able_to_treat_the_concern_is_used(db):
    clinic = make_clinic(concerns=["tattoo"])
    assert free_slots(clinic.session, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE) == []


def test_every_needed_resource_must_work_then(db):
    clinic = make_clinic(hours=[])
    resource("doctor", "Dr Early", hours=weekly(time(8), time(12)))
    resource("room", "Room Late", hours=weekly(time(11), time(18)))
    clinic.doctors, clinic.rooms = [], []
    slots = times(
        free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE)
    )
    assert slots == ["11:00", "11:15", "11:30"]


def test_nothing_sooner_than_the_minimum_notice(clinic):
    policy = BookingPolicy.current()
    policy.minimum_notice_minutes = 120
    policy.save()
    now = local(MONDAY, 10, 5)
    assert (
        times(free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY, now=now))[0]
        == "12:15"
    )


def test_the_slot_step_is_the_clinics(clinic):
    policy = BookingPolicy.current()
    policy.slot_step_minutes = 30
    policy.save()
    assert times(
        free_slots(clinic.consultation, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE)
    )[:3] == [
        "09:00",
        "09:30",
        "10:00",
    ]


@pytest.mark.parametrize(
    ("zone", "monday", "change"),
    [
        ("Europe/London", date(2027, 3, 22), date(2027, 3, 28)),  # clocks go forward
        ("Europe/London", date(2027, 10, 25), date(2027, 10, 31)),  # clocks go back
        ("America/New_York", date(2027, 3, 8), date(2027, 3, 14)),
        ("America/New_York", date(2027, 11, 1), date(2027, 11, 7)),
    ],
)
def test_a_10_oclock_slot_stays_at_10_local_across_daylight_saving(
    settings, db, zone, monday, change
):
    settings.TIME_ZONE = zone
    clinic = make_clinic()
    slots = free_slots(
        clinic.consultation, first_day=monday, last_day=monday + timedelta(days=11), now=LONG_BEFORE
    )
    tens = [s for s in slots if s.astimezone(ZoneInfo(zone)).strftime("%H:%M") == "10:00"]
    assert len(tens) == 10  # every weekday of both weeks
    offsets = {s.astimezone(ZoneInfo(zone)).utcoffset() for s in tens}
    assert len(offsets) == 2  # the same local time at two different UTC offsets
    assert all(s.astimezone(ZoneInfo(zone)).date() != change for s in tens)  # a Sunday


def test_the_search_takes_the_same_queries_for_a_day_and_for_six_months(
    clinic, django_assert_num_queries
):
    for week in range(26):
        book_directly(clinic, local(MONDAY + timedelta(weeks=week), 11))
    Closure.objects.create(
        starts_on=MONDAY + timedelta(days=30), ends_on=MONDAY + timedelta(days=31), reason="x"
    )
    policy = BookingPolicy.current()
    with django_assert_num_queries(1) as day:
        free_slots(
            clinic.session, first_day=MONDAY, last_day=MONDAY, now=LONG_BEFORE, policy=policy
        )
    with django_assert_num_queries(len(day)):
        free_slots(
            clinic.session,
            first_day=MONDAY,
            last_day=MONDAY + timedelta(days=182),
            now=LONG_BEFORE,
            policy=policy,
        )


def test_a_session_made_for_the_area_wins_over_a_general_one(db):
    from bookings.models import TreatmentKind, TreatmentType

    general = TreatmentType.objects.create(
        name="Tattoo", kind=TreatmentKind.SESSION, concern="tattoo", duration_minutes=45
    )
    large = TreatmentType.objects.create(
        name="Tattoo, large",
        kind=TreatmentKind.SESSION,
        concern="tattoo",
        area="large",
        duration_minutes=75,
    )
    assert TreatmentType.objects.session_for(concern="tattoo", area="large") == large
    assert TreatmentType.objects.session_for(concern="tattoo", area="small") == general
    assert TreatmentType.objects.session_for(concern="melasma", area="small") is None
