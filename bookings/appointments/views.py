"""One visit's pages: a consultation booked, the appointment's page, its .ics, cancelling it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.appointments.forms import BookSlotForm, CancelForm, DoctorChoiceForm
from bookings.appointments.picker import Picker, PickerForm, build_picker
from bookings.appointments.services import (
    PATIENT_BUSY,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    check_in_opens,
    check_start,
)
from bookings.calendars.availability import clinic_zone, free_slots, load_calendar, local_day
from bookings.calendars.ics import calendar_file
from bookings.models import (
    BOOKING_HORIZON_DAYS,
    Appointment,
    BookingPolicy,
    ClinicContact,
    Resource,
    ResourceKind,
    TreatmentType,
)
from bookings.prices.quotes import consultation_quote
from clinic.audit import audit_record
from clinic.models import User
from clinic.roles import Role, has_role, role_required

STAFF = (Role.DOCTOR, Role.RECEPTIONIST, Role.MANAGER)


def _slots_by_day(
    treatment_type: TreatmentType,
    *,
    first: date,
    last: date,
    doctor: Resource | None,
    patient: User,
    notice: bool = True,
) -> list[datetime]:
    """Free times from `first` to `last` (one calendar read, whatever the span), less those the
    patient is already booked at. Without the online notice (staff on the phone), from now on."""
    policy = None
    if not notice:
        policy = BookingPolicy.current()
        policy.minimum_notice_minutes = 0  # for this search only: never saved
    return free_slots(
        treatment_type,
        first_day=first,
        last_day=last,
        doctor=doctor,
        policy=policy,
        patient_id=patient.pk,
    )


def consultation_picker(
    request: HttpRequest,
    treatment_type: TreatmentType,
    *,
    patient: User,
    doctor: Resource | None,
    notice: bool,
    day: date | None = None,
) -> tuple[Picker, str]:
    """The picker of two weeks of consultation times, and what was wrong with the days asked
    for ("" if nothing). `day`: the day to show (a refused time's), when the page named none."""
    today = timezone.localdate()
    horizon = today + timedelta(days=BOOKING_HORIZON_DAYS)
    query = request.GET.copy()
    if day is not None and "day" not in query and today <= day <= horizon:
        query["day"] = day.isoformat()
    form = PickerForm(query, first=today, last=horizon)
    problem = "" if form.is_valid() else form.problem()
    start, last, chosen = form.span()
    slots = _slots_by_day(
        treatment_type, first=start, last=last, doctor=doctor, patient=patient, notice=notice
    )
    picker = build_picker(
        slots,
        start=start,
        last=last,
        first_allowed=today,
        last_allowed=horizon,
        chosen=chosen,
        base=request.GET,
    )
    return picker, problem


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
    """Choose a time on the picker, see it on the review screen, book it from there (POST). A
    time taken meanwhile, on the review or the booking, says so and shows the picker again."""
    user = request.user
    assert isinstance(user, User)  # role_required lets only logged-in people in
    patient = _consultation_patient(request, user)
    if patient is None:
        messages.info(request, _("Choose the patient first, then book from their record."))
        return redirect("patient-list")
    for_someone = patient.pk != user.pk
    treatment_type = TreatmentType.objects.consultation()
    if treatment_type is None:
        raise Http404("The clinic does not take consultations online yet.")
    status = 200
    refused_day = None
    if request.method == "POST":
        form = BookSlotForm(request.POST)
        if form.is_valid():
            refused_day = local_day(form.cleaned_data["starts_at"])
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
                    _("Consultation booked for %(name)s.")
                    % {"name": patient.get_full_name() or patient.email}
                    if for_someone
                    else _("Your consultation is booked."),
                )
                return redirect("appointment-detail", appointment_id=appointment.pk)
        else:
            messages.error(request, form.problem())
            status = 400
    elif for_someone:
        # The page shows when the patient is already booked: a view of their record.
        audit_record(request=request, patient=patient, action="booking consultation")
    choice = DoctorChoiceForm(request.GET)
    doctor = choice.cleaned_data["doctor"] if choice.is_valid() else None
    if not choice.is_valid():
        status = 400
    context: dict[str, object] = {
        "treatment_type": treatment_type,
        "choice": choice,
        "doctor": doctor,
        "patient": patient if for_someone else None,
        "quote": consultation_quote(treatment_type),
    }
    if request.method == "GET" and "starts_at" in request.GET and choice.is_valid():
        review, refused_day, status = _consultation_review(
            request, treatment_type, patient=patient, doctor=doctor, notice=not for_someone
        )
        if review is not None:
            context["review"] = review
            # Read, not made: a clinic that has not set its address shows none.
            context["contact"] = ClinicContact.objects.filter(pk=1).first()
            return render(request, "bookings/consultation_book.html", context)
    picker, problem = consultation_picker(
        request,
        treatment_type,
        patient=patient,
        doctor=doctor,
        notice=not for_someone,
        day=refused_day,
    )
    if problem:
        messages.error(request, problem)
        status = 400
    context["picker"] = picker
    return render(request, "bookings/consultation_book.html", context, status=status)


