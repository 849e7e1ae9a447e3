"""Exit 0 when the database and the broker answer, 1 otherwise (for container health checks)."""

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from clinic.health import health_report


class Command(BaseCommand):
    help = "Check the database and the Celery broker; print the report and fail if either is down."

    def handle(self, *args: Any, **options: Any) -> None:
        healthy, report = health_report()
        self.stdout.write(json.dumps(report))
        if not healthy:
            raise CommandError("The clinic is not healthy.")
