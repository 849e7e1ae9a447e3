"""The visit's record page: the doctor's card and session record (draft, signed, addenda), the
plan changes an adverse event proposes, and the test patch.

Doctors write; managers read everything; receptionists see that a session was recorded and
its aftercare; the patient sees their own visit's date, areas treated and aftercare. Another
patient and a visitor get nothing (404, login). Every staff view is audited.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from bookings.appointments.services import STAFF
from bookings.calendars.availability import local_day
from bookings.courses.windows import move_window
from bookings.models import (
    AdverseEvent,
    Appointment,
    ClinicalPhoto,
    PlanProposal,
    ProposalStatus,
    SessionRecord,
    TestPatch,
)
from bookings.visits.forms import (
    AddendumForm,
    AdverseEventFormSet,
    DecisionForm,
    PatchReadForm,
    RecordForm,
    TestPatchForm,
    adverse_events_of,
)
from bookings.visits.patches import (
    fitzpatrick_of,
    patch_place,
    patch_read,
    readable_from,
)
from bookings.visits.photos import photo_block_context
from bookings.visits.proposals import proposal_decide
from bookings.visits.records import (
    CLINICAL,
    EDITABLE,
    RecordChanged,
    changes,
    prefill,
    previous_record,
    protocol_for,
    record_amend,
    record_problem,
    record_save,
    record_sign,
    record_version,
)
from clinic.audit import audit_record
from clinic.models import User
from clinic.roles import Role, has_role, role_required

APPOINTMENT_RELATED = ("patient", "treatment_type", "doctor", "device", "room", "plan")


def _visit_for(request: HttpRequest, appointment_id: int) -> Appointment:
    appointment = get_object_or_404(
        Appointment.objects.select_related(*APPOINTMENT_RELATED), pk=appointment_id
    )
    if appointment.patient_id == request.user.pk or has_role(request.user, *STAFF):
        return appointment
    raise Http404("No such visit.")


def _record_of(appointment: Appointment) -> SessionRecord | None:
    return (
        SessionRecord.objects.filter(appointment=appointment)
        .select_related("signed_by", "created_by")
        .prefetch_related(
            Prefetch("adverse_events", queryset=AdverseEvent.objects.select_related("addendum")),
            "addenda__author",
        )
        .first()
    )


def window_position(appointment: Appointment, today: date) -> dict[str, Any] | None:
    """Where `today` (the visit's own day, on its card) falls in the session's window from the
    session before."""
    window = move_window(appointment)
    if window is None or appointment.plan is None:
        return None
    first, last = window
    plan = appointment.plan
    previous_day = first - timedelta(days=plan.interval_min_days)
    day = (today - previous_day).days
    if today < first:
        where = f"{(first - today).days} days before the window opens"
    elif today > last:
        where = f"{(today - last).days} days after the window closed"
    else:
        where = "inside the window"
    return {
        "first": first,
        "last": last,
        "ideal": previous_day + timedelta(days=plan.interval_ideal_days),
        "day": day,
        "where": where,
        "inside": first <= today <= last,
    }


def _card(appointment: Appointment, previous: SessionRecord | None) -> dict[str, Any]:
    """What the doctor reads before the visit."""
    course_events: list[AdverseEvent] = []
    photos: list[ClinicalPhoto] = []
    if appointment.plan_id:
        course_events = list(
            AdverseEvent.objects.filter(record__appointment__plan_id=appointment.plan_id)
            .select_related("record__appointment")
            .order_by("record__appointment__session_number", "id")
        )
        photos = list(
            ClinicalPhoto.objects.filter(appointment__plan_id=appointment.plan_id)
            .exclude(appointment=appointment)
            .order_by("-uploaded_at", "-id")[:4]
        )
    return {
        "window": window_position(appointment, local_day(appointment.starts_at)),
        "previous": previous,
        "course_events": course_events,
        "latest_photos": photos,
        "flags": appointment.plan.flags if appointment.plan_id else [],
    }


def _staff_page(
    request: HttpRequest,
    appointment: Appointment,
    record: SessionRecord | None,
    *,
    form: RecordForm | None = None,
    formset: Any = None,
    addendum_form: AddendumForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    doctor = has_role(user, Role.DOCTOR)
    clinical = has_role(user, *CLINICAL)
    previous = previous_record(appointment) if clinical else None
    problem = record_problem(appointment) if record is None else ""
    editable = doctor and (record is None or not record.is_signed) and not problem
    if editable and form is None:
        initial = prefill(appointment) if record is None else {}
        form = RecordForm(instance=record, initial=initial)
        formset = AdverseEventFormSet(
            prefix="adverse",
            initial=[
                {"kind": e.kind, "grade": e.grade, "note": e.note}
                for e in (record.adverse_events.all() if record else [])
                if e.addendum_id is None
            ],
        )
    values = (
        {name: form[name].value() for name in EDITABLE}
        if form is not None
        else ({name: getattr(record, name) for name in EDITABLE} if record else {})
    )
    rows = []
    if clinical:
        for change in changes(_typed(values, record), previous):
            rows.append(
                {"change": change, "field": form[change.field] if form is not None else None}
            )
    proposals = (
        list(
            PlanProposal.objects.filter(adverse_event__record=record).select_related(
                "adverse_event", "decided_by"
            )
        )
        if record is not None and clinical
        else []
    )
    context = {
        "appointment": appointment,
        "record": record,
        "doctor": doctor,
        "clinical": clinical,
        "editable": editable,
        "problem": problem,
        "form": form,
        "formset": formset,
        "rows": rows,
        "protocol": protocol_for(appointment) if clinical else None,
        "addendum_form": addendum_form or (AddendumForm() if doctor else None),
        "proposals": proposals,
        "version": record_version(record),
        "open_proposals": [p for p in proposals if p.status == ProposalStatus.OPEN],
        "decision_form": DecisionForm(),
        **(_card(appointment, previous) if clinical else {}),
        **(photo_block_context(request, appointment) if clinical else {}),
    }
    return render(request, "visits/record.html", context, status=status)


def record_page(request: HttpRequest, appointment: Appointment, *, status: int) -> HttpResponse:
    """The staff record page with an answer's status (a refused photo upload, say)."""
    return _staff_page(request, appointment, _record_of(appointment), status=status)


def _typed(values: dict[str, Any], record: SessionRecord | None) -> dict[str, Any]:
    """Form values as the model holds them, for the change column (bad input shows as is)."""
    typed = {}
    for name, value in values.items():
        field = SessionRecord._meta.get_field(name)
        try:
            typed[name] = field.to_python(value) if value not in (None, "") else None
        except ValidationError:
            typed[name] = value
    return typed


@login_required
def visit_record(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """GET: the record page for this person's role. POST (doctors): save the draft, and sign
    it when the "sign" button was pressed."""
    appointment = _visit_for(request, appointment_id)
    record = _record_of(appointment)
    if not has_role(request.user, *STAFF):
        # The patient's own visit: its date, the areas treated and the aftercare.
        return render(
            request,
            "visits/record_patient.html",
            {"appointment": appointment, "record": record if record and record.is_signed else None},
        )
    audit_record(
        request=request,
        patient=appointment.patient,
        action="viewed session record" if request.method == "GET" else "recorded session",
        detail=f"appointment {appointment.pk}",
    )
    if request.method != "POST":
        return _staff_page(request, appointment, record)
    if not has_role(request.user, Role.DOCTOR):
        raise PermissionDenied("Only a doctor records a treatment session.")
    if record is not None and record.is_signed:
        messages.error(request, "This record is signed and cannot change: add an addendum.")
        return _staff_page(request, appointment, record, status=409)
    form = RecordForm(request.POST, instance=record)
    formset = AdverseEventFormSet(request.POST, prefix="adverse")
    if not (form.is_valid() and formset.is_valid()):
        return _staff_page(request, appointment, record, form=form, formset=formset, status=400)
    try:
        record = record_save(
            appointment=appointment,
            by=request.user,
            values={name: form.cleaned_data[name] for name in EDITABLE},
            adverse_events=adverse_events_of(formset),
            version=request.POST.get("version"),
        )
        if request.POST.get("action") == "sign":
            record = record_sign(record=record, by=request.user)
    except RecordChanged as error:
        messages.error(request, error.messages[0])
        return _staff_page(request, appointment, _record_of(appointment), status=409)
    except ValidationError as error:
        _errors_to_form(form, error)
        status = 409 if record is not None and record.is_signed else 400
        return _staff_page(request, appointment, record, form=form, formset=formset, status=status)
    if record.is_signed:
        messages.success(request, "Signed. The visit is recorded as completed.")
    else:
        messages.success(request, "Draft saved.")
    return redirect("visit-record", appointment_id=appointment.pk)


def _errors_to_form(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_POST
@role_required(Role.DOCTOR)
def record_addendum(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = _visit_for(request, appointment_id)
    record = _record_of(appointment)
    if record is None:
        raise Http404("This visit has no record yet.")
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            record_amend(
                record=record,
                by=request.user,
                text=form.cleaned_data["text"],
                reason=form.cleaned_data["reason"],
                adverse_events=form.adverse_events(),
            )
        except ValidationError as error:
            _errors_to_form(form, error)
        else:
            audit_record(
                request=request,
                patient=appointment.patient,
                action="amended session record",
                detail=f"appointment {appointment.pk}",
            )
            messages.success(request, "Addendum added to the signed record.")
            return redirect("visit-record", appointment_id=appointment.pk)
    return _staff_page(request, appointment, record, addendum_form=form, status=400)


@require_POST
@role_required(Role.DOCTOR)
def proposal_decision(request: HttpRequest, proposal_id: int, decision: str) -> HttpResponse:
    if decision not in ("confirm", "dismiss"):
        raise Http404("No such decision.")
    proposal = get_object_or_404(
        PlanProposal.objects.select_related("adverse_event__record__appointment", "plan__patient"),
        pk=proposal_id,
    )
    appointment_id = proposal.adverse_event.record.appointment_id
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        proposal_decide(
            proposal=proposal, by=request.user, confirm=decision == "confirm", note=note
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        response = redirect("visit-record", appointment_id=appointment_id)
        return response
    audit_record(
        request=request,
        patient=proposal.plan.patient,
        action="confirmed plan proposal" if decision == "confirm" else "dismissed plan proposal",
        detail=f"plan {proposal.plan_id}",
    )
    if decision == "confirm":
        messages.success(request, "The plan is adjusted; its history keeps the reason.")
    else:
        messages.success(request, "Dismissed; the plan's history keeps why.")
    return redirect("visit-record", appointment_id=appointment_id)


def _patient_or_404(patient_id: int) -> User:
    patient = get_object_or_404(User, pk=patient_id)
    if not has_role(patient, Role.PATIENT):
        raise Http404("No such patient.")
    return patient


@role_required(*CLINICAL)
def test_patches(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A patient's test patches: place one (doctors), read one when it is due."""
    patient = _patient_or_404(patient_id)
    form = None
    status = 200
    if has_role(request.user, Role.DOCTOR):
        if request.method == "POST":
            form = TestPatchForm(request.POST)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    patch_place(
                        patient=patient,
                        device=data["device"],
                        area=data["area"],
                        fitzpatrick=data["fitzpatrick"],
                        values={
                            name: data[name]
                            for name in form.Meta.fields
                            if name not in ("device", "area", "fitzpatrick")
                        },
                        by=request.user,
                    )
                except ValidationError as error:
                    _errors_to_form(form, error)
                else:
                    audit_record(request=request, patient=patient, action="placed test patch")
                    messages.success(request, "Test patch recorded. Read it when it is due.")
                    return redirect(_back(request, patient))
            status = 400
        else:
            form = TestPatchForm(initial={"fitzpatrick": fitzpatrick_of(patient) or 1})
    elif request.method == "POST":
        raise PermissionDenied("Only a doctor records a test patch.")
    audit_record(request=request, patient=patient, action="viewed test patches")
    patches = list(
        TestPatch.objects.filter(patient=patient).select_related("device", "applied_by", "read_by")
    )
    for patch in patches:
        patch.readable_from = readable_from(patch)  # type: ignore[attr-defined]
    return render(
        request,
        "visits/test_patches.html",
        {
            "patient": patient,
            "patches": patches,
            "form": form,
            "read_form": PatchReadForm(),
            "now": timezone.now(),
            "back": _back(request, patient),
        },
        status=status,
    )


def _back(request: HttpRequest, patient: User) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return request.path


@require_POST
@role_required(Role.DOCTOR)
def test_patch_reading(request: HttpRequest, patch_id: int) -> HttpResponse:
    patch = get_object_or_404(TestPatch.objects.select_related("patient"), pk=patch_id)
    form = PatchReadForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose tolerated or a reaction.")
    else:
        try:
            patch_read(
                patch=patch,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            audit_record(request=request, patient=patch.patient, action="read test patch")
            messages.success(request, "Test patch read.")
    return redirect("test-patches", patient_id=patch.patient_id)
