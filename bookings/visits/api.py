"""The session record's JSON API, for the clinic's own tools: read a visit's record (doctors
and managers), write its draft and sign it (doctors). A signed record refuses every change with
409, as the page does. Anyone else gets 404, as for a missing visit; bad values 422.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from pydantic import BaseModel, ConfigDict

from bookings.models import AdverseEventKind, Appointment, SessionRecord
from bookings.visits.records import (
    CLINICAL,
    EDITABLE,
    RecordChanged,
    RecordLocked,
    record_save,
    record_sign,
    record_version,
)
from clinic.api_auth import api_auth, refusals
from clinic.audit import audit_record
from clinic.roles import has_role

router = Router(auth=api_auth)


class AdverseEventIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: AdverseEventKind
    grade: int = Field(ge=1, le=3, description="1 mild, 2 moderate, 3 severe")
    note: str = Field("", max_length=300)


class RecordIn(BaseModel):
    """The fields to set on the draft; those left out keep their value."""

    model_config = ConfigDict(extra="forbid")
    handpiece: str | None = Field(None, max_length=80)
    wavelength_nm: int | None = None
    spot_size_mm: Decimal | None = None
    fluence_j_cm2: Decimal | None = Field(None, description="J/cm²")
    pulse_width_ps: int | None = None
    repetition_rate_hz: Decimal | None = None
    passes: int | None = None
    total_pulses: int | None = None
    treated_areas: str | None = Field(None, max_length=300)
    skin_cooling: str | None = None
    endpoint: str | None = None
    endpoint_description: str | None = Field(None, max_length=200)
    immediate_response: str | None = None
    pain_score: int | None = None
    aftercare_given: str | None = None
    notes: str | None = None
    flag_reason: str | None = None
    version: str | None = Field(
        None,
        description="The `version` of the record as last read: a record saved since answers "
        "409 instead of being overwritten. Left out, the write applies as it is.",
    )
    adverse_events: list[AdverseEventIn] | None = Field(
        None, max_length=10, description="Replaces the draft's adverse events when given."
    )


class AdverseEventOut(Schema):
    kind: str
    grade: int
    note: str
    by_addendum: bool


class RecordOut(Schema):
    appointment: int
    status: str
    version: str = Field(description="Send it back with a PUT to refuse overwriting others.")
    signed_at: datetime | None
    values: dict[str, Any] = Field(description="Each field of the record and its value.")
    flags: list[dict[str, str]]
    adverse_events: list[AdverseEventOut]


def _visit(request: HttpRequest, appointment_id: int) -> Appointment:
    if not has_role(request.user, *CLINICAL):
        raise HttpError(404, "No such visit.")
    return get_object_or_404(Appointment.objects.select_related("patient"), pk=appointment_id)


def _out(record: SessionRecord) -> dict[str, Any]:
    return {
        "appointment": record.appointment_id,
        "status": record.status,
        "version": record_version(record),
        "signed_at": record.signed_at,
        "values": {name: _shown(name, getattr(record, name)) for name in EDITABLE},
        "flags": record.flags,
        "adverse_events": [
            {
                "kind": event.kind,
                "grade": event.grade,
                "note": event.note,
                "by_addendum": event.addendum_id is not None,
            }
            for event in record.adverse_events.all()
        ],
    }


def _shown(name: str, value: Any) -> Any:
    """A decimal as the record stores it ("2.20"), whatever the input's digits were."""
    if isinstance(value, Decimal):
        places = SessionRecord._meta.get_field(name).decimal_places  # type: ignore[union-attr]
        return f"{value:.{places}f}"
    return value


def _refused(error: ValidationError) -> HttpError:
    if isinstance(error, RecordLocked | RecordChanged):
        return HttpError(409, error.messages[0])
    return HttpError(422, " ".join(error.messages))


@router.get(
    "/records/{appointment_id}",
    response={200: RecordOut, **refusals(401, 404, 422)},
    summary="A visit's session record",
)
def record_get(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    appointment = _visit(request, appointment_id)
    record = get_object_or_404(SessionRecord, appointment=appointment)
    audit_record(request=request, patient=appointment.patient, action="viewed session record")
    return _out(record)


@router.put(
    "/records/{appointment_id}",
    response={200: RecordOut, **refusals(401, 403, 404, 409, 422)},
    summary="Write the visit's draft record (a signed one answers 409)",
)
def record_put(request: HttpRequest, appointment_id: int, body: RecordIn) -> dict[str, Any]:
    appointment = _visit(request, appointment_id)
    values = body.model_dump(exclude_unset=True)
    events = values.pop("adverse_events", None)
    version = values.pop("version", None)
    values = {
        name: ("" if value is None and _is_text(name) else value) for name, value in values.items()
    }
    try:
        record = record_save(
            appointment=appointment,
            by=request.user,
            values=values,
            adverse_events=events,
            version=version,
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    except ValidationError as error:
        raise _refused(error) from None
    audit_record(request=request, patient=appointment.patient, action="recorded session")
    return _out(record)


def _is_text(name: str) -> bool:
    return SessionRecord._meta.get_field(name).get_internal_type() in ("CharField", "TextField")


@router.post(
    "/records/{appointment_id}/sign",
    response={200: RecordOut, **refusals(401, 403, 404, 409, 422)},
    summary="Sign the record: it locks, and the visit is recorded as completed",
)
def record_sign_api(request: HttpRequest, appointment_id: int) -> dict[str, Any]:
    appointment = _visit(request, appointment_id)
    record = get_object_or_404(SessionRecord, appointment=appointment)
    try:
        record = record_sign(record=record, by=request.user)
    except PermissionDenied as error:
        raise HttpError(403, str(error)) from None
    except ValidationError as error:
        raise _refused(error) from None
    audit_record(request=request, patient=appointment.patient, action="signed session record")
    return _out(record)
