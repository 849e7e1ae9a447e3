"""A course session's window: the days it may fall on from the session before, and what moving
it does to the session after. Read by the move page, the move service and the waitlist."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext

from bookings.calendars.availability import local_day
from bookings.models import Appointment
from clinic.languages import short_day


@dataclass(frozen=True)
class MoveEffect:
    """What moving a session does to the next one."""

    session: int
    gap_days: int
    in_window: bool


def move_window(appointment: Appointment) -> tuple[date, date] | None:
    """The local days a course session may move to: its window from the session before.
    None for a first session (any day to come) or an appointment outside a course."""
    if appointment.plan is None or appointment.session_number in (None, 1):
        return None
    previous = (
        Appointment.objects.active()
        .filter(plan=appointment.plan, session_number__lt=appointment.session_number)
        .order_by("-session_number")
        .first()
    )
    if previous is None:
        return None
    day, window = local_day(previous.starts_at), appointment.plan.window
    return day + timedelta(days=window.min_days), day + timedelta(days=window.max_days)


def outside_window(appointment: Appointment, new_start: datetime) -> str:
    """Why the session cannot move to `new_start`'s day, or "" if the day is inside its window."""
    window = move_window(appointment)
    if window is None or window[0] <= local_day(new_start) <= window[1]:
        return ""
    return gettext(
        "Session %(number)s must fall between %(first)s and %(last)s, inside its window "
        "from the session before."
    ) % {
        "number": appointment.session_number,
        "first": short_day(window[0]),
        "last": short_day(window[1]),
    }


def move_effects(appointment: Appointment, new_start: datetime) -> list[MoveEffect]:
    """What the move does to the session after it: its new gap, and whether that still fits."""
    if appointment.plan is None:
        return []
    following = (
        Appointment.objects.active()
        .filter(plan=appointment.plan, session_number__gt=appointment.session_number)
        .order_by("session_number")
        .first()
    )
    if following is None:
        return []
    gap = (local_day(following.starts_at) - local_day(new_start)).days
    return [MoveEffect(following.session_number or 0, gap, appointment.plan.window.contains(gap))]