@dataclass(frozen=True)
class Review:
    """What a booking would be, shown before it is made: when, with whom, where, and how to
    cancel it. `doctor` is booked as shown: the Book button sends it."""

    starts_at: datetime  # in the clinic's zone
    ends_at: datetime
    doctor: Resource
    room: Resource | None
    cancellation_notice_hours: int


def _consultation_review(
    request: HttpRequest,
    treatment_type: TreatmentType,
    *,
    patient: User,
    doctor: Resource | None,
    notice: bool,
) -> tuple[Review | None, date | None, int]:
    """The review of the time chosen on the picker (one calendar read of that time), or None
    with the day to show the picker at and the status to answer, the reason said."""
    form = BookSlotForm(request.GET)
    if not form.is_valid():
        messages.error(request, form.problem())
        return None, None, 400
    starts_at: datetime = form.cleaned_data["starts_at"]
    ends_at = starts_at + treatment_type.duration
    calendar = load_calendar(
        treatment_type,
        span_start=starts_at,
        span_end=starts_at + treatment_type.reserved,
        doctor=doctor,
        patient_id=patient.pk,
    )
    day = local_day(starts_at)
    try:
        check_start(starts_at, policy=calendar.policy, now=timezone.now(), notice=notice)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return None, day, 400
    if not calendar.patient_free(starts_at, ends_at):
        messages.error(
            request,
            _("You already have an appointment then.") if patient == request.user else PATIENT_BUSY,
        )
        return None, day, 409
    chosen = calendar.free_at(starts_at, doctor.pk if doctor else None, spread=patient.pk)
    if chosen is None:
        messages.error(
            request, _("That time is not free (taken meanwhile?). Please choose another.")
        )
        return None, day, 409
    names = Resource.objects.in_bulk(list(chosen.values()))
    zone = clinic_zone()
    room_id = chosen.get(ResourceKind.ROOM)
    review = Review(
        starts_at=starts_at.astimezone(zone),
        ends_at=ends_at.astimezone(zone),
        doctor=names[chosen[ResourceKind.DOCTOR]],
        room=names[room_id] if room_id else None,
        cancellation_notice_hours=calendar.policy.cancellation_notice_hours,
    )
    return review, day, 200


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
    staff = has_role(request.user, *STAFF)
    can_cancel = appointment.status == "booked" and appointment.starts_at > now
    notice_hours = BookingPolicy.current().cancellation_notice_hours
    # A patient moves or cancels only with the notice; inside it they call (staff may still).
    call_instead = (
        can_cancel and not staff and appointment.starts_at - now < timedelta(hours=notice_hours)
    )
    started = appointment.starts_at <= now
    return render(
        request,
        "bookings/appointment_detail.html",
        {
            "appointment": appointment,
            "can_cancel": can_cancel and not call_instead,
            "call_instead": call_instead,
            "notice_hours": notice_hours,
            "cancel_form": CancelForm(),
            "staff": staff,
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
        messages.error(request, _("Say why, to cancel."))
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
