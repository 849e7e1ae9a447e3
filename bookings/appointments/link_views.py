"""The page a link in a message opens: confirm or cancel a visit without signing in, or go on to
move it; or, for a link that cannot act, a page that says why (bookings/reminders/links.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods

from bookings.appointments.forms import CancelForm
from bookings.appointments.services import appointment_cancel
from bookings.reminders.links import (
    LinkProblem,
    LinkUsed,
    link_confirm,
    link_read,
    link_spend,
    used,
)


def _problem(request: HttpRequest, problem: LinkProblem) -> HttpResponse:
    return render(request, "bookings/link.html", {"problem": problem}, status=problem.status)


@require_http_methods(["GET", "POST"])
def message_link(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows what the link will do, and never does it (mail scanners open links); POST
    does it. Signed in as someone other than the patient, the link does nothing."""
    try:
        claim, appointment = link_read(token)
    except LinkProblem as problem:
        return _problem(request, problem)
    if request.user.is_authenticated and request.user.pk != appointment.patient_id:
        return _problem(
            request,
            LinkProblem(
                403,
                "This link was sent to someone else",
                "You are signed in as another person. Sign out, then open the link again.",
            ),
        )
    if claim.action == "reschedule":
        move = reverse("appointment-move", args=[appointment.pk])
        if request.user.is_authenticated:
            return redirect(move)
        return redirect(f"{reverse('login')}?{urlencode({'next': move})}")
    context: dict[str, object] = {"appointment": appointment, "action": claim.action}
    form = CancelForm(request.POST or None)
    context["form"] = form
    if request.method == "GET":
        return render(request, "bookings/link.html", context)
    try:
        if claim.action == "confirm":
            first = link_confirm(claim)
            context["done"] = (
                "Thank you: we look forward to seeing you."
                if first
                else "You had already confirmed this visit. We look forward to seeing you."
            )
            return render(request, "bookings/link.html", context)
        if not form.is_valid():
            messages.error(request, "Say why, to cancel.")
            return render(request, "bookings/link.html", context, status=400)
        with transaction.atomic():
            link_spend(claim)
            appointment_cancel(
                appointment=appointment,
                by=appointment.patient,
                reason=form.cleaned_data["reason"],
            )
    except LinkUsed:
        return _problem(request, used())
    except (ValidationError, PermissionDenied) as error:
        text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
        return render(request, "bookings/link.html", context, status=409)
    context["done"] = "Your visit is cancelled. We hope to see you another time."
    return render(request, "bookings/link.html", context)
