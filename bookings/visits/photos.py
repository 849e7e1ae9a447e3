"""Clinical photos: taken by a doctor at a visit, of one area, before or after the treatment.

The rules (issue 16): only doctors add or remove them; the patient must have consented to
photographs for their medical record (clinic.photo_consent), apart from the treatment consent;
the visit has begun (from an hour before) and was neither cancelled nor missed; once the
visit's record is signed its photos are part of it and never change (a correction is an
addendum). The files go through the "clinical_photos" storage, never a public path; the views
in photo_views.py serve them after checking the role and writing the audit log.

Selectors for the pages: a visit's photos, a course's photos by area in session order, and the
pair of one area's photos compared side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import FileField
from django.http import HttpRequest
from django.utils import timezone

from bookings.appointments.services import CHECK_IN_EARLY
from bookings.models import (
    Appointment,
    AppointmentStatus,
    ClinicalPhoto,
    PhotoLabel,
    RecordStatus,
    SessionRecord,
)
from bookings.visits.photo_forms import PhotoForm
from bookings.visits.photo_images import photo_prepare
from clinic.models import PhotoConsent, PhotoScope, User
from clinic.roles import Role, has_role
from planner.models import TreatmentPlan

logger = logging.getLogger(__name__)

AREA_MAX = ClinicalPhoto._meta.get_field("area").max_length or 60
SIGNED = "The record of this visit is signed, so its photos no longer change: add an addendum."
LABEL_ORDER: dict[str, int] = {PhotoLabel.BEFORE.value: 0, PhotoLabel.AFTER.value: 1}


def _photo_storage() -> Storage:
    field = ClinicalPhoto._meta.get_field("image")
    assert isinstance(field, FileField)
    return field.storage


def photo_consent_problem(patient: User) -> str:
    """Why photos of this patient may not be taken, or "" if they may."""
    if (
        PhotoConsent.objects.in_force()
        .filter(patient=patient, scope=PhotoScope.MEDICAL_RECORD)
        .exists()
    ):
        return ""
    return (
        f"{patient} has not consented to clinical photographs for their medical record "
        "(a consent of its own, apart from the treatment consent). Record their consent first: "
        "given in person, or by the patient from their profile."
    )


def photo_visit_problem(appointment: Appointment, now: datetime) -> str:
    """Why this visit takes no new photo (or loses none), or "" if it may."""
    if appointment.status == AppointmentStatus.CANCELLED:
        return "This visit was cancelled: photos belong to a visit that took place."
    if appointment.status == AppointmentStatus.NO_SHOW:
        return "The patient did not come to this visit (a no-show): it has no photos."
    if now < appointment.starts_at - CHECK_IN_EARLY:
        return "Photos are added at the visit: from an hour before it starts."
    if SessionRecord.objects.filter(appointment=appointment, status=RecordStatus.SIGNED).exists():
        return SIGNED
    return ""


def photo_may_add(*, appointment: Appointment, by: User, now: datetime | None = None) -> bool:
    """Whether the page offers the upload form (the service checks again, under a lock)."""
    return (
        has_role(by, Role.DOCTOR)
        and not photo_visit_problem(appointment, now or timezone.now())
        and not photo_consent_problem(appointment.patient)
    )


def _lock_visit(appointment: Appointment) -> Appointment:
    """The visit and its record, locked, so that a record being signed at the same moment waits
    for the photo (or the photo sees the record signed)."""
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("patient")
        .get(pk=appointment.pk)
    )
    list(SessionRecord.objects.select_for_update().filter(appointment=locked))
    return locked


def _clean_area(area: str) -> str:
    area = " ".join((area or "").split())
    if not area:
        raise ValidationError("Say which area the photo shows (for example: left cheek).")
    if len(area) > AREA_MAX:
        raise ValidationError(f"Name the area in at most {AREA_MAX} characters.")
    return area


def photo_add(
    *,
    appointment: Appointment,
    area: str,
    label: str,
    upload: File[bytes],
    by: User,
    now: datetime | None = None,
) -> ClinicalPhoto:
    """Check, re-encode and store a photo of `area` taken at `appointment`, with its thumbnail.
    Refused (ValidationError with a sentence) before anything is written; if anything fails
    after a file was written, the files are deleted again: nothing is stored."""
    if not has_role(by, Role.DOCTOR):
        raise PermissionDenied("Only doctors add clinical photos.")
    area = _clean_area(area)
    if label not in PhotoLabel.values:
        raise ValidationError("Label the photo as taken before or after the treatment.")
    now = now or timezone.now()
    # The cheap refusals first, so a photo the visit cannot take is not even decoded.
    problem = photo_visit_problem(appointment, now) or photo_consent_problem(appointment.patient)
    if problem:
        raise ValidationError(problem)
    prepared = photo_prepare(upload, max_bytes=settings.CLINICAL_PHOTO_MAX_BYTES)
    storage = _photo_storage()
    written: list[str] = []
    try:
        with transaction.atomic():
            appointment = _lock_visit(appointment)
            problem = photo_visit_problem(appointment, now) or photo_consent_problem(
                appointment.patient
            )
            if problem:
                raise ValidationError(problem)
            photo = ClinicalPhoto(
                appointment=appointment,
                patient=appointment.patient,
                area=area,
                label=label,
                content_type=prepared.content_type,
                width=prepared.width,
                height=prepared.height,
                size_bytes=len(prepared.image),
                uploaded_by=by,
            )
            # Random names in the patient's folder: nothing in a name says whose or what it is
            # beyond the folder, and no name can be guessed from another.
            stem = f"patient-{appointment.patient_id}/{uuid4().hex}"
            photo.image.save(f"{stem}.{prepared.extension}", ContentFile(prepared.image), False)
            written.append(photo.image.name)
            photo.thumbnail.save(f"{stem}-thumb.jpg", ContentFile(prepared.thumbnail), False)
            written.append(photo.thumbnail.name)
            photo.save()
    except BaseException:
        _delete_files(storage, written)
        raise
    return photo


def _delete_files(storage: Storage, names: list[str]) -> None:
    for name in names:
        if not name:
            continue
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete the clinical photo file %s", name)


def photo_remove(*, photo: ClinicalPhoto, by: User, now: datetime | None = None) -> None:
    """Remove a photo taken by mistake, while its visit's record is not signed. Its two files
    are deleted once the removal is committed (a rollback keeps them with their row)."""
    if not has_role(by, Role.DOCTOR):
        raise PermissionDenied("Only doctors remove clinical photos.")
    now = now or timezone.now()
    with transaction.atomic():
        _lock_visit(photo.appointment)
        if SessionRecord.objects.filter(
            appointment_id=photo.appointment_id, status=RecordStatus.SIGNED
        ).exists():
            raise ValidationError(SIGNED)
        deleted, _ = ClinicalPhoto.objects.filter(pk=photo.pk).delete()
        if not deleted:
            return  # removed already (a double click)
        names = [photo.image.name, photo.thumbnail.name]
        storage = _photo_storage()
        transaction.on_commit(lambda: _delete_files(storage, names))


# --- Selectors ------------------------------------------------------------------------------


def photo_block_context(request: HttpRequest, appointment: Appointment) -> dict[str, Any]:
    """What the visit record page passes to templates/visits/_photos.html."""
    assert isinstance(request.user, User)
    return {"appointment": appointment, **photo_panel(appointment, request.user)}


def photo_panel(appointment: Appointment, user: User) -> dict[str, Any]:
    """The context templates/visits/_photos.html needs, for a page that includes it."""
    doctor = has_role(user, Role.DOCTOR)
    visit_problem = photo_visit_problem(appointment, timezone.now())
    problem = visit_problem or photo_consent_problem(appointment.patient)
    consents = {
        c.scope: c
        for c in PhotoConsent.objects.in_force()
        .filter(patient_id=appointment.patient_id)
        .select_related("recorded_by")
    }
    return {
        "photos": visit_photos(appointment),
        "can_add_photos": doctor and not problem,
        "photos_refused": problem if doctor else "",
        "can_remove_photos": doctor and not visit_problem,
        "photo_form": PhotoForm(),
        "photo_areas": visit_areas(appointment),
        "photo_consents": {scope: consents.get(scope) for scope in PhotoScope.values},
        "photo_max_mb": settings.CLINICAL_PHOTO_MAX_BYTES // (1024 * 1024),
    }


def _in_order(photo: ClinicalPhoto) -> tuple[object, ...]:
    return (LABEL_ORDER.get(photo.label, 2), photo.uploaded_at, photo.pk)


def visit_photos(appointment: Appointment) -> list[ClinicalPhoto]:
    """A visit's photos, by area (as first named), before ones before after ones."""
    photos = list(
        ClinicalPhoto.objects.filter(appointment=appointment).select_related("uploaded_by")
    )
    return sorted(photos, key=lambda p: (p.area.casefold(), *_in_order(p)))


