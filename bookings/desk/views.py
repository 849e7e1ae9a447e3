"""The front desk's endpoints: the calendar's JSON feeds, the side panel of a visit (htmx), and
the changes made from the calendar (a drag, a click on empty time, the panel's buttons).

Every endpoint is for the desk (receptionists and managers): patients, doctors and visitors get
403 or a login redirect, never data. Every feed or panel that shows patients is audited.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from bookings.appointments.forms import BookSlotForm
from bookings.appointments.services import (
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
)
from bookings.calendars.availability import clinic_zone, local_day
from bookings.courses.services import course_next_session, course_session_book
from bookings.desk.feeds import (
    MAX_DAYS,
    STATES,
    desk_changes,
    desk_events,
    desk_resources,
    state_of,
)
from bookings.desk.services import (
    DESK,
    Move,
    NoticeNeeded,
    ReflowNeeded,
    desk_block,
    desk_move,
    desk_unblock,
    is_inside_notice,
    session_window,
)
from bookings.models import (
    Appointment,
    AppointmentStatus,
    Resource,
    ResourceKind,
    TreatmentType,
    Unavailability,
)
from bookings.visits.services import (
    appointment_check_in,
    appointment_complete,
    appointment_no_show,
)
from clinic.audit import audit_record, audit_record_many
from clinic.models import User
from clinic.roles import Role, role_required
from planner.models import OPEN_STATUSES, TreatmentPlan

SEARCH_LIMIT = 8
FURTHEST_DAYS = 800  # how far from today the calendar reads, either way


def refused(message: str, status: int, **extra: Any) -> JsonResponse:
    return JsonResponse({"detail": message, **extra}, status=status)


def _day(value: str | None) -> date | None:
    """A feed's start or end (EventCalendar sends a local date, with or without a time)."""
    try:
        return date.fromisoformat((value or "")[:10])
    except ValueError:
        return None


@require_GET
@role_required(*DESK)
def resources_feed(request: HttpRequest) -> JsonResponse:
    return JsonResponse(desk_resources(), safe=False)


def events_answer(request: HttpRequest, *, doctor: Resource | None, action: str) -> JsonResponse:
    """The calendar's events for the span it asks for (the whole clinic's, or one doctor's own
    column), audited as `action`."""
    first, end = _day(request.GET.get("start")), _day(request.GET.get("end"))
    if first is None or end is None:
        return refused("Give start and end as dates (YYYY-MM-DD).", 400)
    today = timezone.localdate()
    if abs((first - today).days) > FURTHEST_DAYS or abs((end - today).days) > FURTHEST_DAYS:
        return refused("That is too far from today.", 400)
    last = max(first, end - timedelta(days=1))  # the calendar's end is exclusive
    if (last - first).days >= MAX_DAYS:
        return refused(f"Ask for at most {MAX_DAYS} days at once.", 400)
    cancelled = doctor is None and request.GET.get("cancelled") == "1"
    events, patients = desk_events(first, last, cancelled=cancelled, doctor=doctor)
    audit_record_many(
        request=request,
        patients={p.pk: p for p in patients}.values(),
        action=action,
        detail=f"{first:%Y-%m-%d} to {last:%Y-%m-%d}",
        # Every open calendar reads again when anything changes: once an hour per patient is
        # the record, not every redraw.
        unless_within=timedelta(hours=1),
    )
    return JsonResponse(events, safe=False)


@require_GET
@role_required(*DESK)
def events_feed(request: HttpRequest) -> JsonResponse:
    return events_answer(request, doctor=None, action="viewed the desk calendar")


@require_GET
@role_required(*DESK)
def changes_feed(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"stamp": desk_changes()})


def _visit(appointment_id: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.select_related(
            "patient", "patient__profile", "treatment_type", "plan", "doctor", "device", "room"
        ),
        pk=appointment_id,
    )


