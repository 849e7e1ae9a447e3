"""Pages that keep a booked course valid: visits recorded by staff, and the re-plan applied."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from bookings.course import (
    CourseUnfixable,
    FixChanged,
    appointment_check_in,
    appointment_complete,
    appointment_no_show,
    course_fix_apply,
)
from bookings.models import Appointment
from bookings.services import STAFF
from bookings.views import _course_for, appointment_detail, course_detail
from clinic.audit import audit_record
from clinic.roles import role_required

VISITS = {
    "check-in": (appointment_check_in, "Checked in.", "checked in patient"),
    "complete": (appointment_complete, "Recorded as completed.", "recorded visit completed"),
    "no-show": (appointment_no_show, "Recorded as a no-show.", "recorded no-show"),
}


@require_POST
@role_required(*STAFF)
def appointment_visit(request: HttpRequest, appointment_id: int, action: str) -> HttpResponse:
    """Check a patient in, or record the visit as completed or a no-show. A missed course
    session leads to the course page, where the re-plan of the rest is shown."""
    if action not in VISITS:
        raise Http404("No such action.")
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient"), pk=appointment_id
    )
    service, done, audit = VISITS[action]
    try:
        service(appointment=appointment, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        response = appointment_detail(request, appointment_id)
        response.status_code = 400
        return response
    audit_record(
        request=request,
        patient=appointment.patient,
        action=audit,
        detail=f"appointment {appointment.pk}",
    )
    messages.success(request, done)
    if action == "no-show" and appointment.plan_id:
        return redirect("course-detail", plan_id=appointment.plan_id)
    return redirect("appointment-detail", appointment_id=appointment.pk)


class ReplanForm(forms.Form):
    fingerprint = forms.CharField(max_length=64)


@require_POST
@login_required
def course_replan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Apply the re-plan the course page showed: 409 if it changed meanwhile."""
    plan = _course_for(request, plan_id)
    form = ReplanForm(request.POST)
    status = 400
    if not form.is_valid():
        messages.error(request, "That re-plan is not one this page showed. Please look again.")
    else:
        try:
            fix = course_fix_apply(
                plan=plan, fingerprint=form.cleaned_data["fingerprint"], by=request.user
            )
        except FixChanged as error:
            messages.error(request, str(error))
            status = 409
        except (ValidationError, CourseUnfixable, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            audit_record(
                request=request,
                patient=plan.patient,
                action="re-planned course",
                detail=f"{len(fix.changes)} changes",
            )
            messages.success(request, "The rest of the course is re-planned.")
            return redirect("course-detail", plan_id=plan.pk)
    response = course_detail(request, plan_id)
    response.status_code = status
    return response
