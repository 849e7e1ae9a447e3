"""The photo pages, under /photos/: a photo and its thumbnail streamed from the private storage,
a photo taken or removed at a visit, one area's photos compared across a course, and the
patient's consent to photographs, recorded by staff or given by the patient.

Who sees what (issue 16): doctors and managers see any patient's photos; receptionists never
(403); a patient sees their own only if the clinic turns that on (PATIENTS_SEE_PHOTOS), and
another patient's are "not found", as the appointment page answers. Every staff view is in the
audit log; thumbnails, read a dozen at a time by one page, once per person and patient within
THUMBNAILS_AUDITED_EVERY.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from bookings.models import Appointment, ClinicalPhoto
from bookings.visits.photo_forms import PhotoConsentForm, PhotoForm
from bookings.visits.photos import photo_add, photo_comparison, photo_remove
from bookings.visits.record_views import record_page
from clinic.audit import audit_record, audit_record_many
from clinic.models import ConsentMethod, PhotoScope, User
from clinic.photo_consent import (
    photo_consent_give,
    photo_consent_in_force,
    photo_consent_withdraw,
)
from clinic.roles import Role, has_role, role_required
from planner.models import TreatmentPlan

logger = logging.getLogger(__name__)

VIEWERS = (Role.DOCTOR, Role.MANAGER)
STAFF = (Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER)
THUMBNAILS_AUDITED_EVERY = timedelta(minutes=10)


def may_see_photos(user: Any, patient_id: int) -> bool:
    """Whether `user` may see this patient's clinical photos (for a page deciding to show them;
    the photo views check it again)."""
    if has_role(user, *VIEWERS):
        return True
    return bool(
        settings.PATIENTS_SEE_PHOTOS and user.pk == patient_id and has_role(user, Role.PATIENT)
    )


def _check_may_see(request: HttpRequest, patient_id: int) -> None:
    user = request.user
    if may_see_photos(user, patient_id):
        return
    if user.pk == patient_id and has_role(user, Role.PATIENT):
        raise PermissionDenied(
            "The clinic does not show clinical photos online: ask your doctor at your next visit."
        )
    if has_role(user, Role.RECEPTIONIST):
        raise PermissionDenied("Clinical photos are for the doctors.")
    raise Http404("No such photo.")


def visit_page(appointment_id: int) -> str:
    """The visit's record page, where the photos are taken."""
    return reverse("visit-record", args=[appointment_id])


def _back(request: HttpRequest, default: str) -> HttpResponse:
    """To the page the form was on (`next`, if it is this site's), else to `default`."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


def _refused(request: HttpRequest, appointment: Appointment, message: str) -> HttpResponse:
    """The visit's record page again, saying why, as a 400: nothing was stored."""
    messages.error(request, message)
    return record_page(request, appointment, status=400)


# --- The files ------------------------------------------------------------------------------


def _serve(request: HttpRequest, photo_id: int, *, thumbnail: bool) -> FileResponse:
    photo = get_object_or_404(ClinicalPhoto.objects.select_related("patient"), pk=photo_id)
    _check_may_see(request, photo.patient_id)
    stored = photo.thumbnail if thumbnail else photo.image
    try:
        handle = stored.storage.open(stored.name, "rb")
    except OSError as error:
        logger.error("Clinical photo %s: its file %s is missing (%s)", photo.pk, stored.name, error)
        raise Http404("This photo's file is missing.") from error
    what = f"photo {photo.pk} ({photo.get_label_display().lower()}, {photo.area})"
    if thumbnail:
        # A page shows a dozen thumbnails: one entry per person and patient now and then.
        audit_record_many(
            request=request,
            patients=[photo.patient],
            action="viewed photo thumbnails",
            detail=f"visit {photo.appointment_id}",
            unless_within=THUMBNAILS_AUDITED_EVERY,
        )
    else:
        audit_record(
            request=request,
            patient=photo.patient,
            action="viewed photo",
            detail=f"{what}, visit {photo.appointment_id}",
        )
    extension = "jpg" if thumbnail else stored.name.rsplit(".", 1)[-1]
    response = FileResponse(
        handle,
        content_type="image/jpeg" if thumbnail else photo.content_type,
        filename=f"photo-{photo.pk}{'-thumb' if thumbnail else ''}.{extension}",
    )
    # Streamed: the audit middleware does not read a streaming body; the view wrote the log.
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
@login_required
def photo_image(request: HttpRequest, photo_id: int) -> FileResponse:
    return _serve(request, photo_id, thumbnail=False)


@require_safe
@login_required
def photo_thumbnail(request: HttpRequest, photo_id: int) -> FileResponse:
    return _serve(request, photo_id, thumbnail=True)


# --- Taken and removed ----------------------------------------------------------------------


