"""The one SQL statement an availability search reads the calendars with.

Six result sets (the clinic's booking policy, the resources, their weekly hours, the closures,
the absences and the active appointments) come back as one UNION ALL of plain integers, in one
round trip: the search takes the same single query for a day or for six months, and fetching
integers is far cheaper than fetching datetimes (a 6-month search reads some 20,000 instants).
A booking adds a seventh, the patient's own visits then, so that one read tells it whether the
patient is free too. Each database gets its own spelling of "seconds since the epoch",
"minutes since midnight" and "days since 1970-01-01".

Row shape: (tag, resource_id, a, b, c, d, text), where tag is one of the constants below.
(Grouping each resource's reservations into one string in the database was measured and is
slower than reading the rows: the aggregation costs more than the loop it saves.)
"""

from __future__ import annotations

import functools
import sqlite3
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection

RESOURCE, HOURS, CLOSURE, ABSENCE, APPOINTMENT, POLICY, PATIENT = range(7)
# The booking policy's columns a search needs, in the POLICY row's a, b, c, d.
POLICY_FIELDS = (
    "slot_step_minutes",
    "minimum_notice_minutes",
    "cancellation_notice_hours",
    "waitlist_offer_hours",
)

_SPELLINGS = {
    "postgresql": {
        # date_part() is float8; EXTRACT() is numeric since PostgreSQL 14, and slower to cast.
        "epoch": "CAST(date_part('epoch', {}) AS bigint)",
        "minutes": "CAST(EXTRACT(HOUR FROM {0}) * 60 + EXTRACT(MINUTE FROM {0}) AS bigint)",
        "days": "({} - DATE '1970-01-01')",
        "concerns": "CAST(r.concerns AS text)",
        "null_text": "CAST(NULL AS text)",
        "null_int": "CAST(NULL AS bigint)",
    },
    "sqlite": {
        "epoch": "unixepoch({})"
        if sqlite3.sqlite_version_info >= (3, 38)
        # julianday() is fractional days; rounding guards against 09:59:59.9999.
        else "CAST(ROUND((julianday({}) - 2440587.5) * 86400.0) AS integer)",
        "minutes": "(CAST(substr({0}, 1, 2) AS integer) * 60 + CAST(substr({0}, 4, 2) AS integer))",
        "days": "CAST(julianday({}) - 2440587.5 AS integer)",
        "concerns": "r.concerns",
        "null_text": "NULL",
        "null_int": "NULL",
    },
}


@functools.cache
def _statement(vendor: str, spans: int, patient: bool) -> str:
    """The statement for `spans` disjoint spans of time (a search may read several weeks of a
    long horizon at once: the appointments are read for those weeks only), and with `patient`
    the patient's own visits over them."""
    s = _SPELLINGS[vendor]
    # No reservation is longer than LONGEST_RESERVATION, so starts_at is bounded on both sides
    # and its index reads only each span, not every later appointment.
    in_spans = " OR ".join(
        f"(a.starts_at > %(earliest{i})s AND a.starts_at < %(end{i})s"
        f" AND a.reserved_until > %(start{i})s)"
        for i in range(spans)
    )
    epoch, minutes, days = s["epoch"], s["minutes"], s["days"]
    null, text = s["null_int"], s["null_text"]
    own = (
        f"""
    UNION ALL
    SELECT {PATIENT}, {null}, {null}, {null},
           {epoch.format("a.starts_at")}, {epoch.format("a.ends_at")}, {text}
      FROM bookings_appointment a
     WHERE a.patient_id = %(patient)s AND a.status <> 'cancelled' AND a.id <> %(ignore)s
       AND a.starts_at < %(last_end)s AND a.ends_at > %(first_start)s"""
        if patient
        else ""
    )
    policy = ", ".join(f"p.{name}" for name in POLICY_FIELDS)
    return f"""
    SELECT {POLICY}, {null}, {policy}, {text}
      FROM bookings_bookingpolicy p
     WHERE p.id = 1
    UNION ALL
    SELECT {RESOURCE}, r.id, {null}, {null}, {null}, {null}, r.kind || ' ' || {s["concerns"]}
      FROM bookings_resource r
     WHERE r.active AND (r.kind <> 'doctor' OR %(doctor)s IS NULL OR r.id = %(doctor)s)
    UNION ALL
    SELECT {HOURS}, h.resource_id, h.weekday, {minutes.format("h.starts")},
           {minutes.format("h.ends")}, {null}, {text}
      FROM bookings_workinghours h JOIN bookings_resource r ON r.id = h.resource_id
     WHERE r.active
    UNION ALL
    SELECT {CLOSURE}, {null}, {days.format("c.starts_on")}, {days.format("c.ends_on")},
           {null}, {null}, {text}
      FROM bookings_closure c
     WHERE c.starts_on <= %(last_day)s AND c.ends_on >= %(first_day)s
    UNION ALL
    SELECT {ABSENCE}, u.resource_id, {epoch.format("u.starts_at")}, {epoch.format("u.ends_at")},
           {null}, {null}, {text}
      FROM bookings_unavailability u
     WHERE u.starts_at < %(last_end)s AND u.ends_at > %(first_start)s
    UNION ALL
    SELECT {APPOINTMENT}, a.doctor_id, a.device_id, a.room_id,
           {epoch.format("a.starts_at")}, {epoch.format("a.reserved_until")}, {text}
      FROM bookings_appointment a
     WHERE a.status <> 'cancelled' AND a.id <> %(ignore)s AND ({in_spans})
       AND (%(doctor)s IS NULL OR a.doctor_id = %(doctor)s
            OR (%(devices)s AND a.device_id IS NOT NULL)
            OR (%(rooms)s AND a.room_id IS NOT NULL)){own}
    """


def read_calendars(
    *,
    spans: list[tuple[datetime, datetime]],
    longest: timedelta,
    first_day: date,
    last_day: date,
    doctor_id: int | None,
    ignore_appointment: int | None,
    patient_id: int | None = None,
    devices: bool = True,
    rooms: bool = True,
) -> list[tuple[Any, ...]]:
    """The calendars over `spans` (sorted, disjoint [start, end) instants); closures from
    first_day to last_day; `longest` is the longest reservation there can be; with
    `patient_id`, that patient's visits over the spans. For one doctor, only the appointments
    that hold that doctor, or a device or room the search needs (`devices`, `rooms`)."""
    ops = connection.ops
    params: dict[str, Any] = {
        "patient": patient_id,
        "devices": devices,
        "rooms": rooms,
        "doctor": doctor_id,
        "first_day": ops.adapt_datefield_value(first_day),
        "last_day": ops.adapt_datefield_value(last_day),
        "first_start": ops.adapt_datetimefield_value(spans[0][0]),
        "last_end": ops.adapt_datetimefield_value(spans[-1][1]),
        "ignore": ignore_appointment or 0,
    }
    for i, (start, end) in enumerate(spans):
        params[f"start{i}"] = ops.adapt_datetimefield_value(start)
        params[f"end{i}"] = ops.adapt_datetimefield_value(end)
        params[f"earliest{i}"] = ops.adapt_datetimefield_value(start - longest)
    with connection.cursor() as cursor:
        cursor.execute(_statement(connection.vendor, len(spans), patient_id is not None), params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
    return rows
