"""Database objects Django's models cannot declare: the guards against double booking, and how
to tell which one refused a write.

No resource is booked twice at once (invariant 1) and no patient is in two places at once
(invariant 8). On PostgreSQL these are exclusion constraints (migrations 0002 and 0012). SQLite
rebuilds a table to alter it, and the rebuild drops its triggers, so they cannot live in a
migration: after every migrate, `ensure_sqlite_triggers` drops and makes them afresh, which also
brings a changed definition to an existing database.
"""

from enum import StrEnum
from typing import Any

from django.db import DatabaseError, connections

# PostgreSQL's SQLSTATEs, and the names of the constraints behind them.
EXCLUSION_VIOLATION = "23P01"
UNIQUE_VIOLATION = "23505"
# Two transactions inserting clashing rows at once can each wait for the other while checking
# the exclusion constraint; PostgreSQL then aborts one of them (deadlock_detected). For that
# one it is a race for a resource lost like any other.
DEADLOCK_DETECTED = "40P01"
PATIENT_CONSTRAINT = "appointment_patient_not_double_booked"
SESSION_CONSTRAINT = "one_live_appointment_per_course_session"
# What SQLite's triggers and unique index say instead.
SQLITE_RESOURCE_OVERLAP = "appointment_resource_overlap"
SQLITE_PATIENT_OVERLAP = "appointment_patient_overlap"
SQLITE_SESSION_TAKEN = (
    "UNIQUE constraint failed: bookings_appointment.plan_id, bookings_appointment.session_number"
)


class Clash(StrEnum):
    """Why the database refused an appointment."""

    RESOURCE = "resource"  # a doctor, device or room was taken meanwhile
    PATIENT = "patient"  # the patient was booked elsewhere at that time meanwhile
    SESSION = "session"  # that session of the course was booked meanwhile


def clash_of(error: DatabaseError) -> Clash | None:
    """Which guard refused this write, or None for any other database error."""
    cause = error.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    constraint = getattr(getattr(cause, "diag", None), "constraint_name", None)
    text = str(error)
    if sqlstate == EXCLUSION_VIOLATION:
        return Clash.PATIENT if constraint == PATIENT_CONSTRAINT else Clash.RESOURCE
    if sqlstate == DEADLOCK_DETECTED:
        return Clash.RESOURCE
    if sqlstate == UNIQUE_VIOLATION and constraint == SESSION_CONSTRAINT:
        return Clash.SESSION
    if SQLITE_PATIENT_OVERLAP in text:
        return Clash.PATIENT
    if SQLITE_RESOURCE_OVERLAP in text:
        return Clash.RESOURCE
    if SQLITE_SESSION_TAKEN in text:
        return Clash.SESSION
    return None


_CLASH = f"""
    SELECT RAISE(ABORT, '{SQLITE_RESOURCE_OVERLAP}: a resource is already booked then')
    WHERE EXISTS (
        SELECT 1 FROM bookings_appointment AS other
        WHERE other.status <> 'cancelled'
          AND other.id IS NOT NEW.id
          AND other.starts_at < NEW.reserved_until
          AND NEW.starts_at < other.reserved_until
          AND (other.doctor_id = NEW.doctor_id
               OR other.device_id = NEW.device_id
               OR other.room_id = NEW.room_id)
    );
"""

_PATIENT_CLASH = f"""
    SELECT RAISE(ABORT, '{SQLITE_PATIENT_OVERLAP}: the patient is already booked then')
    WHERE EXISTS (
        SELECT 1 FROM bookings_appointment AS other
        WHERE other.status <> 'cancelled'
          AND other.id IS NOT NEW.id
          AND other.patient_id = NEW.patient_id
          AND other.starts_at < NEW.ends_at
          AND NEW.starts_at < other.ends_at
    );
"""

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS appointment_not_double_booked_on_insert",
    "DROP TRIGGER IF EXISTS appointment_not_double_booked_on_update",
    "DROP TRIGGER IF EXISTS appointment_patient_not_double_booked_on_insert",
    "DROP TRIGGER IF EXISTS appointment_patient_not_double_booked_on_update",
    f"""
    CREATE TRIGGER appointment_not_double_booked_on_insert
    BEFORE INSERT ON bookings_appointment WHEN NEW.status <> 'cancelled'
    BEGIN {_CLASH} END
    """,
    f"""
    CREATE TRIGGER appointment_not_double_booked_on_update
    BEFORE UPDATE OF starts_at, reserved_until, status, doctor_id, device_id, room_id
    ON bookings_appointment WHEN NEW.status <> 'cancelled'
    BEGIN {_CLASH} END
    """,
    f"""
    CREATE TRIGGER appointment_patient_not_double_booked_on_insert
    BEFORE INSERT ON bookings_appointment WHEN NEW.status <> 'cancelled'
    BEGIN {_PATIENT_CLASH} END
    """,
    f"""
    CREATE TRIGGER appointment_patient_not_double_booked_on_update
    BEFORE UPDATE OF starts_at, ends_at, status, patient_id
    ON bookings_appointment WHEN NEW.status <> 'cancelled'
    BEGIN {_PATIENT_CLASH} END
    """,
]


def ensure_sqlite_triggers(sender: Any, using: str = "default", **kwargs: Any) -> None:
    connection = connections[using]
    if connection.vendor != "sqlite":
        return
    if "bookings_appointment" not in connection.introspection.table_names():
        return  # migrated backwards past the appointments
    with connection.cursor() as cursor:
        for statement in SQLITE_TRIGGERS:
            cursor.execute(statement)
