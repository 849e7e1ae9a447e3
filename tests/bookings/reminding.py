"""What beat and a worker do at a moment, for the reminder tests."""

import time_machine

from bookings.reminders.services import reminder_send, reminders_dispatch


def run_due(at):
    """Dispatch at `at`, then send each claimed reminder, as beat and a worker would."""
    with time_machine.travel(at, tick=False):
        return [reminder_send(pk) for pk in reminders_dispatch()]


def kinds(appointment, status="pending"):
    return sorted(appointment.reminders.filter(status=status).values_list("kind", flat=True))
