"""No resource is ever booked twice at once (DESIGN.md, invariant 1), whatever the code does:
the database itself refuses (an exclusion constraint on PostgreSQL, triggers on SQLite)."""

import threading
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from bookings.appointments.services import SlotUnavailable, appointment_book, is_double_booking
from bookings.models import Appointment, AppointmentStatus, BookingPolicy
from clinic.roles import Role
from tests.bookings.clinics import local, make_clinic, utc
from tests.factories import UserFactory


@pytest.fixture
def clinic(db):
    return make_clinic(doctors=2, devices=2, rooms=2)


def insert(clinic, start, minutes=30, *, doctor=0, device=None, room=0, status="booked"):
    patient = UserFactory(role=Role.PATIENT)
    return Appointment.objects.create(
        patient=patient,
        treatment_type=clinic.session,
        doctor=clinic.doctors[doctor],
        device=None if device is None else clinic.devices[device],
        room=clinic.rooms[room],
        starts_at=start,
        ends_at=start + timedelta(minutes=minutes),
        reserved_until=start + timedelta(minutes=minutes),
        status=status,
        created_by=patient,
    )


def refused(action) -> IntegrityError:
    with pytest.raises(IntegrityError) as error, transaction.atomic():
        action()
    assert is_double_booking(error.value)
    return error.value


START = utc(2027, 3, 1, 10)


@pytest.mark.parametrize(
    "clash",
    [
        {"doctor": 0, "room": 1},  # same doctor
        {"doctor": 1, "room": 0},  # same room
        {"doctor": 1, "room": 1, "device": 0},  # same device
    ],
)
def test_the_database_refuses_two_overlapping_bookings_of_one_resource(clinic, clash):
    insert(clinic, START, 60, doctor=0, room=0, device=0)
    refused(lambda: insert(clinic, START + timedelta(minutes=30), 60, **clash))
    assert Appointment.objects.count() == 1


def test_other_resources_may_overlap(clinic):
    insert(clinic, START, 60, doctor=0, room=0, device=0)
    insert(clinic, START, 60, doctor=1, room=1, device=1)
    assert Appointment.objects.count() == 2


def test_back_to_back_is_allowed(clinic):
    insert(clinic, START, 60)
    insert(clinic, START + timedelta(minutes=60), 60)
    insert(clinic, START - timedelta(minutes=30), 30)
    assert Appointment.objects.count() == 3


def test_a_cancelled_booking_frees_its_time(clinic):
    first = insert(clinic, START, 60)
    first.status = AppointmentStatus.CANCELLED
    first.save()
    insert(clinic, START, 60)
    # Bringing the cancelled one back would double-book: refused too.
    first.status = AppointmentStatus.BOOKED
    refused(first.save)


def test_moving_a_booking_onto_another_is_refused(clinic):
    insert(clinic, START, 60)
    later = insert(clinic, START + timedelta(hours=2), 60)
    later.starts_at = START + timedelta(minutes=30)
    later.ends_at = later.reserved_until = START + timedelta(minutes=90)
    refused(later.save)


@pytest.mark.django_db(transaction=True)
def test_fifty_patients_racing_for_one_slot_get_one_booking_and_49_clear_conflicts():
    clinic = make_clinic(doctors=1, devices=1, rooms=1)
    BookingPolicy.current()
    patients = [UserFactory(role=Role.PATIENT) for _ in range(50)]
    slot = local(utc(2027, 3, 1).date(), 10)
    start_together = threading.Barrier(len(patients))
    outcomes: list[str] = []

    def attempt(patient):
        try:
            start_together.wait()
            appointment_book(
                patient=patient,
                treatment_type=clinic.consultation,
                starts_at=slot,
                booked_by=patient,
                now=utc(2027, 1, 1),
            )
            outcomes.append("booked")
        except SlotUnavailable:
            outcomes.append("conflict")
        except Exception as error:  # anything else is a failure to report, not to hide
            outcomes.append(repr(error))
        finally:
            connection.close()  # each thread had its own connection

    threads = [threading.Thread(target=attempt, args=(p,)) for p in patients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(set(outcomes)) == ["booked", "conflict"], outcomes
    assert outcomes.count("booked") == 1
    assert outcomes.count("conflict") == 49
    assert Appointment.objects.filter(starts_at=slot).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_guard_survives_a_migration_that_rebuilds_the_table():
    # SQLite rebuilds a table to alter it, dropping its triggers; migrate puts them back.
    from django.core.management import call_command

    call_command("migrate", "bookings", "0003", verbosity=0)
    call_command("migrate", verbosity=0)
    clinic = make_clinic()
    insert(clinic, START, 60)
    refused(lambda: insert(clinic, START, 60))
