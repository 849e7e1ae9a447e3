"""Each role's home page.

Like urls.py and the API router, this is project wiring (DESIGN.md): a home page gathers what
every layer has for its reader, so it may import them all. Nothing else in clinic/ does.
"""

from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from bookings.models import Appointment, BookingPolicy, OfferStatus, WaitlistOffer
from bookings.reports.week import this_week
from clinic.models import Intake, IntakeStatus
from clinic.roles import Role, home_url_name, role_required
from planner.models import TreatmentPlan


def index(request: HttpRequest) -> HttpResponse:
    """The public front page; a logged-in person goes to their own home page."""
    if not request.user.is_authenticated:
        return render(request, "clinic/index.html")
    url_name = home_url_name(request.user)
    if url_name is None:
        return render(request, "clinic/no_role.html", status=403)
    return redirect(url_name)


@role_required(Role.PATIENT)
def patient_home(request: HttpRequest) -> HttpResponse:
    plans = (
        TreatmentPlan.objects.filter(patient=request.user)
        .select_related("approved_by")
        .order_by("-created_at")
    )
    draft = Intake.objects.filter(patient=request.user, status=IntakeStatus.DRAFT).exists()
    upcoming = (
        Appointment.objects.active()
        .filter(patient=request.user, starts_at__gte=timezone.now())
        .select_related("treatment_type", "doctor")
        .order_by("starts_at")
    )
    offers = WaitlistOffer.objects.filter(
        entry__patient=request.user, status=OfferStatus.OPEN, expires_at__gt=timezone.now()
    ).select_related("entry__plan", "entry__appointment")
    context = {"plans": plans, "upcoming": upcoming, "draft": draft, "offers": offers}
    return render(request, "clinic/home_patient.html", context)


def _todays_appointments(**filters: object) -> QuerySet[Appointment]:
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (
        Appointment.objects.active()
        .filter(starts_at__gte=start, starts_at__lt=start + timedelta(days=1), **filters)
        .select_related("patient", "treatment_type", "doctor", "room")
        .order_by("starts_at")
    )


@role_required(Role.RECEPTIONIST)
def reception_home(request: HttpRequest) -> HttpResponse:
    """The front desk: the calendar by doctor, laser and room (bookings/desk), and today's list."""
    return render(
        request,
        "clinic/home_reception.html",
        {
            "now": timezone.now(),
            "today": _todays_appointments(),
            "slot_minutes": BookingPolicy.current().slot_step_minutes,
        },
    )


@role_required(Role.DOCTOR)
def doctor_home(request: HttpRequest) -> HttpResponse:
    awaiting = TreatmentPlan.objects.awaiting_approval()
    today = _todays_appointments(doctor__user=request.user)
    context = {"now": timezone.now(), "awaiting": awaiting, "today": today}
    return render(request, "clinic/home_doctor.html", context)


@role_required(Role.MANAGER)
def manager_home(request: HttpRequest) -> HttpResponse:
    """This week at a glance (bookings/reports/week.py), linking to the reports; the people by
    role; the installation."""
    people = dict(
        Group.objects.filter(name__in=[role.value for role in Role])
        .annotate(count=Count("user", filter=Q(user__is_active=True)))
        .values_list("name", "count")
    )
    return render(
        request,
        "clinic/home_manager.html",
        {
            "week": this_week(),
            "people": [(role.value, people.get(role.value, 0)) for role in Role],
            "database_vendor": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
            "broker": "Redis" if settings.REDIS_URL else "files under var/broker (no server)",
        },
    )
