"""Reminders: durable outbox rows written with the booking change that causes them, sent once by
the Celery workers.

Owns planning the rows (services), when each is due and quiet hours (times), what each says on
each channel (messages), the signed links a message carries (links), the Celery tasks (tasks)
and the failed-messages page (views).

Imports: calendars. Told of changes by the writers (appointments, courses, waitlist, visits);
never calls a writer.
"""
