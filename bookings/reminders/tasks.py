"""Celery tasks: thin, taking ids and calling a service (CONVENTIONS.md, 4)."""

from __future__ import annotations

import time

from celery import shared_task
from kombu.exceptions import OperationalError

from bookings.reminders.services import BATCH, reminder_send, reminders_dispatch, reminders_release

BUDGET_SECONDS = 45  # a dispatch run ends before the next beat tick would start another


@shared_task(ignore_result=True)
def dispatch_reminders() -> int:
    """Every minute (beat): claim the reminders now due, a batch at a time, and hand each to a
    send task. Rows claimed but not handed over (the broker went away) are put back at once
    rather than waiting for their lease."""
    handed = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    while time.monotonic() < deadline:
        ids = reminders_dispatch()
        for n, pk in enumerate(ids):
            try:
                send_reminder.delay(pk)
            except OperationalError:
                reminders_release(ids[n:])
                raise
        handed += len(ids)
        if len(ids) < BATCH:
            break
    return handed


@shared_task(ignore_result=True)
def send_reminder(reminder_id: int) -> str:
    return reminder_send(reminder_id)
