"""The test patch: a small area treated with the course's settings and read a day or two
later. For darker skin the course's first treatment waits for a patch read as tolerated: the
safety gate the screening started (planner/rules/screening.py), carried to the laser.

Source: the issue that asked for it gives the published practice as a reading after 24 hours,
48 hours for Fitzpatrick IV to VI, whose skin is the more prone to post-inflammatory
hyperpigmentation (the planner's darker-skin rule, planner/rules/policy.py, already spaces
their sessions further apart). The clinic's own standard; no seed sentence covers it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bookings.calendars.availability import clinic_zone
from bookings.models import (
    PARAMETERS,
    Appointment,
    PatchOutcome,
    Resource,
    ResourceKind,
    SessionRecord,
    TestPatch,
)
from clinic.models import User
from clinic.roles import Role, has_role

# Fitzpatrick IV to VI: the patch is read later, and the first treatment waits for it.
GATED_FROM_FITZPATRICK = 4


def read_after(fitzpatrick: int) -> timedelta:
    return timedelta(hours=48 if fitzpatrick >= GATED_FROM_FITZPATRICK else 24)


def readable_from(patch: TestPatch) -> datetime:
    return patch.applied_at + read_after(patch.fitzpatrick)


def fitzpatrick_of(patient: User) -> int | None:
    """The patient's skin type as their latest course was planned with it."""
    plan = patient.plans.order_by("-created_at").first()
    value = plan.intake.get("fitzpatrick") if plan is not None else None
    return int(value) if value else None


def tolerated_patch(patient_id: int, fitzpatrick: int) -> TestPatch | None:
    """The patient's latest reading, if it was tolerated and read no sooner than this skin type
    asks (a patch typed as a lighter skin and read at 24 hours does not count). A later
    reaction closes the gate again."""
    latest = (
        TestPatch.objects.filter(patient_id=patient_id, read_at__isnull=False)
        .order_by("-read_at", "-id")
        .first()
    )
    if latest is None or latest.outcome != PatchOutcome.TOLERATED or latest.read_at is None:
        return None
    waited = latest.read_at - latest.applied_at
    if waited < read_after(max(latest.fitzpatrick, fitzpatrick)):
        return None
    return latest


def patch_gate(appointment: Appointment) -> str:
    """Why this course session cannot be recorded yet for want of a test patch, or ""."""
    plan = appointment.plan
    if plan is None:
        return ""
    fitzpatrick = int(plan.intake.get("fitzpatrick") or 0)
    if fitzpatrick < GATED_FROM_FITZPATRICK:
        return ""
    first = not SessionRecord.objects.filter(appointment__plan_id=plan.pk, status="signed").exists()
    if not first or tolerated_patch(appointment.patient_id, fitzpatrick) is not None:
        return ""
    return (
        f"Skin type {_roman(fitzpatrick)}: the first treatment needs a test patch read as "
        "tolerated (48 hours after it was placed). Record the test patch first."
    )


def _roman(number: int) -> str:
    return ["", "I", "II", "III", "IV", "V", "VI"][number] if 0 < number <= 6 else str(number)


def _doctor(by: User) -> None:
    if not has_role(by, Role.DOCTOR):
        raise PermissionDenied("Only a doctor records a test patch.")


@transaction.atomic
def patch_place(
    *,
    patient: User,
    device: Resource,
    area: str,
    fitzpatrick: int,
    values: dict[str, Any],
    by: User,
    now: datetime | None = None,
) -> TestPatch:
    """A doctor places a test patch with these settings."""
    _doctor(by)
    if device.kind != ResourceKind.DEVICE:
        raise ValidationError({"device": "Choose a laser device."})
    unknown = set(values) - set(PARAMETERS)
    if unknown:
        raise ValidationError(f"These are not laser settings: {sorted(unknown)}.")
    planned = fitzpatrick_of(patient)
    if planned is not None and fitzpatrick < planned:
        raise ValidationError(
            {
                "fitzpatrick": f"The patient's course was planned for skin type "
                f"{_roman(planned)}: record the patch with that type or a darker one (a "
                "doctor corrects the plan's skin type on the plan page)."
            }
        )
    patch = TestPatch(
        patient=patient,
        device=device,
        area=area.strip(),
        fitzpatrick=fitzpatrick,
        applied_at=now or timezone.now(),
        applied_by=by,
        **values,
    )
    try:
        patch.full_clean(exclude=["patient", "device", "applied_by", "read_by"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None
    if patch.fluence_j_cm2 is None or patch.wavelength_nm is None:
        raise ValidationError("Record at least the wavelength and the fluence of the patch.")
    patch.save()
    return patch


@transaction.atomic
def patch_read(
    *,
    patch: TestPatch,
    outcome: str,
    by: User,
    note: str = "",
    now: datetime | None = None,
) -> TestPatch:
    """A doctor reads the patch, no sooner than 24 hours after it was placed (48 for darker
    skin)."""
    _doctor(by)
    now = now or timezone.now()
    patch = TestPatch.objects.select_for_update().get(pk=patch.pk)
    if patch.read_at is not None:
        raise ValidationError("This test patch has been read already.")
    if outcome not in PatchOutcome.values:
        raise ValidationError({"outcome": "Choose tolerated or a reaction."})
    opens = readable_from(patch)
    if now < opens:
        hours = int(read_after(patch.fitzpatrick).total_seconds() // 3600)
        raise ValidationError(
            f"A test patch on skin type {_roman(patch.fitzpatrick)} is read {hours} hours after "
            f"it was placed: from {opens.astimezone(clinic_zone()):%a %d %b at %H:%M}."
        )
    if outcome == PatchOutcome.REACTION and not note.strip():
        raise ValidationError({"reading_note": "Describe the reaction."})
    patch.read_at = now
    patch.read_by = by
    patch.outcome = outcome
    patch.reading_note = note.strip()
    patch.save(update_fields=["read_at", "read_by", "outcome", "reading_note"])
    return patch
