"""One visit's pages: a consultation booked, the appointment's page, its .ics, cancelling it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.appointments.forms import (
    SEARCH_DAYS,
    BookSlotForm,
    CancelForm,
    SlotSearchForm,
)
from bookings.appointments.services import (
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    check_in_opens,
)
from bookings.calendars.availability import clinic_zone, free_slots
from bookings.calendars.ics import calendar_file
from bookings.models import (
    Appointment,
    BookingPolicy,
    TreatmentType,
)
from clinic.audit import audit_record
from clinic.models import User
from clinic.roles import Role, has_role, role_required

STAFF = (Role.DOCTOR, Role.RECEPTIONIST, Role.MANAGER)


def _slots_by_day(
    treatment_type: TreatmentType, search: SlotSearchForm, patient: User, *, notice: bool = True
) -> list[tuple[date, list[datetime]]]:
    """Free times for seven days, less those the patient is already booked at. Without the
    online notice (staff on the phone), from now on."""
    first: date = search.cleaned_data["day"]
    last = first + timedelta(days=SEARCH_DAYS - 1)
    policy = None
    if not notice:
        policy = BookingPolicy.current()
        policy.minimum_notice_minutes = 0  # for this search only: never saved
    slots = free_slots(
        treatment_type,
        first_day=first,
        last_day=last,
        doctor=search.cleaned_data["doctor"],
        policy=policy,
        patient_id=patient.pk,
    )
    zone = clinic_zone()
    by_day: dict[date, list[datetime]] = defaultdict(list)
    for start in slots:
        local = start.astimezone(zone)
        by_day[local.date()].append(local)
    return sorted(by_day.items())


# Staff who book on a patient's behalf (a phone call, a walk-in); doctors do not book.
BOOKERS = (Role.RECEPTIONIST, Role.MANAGER)


def _consultation_patient(request: HttpRequest, user: User) -> User | None:
    """Whom the consultation is for: staff name the patient (?patient=<id>), a patient books
    for themselves. None when staff have not chosen one yet; 404 for a choice that is not a
    patient, or a patient naming someone else."""
    chosen = request.GET.get("patient")
    if chosen is None:
        return user if has_role(user, Role.PATIENT) else None
    # An id the database can hold, or nobody (a huge number would overflow the query).
    if not (chosen.isascii() and chosen.isdigit() and len(chosen) < 10):
        raise Http404("No such patient.")
    if int(chosen) == user.pk and has_role(user, Role.PATIENT):
        return user
    if not has_role(user, *BOOKERS):
        raise Http404("No such patient.")
    return get_object_or_404(User.objects.filter(groups__name=Role.PATIENT.value), pk=int(chosen))


@role_required(Role.PATIENT, *BOOKERS)
def consultation_book(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # role_required lets only logged-in people in
    patient = _consultation_patient(request, user)
    if patient is None:
        messages.info(request, "Choose the patient first, then book from their record.")
        return redirect("patient-list")
    for_someone = patient.pk != user.pk
    treatment_type = TreatmentType.objects.consultation()
    if treatment_type is None:
        raise Http404("The clinic does not take consultations online yet.")
    status = 200
    if request.method == "POST":
        form = BookSlotForm(request.POST)
        if form.is_valid():
            try:
                appointment = appointment_book(
                    patient=patient,
                    treatment_type=treatment_type,
                    starts_at=form.cleaned_data["starts_at"],
                    doctor=form.cleaned_data["doctor"],
                    booked_by=user,
                    # The online notice is for patients; staff on the phone may book sooner.
                    notice=not for_someone,
                )
            except SlotUnavailable as error:
                messages.error(request, str(error))
                status = 409
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 400
            else:
                audit_record(
                    request=request,
                    patient=patient,
                    action="booked consultation",
                    detail=f"appointment {appointment.pk}",
                )
                messages.success(
                    request,
                    f"Consultation booked for {patient.get_full_name() or patient.email}."
                    if for_someone
                    else "Your consultation is booked.",
                )
                return redirect("appointment-detail", appointment_id=appointment.pk)
        else:
            messages.error(request, form.problem())
            status = 400
    elif for_someone:
        # The page shows when the patient is already booked: a view of their record.
        audit_record(request=request, patient=patient, action="booking consultation")
    tomorrow = timezone.localdate() + timedelta(days=1)
    search = SlotSearchForm({"day": tomorrow.isoformat()} | request.GET.dict())
    days = (
        _slots_by_day(treatment_type, search, patient, notice=not for_someone)
        if search.is_valid()
        else []
    )
    if search.errors:
        status = 400
    return render(
        request,
        "bookings/consultation_book.html",
        {
            "treatment_type": treatment_type,
            "search": search,
            "days": days,
            "doctor": search.cleaned_data.get("doctor") if search.is_valid() else None,
            "patient": patient if for_someone else None,
        },
        status=status,
    )


@login_required
def appointment_detail(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient", "treatment_type", "doctor", "room", "device"),
        pk=appointment_id,
    )
    if appointment.patient_id != request.user.pk and not has_role(request.user, *STAFF):
        raise Http404("No such appointment.")
    audit_record(
        request=request,
        patient=appointment.patient,
        action="viewed appointment",
        detail=f"appointment {appointment.pk}",
    )
    now = timezone.now()
    can_cancel = appointment.status == "booked" and appointment.starts_at > now
    started = appointment.starts_at <= now
    return render(
        request,
        "bookings/appointment_detail.html",
        {
            "appointment": appointment,
            "can_cancel": can_cancel,
            "cancel_form": CancelForm(),
            "staff": has_role(request.user, *STAFF),
            "can_check_in": appointment.status == "booked" and check_in_opens(appointment, now),
            "can_complete": started and appointment.status in ("booked", "checked_in"),
            "can_no_show": started and appointment.status == "booked",
        },
    )


def ics_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def appointment_ics(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient", "treatment_type", "doctor", "room", "plan"),
        pk=appointment_id,
    )
    if appointment.patient_id != request.user.pk and not has_role(request.user, *STAFF):
        raise Http404("No such appointment.")
    audit_record(request=request, patient=appointment.patient, action="downloaded appointment")
    sessions = appointment.plan.sessions if appointment.plan else None
    return ics_response(
        calendar_file([appointment], sessions=sessions), f"appointment-{appointment.pk}.ics"
    )


def cancel_from_form(
    request: HttpRequest,
    *,
    patient: User,
    do: Callable[[str, bool], object],
    done: str,
    action: str,
    then: Callable[[], HttpResponse],
    page: Callable[[], HttpResponse],
) -> HttpResponse:
    """Run a cancellation from a posted CancelForm: on success audit it, say so and go `then`;
    else show `page` again with what was refused, as a 400."""
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Say why, to cancel.")
    else:
        override = form.cleaned_data["override"] and has_role(request.user, *STAFF)
        try:
            do(form.cleaned_data["reason"], override)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        except PermissionDenied as error:
            messages.error(request, str(error))
        else:
            audit_record(request=request, patient=patient, action=action)
            messages.success(request, done)
            return then()
    response = page()
    response.status_code = 400
    return response


@require_POST
@login_required
def appointment_cancel_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient"), pk=appointment_id
    )
    if appointment.patient_id != request.user.pk and not has_role(request.user, *STAFF):
        raise Http404("No such appointment.")
    return cancel_from_form(
        request,
        patient=appointment.patient,
        do=lambda reason, override: appointment_cancel(
            appointment=appointment, by=request.user, reason=reason, override=override
        ),
        done="The appointment is cancelled.",
        action="cancelled appointment",
        # A course session: the course page, which shows the re-plan of the rest.
        then=lambda: (
            redirect("course-detail", plan_id=appointment.plan_id)
            if appointment.plan_id
            else redirect("appointment-detail", appointment_id=appointment.pk)
        ),
        page=lambda: appointment_detail(request, appointment_id),
    )
