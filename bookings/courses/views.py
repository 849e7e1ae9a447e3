"""A course's pages: booking the whole series, the course with its sessions and the re-plan of
the rest, its .ics, cancelling the rest, and moving one session inside its window."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from bookings.appointments.forms import BookSlotForm, CancelForm
from bookings.appointments.picker import Picker, PickerForm, build_picker
from bookings.appointments.services import STAFF, SlotUnavailable
from bookings.appointments.views import cancel_from_form, ics_response
from bookings.calendars.availability import clinic_zone, free_slots, local_day
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
from bookings.courses.windows import move_effects, move_window, outside_window
from bookings.models import (
    BOOKING_HORIZON_DAYS,
    Appointment,
    BookingPolicy,
    ClinicContact,
    OfferStatus,
    Resource,
    TreatmentType,
    WaitlistEntry,
    WaitlistOffer,
)
from bookings.prices.quotes import course_quote
from clinic.audit import audit_record
from clinic.roles import Role, has_role
from planner.models import PlanStatus, TreatmentPlan


def course_for(request: HttpRequest, plan_id: int) -> TreatmentPlan:
    """The course, if this person may book or see it: its patient, or staff."""
    plan = get_object_or_404(TreatmentPlan.objects.select_related("patient"), pk=plan_id)
    if plan.patient_id == request.user.pk or has_role(request.user, *STAFF):
        return plan
    raise Http404("No such course.")


def _propose(
    plan: TreatmentPlan, form: CourseSearchForm, treatment_type: TreatmentType
) -> SeriesProposal | SeriesFailure:
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
        return _("This course is completed: every session has taken place.")
    if plan.status == PlanStatus.STOPPED:
        return _("This course was stopped, so it has no sessions to book.")
    if problem := plan.booking_problem:
        return problem  # a hard stop, or the doctor's review still to come
    if Appointment.objects.active().filter(plan=plan).exists():
        return _(
            "This course is booked: its sessions are listed here. Move a session, or re-plan "
            "the rest, from this page."
        )
    return ""


@login_required
def course_book(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Choose the first session on the picker (with the wishes for the rest), review the whole
    course proposed from it, book it from the review (POST)."""
    plan = course_for(request, plan_id)
    own = plan.patient_id == request.user.pk
    if not own and not has_role(request.user, Role.RECEPTIONIST):
        raise Http404("No such course.")
    if not own:
        audit_record(request=request, patient=plan.patient, action="booking course")
    if closed := booking_closed(plan):
        messages.info(request, closed)
        return redirect("course-detail", plan_id=plan.pk)
    source = request.POST if request.method == "POST" else request.GET
    if not any(key in source for key in CourseSearchForm.base_fields):
        source = QueryDict("same_doctor=on")  # no wishes said yet: one doctor, as the form offers
    form = CourseSearchForm(source)
    context: dict[str, object] = {"plan": plan, "form": form, "quote": course_quote(plan)}
    status = 200
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        messages.error(request, _("The clinic has no treatment set up for this concern yet."))
        return render(request, "bookings/course_book.html", context, status=409)
    context["treatment_type"] = treatment_type
    valid = form.is_valid()
    if valid and form.cleaned_data["first_day"] is None and request.method == "POST":
        form.add_error("first_day", _("Choose the day of the first session."))
        valid = False
    if not valid:
        status = 400
    elif form.cleaned_data["first_day"] is not None:
        result = _propose(plan, form, treatment_type)
        if isinstance(result, SeriesFailure):
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
                messages.success(
                    request,
                    _("Your %(count)s sessions are booked.") % {"count": count}
                    if own
                    else _("%(name)s's %(count)s sessions are booked.")
                    % {"name": plan.patient.get_full_name(), "count": count},
                )
                return redirect("course-detail", plan_id=plan.pk)
        else:
            if request.method == "POST":
                messages.warning(
                    request, _("The calendar changed meanwhile: here is the course now.")
                )
                status = 409
            return _course_review(request, plan, form, result, context, status)
    if valid:
        context["picker"], problem = _first_session_picker(
            request, form, treatment_type, patient_id=plan.patient_id
        )
        if problem:
            messages.error(request, problem)
            status = 400
    return render(request, "bookings/course_book.html", context, status=status)


def _first_session_picker(
    request: HttpRequest, form: CourseSearchForm, treatment_type: TreatmentType, *, patient_id: int
) -> tuple[Picker, str]:
    """The picker of the first session's day and time, on the doctor wished for, without the
    times the patient is booked elsewhere, and what was wrong with the days asked for ("" if
    nothing)."""
    today = timezone.localdate()
    horizon = today + timedelta(days=BOOKING_HORIZON_DAYS)
    picker_form = PickerForm(request.GET, first=today, last=horizon)
    problem = "" if picker_form.is_valid() else picker_form.problem()
    start, last, day = picker_form.span()
    slots = free_slots(
        treatment_type,
        first_day=start,
        last_day=last,
        doctor=form.cleaned_data["doctor"],
        patient_id=patient_id,
    )
    base = request.GET.copy()
    if form.cleaned_data["same_doctor"]:
        base["same_doctor"] = "on"  # the default, kept by the picker's links
    picker = build_picker(
        slots,
        start=start,
        last=last,
        first_allowed=today,
        last_allowed=horizon,
        chosen=day,
        base=base,
        time_params=("first_day", "first_time"),
    )
    return picker, problem


