"""The course API: propose, book, move, cancel, re-plan. Session authentication for the
browser (with its CSRF token), bearer tokens for integrations (`manage.py api_token`).

A course or appointment the caller may not see answers 404, as a missing one does; bad input
(a body that is not a JSON object too) 422; a time taken meanwhile, a proposal that changed
since it was shown, or a course that cannot be booked now (closed, stopped by its screening, or
waiting for its doctor's review), 409. No credentials: 401. Each refusal carries a `detail`
(clinic.api_auth).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from pydantic import BaseModel, model_validator
from pydantic_core import PydanticCustomError

from bookings.appointments.services import (
    STAFF,
    SlotUnavailable,
    appointment_cancel,
)
from bookings.calendars.availability import clinic_zone
from bookings.courses.keeping import (
    CourseUnfixable,
    FixChanged,
    course_fix_apply,
    course_fix_propose,
)
from bookings.courses.search import Band, Preferences, SeriesFailure, SeriesProposal, propose_series
from bookings.courses.services import series_book, session_move
from bookings.models import Appointment, BookingPolicy, Resource, ResourceKind, TreatmentType
from clinic.api_auth import api_auth, refusals
from clinic.audit import audit_record
from clinic.models import User
from clinic.roles import Role, has_role
from planner.models import TreatmentPlan

router = Router(auth=api_auth)


class Body(BaseModel):
    """A request body: a JSON object. A pydantic model, not a ninja Schema: a Schema reads its
    fields as attributes of whatever it is given (for responses built from models), so a body of
    `12345`, `[]`, `"x"` or `null` passed as an empty object with every default."""

    @model_validator(mode="before")
    @classmethod
    def an_object(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise PydanticCustomError(
                "not_an_object", "The body must be a JSON object, such as {}."
            )
        return data


class Wishes(Body):
    first_start: datetime | None = Field(
        None, description="The first session's start (with its offset); omit for the earliest."
    )
    weekdays: list[int] = Field(default=[], description="0 = Monday; empty: any day.")
    bands: list[Band] = Field(default=[], description="morning, afternoon, evening; empty: any.")
    doctor: int | None = Field(None, description="A preferred doctor (a resource id).")
    same_doctor: bool = True


class BookIn(Wishes):
    fingerprint: str = Field(description="The proposal's fingerprint, as it was shown.")


class SessionOut(Schema):
    number: int
    starts_at: datetime
    local_start: str
    doctor: int
    device: int | None
    room: int | None
    gap_days: int | None
    window_opens: date | None
    window_closes: date | None


class ProposalOut(Schema):
    plan: int
    fingerprint: str
    sessions: list[SessionOut]


class AppointmentOut(Schema):
    id: int
    session: int | None
    status: str
    starts_at: datetime
    local_start: str
    doctor: int
    room: int | None


class MoveIn(Body):
    starts_at: datetime
    reflow: bool = Field(False, description="Place the later sessions again from this one.")


class CancelIn(Body):
    reason: str = Field(min_length=1, max_length=200)
    override: bool = Field(False, description="Staff only: cancel inside the notice period.")


class ReplanOut(Schema):
    fingerprint: str | None
    reasons: list[str]
    changes: list[dict[str, Any]]


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # both authentications give a User
    return user


def _course(request: HttpRequest, plan_id: int) -> TreatmentPlan:
    plan = get_object_or_404(TreatmentPlan.objects.select_related("patient"), pk=plan_id)
    user = _user(request)
    if plan.patient_id != user.pk and not has_role(user, *STAFF):
        raise HttpError(404, "No such course.")
    if plan.patient_id != user.pk:
        audit_record(request=request, patient=plan.patient, action="course via API")
    return plan


def _appointment(request: HttpRequest, appointment_id: int) -> Appointment:
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient", "plan"), pk=appointment_id
    )
    user = _user(request)
    if appointment.patient_id != user.pk and not has_role(user, *STAFF):
        raise HttpError(404, "No such appointment.")
    return appointment


def _refused(error: ValidationError | PermissionDenied) -> HttpError:
    if isinstance(error, PermissionDenied):
        return HttpError(403, str(error) or "Not allowed.")
    return HttpError(422, " ".join(error.messages))


def _sessions(proposal: SeriesProposal) -> list[dict[str, Any]]:
    zone = clinic_zone()
    return [
        {
            "number": s.number,
            "starts_at": s.starts_at,
            "local_start": s.starts_at.astimezone(zone).isoformat(),
            "doctor": s.doctor_id,
            "device": s.device_id,
            "room": s.room_id,
            "gap_days": s.gap_days,
            "window_opens": s.window_opens,
            "window_closes": s.window_closes,
        }
        for s in proposal.sessions
    ]


def _appointments(appointments: list[Appointment]) -> list[dict[str, Any]]:
    zone = clinic_zone()
    return [
        {
            "id": a.pk,
            "session": a.session_number,
            "status": a.status,
            "starts_at": a.starts_at,
            "local_start": a.starts_at.astimezone(zone).isoformat(),
            "doctor": a.doctor_id,
            "room": a.room_id,
        }
        for a in appointments
    ]


def _propose(request: HttpRequest, plan: TreatmentPlan, wishes: Wishes) -> SeriesProposal:
    user = _user(request)
    if plan.patient_id != user.pk and not has_role(user, Role.RECEPTIONIST):
        raise HttpError(403, "Only the patient or a receptionist books a course.")
    if wishes.first_start is not None and wishes.first_start.tzinfo is None:
        raise HttpError(422, "first_start needs its time zone offset.")
    if any(not 0 <= day <= 6 for day in wishes.weekdays):
        raise HttpError(422, "weekdays are 0 (Monday) to 6 (Sunday).")
    if (
        wishes.doctor is not None
        and not Resource.objects.filter(
            pk=wishes.doctor, kind=ResourceKind.DOCTOR, active=True
        ).exists()
    ):
        raise HttpError(422, "No such doctor.")
    if problem := plan.booking_problem:
        raise HttpError(409, problem)
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        raise HttpError(422, "The clinic has no treatment set up for this concern yet.")
    if Appointment.objects.active().filter(plan=plan).exists():
        raise HttpError(409, "This course is booked already: move a session instead.")
    result = propose_series(
        treatment_type=treatment_type,
        sessions=plan.sessions,
        window=plan.window,
        preferences=Preferences(
            weekdays=frozenset(wishes.weekdays),
            bands=frozenset(wishes.bands),
            doctor_id=wishes.doctor,
            same_doctor=wishes.same_doctor,
        ),
        first_start=wishes.first_start,
        policy=BookingPolicy.current(),
    )
    if isinstance(result, SeriesFailure):
        alternatives = "; ".join(label for label, _ in result.alternatives)
        raise HttpError(
            409,
            f"Session {result.session}: {result.reason}"
            + (f" It can be booked {alternatives}." if alternatives else ""),
        )
    return result


@router.post(
    "/courses/{plan_id}/proposal",
    response={200: ProposalOut, **refusals(401, 403, 404, 409, 422)},
    summary="Propose the whole course on the calendars (nothing is booked)",
)
def course_proposal(request: HttpRequest, plan_id: int, wishes: Wishes) -> dict[str, Any]:
    plan = _course(request, plan_id)
    proposal = _propose(request, plan, wishes)
    return {"plan": plan.pk, "fingerprint": proposal.fingerprint, "sessions": _sessions(proposal)}


@router.post(
    "/courses/{plan_id}/booking",
    response={201: list[AppointmentOut], **refusals(401, 403, 404, 409, 422)},
    summary="Book the course proposed with these wishes: all sessions or none",
)
def course_booking(request: HttpRequest, plan_id: int, body: BookIn) -> Status[Any]:
    plan = _course(request, plan_id)
    proposal = _propose(request, plan, body)
    if proposal.fingerprint != body.fingerprint:
        raise HttpError(409, "The proposal changed since it was shown. Please propose again.")
    try:
        booked = series_book(plan=plan, proposal=proposal, booked_by=_user(request))
    except SlotUnavailable as error:
        raise HttpError(409, str(error)) from None
    except ValidationError as error:
        raise _refused(error) from None
    audit_record(request=request, patient=plan.patient, action="booked course via API")
    return Status(201, _appointments(booked))


@router.get(
    "/courses/{plan_id}/sessions",
    response={200: list[AppointmentOut], **refusals(401, 404, 422)},
)
def course_sessions(request: HttpRequest, plan_id: int) -> list[dict[str, Any]]:
    plan = _course(request, plan_id)
    return _appointments(list(Appointment.objects.filter(plan=plan).order_by("starts_at")))


@router.get(
    "/courses/{plan_id}/replan",
    response={200: ReplanOut, **refusals(401, 404, 409, 422)},
    summary="What re-planning the rest of the course would change (nothing changes)",
)
def course_replan_preview(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    plan = _course(request, plan_id)
    try:
        fix = course_fix_propose(plan)
    except CourseUnfixable as error:
        raise HttpError(409, str(error)) from None
    if fix is None:
        return {"fingerprint": None, "reasons": [], "changes": []}
    return {
        "fingerprint": fix.fingerprint,
        "reasons": list(fix.reasons),
        "changes": [
            {
                "action": s.action,
                "session": s.session,
                "appointment": s.appointment_id,
                "was": s.was,
                "starts_at": s.starts_at,
            }
            for s in fix.changes
        ],
    }


class ReplanIn(Body):
    fingerprint: str = Field(max_length=64)


@router.post(
    "/courses/{plan_id}/replan",
    response={200: list[AppointmentOut], **refusals(401, 403, 404, 409, 422)},
)
def course_replan(request: HttpRequest, plan_id: int, body: ReplanIn) -> list[dict[str, Any]]:
    plan = _course(request, plan_id)
    try:
        course_fix_apply(plan=plan, fingerprint=body.fingerprint, by=_user(request))
    except (FixChanged, CourseUnfixable) as error:
        raise HttpError(409, str(error)) from None
    except (ValidationError, PermissionDenied) as error:
        raise _refused(error) from None
    audit_record(request=request, patient=plan.patient, action="re-planned course via API")
    return _appointments(list(Appointment.objects.filter(plan=plan).order_by("starts_at")))


@router.post(
    "/appointments/{appointment_id}/move",
    response={200: list[AppointmentOut], **refusals(401, 403, 404, 409, 422)},
)
def appointment_move(
    request: HttpRequest, appointment_id: int, body: MoveIn
) -> list[dict[str, Any]]:
    appointment = _appointment(request, appointment_id)
    try:
        moved = session_move(
            appointment=appointment,
            new_start=body.starts_at,
            by=_user(request),
            reflow=body.reflow,
        )
    except SlotUnavailable as error:
        raise HttpError(409, str(error)) from None
    except ValidationError as error:
        raise _refused(error) from None
    audit_record(request=request, patient=appointment.patient, action="moved via API")
    return _appointments(moved)


@router.post(
    "/appointments/{appointment_id}/cancel",
    response={200: AppointmentOut, **refusals(401, 403, 404, 422)},
)
def appointment_cancel_api(
    request: HttpRequest, appointment_id: int, body: CancelIn
) -> dict[str, Any]:
    appointment = _appointment(request, appointment_id)
    user = _user(request)
    try:
        cancelled = appointment_cancel(
            appointment=appointment,
            by=user,
            reason=body.reason,
            override=body.override and has_role(user, *STAFF),
        )
    except (ValidationError, PermissionDenied) as error:
        raise _refused(error) from None
    audit_record(request=request, patient=appointment.patient, action="cancelled via API")
    return _appointments([cancelled])[0]
