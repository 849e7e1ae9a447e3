"""Waitlist pages: join or leave from the course page, an offer's page (accept or decline),
and the staff's list of everyone waiting."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.appointments.services import STAFF
from bookings.courses.views import course_detail, course_for
from bookings.models import Appointment, OfferStatus, WaitlistEntry, WaitlistOffer
from bookings.waitlist.offers import OfferGone, offer_accept, offer_decline, offer_effects
from bookings.waitlist.services import waitlist_join, waitlist_leave
from clinic.audit import audit_record, audit_record_many
from clinic.languages import short_day
from clinic.roles import has_role, role_required


class WaitlistJoinForm(forms.Form):
    appointment = forms.IntegerField(required=False, min_value=1)
    latest = forms.DateField(required=False)


@require_POST
@login_required
def waitlist_join_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Wait for a sooner time for a booked session, or for a first session by a date."""
    plan = course_for(request, plan_id)
    form = WaitlistJoinForm(request.POST)
    if form.is_valid():
        appointment = None
        if form.cleaned_data["appointment"]:
            appointment = Appointment.objects.filter(
                pk=form.cleaned_data["appointment"], plan=plan
            ).first()
            if appointment is None:
                raise Http404("No such session in this course.")
        try:
            entry = waitlist_join(
                plan=plan,
                by=request.user,
                appointment=appointment,
                latest=form.cleaned_data["latest"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            audit_record(
                request=request, patient=plan.patient, action="joined waitlist", detail=str(entry)
            )
            messages.success(
                request,
                _(
                    "On the waitlist for session %(number)s: a time that comes free between "
                    "%(first)s and %(last)s will be offered by email."
                )
                % {
                    "number": entry.session_number,
                    "first": short_day(entry.earliest),
                    "last": short_day(entry.latest),
                },
            )
            return redirect("course-detail", plan_id=plan.pk)
    else:
        messages.error(request, _("Choose a session, or a date for the first session."))
    response = course_detail(request, plan_id)
    response.status_code = 400
    return response


def _entry_for(request: HttpRequest, entry_id: int) -> WaitlistEntry:
    entry = get_object_or_404(WaitlistEntry.objects.select_related("plan", "patient"), pk=entry_id)
    if entry.patient_id != request.user.pk and not has_role(request.user, *STAFF):
        raise Http404("No such waitlist entry.")
    return entry


@require_POST
@login_required
def waitlist_leave_view(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = _entry_for(request, entry_id)
    try:
        waitlist_leave(entry=entry, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        audit_record(request=request, patient=entry.patient, action="left waitlist")
        messages.success(request, _("Off the waitlist."))
    if request.POST.get("back") == "waitlist" and has_role(request.user, *STAFF):
        return redirect("waitlist")
    return redirect("course-detail", plan_id=entry.plan_id)


def _offer_for(request: HttpRequest, offer_id: int) -> WaitlistOffer:
    offer = get_object_or_404(
        WaitlistOffer.objects.select_related(
            "entry__plan", "entry__patient", "entry__appointment__doctor"
        ),
        pk=offer_id,
    )
    if offer.entry.patient_id != request.user.pk and not has_role(request.user, *STAFF):
        raise Http404("No such offer.")
    return offer


@login_required
def offer_detail(request: HttpRequest, offer_id: int, status: int = 200) -> HttpResponse:
    """The time offered, what accepting changes, and until when it may be accepted."""
    offer = _offer_for(request, offer_id)
    audit_record(request=request, patient=offer.entry.patient, action="viewed waitlist offer")
    context = {
        "offer": offer,
        "entry": offer.entry,
        "is_open": offer.is_open(timezone.now()),
        "effects": offer_effects(offer),
    }
    return render(request, "bookings/waitlist_offer.html", context, status=status)


@require_POST
@login_required
def offer_decide(request: HttpRequest, offer_id: int, decision: str) -> HttpResponse:
    offer = _offer_for(request, offer_id)
    if decision not in ("accept", "decline"):
        raise Http404("No such decision.")
    try:
        if decision == "accept":
            offer_accept(offer=offer, by=request.user)
        else:
            offer_decline(offer=offer, by=request.user)
    except OfferGone as error:
        messages.error(request, str(error))
        return offer_detail(request, offer_id, status=409)
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return offer_detail(request, offer_id, status=400)
    audit_record(
        request=request,
        patient=offer.entry.patient,
        action="accepted waitlist offer" if decision == "accept" else "declined waitlist offer",
        detail=f"offer {offer.pk}",
    )
    if decision == "decline":
        messages.success(request, _("Declined; you stay on the waitlist for another time."))
        return redirect("course-detail", plan_id=offer.entry.plan_id)
    messages.success(request, _("The time is yours: the course is updated."))
    return redirect("course-detail", plan_id=offer.entry.plan_id)


@role_required(*STAFF)
def waitlist_list(request: HttpRequest) -> HttpResponse:
    """Everyone waiting, oldest first, with the offers each has open."""
    now = timezone.now()
    entries = (
        WaitlistEntry.objects.waiting()
        .select_related("patient", "plan", "appointment")
        .annotate(
            open_offers=Count(
                "offers", filter=Q(offers__status=OfferStatus.OPEN, offers__expires_at__gt=now)
            )
        )
        .order_by("created_at", "pk")
    )
    audit_record_many(
        request=request, patients=[e.patient for e in entries], action="listed waitlist"
    )
    return render(
        request, "bookings/waitlist_list.html", {"entries": entries, "today": timezone.localdate()}
    )