def visit_areas(appointment: Appointment) -> list[str]:
    """The areas already photographed for this patient (this course's first), to offer when
    naming a new photo's area: one spelling keeps the course's comparison together."""
    photos = ClinicalPhoto.objects.filter(patient_id=appointment.patient_id)
    if appointment.plan_id:
        photos = photos.filter(appointment__plan_id=appointment.plan_id)
    seen: dict[str, str] = {}
    for area in photos.order_by("uploaded_at").values_list("area", flat=True):
        seen.setdefault(area.casefold(), area)
    return sorted(seen.values(), key=str.casefold)


def course_photos(plan: TreatmentPlan) -> dict[str, list[ClinicalPhoto]]:
    """Per area (named as first written, compared without case), the photos of the course's
    sessions in session order, before ones before after ones. One query."""
    photos = list(
        ClinicalPhoto.objects.filter(appointment__plan=plan, patient_id=plan.patient_id)
        .select_related("appointment")
        .order_by("appointment__session_number", "appointment__starts_at", "uploaded_at", "id")
    )
    photos.sort(
        key=lambda p: (p.appointment.session_number or 0, p.appointment.starts_at, *_in_order(p))
    )
    by_key: dict[str, list[ClinicalPhoto]] = {}
    names: dict[str, str] = {}
    for photo in photos:
        key = photo.area.casefold()
        names.setdefault(key, photo.area)
        by_key.setdefault(key, []).append(photo)
    return {names[key]: found for key, found in by_key.items()}


