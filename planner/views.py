"""A treatment plan's page: its patient and staff read it; doctors approve, adjust or stop it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clinic.audit import audit_record, client_address
from clinic.intake import SECTION_NAMES, ConsentForm, answer_label, missing_sections
from clinic.intake_views import render_section
from clinic.models import Intake as ClinicIntake
from clinic.roles import Role, has_role, role_required
from clinic.services import intake_submit as intake_submit_service
from planner.forms import AdjustPlanForm, ReasonForm
from planner.models import TreatmentPlan
from planner.rules import POLICY, Concern, Severity
from planner.services import (
    plan_adjust,
    plan_approve,
    plan_clear_hard_stop,
    plan_from_intake,
    plan_stop,
)

STAFF = (Role.DOCTOR, Role.RECEPTIONIST, Role.MANAGER)


def plan_for(request: HttpRequest, plan_id: int) -> TreatmentPlan:
    """The plan if this person may see it: its patient, or staff. Anyone else gets a 404, so a
    patient cannot even learn that another patient's plan exists."""
    plan = get_object_or_404(
        TreatmentPlan.objects.select_related("patient", "approved_by", "source_intake"),
        pk=plan_id,
    )
    if plan.patient_id == request.user.pk or has_role(request.user, *STAFF):
        return plan
    raise Http404("No such plan.")


def _answers(intake: dict[str, Any]) -> dict[str, Any]:
    """The plan's copy of the intake in the questionnaire's words, for staff to read."""
    tattoo = intake.get("tattoo")
    return {
        "concern": answer_label("concern", "concern", intake.get("concern")),
        "severity": answer_label("concern", "severity", intake.get("severity")),
        "area": answer_label("concern", "area", intake.get("area")),
        "sun_exposure": answer_label("sun", "sun_exposure", intake.get("sun_exposure")),
        "tattoo": {
            name: answer_label("tattoo", name, tattoo.get(name))
            for name in ("colours", "ink", "scarring", "location")
        }
        if tattoo
        else None,
    }


def _refuse(
    request: HttpRequest, form: ReasonForm | AdjustPlanForm, error: ValidationError
) -> None:
    """Field errors go next to their fields; the rest (the plan's state) at the top of the page."""
    if hasattr(error, "error_dict"):
        form.add_error(None, error)
    else:
        messages.error(request, " ".join(error.messages))


