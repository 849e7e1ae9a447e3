"""A patient books a consultation; an appointment's page."""

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

from bookings.availability import clinic_zone, free_slots, local_day_bounds
from bookings.course import CourseUnfixable, check_in_opens, course_fix_propose
from bookings.forms import SEARCH_DAYS, BookSlotForm, CancelForm, CourseSearchForm, SlotSearchForm
from bookings.ics import calendar_file
from bookings.models import (
    Appointment,
    BookingPolicy,
    OfferStatus,
    Resource,
    TreatmentType,
    WaitlistEntry,
    WaitlistOffer,
)
from bookings.series import Band, Preferences, SeriesFailure, SeriesProposal, propose_series
from bookings.services import (
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    course_cancel_rest,
    series_book,
    session_move,
)
from bookings.windows import move_effects, move_window
from clinic.audit import audit_record
from clinic.models import User
from clinic.roles import Role, has_role, role_required
from planner.models import TreatmentPlan

STAFF = (Role.DOCTOR, Role.RECEPTIONIST, Role.MANAGER)


def _slots_by_day(
    treatment_type: TreatmentType, search: SlotSearchForm, patient: User
) -> list[tuple[date, list[datetime]]]:
    """Free times for seven days, less those the patient is already booked at."""
    first: date = search.cleaned_data["day"]
    last = first + timedelta(days=SEARCH_DAYS - 1)
    slots = free_slots(
        treatment_type, first_day=first, last_day=last, doctor=search.cleaned_data["doctor"]
    )
    zone = clinic_zone()
    span_start, span_end = local_day_bounds(first, last, zone)
    own = list(
        Appointment.objects.active()
        .filter(patient=patient, starts_at__lt=span_end, ends_at__gt=span_start)
        .values_list("starts_at", "ends_at")
    )
    length = treatment_type.duration
    by_day: dict[date, list[datetime]] = defaultdict(list)
    for start in slots:
        if any(begins < start + length and start < ends for begins, ends in own):
            continue
        local = start.astimezone(zone)
        by_day[local.date()].append(local)
    return sorted(by_day.items())


@role_required(Role.PATIENT)
def consultation_book(request: HttpRequest) -> HttpResponse:
    treatment_type = TreatmentType.objects.consultation()
    if treatment_type is None:
        raise Http404("The clinic does not take consultations online yet.")
    status = 200
    if request.method == "POST":
        form = BookSlotForm(request.POST)
        if form.is_valid():
            try:
                appointment = appointment_book(
                    patient=request.user,
                    treatment_type=treatment_type,
                    starts_at=form.cleaned_data["starts_at"],
                    doctor=form.cleaned_data["doctor"],
                    booked_by=request.user,
                )
            except SlotUnavailable as error:
                messages.error(request, str(error))
                status = 409
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 400
            else:
                messages.success(request, "Your consultation is booked.")
                return redirect("appointment-detail", appointment_id=appointment.pk)
        else:
            messages.error(request, "That time could not be read. Please choose a slot below.")
            status = 400
    tomorrow = timezone.localdate() + timedelta(days=1)
    search = SlotSearchForm(request.GET or {"day": tomorrow.isoformat()})
    days = _slots_by_day(treatment_type, search, request.user) if search.is_valid() else []
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


def _course_for(request: HttpRequest, plan_id: int) -> TreatmentPlan:
    """The course, if this person may book or see it: its patient, or staff."""
    plan = get_object_or_404(TreatmentPlan.objects.select_related("patient"), pk=plan_id)
    if plan.patient_id == request.user.pk or has_role(request.user, *STAFF):
        return plan
    raise Http404("No such course.")


def _propose(plan: TreatmentPlan, form: CourseSearchForm) -> SeriesProposal | SeriesFailure | None:
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        return None
    data = form.cleaned_data
    zone = clinic_zone()
    first_start = None
    if data["first_time"] is not None:
        first_start = datetime.combine(data["first_day"], data["first_time"], tzinfo=zone)
    day_start = datetime.combine(data["first_day"], datetime.min.time(), tzinfo=zone)
    policy = BookingPolicy.current()
    # "Earliest" counts from the chosen day, never sooner than the minimum notice from now.
    now = max(timezone.now(), day_start - timedelta(minutes=policy.minimum_notice_minutes))
    booked = Appointment.objects.active().filter(plan=plan).count()
    return propose_series(
        treatment_type=treatment_type,
        sessions=plan.sessions - booked,
        window=plan.window,
        preferences=Preferences(
            weekdays=frozenset(data["weekdays"]),
            bands=frozenset(Band(band) for band in data["bands"]),
            doctor_id=data["doctor"].pk if data["doctor"] else None,
            same_doctor=data["same_doctor"],
        ),
        first_start=first_start,
        now=now,
        policy=policy,
    )


