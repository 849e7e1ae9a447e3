"""The receptionist's patient pages: find a patient, create one (phone or walk-in; with an email
address they are invited, without one they are reached by text), give a patient registered by
phone a login later, record a consent given at the desk, and open a patient's record.

Project wiring, like home.py: a patient's record gathers every layer (plans, appointments), and
a consent given at the desk submits the intake to the planner.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bookings.models import Appointment
from clinic.accounts import site_root
from clinic.audit import audit_record, audit_record_many, client_address
from clinic.forms import PatientEmailForm, PatientInviteForm
from clinic.intake import SECTION_NAMES, ConsentInPersonForm, missing_sections
from clinic.intake_views import render_section
from clinic.models import Consent, ConsentText, Intake, IntakeStatus, User
from clinic.roles import Role, role_required
from clinic.services import (
    intake_submit,
    invitation_send,
    patient_email_add,
    patient_register,
)
from planner.models import TreatmentPlan
from planner.services import plan_from_intake

STAFF = (Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER)
DESK = (Role.RECEPTIONIST, Role.MANAGER)
PER_PAGE = 25


def patients() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.PATIENT.value).select_related("profile")


@role_required(*STAFF)
def patient_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    found = patients().order_by("last_name", "first_name", "email")
    if query:
        words = Q()
        for word in query.split():
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
                | Q(profile__phone__icontains=word.lstrip("0"))
            )
        found = found.filter(words)
    page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    # A list shows phones and dates of birth: each patient on it is a record seen.
    audit_record_many(
        request=request, patients=page.object_list, action="listed patient", detail=query[:100]
    )
    return render(request, "reception/patient_list.html", {"page": page, "query": query})


@role_required(*DESK)
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientInviteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            patient = patient_register(
                by=request.user, base_url=site_root(request), **form.cleaned_data
            )
            audit_record(request=request, patient=patient, action="created patient")
            if patient.email:
                messages.success(request, f"{patient} is registered; the invitation is on its way.")
            else:
                messages.success(
                    request,
                    f"{patient} is registered, without an email address: reminders go to "
                    f"{patient.contact} by {patient.profile.get_preferred_channel_display()}.",
                )
            return redirect("patient-detail", patient_id=patient.pk)
        return render(request, "reception/patient_new.html", {"form": form}, status=400)
    return render(request, "reception/patient_new.html", {"form": form})


def _record(
    request: HttpRequest, patient: User, *, email_form: PatientEmailForm | None = None
) -> dict[str, Any]:
    drafts = Intake.objects.filter(patient=patient, status=IntakeStatus.DRAFT)
    return {
        "patient": patient,
        "plans": TreatmentPlan.objects.filter(patient=patient).order_by("-created_at"),
        "appointments": Appointment.objects.filter(patient=patient)
        .select_related("treatment_type", "doctor")
        .order_by("-starts_at")[:20],
        "awaiting_password": not patient.has_usable_password(),
        "consents": Consent.objects.filter(patient=patient)
        .select_related("text")
        .order_by("-given_at"),
        # A questionnaire answered in full waits for the patient's consent.
        "awaiting_consent": [intake for intake in drafts if not missing_sections(intake)],
        "email_form": email_form or (PatientEmailForm() if not patient.email else None),
    }


@role_required(*STAFF)
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(patients(), pk=patient_id)
    audit_record(request=request, patient=patient, action="viewed patient")
    return render(request, "reception/patient_detail.html", _record(request, patient))


@require_POST
@role_required(*DESK)
def invitation_resend(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(patients(), pk=patient_id)
    if not patient.email:
        messages.error(request, "This patient has no email address: add one to invite them.")
        return redirect("patient-detail", patient_id=patient.pk)
    if patient.has_usable_password():
        messages.error(request, "This patient has chosen a password already; no invitation sent.")
        return redirect("patient-detail", patient_id=patient.pk)
    invitation_send(user=patient, by=request.user, base_url=site_root(request))
    audit_record(request=request, patient=patient, action="sent invitation")
    messages.success(request, f"A new invitation is on its way to {patient.email}.")
    return redirect("patient-detail", patient_id=patient.pk)


@require_POST
@role_required(*DESK)
def patient_email_add_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Give a patient registered by phone a login: their address, and the invitation."""
    patient = get_object_or_404(patients(), pk=patient_id)
    form = PatientEmailForm(request.POST)
    if patient.email:
        form.add_error(None, "This patient has an email address already.")
    if form.is_valid():
        try:
            patient = patient_email_add(
                patient=patient,
                email=form.cleaned_data["email"],
                by=request.user,
                base_url=site_root(request),
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            audit_record(request=request, patient=patient, action="added email and invited")
            messages.success(
                request, f"{patient.email} is added; the invitation to log in is on its way."
            )
            return redirect("patient-detail", patient_id=patient.pk)
    context = _record(request, patient, email_form=form)
    return render(request, "reception/patient_detail.html", context, status=400)


@require_POST
@role_required(*DESK)
def consent_in_person(request: HttpRequest, intake_id: int) -> HttpResponse:
    """Record the consent a patient gives at the desk, witnessed by this receptionist or
    manager, and submit the intake: the planner proposes the course, as when a patient
    signs online."""
    intake = get_object_or_404(
        Intake.objects.select_related("patient"),
        pk=intake_id,
        patient__groups__name=Role.PATIENT.value,
    )
    submitted = TreatmentPlan.objects.filter(source_intake=intake).first()
    if submitted is not None:  # sent twice (a double click, the back button): one course
        return redirect("plan-detail", plan_id=submitted.pk)
    section = SECTION_NAMES["consent"]
    if not intake.is_draft:
        messages.error(request, "This questionnaire is submitted already.")
        return render_section(request, intake, section, None, status=400)
    form = ConsentInPersonForm(request.POST, patient_name=intake.patient.get_full_name())
    if form.is_valid():
        try:
            with transaction.atomic():
                consent = intake_submit(
                    intake=intake,
                    full_name=form.cleaned_data["full_name"],
                    ip_address=client_address(request),
                    missing=[s.title for s in missing_sections(intake)],
                    witnessed_by=request.user,
                    text_version=form.cleaned_data["version"],
                )
                plan = plan_from_intake(intake=intake)
                audit_record(
                    request=request,
                    patient=intake.patient,
                    action="recorded consent in person",
                    detail=f"intake {intake.pk}, consent version {consent.text.version}",
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                form.add_error(None, error)
            else:
                messages.error(request, " ".join(error.messages))
                # Show the current wording, and carry its version, for the next attempt.
                data = request.POST.copy()
                data["version"] = ConsentText.current().version
                form = ConsentInPersonForm(data, patient_name=intake.patient.get_full_name())
                form.is_valid()
        else:
            messages.success(
                request,
                f"Consent recorded as given in person, witnessed by you. Here is the course "
                f"proposed for {intake.patient}.",
            )
            return redirect("plan-detail", plan_id=plan.pk)
    return render_section(request, intake, section, form, status=400)
