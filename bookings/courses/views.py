"""A course's pages: booking the whole series, the course with its sessions and the re-plan of
the rest, its .ics, cancelling the rest, and moving one session inside its window."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.appointments.forms import SEARCH_DAYS, BookSlotForm, CancelForm
from bookings.appointments.services import STAFF, SlotUnavailable
from bookings.appointments.views import cancel_from_form, ics_response
from bookings.calendars.availability import clinic_zone, free_slots
from bookings.calendars.ics import calendar_file
from bookings.courses.forms import CourseSearchForm
from bookings.courses.keeping import (
    CourseUnfixable,
    FixChanged,
    course_fix_apply,
    course_fix_propose,
    course_stands,
)
from bookings.courses.search import Band, Preferences, SeriesFailure, SeriesProposal, propose_series
from bookings.courses.services import course_cancel_rest, series_book, session_move
from bookings.courses.windows import move_effects, move_window
from bookings.models import (
    Appointment,
    BookingPolicy,
    OfferStatus,
    Resource,
    TreatmentType,
    WaitlistEntry,
    WaitlistOffer,
)
from clinic.audit import audit_record
from clinic.roles import Role, has_role
from planner.models import PlanStatus, TreatmentPlan


def course_for(request: HttpRequest, plan_id: int) -> TreatmentPlan:
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
    return propose_series(
        treatment_type=treatment_type,
        sessions=plan.sessions,
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


def booking_closed(plan: TreatmentPlan) -> str:
    """Why the whole course cannot be booked from its first session, or "" if it can: it is
    finished or stopped, cannot be booked yet (a hard stop, a review to come), or is booked
    already (its sessions are then moved or re-planned)."""
    if plan.status == PlanStatus.COMPLETED:
        return "This course is completed: every session has taken place."
    if plan.status == PlanStatus.STOPPED:
        return "This course was stopped, so it has no sessions to book."
    if problem := plan.booking_problem:
        return problem  # a hard stop, or the doctor's review still to come
    if Appointment.objects.active().filter(plan=plan).exists():
        return (
            "This course is booked: its sessions are listed here. Move a session, or re-plan "
            "the rest, from this page."
        )
    return ""


@login_required
def course_book(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Choose the first session and the wishes, see the whole course proposed, confirm it."""
    plan = course_for(request, plan_id)
    own = plan.patient_id == request.user.pk
    if not own and not has_role(request.user, Role.RECEPTIONIST):
        raise Http404("No such course.")
    if not own:
        audit_record(request=request, patient=plan.patient, action="booking course")
    if closed := booking_closed(plan):
        messages.info(request, closed)
        return redirect("course-detail", plan_id=plan.pk)
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
                count = len(result.sessions)
                whose = "Your" if own else f"{plan.patient.get_full_name()}'s"
                messages.success(request, f"{whose} {count} sessions are booked.")
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
    plan = course_for(request, plan_id)
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
    # The re-plan is worked out (a transaction, locks, a search) only for a course that no
    # longer stands as booked; most views see one that does.
    if plan.is_open and sessions and not course_stands(plan, sessions, now=now):
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


@login_required
def course_ics(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = course_for(request, plan_id)
    audit_record(request=request, patient=plan.patient, action="downloaded course")
    appointments = Appointment.objects.filter(plan=plan).select_related(
        "treatment_type", "doctor", "room"
    )
    return ics_response(
        calendar_file(appointments, sessions=plan.sessions), f"course-{plan.pk}.ics"
    )


@require_POST
@login_required
def course_cancel_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = course_for(request, plan_id)
    return cancel_from_form(
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
            messages.error(request, form.problem())
            status = 400
    elif "starts_at" in request.GET:
        form = BookSlotForm(request.GET)
        if form.is_valid():
            chosen = form.cleaned_data["starts_at"]
        else:
            messages.error(request, form.problem())
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


class ReplanForm(forms.Form):
    fingerprint = forms.CharField(max_length=64)


@require_POST
@login_required
def course_replan(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Apply the re-plan the course page showed: 409 if it changed meanwhile."""
    plan = course_for(request, plan_id)
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