@login_required
def course_book(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Choose the first session and the wishes, see the whole course proposed, confirm it."""
    plan = _course_for(request, plan_id)
    if plan.patient_id != request.user.pk and not has_role(request.user, Role.RECEPTIONIST):
        raise Http404("No such course.")
    if plan.patient_id != request.user.pk:
        audit_record(request=request, patient=plan.patient, action="booking course")
    tomorrow = timezone.localdate() + timedelta(days=1)
    source = request.POST if request.method == "POST" else request.GET
    form = CourseSearchForm(source or None, initial={"first_day": tomorrow, "same_doctor": True})
    context: dict[str, object] = {"plan": plan, "form": form}
    status = 200
    if form.is_bound and form.is_valid():
        result = _propose(plan, form)
        if result is None:
            messages.error(request, "The clinic has no treatment set up for this concern yet.")
            status = 409
        elif isinstance(result, SeriesFailure):
            context["failure"] = result
            status = 409
        elif request.method == "POST" and form.cleaned_data["shown"] == result.fingerprint:
            try:
                series_book(plan=plan, proposal=result, booked_by=request.user)
            except SlotUnavailable as error:
                messages.error(request, str(error))
                status = 409
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 400
            else:
                messages.success(request, f"Your {len(result.sessions)} sessions are booked.")
                return redirect("course-detail", plan_id=plan.pk)
        else:
            if request.method == "POST":
                messages.warning(request, "The calendar changed meanwhile: here is the course now.")
                status = 409
            names = dict(
                Resource.objects.filter(pk__in={x.doctor_id for x in result.sessions}).values_list(
                    "pk", "name"
                )
            )
            context["rows"] = [(session, names[session.doctor_id]) for session in result.sessions]
            context["fingerprint"] = result.fingerprint
    elif form.is_bound:
        status = 400
    return render(request, "bookings/course_book.html", context, status=status)


@login_required
def course_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _course_for(request, plan_id)
    audit_record(request=request, patient=plan.patient, action="viewed course")
    sessions = list(
        Appointment.objects.filter(plan=plan)
        .select_related("doctor", "room")
        .order_by("session_number", "starts_at")
    )
    now = timezone.now()
    coming = any(a.status == "booked" and a.starts_at > now for a in sessions)
    waiting = {e.appointment_id: e for e in WaitlistEntry.objects.waiting().filter(plan=plan)}
    for appointment in sessions:
        appointment.waitlist_entry = waiting.get(appointment.pk)  # type: ignore[attr-defined]
        appointment.may_wait = (  # type: ignore[attr-defined]
            appointment.status == "booked" and appointment.starts_at > now + timedelta(days=1)
        )
    fix, unfixable = None, ""
    if plan.is_open and sessions:
        try:
            fix = course_fix_propose(plan)
        except CourseUnfixable as error:
            unfixable = str(error)
    context = {
        "plan": plan,
        "appointments": sessions,
        "coming": coming,
        "cancel_form": CancelForm(),
        "fix": fix,
        "unfixable": unfixable,
        "first_entry": waiting.get(None),
        "offers": WaitlistOffer.objects.filter(
            entry__plan=plan, status=OfferStatus.OPEN, expires_at__gt=now
        ),
        "wait_until": timezone.localdate() + timedelta(days=plan.interval_max_days),
    }
    return render(request, "bookings/course_detail.html", context)


def _ics(content: bytes, filename: str) -> HttpResponse:
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
    return _ics(
        calendar_file([appointment], sessions=sessions), f"appointment-{appointment.pk}.ics"
    )


@login_required
def course_ics(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _course_for(request, plan_id)
    audit_record(request=request, patient=plan.patient, action="downloaded course")
    appointments = Appointment.objects.filter(plan=plan).select_related(
        "treatment_type", "doctor", "room"
    )
    return _ics(calendar_file(appointments, sessions=plan.sessions), f"course-{plan.pk}.ics")


def _cancel(
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
    return _cancel(
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


@require_POST
@login_required
def course_cancel_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _course_for(request, plan_id)
    return _cancel(
        request,
        patient=plan.patient,
        do=lambda reason, override: course_cancel_rest(
            plan=plan, by=request.user, reason=reason, override=override
        ),
        done="The rest of the course is cancelled.",
        action="cancelled course",
        then=lambda: redirect("course-detail", plan_id=plan.pk),
        page=lambda: course_detail(request, plan_id),
    )


@login_required
def appointment_move_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Offer only the times inside the session's window; say what the move does to the next
    session; move it (re-flowing the rest when asked) on confirmation."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient", "treatment_type", "plan"), pk=appointment_id
    )
    if appointment.patient_id != request.user.pk and not has_role(request.user, *STAFF):
        raise Http404("No such appointment.")
    if appointment.patient_id != request.user.pk:
        audit_record(request=request, patient=appointment.patient, action="moving appointment")
    zone = clinic_zone()
    today = timezone.localdate()
    window = move_window(appointment)
    first, last = window or (today, today + timedelta(days=SEARCH_DAYS * 4))
    first = max(first, today)
    status = 200
    chosen = None
    if request.method == "POST":
        form = BookSlotForm(request.POST)
        if form.is_valid():
            chosen = form.cleaned_data["starts_at"]
            try:
                session_move(
                    appointment=appointment,
                    new_start=chosen,
                    by=request.user,
                    reflow=bool(request.POST.get("reflow")),
                )
            except SlotUnavailable as error:
                messages.error(request, str(error))
                status = 409
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                status = 400
            else:
                messages.success(request, "Moved.")
                return redirect("appointment-detail", appointment_id=appointment.pk)
        else:
            messages.error(request, "That time could not be read. Please choose one below.")
            status = 400
    elif "starts_at" in request.GET:
        form = BookSlotForm(request.GET)
        if form.is_valid():
            chosen = form.cleaned_data["starts_at"]
        else:
            status = 400
    by_day: dict[date, list[datetime]] = defaultdict(list)
    if first <= last:
        for start in free_slots(appointment.treatment_type, first_day=first, last_day=last):
            by_day[start.astimezone(zone).date()].append(start.astimezone(zone))
    context = {
        "appointment": appointment,
        "window": window,
        "days": sorted(by_day.items())[: SEARCH_DAYS * 2],
        "chosen": chosen,
        "effects": move_effects(appointment, chosen) if chosen else [],
    }
    return render(request, "bookings/appointment_move.html", context, status=status)
