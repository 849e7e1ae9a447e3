"""The course record: the course at a glance as a page, and as a PDF for a referral or a
patient's request.

Who sees what (issue 16): doctors and managers read the whole record; a receptionist sees the
sessions' dates, that each was recorded and its aftercare; the patient sees their own sessions'
dates, areas treated and aftercare (and photos, if the clinic turns that on). Another patient
gets a 404, as for the course itself; a visitor is sent to log in. Every staff view is audited.

The PDF is for doctors and managers only. A patient who asks for their record gets it through
the clinic, whole (a subject access request is answered with the full record, not a reduced
one), so patients and receptionists are refused it (403).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from bookings.visits.glance import course_glance, session_lines
from bookings.visits.glance_pdf import course_record_pdf_bytes
from bookings.visits.photo_views import may_see_photos
from bookings.visits.photos import photo_comparison
from bookings.visits.records import CLINICAL
from clinic.audit import audit_record
from clinic.roles import Role, has_role
from planner.models import TreatmentPlan

CLINICAL_VIEW, DESK_VIEW, PATIENT_VIEW = "clinical", "desk", "patient"


def _course(request: HttpRequest, plan_id: int) -> tuple[TreatmentPlan, str]:
    """The course and how much of its record this person reads; 404 for anyone else's, as
    bookings.courses.views.course_for refuses another patient's course."""
    plan = get_object_or_404(
        TreatmentPlan.objects.select_related("patient", "patient__profile", "approved_by"),
        pk=plan_id,
    )
    if has_role(request.user, *CLINICAL):
        return plan, CLINICAL_VIEW
    if plan.patient_id == request.user.pk:
        return plan, PATIENT_VIEW
    if has_role(request.user, Role.RECEPTIONIST):
        return plan, DESK_VIEW
    raise Http404("No such course.")


@require_GET
@login_required
def course_record(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, audience = _course(request, plan_id)
    glance = course_glance(plan)
    context: dict[str, Any] = {"plan": plan, "audience": audience}
    if audience == CLINICAL_VIEW:
        audit_record(request=request, patient=plan.patient, action="viewed course record")
        context |= {"glance": glance, "comparison": photo_comparison(plan, request.GET)}
    else:
        if audience == DESK_VIEW:
            audit_record(
                request=request,
                patient=plan.patient,
                action="viewed course record",
                detail="front desk view: dates, recorded, aftercare",
            )
        # The photo views' own rule: a patient, their own, if the clinic shows them.
        own_photos = audience == PATIENT_VIEW and may_see_photos(request.user, plan.patient_id)
        context["lines"] = session_lines(glance, areas=audience == PATIENT_VIEW, photos=own_photos)
        if own_photos:
            context["comparison"] = photo_comparison(plan, request.GET)
    return render(request, "visits/course_record.html", context)


@require_GET
@never_cache
@login_required
def course_record_pdf(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan, audience = _course(request, plan_id)
    if audience != CLINICAL_VIEW:
        raise PermissionDenied("The course record's PDF is for the clinic's doctors and managers.")
    now = timezone.now()
    content = course_record_pdf_bytes(course_glance(plan), generated_at=now)
    audit_record(request=request, patient=plan.patient, action="exported course record PDF")
    response = HttpResponse(content, content_type="application/pdf")
    # No name in the file name: it outlives the download in folders and mail attachments.
    day = timezone.localdate(now)
    response["Content-Disposition"] = (
        f'attachment; filename="course-record-{plan.pk}-{day:%Y-%m-%d}.pdf"'
    )
    return response
