"""Visits recorded by staff from the appointment's page: check-in, completed, no-show."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from bookings.appointments.services import STAFF
from bookings.appointments.views import appointment_detail
from bookings.models import Appointment
from bookings.visits.services import appointment_check_in, appointment_complete, appointment_no_show
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
