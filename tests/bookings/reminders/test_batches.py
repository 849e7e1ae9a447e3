"""Reminders go in batches: a task takes its rows in one conditional update, sends their emails
over one connection, and marks them in one statement; a row goes once however often it is in a
batch, or a batch is delivered."""

from datetime import date, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bookings.models import Appointment, Reminder, ReminderKind, ReminderStatus
from bookings.reminders.services import (
    SEND_BATCH,
    reminder_batches,
    reminders_dispatch,
    reminders_send,
)
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.racing import race

NOW = utc(2027, 3, 1, 9)


class CountingBackend(EmailBackend):
    """The locmem backend, counting the connections opened to it."""

    opened = 0

    def open(self):
        if not getattr(self, "_open", False):
            self._open = True
            CountingBackend.opened += 1
            return True
        return False

    def close(self):
        self._open = False


@pytest.fixture
def counting(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.opened = 0
    return CountingBackend


def confirmations(patient, count):
    """`count` visits of the patient, each with a confirmation due now."""
    clinic = make_clinic()
    session = clinic.session
    start = local(date(2027, 3, 3), 9)
    visits = Appointment.objects.bulk_create(
        Appointment(
            patient=patient,
            treatment_type=session,
            doctor=clinic.doctors[0],
            starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n) + session.duration,
            reserved_until=start + timedelta(days=n) + session.reserved,
            created_by=patient,
        )
        for n in range(count)
    )
    return Reminder.objects.bulk_create(
        Reminder(
            patient=patient,
            appointment=visit,
            kind=ReminderKind.CONFIRMATION,
            channel="email",
            due_at=NOW - timedelta(minutes=1),
        )
        for visit in visits
    )


def sent_ids():
    return sorted(int(message.extra_headers["X-Clinic-Reminder"]) for message in mail.outbox)


@time_machine.travel(NOW, tick=False)
def test_a_batch_sends_each_reminder_once_over_one_connection(db, alice, counting):
    reminders = confirmations(alice, 5)
    claimed = reminders_dispatch()
    assert reminders_send(claimed) == {"sent": 5, "skipped": 0}
    assert counting.opened == 1
    assert sent_ids() == sorted(r.pk for r in reminders)
    assert set(Reminder.objects.values_list("status", flat=True)) == {ReminderStatus.SENT}


@time_machine.travel(NOW, tick=False)
def test_a_batch_delivered_twice_sends_nothing_the_second_time(db, alice):
    confirmations(alice, 3)
    claimed = reminders_dispatch()
    reminders_send(claimed)
    assert reminders_send(claimed) == {"skipped": 3}
    assert len(mail.outbox) == 3
    assert set(Reminder.objects.values_list("attempts", flat=True)) == {1}


@time_machine.travel(NOW, tick=False)
def test_a_batch_takes_the_same_few_queries_however_many_it_sends(db, alice):
    confirmations(alice, 12)
    claimed = reminders_dispatch()
    with CaptureQueriesContext(connection) as few:
        reminders_send(claimed[:2])
    with CaptureQueriesContext(connection) as many:
        reminders_send(claimed[2:])
    assert len(mail.outbox) == 12
    assert len(many.captured_queries) == len(few.captured_queries) <= 5


@pytest.mark.django_db(transaction=True)
def test_batches_racing_for_the_same_rows_send_each_once(alice):
    with time_machine.travel(NOW, tick=False):
        reminders = confirmations(alice, 40)
        claimed = reminders_dispatch()
    # Eight workers at once, each given every row (a batch delivered again, twice over).
    with time_machine.travel(NOW, tick=False):
        race(8, lambda n: reminders_send(claimed[n % 2 :] + claimed[: n % 2]))
    assert sent_ids() == sorted(r.pk for r in reminders)
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 40


@time_machine.travel(NOW, tick=False)
def test_a_reminder_no_longer_wanted_is_withdrawn_and_the_rest_of_the_batch_goes(db, alice):
    first, second = confirmations(alice, 2)
    claimed = reminders_dispatch()
    Appointment.objects.filter(pk=first.appointment_id).update(status="cancelled")
    assert reminders_send(claimed) == {"sent": 1, "withdrawn": 1, "skipped": 0}
    assert sent_ids() == [second.pk]
    first.refresh_from_db()
    assert first.status == ReminderStatus.WITHDRAWN


def test_a_small_backlog_is_spread_over_many_tasks_and_a_large_one_in_full_batches():
    assert reminder_batches([1, 2, 3]) == [[1], [2], [3]]
    assert [len(b) for b in reminder_batches(list(range(300)))] == [6] * 50
    big = reminder_batches(list(range(20_000)))
    assert {len(b) for b in big} == {SEND_BATCH}
    assert sorted(pk for batch in big for pk in batch) == list(range(20_000))