@dataclass(frozen=True)
class ComparePair:
    area: str
    first: ClinicalPhoto
    second: ClinicalPhoto | None
    chosen: bool  # two photos the doctor chose, rather than the first and the latest

    @property
    def sides(self) -> list[ClinicalPhoto]:
        return [self.first] if self.second is None else [self.first, self.second]


def _area_in(by_area: Mapping[str, list[ClinicalPhoto]], area: str | None) -> str | None:
    if not by_area:
        return None
    wanted = (area or "").casefold()
    return next((name for name in by_area if name.casefold() == wanted), next(iter(by_area)))


def compare_pair(
    plan: TreatmentPlan,
    area: str | None,
    a: int | None,
    b: int | None,
    *,
    by_area: Mapping[str, list[ClinicalPhoto]] | None = None,
) -> ComparePair | None:
    """One area's photos side by side: the first session's and the latest by default, or the
    two chosen (a and b, which must be photos of this course's patient: ValidationError if
    not). None while the course has no photos."""
    by_area = course_photos(plan) if by_area is None else by_area
    name = _area_in(by_area, area)
    if a is not None and b is not None:
        known = {p.pk: p for photos in by_area.values() for p in photos}
        missing = [pk for pk in (a, b) if pk not in known]
        if missing:
            known |= {
                p.pk: p
                for p in ClinicalPhoto.objects.filter(
                    pk__in=missing, patient_id=plan.patient_id
                ).select_related("appointment")
            }
        if a not in known or b not in known:
            raise ValidationError("Choose two photos of this course's patient to compare.")
        # Another area chosen in the form, the two photos still those of the last one: that
        # area's first and latest.
        if not area or {known[a].area.casefold(), known[b].area.casefold()} == {area.casefold()}:
            return ComparePair(area=known[a].area, first=known[a], second=known[b], chosen=True)
    if name is None:
        return None
    photos = by_area[name]
    second = photos[-1] if len(photos) > 1 else None
    return ComparePair(area=name, first=photos[0], second=second, chosen=False)


def _int(value: str | None) -> int | None:
    if value and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return None


@dataclass
class Comparison:
    """What _photo_compare.html shows: the areas to choose from, that area's photos to pick
    two of, the pair, and why the choice in the address was ignored, if it was."""

    plan: TreatmentPlan
    areas: list[str] = field(default_factory=list)
    area: str = ""
    photos: list[ClinicalPhoto] = field(default_factory=list)
    pair: ComparePair | None = None
    error: str = ""


def photo_comparison(plan: TreatmentPlan, params: Mapping[str, str]) -> Comparison:
    """The comparison a page asks for with ?area=&a=&b= (all optional). Ids that are not
    this course's patient's photos are ignored, with `error` saying so, and the default pair
    is shown."""
    by_area = course_photos(plan)
    comparison = Comparison(plan=plan, areas=list(by_area))
    a, b = _int(params.get("a")), _int(params.get("b"))
    if (params.get("a") or params.get("b")) and (a is None or b is None):
        comparison.error = "Choose two photos to compare."
        a = b = None
    try:
        pair = compare_pair(plan, params.get("area"), a, b, by_area=by_area)
    except ValidationError as error:
        comparison.error = " ".join(error.messages)
        pair = compare_pair(plan, params.get("area"), None, None, by_area=by_area)
    comparison.pair = pair
    if pair is not None:
        comparison.area = _area_in(by_area, pair.area) or pair.area
        comparison.photos = list(by_area.get(comparison.area, []))
    return comparison
