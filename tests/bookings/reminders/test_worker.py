"""Reminders through a real Celery worker and a real Redis: booking while Redis is down, a worker
killed in the middle of a dispatch, the same task delivered twice. The worker is a separate
process (`celery -A clinic worker`) on the test database, mailing to files read back here."""

import time
from datetime import time as dt_time
from datetime import timedelta

import pytest
from django.utils import timezone

from bookings.calendars.availability import free_slots
from bookings.models import (
    Appointment,
    Reminder,
    ReminderKind,
    ReminderPolicy,
    ReminderStatus,
    TreatmentType,
)
from bookings.reminders.services import reminders_dispatch
from clinic.processes import CeleryWorker, RedisServer, mail_reminder_ids, publish, wait_for
from tests.bookings.clinics import make_clinic
from tests.conftest import client_for

pytestmark = pytest.mark.worker

SEND = "bookings.reminders.tasks.send_reminder"
DISPATCH = "bookings.reminders.tasks.dispatch_reminders"


@pytest.fixture
def redis_server():
    server = RedisServer().start()
    yield server
    server.stop()


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Start workers with `workers(broker_url, beat=...)`; all are stopped before the database
    is emptied."""
    started = []

    def start(broker_url, **options):
        worker = CeleryWorker(broker_url, tmp_path, **options).start()
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def due_reminders(patient, count):
    """`count` booked visits, each with a confirmation due now (as after a busy morning)."""
    clinic = make_clinic()
    session = clinic.session
    start = timezone.now() + timedelta(days=2)
    visits = Appointment.objects.bulk_create(
        Appointment(
            patient=patient,
            treatment_type=session,
            doctor=clinic.doctors[0],
            starts_at=start + timedelta(hours=n),
            ends_at=start + timedelta(hours=n) + session.duration,
            reserved_until=start + timedelta(hours=n) + session.reserved,
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
            due_at=timezone.now() - timedelta(minutes=1),
        )
        for visit in visits
    )


def statuses():
    return {pk: status for pk, status in Reminder.objects.values_list("pk", "status")}


def test_booking_while_redis_is_down_succeeds_and_its_reminders_go_once_it_is_back(
    redis_server, workers, alice, settings, tmp_path
):
    worker = workers(redis_server.url, beat=True)
    make_clinic()
    # Whatever the hour the suite runs at, the confirmation is due at once (no quiet hours).
    ReminderPolicy.objects.update_or_create(
        pk=1, defaults={"quiet_from": dt_time(0), "quiet_until": dt_time(0)}
    )
    redis_server.stop()
    # The web process runs on the same Redis for its cache: it is down too.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    consultation = TreatmentType.objects.consultation()
    tomorrow = timezone.localdate() + timedelta(days=1)
    slot = free_slots(consultation, first_day=tomorrow, last_day=tomorrow + timedelta(days=7))[0]
    response = client_for(alice).post("/book/consultation/", {"starts_at": slot.isoformat()})
    assert response.status_code == 302
    (confirmation,) = Reminder.objects.filter(patient=alice)
    assert confirmation.status == ReminderStatus.PENDING
    # For three seconds beat ticks (every second) and cannot reach the broker: nothing is
    # claimed, nothing is lost.
    time.sleep(3)
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.PENDING
    assert not mail_reminder_ids(worker.mail)

    redis_server.start()
    wait_for(
        lambda: mail_reminder_ids(worker.mail)[confirmation.pk] == 1,
        timeout=90,
        what="the confirmation once Redis is back",
    )
    confirmation.refresh_from_db()
    assert confirmation.status == ReminderStatus.SENT
    assert mail_reminder_ids(worker.mail) == {confirmation.pk: 1}


def test_the_same_send_task_delivered_twice_sends_once(redis_server, workers, alice):
    worker = workers(redis_server.url)
    (reminder,) = due_reminders(alice, 1)
    assert reminders_dispatch() == [reminder.pk]
    publish(redis_server.url, SEND, reminder.pk)
    publish(redis_server.url, SEND, reminder.pk)
    wait_for(
        lambda: worker.log().count(f"{SEND}[") >= 4,  # two received, two succeeded
        timeout=60,
        what="both deliveries to be handled",
    )
    assert "succeeded" in worker.log()
    assert "'skipped'" in worker.log()
    assert mail_reminder_ids(worker.mail) == {reminder.pk: 1}
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (ReminderStatus.SENT, 1)


def test_a_worker_killed_mid_dispatch_loses_nothing_and_sends_nothing_twice(
    redis_server, workers, alice
):
    count = 300
    reminders = due_reminders(alice, count)
    first = workers(redis_server.url)
    publish(redis_server.url, DISPATCH)
    # The worker (one process) claims the 300 rows, then hands them out to send tasks, a few
    # rows each (50 tasks): kill it while it is handing them out, before it has sent any.
    wait_for(lambda: redis_server.queued() >= 30, timeout=60, what="tasks handed out", every=0.001)
    first.kill()
    handed_out = redis_server.queued()
    claimed = Reminder.objects.filter(status=ReminderStatus.QUEUED).count()
    assert handed_out < claimed == count, "the dispatch ended before the worker was killed"
    assert not mail_reminder_ids(first.mail)

    # A new worker, with beat: it takes the tasks handed out, and the rows claimed without a
    # task are handed out again when their lease ends (3 s here, 10 minutes by default).
    workers(redis_server.url, beat=True, lease_seconds=3)
    wait_for(
        lambda: Reminder.objects.filter(status=ReminderStatus.SENT).count() == count,
        timeout=120,
        what="every reminder to be sent",
    )
    assert mail_reminder_ids(first.mail) == {r.pk: 1 for r in reminders}
