"""The waitlist listens to the calendar's writers (bookings/appointments/events.py): a freed time
is offered, and a visit that left the calendar leaves the waitlist. Connected in
BookingsConfig.ready."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.dispatch import receiver

from bookings.appointments.events import time_freed, visit_withdrawn
from bookings.models import Appointment
from bookings.waitlist.services import waitlist_close_for, waitlist_offer_time


@receiver(time_freed, dispatch_uid="waitlist.offer_freed_time")
def offer_freed_time(sender: Any, *, starts_at: datetime, now: datetime, **kwargs: Any) -> None:
    waitlist_offer_time(starts_at=starts_at, now=now)


@receiver(visit_withdrawn, dispatch_uid="waitlist.close_for_withdrawn_visit")
def close_for_withdrawn_visit(
    sender: Any, *, appointment: Appointment, now: datetime, **kwargs: Any
) -> None:
    waitlist_close_for(appointment, now=now)