@require_POST
@role_required(Role.DOCTOR)
def photo_upload(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = get_object_or_404(
        Appointment.objects.select_related("patient"), pk=appointment_id
    )
    form = PhotoForm(request.POST, request.FILES)
    if not form.is_valid():
        return _refused(request, appointment, form.problem())
    data = form.cleaned_data
    assert isinstance(request.user, User)
    try:
        photo = photo_add(
            appointment=appointment,
            area=data["area"],
            label=data["label"],
            upload=data["image"],
            by=request.user,
        )
    except ValidationError as error:
        return _refused(request, appointment, " ".join(error.messages))
    audit_record(
        request=request,
        patient=appointment.patient,
        action="added photo",
        detail=f"photo {photo.pk} ({photo.get_label_display().lower()}, {photo.area}), "
        f"visit {appointment.pk}",
    )
    messages.success(request, f"Photo added: {photo.area}, {photo.get_label_display().lower()}.")
    return _back(request, visit_page(appointment.pk))


@require_POST
@role_required(Role.DOCTOR)
def photo_remove_view(request: HttpRequest, photo_id: int) -> HttpResponse:
    photo = get_object_or_404(
        ClinicalPhoto.objects.select_related("appointment__patient", "patient"), pk=photo_id
    )
    assert isinstance(request.user, User)
    try:
        photo_remove(photo=photo, by=request.user)
    except ValidationError as error:
        return _refused(request, photo.appointment, " ".join(error.messages))
    audit_record(
        request=request,
        patient=photo.patient,
        action="removed photo",
        detail=f"photo {photo.pk} ({photo.get_label_display().lower()}, {photo.area}), "
        f"visit {photo.appointment_id}",
    )
    messages.success(request, f"Photo removed: {photo.area}, {photo.get_label_display().lower()}.")
    return _back(request, visit_page(photo.appointment_id))


# --- Compared -------------------------------------------------------------------------------


@require_safe
@login_required
def photo_compare(request: HttpRequest, plan_id: int) -> HttpResponse:
    """One area's photos across a course, side by side (?area=&a=&b=)."""
    plan = get_object_or_404(TreatmentPlan.objects.select_related("patient"), pk=plan_id)
    _check_may_see(request, plan.patient_id)
    comparison = photo_comparison(plan, request.GET)
    audit_record(
        request=request,
        patient=plan.patient,
        action="compared photos",
        detail=f"course {plan.pk}: {comparison.area or 'no photos yet'}",
    )
    return render(
        request,
        "visits/photo_compare.html",
        {"plan": plan, "comparison": comparison},
        status=400 if comparison.error else 200,
    )


# --- Consent --------------------------------------------------------------------------------

CONSENT_UNREADABLE = "The consent form could not be read: choose what to give or withdraw."


def _consent_change(
    request: HttpRequest, patient: User, form: PhotoConsentForm, method: str
) -> str:
    """Give or withdraw, and say what was done."""
    assert isinstance(request.user, User)
    scope, action = form.cleaned_data["scope"], form.cleaned_data["action"]
    label = PhotoScope(scope).label
    if action == "give":
        photo_consent_give(patient=patient, scope=scope, by=request.user, method=method)
        audit_record(
            request=request, patient=patient, action="recorded photo consent", detail=label
        )
        return f"Consent recorded: {label}."
    consent = photo_consent_in_force(patient=patient, scope=scope)
    if consent is None:
        return f"No consent was in force for this: {label}."
    photo_consent_withdraw(consent=consent, by=request.user)
    audit_record(request=request, patient=patient, action="withdrew photo consent", detail=label)
    return f"Consent withdrawn: {label}. Photos already in the record stay in it."


@require_POST
@role_required(*STAFF)
def photo_consent_record(request: HttpRequest, patient_id: int) -> HttpResponse:
    """Staff record the patient's consent given in person (or its withdrawal), per scope."""
    patient = get_object_or_404(User.objects.filter(groups__name=Role.PATIENT.value), pk=patient_id)
    form = PhotoConsentForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(CONSENT_UNREADABLE, content_type="text/plain; charset=utf-8")
    messages.success(request, _consent_change(request, patient, form, ConsentMethod.IN_PERSON))
    return _back(request, reverse("patient-detail", args=[patient.pk]))


@require_POST
@role_required(Role.PATIENT)
def my_photo_consent(request: HttpRequest) -> HttpResponse:
    """The patient gives or withdraws their own consent, online, from their profile."""
    assert isinstance(request.user, User)
    form = PhotoConsentForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(CONSENT_UNREADABLE, content_type="text/plain; charset=utf-8")
    messages.success(request, _consent_change(request, request.user, form, ConsentMethod.ONLINE))
    return _back(request, reverse("profile"))
