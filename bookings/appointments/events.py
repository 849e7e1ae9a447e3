"""What the calendar's writers announce as they change it, for the parts above them to act on
in the same transaction.

The waitlist offers a freed time to patients whose window holds it, and closes the entry of a
visit that left the calendar. The waitlist uses the course search to do so, and the course
writers sit below it, so the writers announce and the waitlist listens (its receivers are
connected in BookingsConfig.ready). Receivers run synchronously inside the writer's transaction:
an error in one undoes the change, as a direct call would.
"""

from __future__ import annotations

from datetime import datetime

from django.dispatch import Signal

from bookings.models import Appointment

# A time a visit held is free again (cancelled, moved, re-planned away). Arguments: starts_at
# (the time freed), now.
time_freed = Signal()
# A visit left the calendar for good (cancelled). Arguments: appointment, now.
visit_withdrawn = Signal()


def announce_time_freed(*, starts_at: datetime, now: datetime) -> None:
    time_freed.send(sender=Appointment, starts_at=starts_at, now=now)


def announce_visit_withdrawn(appointment: Appointment, *, now: datetime) -> None:
    visit_withdrawn.send(sender=Appointment, appointment=appointment, now=now)
