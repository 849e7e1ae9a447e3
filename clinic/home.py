"""Each role's home page.

Like urls.py and the API router, this is project wiring (DESIGN.md): a home page gathers what
every layer has for its reader, so it may import them all. Nothing else in clinic/ does.
"""

from collections import defaultdict
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from bookings.courses.timeline import course_timeline
from bookings.front.page import front_page
from bookings.models import Appointment, BookingPolicy, OfferStatus, WaitlistOffer
from bookings.reports.week import this_week
from clinic.models import CalendarFeed, Intake, IntakeStatus, User
from clinic.roles import Role, home_url_name, role_required
from planner.models import PlanRevision, PlanStatus, RevisionAction, TreatmentPlan

# Courses the home page follows as a timeline; a stopped one is only listed.
FOLLOWED = (
    PlanStatus.PROPOSED,
    PlanStatus.APPROVED,
    PlanStatus.IN_PROGRESS,
    PlanStatus.COMPLETED,
)


def _then(url: str, **query: str) -> str:
    """`url` with its query, as a ?next= for the login and sign-up pages to come back to."""
    return urlencode({"next": f"{url}?{urlencode(query)}" if query else url})


def index(request: HttpRequest) -> HttpResponse:
    """The public front page (bookings/front): treatments, prices, hours, where to find the
    clinic and its next free consultation times, each leading through the login back to its
    booking review; a logged-in person goes to their own home page."""
    if not request.user.is_authenticated:
        page = front_page(now=timezone.now())
        book = reverse("consultation-book")
        free_times = [
            (moment, _then(book, starts_at=moment.isoformat())) for moment in page.free_times
        ]
        context = {"page": page, "free_times": free_times, "book_next": _then(book)}
        return render(request, "clinic/index.html", context)
    url_name = home_url_name(request.user)
    if url_name is None:
        return render(request, "clinic/no_role.html", status=403)
    return redirect(url_name)


@role_required(Role.PATIENT)
def patient_home(request: HttpRequest) -> HttpResponse:
    """The patient's care: each course as a timeline (bookings/courses/timeline.py), their other
    visits, offers of a sooner time, their private calendar link, or, before any course, the
    next step. A fixed number of queries however long the courses (tests count them)."""
    patient = request.user
    assert isinstance(patient, User)
    now = timezone.now()
    plans = list(
        TreatmentPlan.objects.filter(patient=patient)
        .select_related("approved_by")
        .order_by("-created_at")
    )
    followed = [plan for plan in plans if plan.status in FOLLOWED]
    sessions: dict[int, list[Appointment]] = defaultdict(list)
    approvals: dict[int, PlanRevision] = {}
    if followed:
        for appointment in Appointment.objects.filter(plan__in=followed).select_related(
            "treatment_type", "doctor"
        ):
            sessions[appointment.plan_id].append(appointment)  # type: ignore[index]
        for revision in PlanRevision.objects.filter(
            plan__in=followed, action=RevisionAction.APPROVED
        ).select_related("author"):
            approvals[revision.plan_id] = revision  # ordered oldest first: the latest wins
    timelines = [
        course_timeline(plan, sessions[plan.pk], now=now, approval=approvals.get(plan.pk))
        for plan in followed
    ]
    draft = Intake.objects.filter(patient=patient, status=IntakeStatus.DRAFT).exists()
    # Visits outside a course (consultations): a course's sessions are on its timeline.
    upcoming = (
        Appointment.objects.active()
        .filter(patient=patient, plan__isnull=True, starts_at__gte=now)
        .select_related("treatment_type", "doctor")
        .order_by("starts_at")
    )
    offers = WaitlistOffer.objects.filter(
        entry__patient=patient, status=OfferStatus.OPEN, expires_at__gt=now
    ).select_related("entry__plan", "entry__appointment")
    context = {
        "plans": plans,
        "timelines": timelines,
        "closed": [plan for plan in plans if plan.status not in FOLLOWED],
        "upcoming": upcoming,
        "draft": draft,
        "offers": offers,
        "feed": CalendarFeed.objects.live().filter(patient=patient).first(),
    }
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
