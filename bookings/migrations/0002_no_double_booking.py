"""No resource is ever booked twice at once (DESIGN.md, invariant 1), held by the database.

PostgreSQL: an exclusion constraint per resource column over the reserved range
[starts_at, reserved_until), for active (not cancelled) appointments; btree_gist lets the
resource's id share the GiST index with the range. Back-to-back is allowed ('[)' ranges).

SQLite has no exclusion constraints: triggers refuse the same overlaps, and the IMMEDIATE
transactions of settings.py serialise the writers. SQLite drops a table's triggers whenever a
migration rebuilds it, so they are not made here but after every migrate, by
bookings.schema.ensure_sqlite_triggers.
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
            _run({"postgresql": POSTGRES_ADD}),
            _run({"postgresql": POSTGRES_DROP}),
        ),
    ]
