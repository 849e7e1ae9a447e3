"""Database objects Django's models cannot declare: SQLite's guard against double booking.

SQLite rebuilds a table to alter it, and the rebuild drops its triggers, so they cannot live in
a migration: after every migrate, `ensure_sqlite_triggers` drops and makes them afresh, which
also brings a changed definition to an existing database. (PostgreSQL's exclusion constraints
survive ALTER TABLE and live in migration 0002.)
"""

from typing import Any

from django.db import connections

_CLASH = """
    SELECT RAISE(ABORT, 'appointment_resource_overlap: a resource is already booked then')
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

SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS appointment_not_double_booked_on_insert",
    "DROP TRIGGER IF EXISTS appointment_not_double_booked_on_update",
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