def _render(
    request: HttpRequest,
    plan: TreatmentPlan,
    *,
    adjust_form: AdjustPlanForm | None = None,
    approve_form: ReasonForm | None = None,
    clear_form: ReasonForm | None = None,
    stop_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    is_doctor = has_role(request.user, Role.DOCTOR)
    context = {
        "plan": plan,
        "revisions": plan.revisions.select_related("author"),
        "is_doctor": is_doctor,
        "answers": _answers(plan.intake),
        # Sessions on the calendars (the bookings layer's reverse relation; planner imports
        # nothing of bookings): once there are, the page offers them, not booking again.
        "booked": plan.appointments.exclude(status="cancelled").exists(),  # type: ignore[attr-defined]
    }
    if is_doctor and plan.is_open:
        context["adjust_form"] = adjust_form or AdjustPlanForm(plan=plan)
        context["approve_form"] = approve_form or ReasonForm(required=False, prefix="approve")
        if plan.hard_stops:
            context["clear_form"] = clear_form or ReasonForm(prefix="clear")
        context["stop_form"] = stop_form or ReasonForm(prefix="stop")
    return render(request, "planner/plan_detail.html", context, status=status)


@login_required
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    audit_record(
        request=request, patient=plan.patient, action="viewed plan", detail=f"plan {plan.pk}"
    )
    return _render(request, plan)


FormT = ReasonForm | AdjustPlanForm


def _doctor_action(
    request: HttpRequest,
    plan: TreatmentPlan,
    *,
    form: FormT,
    form_name: str,
    change: Callable[[dict[str, Any]], TreatmentPlan],
    action: str,
    done: str,
) -> HttpResponse:
    """Validate the form, make the change through its service, audit it, and say so; or show
    the page again with what was refused, as a 400."""
    if form.is_valid():
        try:
            plan = change(form.cleaned_data)
        except ValidationError as error:
            _refuse(request, form, error)
        else:
            audit_record(request=request, patient=plan.patient, action=action)
            messages.success(request, done)
            return redirect("plan-detail", plan_id=plan.pk)
    return _render(request, plan, status=400, **{form_name: form})


@require_POST
@role_required(Role.DOCTOR)
def plan_approve_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    return _doctor_action(
        request,
        plan,
        form=ReasonForm(request.POST, required=False, prefix="approve"),
        form_name="approve_form",
        change=lambda data: plan_approve(plan=plan, doctor=request.user, reason=data["reason"]),
        action="approved plan",
        done="Plan approved. The patient can now book the course.",
    )


@require_POST
@role_required(Role.DOCTOR)
def plan_clear_hard_stop_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    return _doctor_action(
        request,
        plan,
        form=ReasonForm(request.POST, prefix="clear"),
        form_name="clear_form",
        change=lambda data: plan_clear_hard_stop(
            plan=plan, doctor=request.user, reason=data["reason"]
        ),
        action="cleared hard stop",
        done="The hard stop is cleared; the reason is in the plan's history. Approve the plan "
        "when it is ready.",
    )


@require_POST
@role_required(Role.DOCTOR)
def plan_adjust_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    return _doctor_action(
        request,
        plan,
        form=AdjustPlanForm(request.POST, plan=plan),
        form_name="adjust_form",
        change=lambda data: plan_adjust(
            plan=plan,
            doctor=request.user,
            reason=data["reason"],
            concern=Concern(data["concern"]),
            fitzpatrick=data["fitzpatrick"],
            sessions=data["sessions"],
            window=data["window"],
        ),
        action="adjusted plan",
        done="Plan changed; the change is in its history.",
    )


@require_POST
@role_required(Role.DOCTOR)
def plan_stop_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_for(request, plan_id)
    return _doctor_action(
        request,
        plan,
        form=ReasonForm(request.POST, prefix="stop"),
        form_name="stop_form",
        change=lambda data: plan_stop(plan=plan, doctor=request.user, reason=data["reason"]),
        action="stopped plan",
        done="The course is stopped.",
    )


@role_required(*STAFF)
def policy_page(request: HttpRequest) -> HttpResponse:
    """The planning policy in force, as the table a doctor reads: every number and its source."""
    rows = [
        {
            "concern": concern,
            "rule": rule,
            "ranges": [rule.by_severity[severity] for severity in Severity],
        }
        for concern, rule in POLICY.concerns.items()
    ]
    return render(
        request,
        "planner/policy.html",
        {"policy": POLICY, "rows": rows, "severities": list(Severity)},
    )


@require_POST
@role_required(Role.PATIENT)
def intake_submit(request: HttpRequest, intake_id: int) -> HttpResponse:
    """The patient consents and submits their questionnaire; the planner proposes the course."""
    intake = get_object_or_404(ClinicIntake, pk=intake_id, patient=request.user)
    submitted = TreatmentPlan.objects.filter(source_intake=intake).first()
    if submitted is not None:  # sent twice (a double click, the back button): one course
        return redirect("plan-detail", plan_id=submitted.pk)
    consent = SECTION_NAMES["consent"]
    form = ConsentForm(request.POST, patient_name=intake.patient.get_full_name())
    if form.is_valid():
        try:
            with transaction.atomic():
                intake_submit_service(
                    intake=intake,
                    full_name=form.cleaned_data["full_name"],
                    ip_address=client_address(request),
                    missing=[section.title for section in missing_sections(intake)],
                )
                plan = plan_from_intake(intake=intake)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)  # beside the field it is about
            else:
                messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you. Here is the course we propose for you."))
            return redirect("plan-detail", plan_id=plan.pk)
    return render_section(request, intake, consent, form, status=400)
