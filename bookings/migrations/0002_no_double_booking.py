"""No resource is ever booked twice at once (DESIGN.md, invariant 1), held by the database.

PostgreSQL: an exclusion constraint per resource column over the reserved range
[starts_at, reserved_until), for active (not cancelled) appointments; btree_gist lets the
resource's id share the GiST index with the range. Back-to-back is allowed ('[)' ranges).

SQLite has no exclusion constraints: triggers refuse the same overlaps, and the IMMEDIATE
transactions of settings.py serialise the writers.
"""

from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations

RESOURCES = ("doctor", "device", "room")

POSTGRES_ADD = [
    f"""
    ALTER TABLE bookings_appointment ADD CONSTRAINT appointment_{column}_not_double_booked
    EXCLUDE USING gist (
        {column}_id WITH =,
        tstzrange(starts_at, reserved_until, '[)') WITH &&
    ) WHERE (status <> 'cancelled')
    """
    for column in RESOURCES
]
POSTGRES_DROP = [
    f"ALTER TABLE bookings_appointment DROP CONSTRAINT appointment_{column}_not_double_booked"
    for column in RESOURCES
]

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
SQLITE_ADD = [
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
SQLITE_DROP = [
    "DROP TRIGGER appointment_not_double_booked_on_insert",
    "DROP TRIGGER appointment_not_double_booked_on_update",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_initial")]

    operations = [
        BtreeGistExtension(),
        migrations.RunPython(
            _run({"postgresql": POSTGRES_ADD, "sqlite": SQLITE_ADD}),
            _run({"postgresql": POSTGRES_DROP, "sqlite": SQLITE_DROP}),
        ),
    ]
