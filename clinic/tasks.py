"""The clinic's scheduled tasks: thin, calling a service (CONVENTIONS.md, 4)."""

from __future__ import annotations

from celery import shared_task

from clinic.patient_data.erasure import patients_purge


@shared_task(ignore_result=True)
def purge_erased_patients() -> int:
    """Daily (beat): delete what was kept of patients erased CLINICAL_RECORD_RETENTION_YEARS
    ago. Running it twice, or late, purges the same patients once."""
    return len(patients_purge())
