"""Celery tasks: thin, taking ids and calling a service (CONVENTIONS.md, 4)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from bookings.reminders import reminder_send, reminders_dispatch


@shared_task(ignore_result=True)
def dispatch_reminders() -> int:
    """Every minute (beat): claim the reminders now due and hand each to a send task."""
    ids = reminders_dispatch()
    transaction.on_commit(lambda: [send_reminder.delay(pk) for pk in ids])
    return len(ids)


@shared_task(ignore_result=True)
def send_reminder(reminder_id: int) -> str:
    return reminder_send(reminder_id)