def _course_review(
    request: HttpRequest,
    plan: TreatmentPlan,
    form: CourseSearchForm,
    proposal: SeriesProposal,
    context: dict[str, object],
    status: int,
) -> HttpResponse:
    """The whole course as it would be booked: each session's time, doctor and room, the price
    and how to cancel; its Book button posts what was shown (the proposal's fingerprint)."""
    ids = {x.doctor_id for x in proposal.sessions} | {
        x.room_id for x in proposal.sessions if x.room_id is not None
    }
    names = dict(Resource.objects.filter(pk__in=ids).values_list("pk", "name"))
    zone = clinic_zone()
    context["rows"] = [
        (
            session,
            session.starts_at.astimezone(zone),
            names[session.doctor_id],
            names.get(session.room_id) if session.room_id else "",
        )
        for session in proposal.sessions
    ]
    context["doctors"] = sorted({names[x.doctor_id] for x in proposal.sessions})
    context["fingerprint"] = proposal.fingerprint
    context["policy"] = BookingPolicy.current()
    context["contact"] = ClinicContact.objects.filter(pk=1).first()
    context["again"] = "?" + _wishes_query(form)
    return render(request, "bookings/course_book.html", context, status=status)


def _wishes_query(form: CourseSearchForm) -> str:
    """The wishes as a query, to go back to the picker with them."""
    query = QueryDict(mutable=True)
    data = form.cleaned_data
    query.setlist("weekdays", [str(day) for day in data["weekdays"]])
    query.setlist("bands", list(data["bands"]))
    if data["doctor"]:
        query["doctor"] = str(data["doctor"].pk)
    if data["same_doctor"]:
        query["same_doctor"] = "on"
    if data["first_day"]:
        query["day"] = data["first_day"].isoformat()
    return query.urlencode()


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
        done=_("The rest of the course is cancelled."),
        action="cancelled course",
        then=lambda: redirect("course-detail", plan_id=plan.pk),
        page=lambda: course_detail(request, plan_id),
    )


@login_required
def appointment_move_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Offer, on the picker, only the days inside the session's window; say what the chosen
    time does to the next session; move it (re-flowing the rest when asked) on confirmation."""
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient", "treatment_type", "plan"), pk=appointment_id
    )
    if appointment.patient_id != request.user.pk and not has_role(request.user, *STAFF):
        raise Http404("No such appointment.")
    staff = has_role(request.user, *STAFF)
    if appointment.patient_id != request.user.pk:
        audit_record(request=request, patient=appointment.patient, action="moving appointment")
    hours = BookingPolicy.current().cancellation_notice_hours
    now = timezone.now()
    # A visit still to come, inside the notice: the patient calls (a past one is refused below).
    if not staff and now < appointment.starts_at < now + timedelta(hours=hours):
        messages.error(
            request,
            _("Moving needs %(hours)s hours' notice; please call the clinic.") % {"hours": hours},
        )
        return redirect("appointment-detail", appointment_id=appointment.pk)
    today = timezone.localdate()
    window = move_window(appointment)
    first, last = window or (today, today + timedelta(days=BOOKING_HORIZON_DAYS))
    first, last = max(first, today), min(last, today + timedelta(days=BOOKING_HORIZON_DAYS))
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
                messages.success(request, _("Moved."))
                return redirect("appointment-detail", appointment_id=appointment.pk)
        else:
            messages.error(request, form.problem())
            status = 400
    elif "starts_at" in request.GET:
        form = BookSlotForm(request.GET)
        if not form.is_valid():
            messages.error(request, form.problem())
            status = 400
        elif problem := outside_window(appointment, form.cleaned_data["starts_at"]):
            messages.error(request, problem)
            status = 400
        else:
            chosen = form.cleaned_data["starts_at"]
            if chosen not in _move_slots(appointment, local_day(chosen), local_day(chosen)):
                messages.error(
                    request,
                    _("That time is not free for this visit: choose one of the day's times."),
                )
                status = 409
    context: dict[str, object] = {
        "appointment": appointment,
        "window": window,
        "chosen": chosen.astimezone(clinic_zone()) if chosen and status == 200 else None,
        "effects": move_effects(appointment, chosen) if chosen and status == 200 else [],
    }
    if context["chosen"] is None:
        if first > last:
            context["picker"] = None  # the window has passed
        else:
            query = request.GET.copy()
            if chosen is not None and "day" not in query and first <= local_day(chosen) <= last:
                query["day"] = local_day(chosen).isoformat()  # a refused time: its day again
            picker_form = PickerForm(query, first=first, last=last)
            if not picker_form.is_valid():
                messages.error(request, picker_form.problem())
                status = 400
            start, strip_last, day = picker_form.span()
            slots = _move_slots(appointment, start, strip_last)
            context["picker"] = build_picker(
                slots,
                start=start,
                last=strip_last,
                first_allowed=first,
                last_allowed=last,
                chosen=day,
                base=request.GET,
            )
    return render(request, "bookings/appointment_move.html", context, status=status)


def _move_slots(appointment: Appointment, first: date, last: date) -> list[datetime]:
    """The free start times a visit can move to, first..last, but the time it has now."""
    slots = free_slots(appointment.treatment_type, first_day=first, last_day=last)
    return [slot for slot in slots if slot != appointment.starts_at]


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
        messages.error(request, _("That re-plan is not one this page showed. Please look again."))
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
