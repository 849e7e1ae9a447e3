"""The audit log: every staff view or change of a patient's record (DESIGN.md, invariant 6).

Two ways in, so that none can be forgotten:
- a change, or a view with something particular to say, calls `audit_record` (or
  `audit_record_many`) with its own action ("cancelled appointment");
- every staff response passes through `AuditMiddleware`, which writes "viewed" for each patient
  the response names (by name, email or phone) among the people the request read from the
  database, unless the view recorded that patient already. The admin, the JSON feeds and pages
  nobody remembered to audit are covered alike; tests/test_url_walk.py walks every URL to hold it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from datetime import timedelta
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.html import escape
from ninja.throttling import BaseThrottle

from clinic.models import AuditEntry, PatientProfile, User
from clinic.roles import Role, roles_of

# The people a staff request read from the database (user id -> how a page could name them),
# and the patients it recorded already. None outside a staff request.
_read: ContextVar[dict[int, set[str]] | None] = ContextVar("audit_read", default=None)
_recorded: ContextVar[set[int] | None] = ContextVar("audit_recorded", default=None)
STAFF = (Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER)


def _spellings(text: str) -> set[str]:
    """How a page or a feed writes this text: as is, HTML-escaped, JSON-escaped."""
    text = text.strip()
    if len(text) < 3:
        return set()
    return {text, escape(text), json.dumps(text)[1:-1]}


def noticed(sender: Any, instance: Any, **kwargs: Any) -> None:
    """post_init of User and PatientProfile: inside a staff request, remember how the person
    loaded could be named in the response."""
    read = _read.get()
    if read is None:
        return
    # A partly loaded instance (.only(), .defer(), the delete collector) would load the missing
    # fields here, making another partly loaded instance: never touch one.
    if instance.get_deferred_fields() & {"first_name", "last_name", "email", "user_id", "phone"}:
        return
    if isinstance(instance, User):
        if instance.pk is None:
            return
        names = read.setdefault(instance.pk, set())
        names |= _spellings(instance.get_full_name())
        names |= _spellings(instance.email or "")
    elif isinstance(instance, PatientProfile) and instance.user_id and instance.phone:
        phone = instance.phone
        spellings = read.setdefault(instance.user_id, set())
        for written in (str(phone), phone.as_international, phone.as_national):
            spellings |= _spellings(written)


def client_address(request: HttpRequest) -> str | None:
    """The visitor's address as the rate limits and the login throttle read it: NUM_PROXIES
    hops back in X-Forwarded-For behind the clinic's proxies, else the socket's address."""
    return BaseThrottle().get_ident(request) or None


def audit_record_many(
    *,
    request: HttpRequest,
    patients: Iterable[User],
    action: str,
    detail: str = "",
    unless_within: timedelta | None = None,
) -> None:
    """One entry per patient a staff page showed (a search result lists several), in one query.
    With `unless_within`, a patient this person saw the same way that recently is not written
    again (a calendar read again every few seconds by polling)."""
    actor = request.user
    if not isinstance(actor, User):
        return
    patients = list(patients)
    recorded = _recorded.get()
    if recorded is not None:
        recorded.update(p.pk for p in patients)
    if unless_within is not None and patients:
        seen = set(
            AuditEntry.objects.filter(
                actor=actor,
                action=action,
                patient__in=[p.pk for p in patients],
                created_at__gte=timezone.now() - unless_within,
            ).values_list("patient_id", flat=True)
        )
        patients = [p for p in patients if p.pk not in seen]
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
    recorded = _recorded.get()
    if recorded is not None:
        recorded.add(patient.pk)
    AuditEntry.objects.create(
        actor=actor,
        patient=patient,
        action=action,
        detail=detail,
        path=request.get_full_path()[:500],
        ip_address=client_address(request),
    )


def not_a_patient_record(
    view: Callable[..., HttpResponseBase],
) -> Callable[..., HttpResponseBase]:
    """Mark a staff page that names patients without showing their records (the audit log
    itself), so that reading it does not write the log it reads."""
    view.audit_exempt = True  # type: ignore[attr-defined]
    return view


def _page_name(request: HttpRequest) -> str:
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return request.path_info[:100]
    return (match.view_name or request.path_info)[:100]


class AuditMiddleware:
    """Write "viewed" for every patient a staff response names that the view did not record.

    Only the people the request read are looked for in the response (their full name, email or
    phone, as HTML or JSON writes them), so the scan is bounded by what the request loaded. One
    query finds which of them are patients, one writes the entries."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        read_token = _read.set({})
        recorded_token = _recorded.set(set())
        try:
            response = self.get_response(request)
            read, recorded = _read.get() or {}, _recorded.get() or set()
        finally:
            _read.reset(read_token)
            _recorded.reset(recorded_token)
        if not read or response.streaming:
            return response  # nobody was read (the user is not even loaded: /healthz)
        actor = getattr(request, "user", None)
        match = getattr(request, "resolver_match", None)
        if (
            not isinstance(actor, User)
            or not actor.is_authenticated
            or (match is not None and getattr(match.func, "audit_exempt", False))
            or roles_of(actor).isdisjoint(STAFF)
        ):
            return response
        text = response.content.decode(response.charset or "utf-8", errors="ignore")
        named = {
            pk
            for pk, spellings in read.items()
            if pk != actor.pk and pk not in recorded and any(s in text for s in spellings)
        }
        if not named:
            return response
        patients = User.objects.filter(pk__in=named, groups__name=Role.PATIENT.value)
        path, address = request.get_full_path()[:500], client_address(request)
        page = _page_name(request)
        AuditEntry.objects.bulk_create(
            AuditEntry(
                actor=actor,
                patient_id=pk,
                action="viewed",
                detail=f"{page} ({response.status_code})",
                path=path,
                ip_address=address,
            )
            for pk in patients.values_list("pk", flat=True)
        )
        return response
