"""The Celery application. Settings come from Django's settings under the CELERY_ prefix."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clinic.settings")

app = Celery("clinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Every installed app's `tasks` module, and those of the sub-packages that have tasks.
app.autodiscover_tasks()
app.autodiscover_tasks(["bookings.reminders"])
