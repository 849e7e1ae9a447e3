"""Bookings racing on real connections (PostgreSQL in CI's first pass; SQLite serialises its
writers): a patient is never in two places at once, and a booking that only lost a room to
another at the same instant takes the next free room instead of failing."""

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction

from bookings.appointments.services import appointment_book
from bookings.calendars.schema import Clash, clash_of
from bookings.models import Appointment, BookingPolicy
from clinic.roles import Role
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.racing import race
from tests.factories import UserFactory

MONDAY = date(2027, 3, 1)
BEFORE = utc(2027, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_a_patient_booking_two_doctors_at_the_same_instant_gets_one_and_a_clear_conflict():
    clinic = make_clinic(doctors=2, devices=2, rooms=2)
    BookingPolicy.current()
    pairs = 20
    for round_ in range(5):  # 100 pairs in all, 40 connections at a time
        patients = [UserFactory(role=Role.PATIENT) for _ in range(pairs)]
        # Each pair its own instant, so the pairs do not compete with each other.
        day = MONDAY + timedelta(days=7 * round_)
        slots = [local(day + timedelta(days=n // 8), 9 + n % 8) for n in range(pairs)]

        def attempt(n: int, patients=patients, slots=slots) -> None:
            pair, doctor = divmod(n, 2)
            appointment_book(
                patient=patients[pair],
                treatment_type=clinic.consultation,
                starts_at=slots[pair],
                booked_by=patients[pair],
                doctor=clinic.doctors[doctor],
                now=BEFORE,
            )

        outcomes = race(pairs * 2, attempt)
        for pair in range(pairs):
            got = sorted(outcomes[2 * pair : 2 * pair + 2])
            assert got[0] == "booked", outcomes
            assert got[1] in ("conflict", "refused: You already have an appointment then."), got
            assert Appointment.objects.filter(patient=patients[pair]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_patients_booking_different_doctors_at_one_instant_both_get_a_room():
    # Two doctors and three rooms free: both bookings fit. Both used to pick the first free
    # room, and one lost its booking to a false conflict.
    clinic = make_clinic(doctors=2, devices=2, rooms=3)
    BookingPolicy.current()
    pairs = 16
    patients = [UserFactory(role=Role.PATIENT) for _ in range(pairs * 2)]
    slots = [local(MONDAY + timedelta(days=n // 8), 9 + n % 8) for n in range(pairs)]

    def attempt(n: int) -> None:
        pair, doctor = divmod(n, 2)
        appointment_book(
            patient=patients[n],
            treatment_type=clinic.consultation,
            starts_at=slots[pair],
            booked_by=patients[n],
            doctor=clinic.doctors[doctor],
            now=BEFORE,
        )

    outcomes = race(pairs * 2, attempt)
    assert outcomes == ["booked"] * (pairs * 2)
    for slot in slots:
        rooms = Appointment.objects.filter(starts_at=slot).values_list("room_id", flat=True)
        assert len(set(rooms)) == 2


def test_the_database_itself_refuses_a_patient_in_two_places(db):
    clinic = make_clinic(doctors=2, devices=2, rooms=2)
    patient = UserFactory(role=Role.PATIENT)
    start = local(MONDAY, 10)

    def insert(n: int, begins):
        return Appointment.objects.create(
            patient=patient,
            treatment_type=clinic.consultation,
            doctor=clinic.doctors[n],
            room=clinic.rooms[n],
            starts_at=begins,
            ends_at=begins + timedelta(minutes=30),
            reserved_until=begins + timedelta(minutes=30),
            created_by=patient,
        )

    insert(0, start)
    with pytest.raises(IntegrityError) as refused, transaction.atomic():
        insert(1, start + timedelta(minutes=15))
    assert clash_of(refused.value) == Clash.PATIENT
    insert(1, start + timedelta(minutes=30))  # back to back is fine
    assert Appointment.objects.filter(patient=patient).count() == 2
