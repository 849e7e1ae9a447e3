"""Celery tasks: thin, taking ids and calling a service (CONVENTIONS.md, 4)."""

from __future__ import annotations

import time

from celery import shared_task
from kombu.exceptions import OperationalError

from bookings.reminders.services import (
    BATCH,
    reminder_batches,
    reminder_send,
    reminders_backlog,
    reminders_dispatch,
    reminders_release,
    reminders_send,
)

BUDGET_SECONDS = 45  # a dispatch run ends before the next beat tick would start another


@shared_task(ignore_result=True)
def dispatch_reminders() -> int:
    """Every minute (beat): claim the reminders now due, a batch at a time, and hand them to
    send tasks in batches (each sent over one connection). Rows claimed but not handed over
    (the broker went away) are put back at once rather than waiting for their lease."""
    handed = 0
    deadline = time.monotonic() + BUDGET_SECONDS
    backlog = reminders_backlog()
    while time.monotonic() < deadline:
        ids = reminders_dispatch()
        batches = reminder_batches(ids, backlog=backlog)
        for n, batch in enumerate(batches):
            try:
                send_reminders.delay(batch)
            except OperationalError:
                reminders_release([pk for rest in batches[n:] for pk in rest])
                raise
        handed += len(ids)
        if len(ids) < BATCH:
            break
    return handed


@shared_task(ignore_result=True)
def send_reminders(reminder_ids: list[int]) -> dict[str, int]:
    return dict(reminders_send(reminder_ids))


@shared_task(ignore_result=True)
def send_reminder(reminder_id: int) -> str:
    """One reminder (tasks queued before batches, and a resend by hand)."""
    return reminder_send(reminder_id)
