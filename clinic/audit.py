"""The audit log: every staff view or change of a patient's record (DESIGN.md, invariant 6)."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import HttpRequest

from clinic.models import AuditEntry, User


def client_address(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: behind a proxy, the proxy sets it (gunicorn --forwarded-allow-ips);
    # X-Forwarded-For is the client's word and not evidence.
    return request.META.get("REMOTE_ADDR") or None


def audit_record_many(
    *, request: HttpRequest, patients: Iterable[User], action: str, detail: str = ""
) -> None:
    """One entry per patient a staff page showed (a search result lists several), in one query."""
    actor = request.user
    if not isinstance(actor, User):
        return
    path, address = request.get_full_path()[:500], client_address(request)
    AuditEntry.objects.bulk_create(
        AuditEntry(
            actor=actor,
            patient=patient,
            action=action,
            detail=detail,
            path=path,
            ip_address=address,
        )
        for patient in patients
        if patient.pk != actor.pk
    )


def audit_record(*, request: HttpRequest, patient: User, action: str, detail: str = "") -> None:
    """Record that the logged-in member of staff did `action` on `patient`'s record.

    A patient looking at their own record is not audited: the log is about staff access.
    """
    actor = request.user
    if not isinstance(actor, User) or actor.pk == patient.pk:
        return
    AuditEntry.objects.create(
        actor=actor,
        patient=patient,
        action=action,
        detail=detail,
        path=request.get_full_path()[:500],
        ip_address=client_address(request),
    )
