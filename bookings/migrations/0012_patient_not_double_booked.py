"""No patient in two places at once (DESIGN.md, invariant 8), held by the database as invariant 1
is for resources: on PostgreSQL an exclusion constraint over the patient and the visit's time
[starts_at, ends_at) of every appointment not cancelled. (The buffer after a visit is the
resources' concern, not the patient's.) SQLite's triggers are made after every migrate by
bookings.calendars.schema.ensure_sqlite_triggers.

A database that already holds a patient booked twice at once cannot take the constraint: the
migration stops and names the visits, for the clinic to move or cancel one of each pair first.
"""

from django.db import migrations

CONSTRAINT = "appointment_patient_not_double_booked"

OVERLAPS = """
    SELECT a.id, b.id, a.patient_id, a.starts_at
    FROM bookings_appointment a
    JOIN bookings_appointment b
      ON a.patient_id = b.patient_id AND a.id < b.id
     AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at
    WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'
    ORDER BY a.starts_at
    LIMIT 20
"""


def add(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        clashes = cursor.fetchall()
    if clashes:
        listed = "; ".join(
            f"appointments {a} and {b} (patient {patient}, starting {when} UTC)"
            for a, b, patient, when in clashes
        )
        raise RuntimeError(
            "Some patients are booked twice at the same time. Move or cancel one visit of each "
            f"pair, then migrate again: {listed}."
        )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"""
            ALTER TABLE bookings_appointment ADD CONSTRAINT {CONSTRAINT}
            EXCLUDE USING gist (
                patient_id WITH =,
                tstzrange(starts_at, ends_at, '[)') WITH &&
            ) WHERE (status <> 'cancelled')
            """
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE bookings_appointment DROP CONSTRAINT {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("bookings", "0011_waitlist_offer_messages")]

    operations = [migrations.RunPython(add, drop)]