def _panel(
    request: HttpRequest, appointment: Appointment, *, message: str = "", error: str = ""
) -> HttpResponse:
    now = timezone.now()
    started = appointment.starts_at <= now
    state = state_of(appointment)
    context = {
        "appointment": appointment,
        "state": state,
        "state_label": STATES[state][0],
        "icon": STATES[state][1],
        "window": session_window(appointment),
        "message": message,
        "error": error,
        "can_move": appointment.status == AppointmentStatus.BOOKED and not started,
        "can_check_in": appointment.status == AppointmentStatus.BOOKED,
        "can_complete": started and appointment.status in ("booked", "checked_in"),
        "can_no_show": started and appointment.status == AppointmentStatus.BOOKED,
        "can_cancel": appointment.status == AppointmentStatus.BOOKED and not started,
        "local_start": appointment.starts_at.astimezone(clinic_zone()).strftime("%Y-%m-%dT%H:%M"),
    }
    response = render(request, "desk/_panel.html", context, status=400 if error else 200)
    if message:
        response["HX-Trigger"] = "deskChanged"
    return response


@require_GET
@role_required(*DESK)
def visit_panel(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _visit(appointment_id)
    audit_record(
        request=request,
        patient=appointment.patient,
        action="viewed appointment",
        detail=f"appointment {appointment.pk}, on the desk",
    )
    return _panel(request, appointment)


VISIT_ACTIONS = {
    "check-in": (appointment_check_in, "Checked in.", "checked in patient"),
    "complete": (appointment_complete, "Recorded as completed.", "recorded visit completed"),
    "no-show": (appointment_no_show, "Recorded as a no-show.", "recorded no-show"),
}


@require_POST
@role_required(*DESK)
def visit_action(request: HttpRequest, appointment_id: int, action: str) -> HttpResponse:
    """The panel's buttons: check in, completed, no-show, cancel. Answers the panel again."""
    appointment = _visit(appointment_id)
    try:
        if action == "cancel":
            reason = request.POST.get("reason", "")
            appointment_cancel(
                appointment=appointment,
                by=request.user,
                reason=reason,
                override=request.POST.get("override") == "on",
            )
            done, audit = "Cancelled; the patient is told.", "cancelled appointment"
        elif action in VISIT_ACTIONS:
            service, done, audit = VISIT_ACTIONS[action]
            service(appointment=appointment, by=request.user)
        else:
            raise Http404("No such action.")
    except (ValidationError, PermissionDenied) as error:
        messages = getattr(error, "messages", [str(error)])
        return _panel(request, _visit(appointment_id), error=" ".join(messages))
    audit_record(
        request=request,
        patient=appointment.patient,
        action=audit,
        detail=f"appointment {appointment.pk}, on the desk",
    )
    return _panel(request, _visit(appointment_id), message=done)


class MoveForm(BookSlotForm):
    """A move from the desk: the new local time, the column it was dropped on (if it changed),
    whether to re-flow the rest of the course, why it is inside the notice, and the visit's
    version as the desk saw it."""

    resource = forms.IntegerField(required=False, min_value=1)
    reflow = forms.BooleanField(required=False)
    override = forms.CharField(required=False, max_length=200)
    version = forms.DateTimeField(required=False)


def _effects(error: ReflowNeeded) -> list[dict[str, Any]]:
    return [
        {"session": e.session, "gap_days": e.gap_days, "in_window": e.in_window}
        for e in error.effects
    ]


@require_POST
@role_required(*DESK)
def visit_move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """A drag (JSON answers) or the panel's move form (htmx: the panel again)."""
    appointment = _visit(appointment_id)
    from_panel = request.headers.get("HX-Request") == "true"
    form = MoveForm(request.POST)

    def refuse(message: str, status: int, **extra: Any) -> HttpResponse:
        if from_panel:
            return _panel(request, _visit(appointment_id), error=message)
        return refused(message, status, **extra)

    if not form.is_valid():
        return refuse(form.problem(), 400)
    data = form.cleaned_data
    resource = None
    if data["resource"]:
        resource = Resource.objects.active().filter(pk=data["resource"]).first()
        if resource is None:
            return refuse("No such doctor, device or room.", 400)
    move = Move(
        appointment=appointment,
        starts_at=data["starts_at"],
        resource=resource,
        reflow=data["reflow"],
        override=data["override"],
        version=data["version"],
    )
    try:
        moved = desk_move(move=move, by=request.user)
    except NoticeNeeded as error:
        return refuse(" ".join(error.messages), 409, notice=True)
    except ReflowNeeded as error:
        return refuse(" ".join(error.messages), 409, reflow=_effects(error))
    except SlotUnavailable as error:
        return refuse(str(error), 409)
    except (ValidationError, PermissionDenied) as error:
        return refuse(" ".join(getattr(error, "messages", [str(error)])), 400)
    detail = f"appointment {appointment.pk} to {data['starts_at']:%Y-%m-%d %H:%M}"
    if data["override"]:
        detail += f", inside the notice: {data['override']}"
    audit_record(
        request=request, patient=appointment.patient, action="moved appointment", detail=detail
    )
    message = "Moved." if len(moved) == 1 else f"Moved, with {len(moved) - 1} later sessions."
    if from_panel:
        return _panel(request, _visit(appointment_id), message=message)
    return JsonResponse({"detail": message, "moved": [a.pk for a in moved]})


def _patients(query: str) -> list[User]:
    words = query.split()[:4]
    if not words:
        return []
    found = User.objects.filter(groups__name=Role.PATIENT.value, is_active=True)
    for word in words:
        found = found.filter(
            Q(first_name__icontains=word)
            | Q(last_name__icontains=word)
            | Q(email__icontains=word)
            | Q(profile__phone__icontains=word)
        )
    return list(found.select_related("profile").order_by("last_name", "first_name")[:SEARCH_LIMIT])


class SlotForm(forms.Form):
    """Empty time clicked on the calendar: when, and on which column."""

    start = forms.DateTimeField()
    resource = forms.IntegerField(min_value=1)

    def clean_start(self) -> datetime:
        start: datetime = self.cleaned_data["start"]
        if abs(start - timezone.now()) > timedelta(days=366):
            raise forms.ValidationError("Choose a time within a year.")
        return start


def _slot(request: HttpRequest) -> tuple[datetime, Resource]:
    form = SlotForm(request.GET if request.method == "GET" else request.POST)
    if not form.is_valid():
        raise ValidationError("That time or column could not be read.")
    resource = Resource.objects.active().filter(pk=form.cleaned_data["resource"]).first()
    if resource is None:
        raise ValidationError("No such doctor, device or room.")
    return form.cleaned_data["start"], resource


def _options(patient: User, start: datetime) -> list[dict[str, Any]]:
    """What can be booked for this patient at this time: the next session of each open
    course, offered only when the time falls inside that session's window."""
    options = []
    for plan in TreatmentPlan.objects.filter(patient=patient, status__in=OPEN_STATUSES):
        following = course_next_session(plan)
        if following is None or plan.booking_problem:
            continue
        number, window = following
        fits = window is None or window[0] <= local_day(start) <= window[1]
        options.append({"plan": plan, "number": number, "window": window, "fits": fits})
    return options


@require_GET
@role_required(*DESK)
def book_panel(request: HttpRequest) -> HttpResponse:
    """Empty time clicked: find the patient, then book a consultation, the next session of
    their course (where the time is in its window), or block the column's time."""
    try:
        start, resource = _slot(request)
    except ValidationError as error:
        return render(request, "desk/_book.html", {"error": " ".join(error.messages)}, status=400)
    query = request.GET.get("q", "")[:100]
    found = _patients(query)
    chosen = None
    if request.GET.get("patient"):
        chosen = get_object_or_404(
            User, pk=_int(request.GET["patient"]), groups__name=Role.PATIENT.value
        )
    if chosen is not None:
        audit_record(request=request, patient=chosen, action="booking on the desk")
    elif found:
        audit_record_many(request=request, patients=found, action="searched on the desk")
    context = {
        "start": start,
        "local_start": start.astimezone(clinic_zone()),
        "resource": resource,
        "query": query,
        "found": found,
        "chosen": chosen,
        "options": _options(chosen, start) if chosen else [],
        "inside_notice": is_inside_notice(start),
        "block_until": (start + timedelta(minutes=30)).astimezone(clinic_zone()),
    }
    template = "desk/_patients.html" if request.GET.get("part") == "found" else "desk/_book.html"
    return render(request, template, context)


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404("No such patient.") from None


class BlockForm(forms.Form):
    until = forms.DateTimeField()
    reason = forms.CharField(max_length=200)


@require_POST
@role_required(*DESK)
def book(request: HttpRequest) -> HttpResponse:
    """Book from empty time: a consultation or a course's next session for a patient, or a
    block of the column's time. Answers the booking panel with what happened."""

    def answer(message: str = "", error: str = "", status: int = 200) -> HttpResponse:
        response = render(
            request, "desk/_booked.html", {"message": message, "error": error}, status=status
        )
        if message:
            response["HX-Trigger"] = "deskChanged"
        return response

    try:
        start, resource = _slot(request)
    except ValidationError as error:
        return answer(error=" ".join(error.messages), status=400)
    kind = request.POST.get("kind", "")
    try:
        if kind == "block":
            form = BlockForm(request.POST)
            if not form.is_valid():
                return answer(error="Say why, and until when, the time is blocked.", status=400)
            desk_block(
                resource=resource,
                starts_at=start,
                ends_at=form.cleaned_data["until"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
            return answer(f"{resource.name}'s time is blocked.")
        patient = get_object_or_404(
            User, pk=_int(request.POST.get("patient", "")), groups__name=Role.PATIENT.value
        )
        doctor = resource if resource.kind == ResourceKind.DOCTOR else None
        column = None if doctor is not None else resource  # a laser's or a room's column
        if kind == "consultation":
            treatment = TreatmentType.objects.consultation()
            if treatment is None:
                return answer(error="The clinic has no consultation set up.", status=409)
            appointment_book(
                patient=patient,
                treatment_type=treatment,
                starts_at=start,
                booked_by=request.user,
                doctor=doctor,
                notice=False,
                device_or_room=column,
            )
            what = "a consultation"
        elif kind == "session":
            plan = get_object_or_404(
                TreatmentPlan, pk=_int(request.POST.get("plan", "")), patient=patient
            )
            appointment = course_session_book(
                plan=plan,
                starts_at=start,
                booked_by=request.user,
                doctor=doctor,
                device_or_room=column,
            )
            what = f"session {appointment.session_number} of {plan.sessions}"
        else:
            return answer(error="Choose what to book.", status=400)
    except SlotUnavailable as error:
        return answer(error=str(error), status=409)
    except (ValidationError, PermissionDenied) as error:
        return answer(error=" ".join(getattr(error, "messages", [str(error)])), status=400)
    audit_record(request=request, patient=patient, action="booked on the desk", detail=what)
    name = patient.get_full_name() or str(patient)
    return answer(f"Booked {what} for {name}, {start.astimezone(clinic_zone()):%a %d %b %H:%M}.")


@require_POST
@role_required(*DESK)
def block_remove(request: HttpRequest, block_id: int) -> HttpResponse:
    block = get_object_or_404(Unavailability, pk=block_id)
    try:
        desk_unblock(block=block, by=request.user)
    except PermissionDenied as error:
        return render(request, "desk/_booked.html", {"error": str(error)}, status=403)
    response = render(request, "desk/_booked.html", {"message": "The block is removed."})
    response["HX-Trigger"] = "deskChanged"
    return response
