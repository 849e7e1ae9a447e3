"""The receptionists' list of messages that could not be sent: what failed and why, with a
button to send one again (after checking it did not go) or to drop it (the patient was
phoned instead)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from bookings.models import Reminder, ReminderStatus
from bookings.reminders.services import reminder_retry
from clinic.audit import audit_record, audit_record_many
from clinic.roles import Role, role_required

DESK = (Role.RECEPTIONIST, Role.MANAGER)
SHOWN = 200  # the newest; older failures are in the admin


@role_required(*DESK)
def failed_messages(request: HttpRequest) -> HttpResponse:
    failed = list(
        Reminder.objects.filter(status=ReminderStatus.FAILED)
        .select_related("patient", "appointment__treatment_type", "appointment__plan", "offer")
        .order_by("-due_at", "-pk")[:SHOWN]
    )
    audit_record_many(
        request=request, patients={r.patient for r in failed}, action="listed failed messages"
    )
    return render(request, "bookings/failed_messages.html", {"failed": failed})


@require_POST
@role_required(*DESK)
def failed_message_decide(request: HttpRequest, reminder_id: int, decision: str) -> HttpResponse:
    reminder = get_object_or_404(
        Reminder.objects.select_related("patient"), pk=reminder_id, status=ReminderStatus.FAILED
    )
    if decision == "retry":
        if reminder_retry(reminder):
            audit_record(request=request, patient=reminder.patient, action="resent a message")
            messages.success(request, f"The message to {reminder.patient} goes again shortly.")
    elif decision == "drop":
        if Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.FAILED).update(
            status=ReminderStatus.WITHDRAWN
        ):
            audit_record(request=request, patient=reminder.patient, action="dropped a message")
            messages.success(request, f"The message to {reminder.patient} is dropped.")
    else:
        messages.error(request, "Choose to send it again or to drop it.")
        return render(request, "bookings/failed_messages.html", {"failed": [reminder]}, status=400)
    return redirect("failed-messages")
