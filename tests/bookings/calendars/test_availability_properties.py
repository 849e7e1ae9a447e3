"""Random calendars: every returned slot is really free on every resource it needs, and every
really free slot is returned. The oracle below checks minute by minute, from the rows."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.calendars.availability import (
    free_slots,
    load_calendar,
    local_day_bounds,
    open_calendar,
)
from bookings.models import Appointment, Resource, Unavailability, WorkingHours
from clinic.models import User
from tests.bookings.clinics import make_clinic, resource, utc

MONDAY = date(2027, 3, 1)
DAYS = [MONDAY, MONDAY + timedelta(days=1)]
ZONE = ZoneInfo("Europe/London")
STEP = 15

hours = st.tuples(st.integers(7, 12), st.integers(1, 8)).map(
    lambda h: (time(h[0]), time(min(h[0] + h[1], 23)))
)
resource_hours = st.lists(st.tuples(st.integers(0, 1), hours), max_size=3)
bookings = st.lists(
    st.tuples(
        st.integers(0, 1),  # day
        st.integers(7 * 12, 20 * 12),  # start in 5-minute steps
        st.integers(3, 18),  # length in 5-minute steps
        st.integers(0, 9),  # which doctor / room / device, modulo what exists
        st.booleans(),  # cancelled
    ),
    max_size=8,
)


def aware(day: date, minute_of_day: int) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZONE) + timedelta(minutes=minute_of_day)


def oracle(treatment_type) -> set[datetime]:
    length = treatment_type.reserved
    rows = list(Appointment.objects.active())
    absences = list(Unavailability.objects.all())
    hours_of: dict[int, list[WorkingHours]] = {}
    for h in WorkingHours.objects.all():
        hours_of.setdefault(h.resource_id, []).append(h)

    def works(resource: Resource, start: datetime, end: datetime) -> bool:
        # Every minute of the reservation inside some hours of that day (touching hours join).
        local = start.astimezone(ZONE)
        spans = [
            (
                datetime.combine(local.date(), h.starts, tzinfo=ZONE),
                datetime.combine(local.date(), h.ends, tzinfo=ZONE),
            )
            for h in hours_of.get(resource.pk, [])
            if h.weekday == local.weekday()
        ]
        minute = start
        while minute < end:
            if not any(s <= minute < e for s, e in spans):
                return False
            minute += timedelta(minutes=5)
        return True

    def free(resource: Resource, start: datetime) -> bool:
        end = start + length
        taken = any(
            resource.pk in (a.doctor_id, a.device_id, a.room_id)
            and a.starts_at < end
            and start < a.reserved_until
            for a in rows
        )
        away = any(
            u.resource_id == resource.pk and u.starts_at < end and start < u.ends_at
            for u in absences
        )
        return not taken and not away and works(resource, start, end)

    needed = [list(Resource.objects.filter(kind="doctor"))]
    if treatment_type.needs_device:
        devices = Resource.objects.filter(kind="device")
        needed.append([d for d in devices if d.treats(treatment_type.concern)])
    if treatment_type.needs_room:
        needed.append(list(Resource.objects.filter(kind="room")))
    result = set()
    for day in DAYS:
        for minute in range(0, 24 * 60, STEP):
            start = aware(day, minute)
            if all(any(free(r, start) for r in group) for group in needed):
                result.add(start)
    return result


@pytest.mark.django_db
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    doctor_hours=st.lists(resource_hours, min_size=1, max_size=2),
    device_hours=st.lists(resource_hours, min_size=1, max_size=2),
    room_hours=st.lists(resource_hours, min_size=1, max_size=2),
    booked=bookings,
    session=st.booleans(),
)
def test_slots_are_exactly_the_free_times(doctor_hours, device_hours, room_hours, booked, session):
    with transaction.atomic():
        clinic = make_clinic(doctors=0, devices=0, rooms=0)
        for kind, groups in (
            ("doctor", doctor_hours),
            ("device", device_hours),
            ("room", room_hours),
        ):
            for n, spec in enumerate(groups):
                extra = {"concerns": ["pigmentation"]} if kind == "device" else {}
                resource(kind, f"{kind} {n}", hours=[(d, s, e) for d, (s, e) in spec], **extra)
        doctors = list(Resource.objects.filter(kind="doctor"))
        devices = list(Resource.objects.filter(kind="device"))
        rooms = list(Resource.objects.filter(kind="room"))
        patient = User.objects.create_user("p@example.com")
        for day, start, length, which, cancelled in booked:
            starts_at = aware(DAYS[day], start * 5)
            try:
                with transaction.atomic():
                    Appointment.objects.create(
                        patient=patient,
                        treatment_type=clinic.session,
                        doctor=doctors[which % len(doctors)],
                        device=devices[which % len(devices)] if which % 2 else None,
                        room=rooms[which % len(rooms)],
                        starts_at=starts_at,
                        ends_at=starts_at + timedelta(minutes=length * 5),
                        reserved_until=starts_at + timedelta(minutes=length * 5),
                        status="cancelled" if cancelled else "booked",
                        created_by=patient,
                    )
            except IntegrityError:
                pass  # the database refused a clash: exactly what it is for
        treatment_type = clinic.session if session else clinic.consultation
        slots = free_slots(
            treatment_type, first_day=DAYS[0], last_day=DAYS[-1], now=utc(2027, 1, 1)
        )
        assert set(slots) == oracle(treatment_type)
        assert len(slots) == len(set(slots))
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    booked=st.lists(st.tuples(st.integers(0, 27), st.integers(9 * 4, 16 * 4)), max_size=20),
    reads=st.lists(st.tuples(st.integers(0, 27), st.integers(0, 10)), max_size=6),
)
def test_a_calendar_read_a_few_days_at_a_time_answers_as_one_read_at_once(booked, reads):
    with transaction.atomic():
        clinic = make_clinic(doctors=2)
        patient = User.objects.create_user("p@example.com")
        for n, (day, quarter) in enumerate(booked):
            starts_at = aware(MONDAY + timedelta(days=day), quarter * 15)
            try:
                with transaction.atomic():
                    Appointment.objects.create(
                        patient=patient,
                        treatment_type=clinic.session,
                        doctor=clinic.doctors[n % 2],
                        device=clinic.devices[0],
                        room=clinic.rooms[0],
                        starts_at=starts_at,
                        ends_at=starts_at + clinic.session.duration,
                        reserved_until=starts_at + clinic.session.reserved,
                        created_by=patient,
                    )
            except IntegrityError:
                pass
        last = MONDAY + timedelta(days=27)
        span = local_day_bounds(MONDAY, last, ZONE)
        whole = load_calendar(clinic.session, span_start=span[0], span_end=span[1])
        lazy = open_calendar(clinic.session, first_day=MONDAY, last_day=MONDAY)
        for first, length in reads:  # some days first, in any order; then everything
            day = MONDAY + timedelta(days=first)
            lazy.ensure((day, min(last, day + timedelta(days=length))))
        lazy.ensure((MONDAY, last))
        assert lazy.feasible_starts() == whole.feasible_starts()
        assert lazy.starts == whole.starts
        transaction.set_rollback(True)
