"""The receptionist's patient pages: find a patient, create one (phone or walk-in) and email the
invitation, and open a patient's record.

Project wiring, like home.py: a patient's record gathers every layer (plans, appointments).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bookings.models import Appointment
from clinic.accounts import site_root
from clinic.audit import audit_record, audit_record_many
from clinic.forms import PatientInviteForm
from clinic.models import User
from clinic.roles import Role, role_required
from clinic.services import invitation_send, patient_invite
from planner.models import TreatmentPlan

STAFF = (Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER)
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


@role_required(Role.RECEPTIONIST, Role.MANAGER)
def patient_new(request: HttpRequest) -> HttpResponse:
    form = PatientInviteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            patient = patient_invite(
                by=request.user, base_url=site_root(request), **form.cleaned_data
            )
            audit_record(request=request, patient=patient, action="created patient")
            messages.success(request, f"{patient} is registered; the invitation is on its way.")
            return redirect("patient-detail", patient_id=patient.pk)
        return render(request, "reception/patient_new.html", {"form": form}, status=400)
    return render(request, "reception/patient_new.html", {"form": form})


@role_required(*STAFF)
def patient_detail(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(patients(), pk=patient_id)
    audit_record(request=request, patient=patient, action="viewed patient")
    context = {
        "patient": patient,
        "plans": TreatmentPlan.objects.filter(patient=patient).order_by("-created_at"),
        "appointments": Appointment.objects.filter(patient=patient)
        .select_related("treatment_type", "doctor")
        .order_by("-starts_at")[:20],
        "awaiting_password": not patient.has_usable_password(),
    }
    return render(request, "reception/patient_detail.html", context)


@require_POST
@role_required(Role.RECEPTIONIST, Role.MANAGER)
def invitation_resend(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(patients(), pk=patient_id)
    if patient.has_usable_password():
        messages.error(request, "This patient has chosen a password already; no invitation sent.")
        return redirect("patient-detail", patient_id=patient.pk)
    invitation_send(user=patient, by=request.user, base_url=site_root(request))
    audit_record(request=request, patient=patient, action="sent invitation")
    messages.success(request, f"A new invitation is on its way to {patient.email}.")
    return redirect("patient-detail", patient_id=patient.pk)
