"""Liveness of the two things the clinic cannot work without: the database and the broker."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from kombu.connection import Connection

BROKER_TIMEOUT_SECONDS = 2


def check_database(alias: str = "default") -> str | None:
    """None when the database answers a query, else what went wrong."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as error:
        return f"{type(error).__name__}: {str(error).strip().splitlines()[0] if str(error) else ''}"
    return None


def check_broker() -> str | None:
    """None when the Celery broker accepts a connection, else what went wrong."""
    try:
        with Connection(  # type: ignore[no-untyped-call]
            settings.CELERY_BROKER_URL,
            transport_options=settings.CELERY_BROKER_TRANSPORT_OPTIONS,
            connect_timeout=BROKER_TIMEOUT_SECONDS,
        ) as connection:
            connection.ensure_connection(max_retries=1, timeout=BROKER_TIMEOUT_SECONDS)
            connection.default_channel  # noqa: B018 (opening a channel is what a publish does first)
    except Exception as error:  # any failure to reach the broker is a failed check, not a 500
        return f"{type(error).__name__}: {error}"
    if settings.CELERY_BROKER_URL.startswith("filesystem://"):
        # The filesystem transport "connects" to anything; what matters is the folder.
        folder = str(settings.CELERY_BROKER_TRANSPORT_OPTIONS["data_folder_in"])
        if not os.access(folder, os.W_OK):
            return f"the broker folder {folder} is missing or not writable"
    return None


def health_report() -> tuple[bool, dict[str, Any]]:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(problem is None for problem in checks.values())
    body: dict[str, Any] = {"status": "ok" if healthy else "unavailable"}
    for name, problem in checks.items():
        body[name] = {"ok": problem is None} | ({"error": problem} if problem else {})
    return healthy, body


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, body = health_report()
    return JsonResponse(body, status=200 if healthy else 503)
