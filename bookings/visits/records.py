"""The doctor's session record: pre-filled from the course's last session and the device's
protocol, flagged where it moves further than the protocol permits, signed and then locked, and
corrected only by addenda. Signing records the visit as completed, which re-anchors the
course's later windows.

Sources: the per-session limits are the clinic's own protocol, set by its manager (a fluence
rise of at most 20% a session is the default the issue names). Treating to a clinical endpoint
and stepping settings up between sessions is standard laser practice; no seed sentence covers
it, so none is borrowed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from bookings.models import (
    PARAMETERS,
    AdverseEvent,
    Appointment,
    AppointmentStatus,
    Protocol,
    RecordAddendum,
    RecordStatus,
    SessionRecord,
    TreatmentKind,
)
from bookings.visits.patches import patch_gate
from bookings.visits.proposals import proposals_from
from bookings.visits.services import appointment_complete
from clinic.models import User
from clinic.roles import Role, has_role

# Who reads clinical records (parameters, photos); only doctors write them.
CLINICAL = (Role.DOCTOR, Role.MANAGER)
# Filled in from the last session besides the laser parameters.
CARRIED = (*PARAMETERS, "treated_areas", "skin_cooling")
# What a record holds besides its laser parameters, as the page and the API set them.
OTHER_FIELDS = (
    "total_pulses",
    "treated_areas",
    "skin_cooling",
    "endpoint",
    "endpoint_description",
    "immediate_response",
    "pain_score",
    "aftercare_given",
    "notes",
    "flag_reason",
)
EDITABLE = (*PARAMETERS, *OTHER_FIELDS)
# What a record needs before it can be signed.
REQUIRED_TO_SIGN = (
    "wavelength_nm",
    "spot_size_mm",
    "fluence_j_cm2",
    "pulse_width_ps",
    "passes",
    "treated_areas",
    "endpoint",
    "aftercare_given",
)
DEFAULT_FLUENCE_RISE_PERCENT = 20
TOOK_PLACE = (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)
DEFAULT_PASSES_RISE = 1


class RecordChanged(ValidationError):
    """Someone saved the record since this form was opened: saving would undo their changes."""

    def __init__(self) -> None:
        super().__init__(
            "Another doctor saved this record while you were editing it, so your changes were "
            "not saved. The page now shows theirs: make your changes again."
        )


def record_version(record: SessionRecord | None) -> str:
    """What a form carries to show which state of the record it was opened on."""
    return str(record.saves) if record is not None else ""


class RecordLocked(ValidationError):
    """The record is signed: it never changes; a correction is an addendum."""

    def __init__(self) -> None:
        super().__init__(
            "This record is signed and cannot change. Add an addendum to correct or complete it."
        )


def _doctor(by: User) -> None:
    if not has_role(by, Role.DOCTOR):
        raise PermissionDenied("Only a doctor records a treatment session.")


def is_treatment(appointment: Appointment) -> bool:
    return appointment.treatment_type.kind == TreatmentKind.SESSION


def previous_record(appointment: Appointment) -> SessionRecord | None:
    """The record of the course's session before this one (the latest earlier session that has
    one), or, outside a course, the patient's last record on the same device."""
    # Only visits that took place: a draft written ahead for a visit later cancelled is no
    # base for the next session's settings or flags.
    records = (
        SessionRecord.objects.select_related("appointment")
        .exclude(appointment_id=appointment.pk)
        .filter(appointment__status__in=TOOK_PLACE)
    )
    if appointment.plan_id is not None and appointment.session_number:
        records = records.filter(
            appointment__plan_id=appointment.plan_id,
            appointment__session_number__lt=appointment.session_number,
        ).order_by("-appointment__session_number", "-appointment__starts_at")
    else:
        records = records.filter(
            appointment__patient_id=appointment.patient_id,
            appointment__starts_at__lt=appointment.starts_at,
        ).order_by("-appointment__starts_at")
    return records.first()


def protocol_for(appointment: Appointment) -> Protocol | None:
    plan = appointment.plan
    concern = plan.concern if plan is not None else appointment.treatment_type.concern
    if appointment.device_id is None or not concern:
        return None
    return Protocol.objects.filter(device_id=appointment.device_id, concern=concern).first()


def prefill(appointment: Appointment) -> dict[str, Any]:
    """A new record's starting values: the last session's, else the protocol's."""
    previous = previous_record(appointment)
    if previous is not None:
        return {name: getattr(previous, name) for name in CARRIED}
    protocol = protocol_for(appointment)
    if protocol is not None:
        return {name: getattr(protocol, name) for name in PARAMETERS}
    return {}


@dataclass(frozen=True)
class Change:
    """One parameter compared with the session before."""

    field: str
    label: str
    before: Any
    after: Any

    @property
    def changed(self) -> bool:
        return bool(self.before != self.after)

    @property
    def shown(self) -> str:
        """How the change reads beside the field: "+0.30 (+15%)", "was 532", "new"."""
        if not self.changed:
            return "same as last time"
        if self.before in (None, ""):
            return "new"
        if self.after in (None, ""):
            return f"was {self.before}"
        if isinstance(self.before, int | Decimal) and isinstance(self.after, int | Decimal):
            delta = Decimal(self.after) - Decimal(self.before)
            text = f"{delta:+}"
            if self.before:
                text += f" ({delta / Decimal(self.before) * 100:+.0f}%)"
            return text
        return f"was {self.before}"


def label_of(field: str) -> str:
    name = getattr(SessionRecord._meta.get_field(field), "verbose_name", field)
    return str(name)[:1].upper() + str(name)[1:]


def changes(values: dict[str, Any], previous: SessionRecord | None) -> list[Change]:
    """Each laser parameter with its value last session (None when there was no session)."""
    return [
        Change(
            field=name,
            label=label_of(name),
            before=getattr(previous, name) if previous is not None else None,
            after=values.get(name),
        )
        for name in PARAMETERS
    ]


def flags_for(
    values: dict[str, Any], previous: SessionRecord | None, protocol: Protocol | None
) -> list[dict[str, str]]:
    """Where the record goes beyond what its protocol permits without a reason."""
    flags: list[dict[str, str]] = []
    rise = protocol.max_fluence_rise_percent if protocol else DEFAULT_FLUENCE_RISE_PERCENT
    passes_rise = protocol.max_passes_rise if protocol else DEFAULT_PASSES_RISE
    fluence = values.get("fluence_j_cm2")
    # The base a fluence is measured against: last session's, or the protocol's start.
    base, base_name = (
        (previous.fluence_j_cm2, "last session's")
        if previous is not None and previous.fluence_j_cm2
        else ((protocol.fluence_j_cm2, "the protocol's start") if protocol else (None, ""))
    )
    if fluence is not None and base:
        limit = Decimal(base) * (100 + rise) / 100
        if Decimal(fluence) > limit:
            flags.append(
                {
                    "field": "fluence_j_cm2",
                    "text": (
                        f"Fluence {fluence} J/cm² is more than {rise}% above {base_name} "
                        f"{base} J/cm² (at most {limit:.2f})."
                    ),
                }
            )
    passes = values.get("passes")
    last_passes = previous.passes if previous is not None else None
    if passes is not None and last_passes is not None and passes > last_passes + passes_rise:
        flags.append(
            {
                "field": "passes",
                "text": f"{passes} passes is more than {passes_rise} above last session's "
                f"{last_passes}.",
            }
        )
    wavelength = values.get("wavelength_nm")
    if protocol and protocol.wavelength_nm and wavelength and wavelength != protocol.wavelength_nm:
        flags.append(
            {
                "field": "wavelength_nm",
                "text": (
                    f"Wavelength {wavelength} nm is not the protocol's {protocol.wavelength_nm} nm."
                ),
            }
        )
    return flags


def record_problem(appointment: Appointment) -> str:
    """Why this visit cannot have a session record (yet), or ""."""
    if not is_treatment(appointment):
        return "Session records are kept for treatment sessions, not consultations."
    if appointment.status in (AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW):
        return f"This visit is {appointment.get_status_display().lower()}: nothing to record."
    if appointment.plan_id is not None:
        return patch_gate(appointment)
    return ""


def _clean(record: SessionRecord) -> None:
    try:
        record.full_clean(exclude=["appointment", "created_by", "signed_by", "flags"])
    except ValidationError as error:
        raise ValidationError(error.message_dict) from None


def _adverse(
    record: SessionRecord,
    events: list[dict[str, Any]],
    addendum: RecordAddendum | None = None,
) -> list[AdverseEvent]:
    made = []
    for event in events:
        item = AdverseEvent(
            record=record,
            addendum=addendum,
            kind=event["kind"],
            grade=event["grade"],
            note=event.get("note", ""),
        )
        try:
            item.full_clean(exclude=["record", "addendum"])
        except ValidationError as error:
            raise ValidationError({"adverse_events": error.messages}) from None
        made.append(item)
    return AdverseEvent.objects.bulk_create(made) if made else []


@transaction.atomic
def record_save(
    *,
    appointment: Appointment,
    by: User,
    values: dict[str, Any],
    adverse_events: list[dict[str, Any]] | None = None,
    version: str | None = None,
) -> SessionRecord:
    """Create or update the visit's draft record with `values` (fields of EDITABLE); the
    adverse events, when given, replace the draft's. A signed record refuses. With `version`
    (record_version of the record the form was opened on), a record saved since is refused
    rather than overwritten."""
    _doctor(by)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    problem = record_problem(appointment)
    record = SessionRecord.objects.select_for_update().filter(appointment=appointment).first()
    if record is None:
        if problem:
            raise ValidationError(problem)
        record = SessionRecord(appointment=appointment, created_by=by, **prefill(appointment))
    elif record.is_signed:
        raise RecordLocked()
    if version is not None and version != record_version(record if record.pk else None):
        raise RecordChanged()
    unknown = set(values) - set(EDITABLE)
    if unknown:
        raise ValidationError(f"These are not fields of a session record: {sorted(unknown)}.")
    for name, value in values.items():
        setattr(record, name, value)
    record.saves += 1
    _clean(record)
    current = {name: getattr(record, name) for name in PARAMETERS}
    record.flags = flags_for(current, previous_record(appointment), protocol_for(appointment))
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        # Two doctors opened the same visit: the other's draft was saved first.
        raise ValidationError("This visit's record was just started by someone else.") from None
    if adverse_events is not None:
        record.adverse_events.filter(addendum__isnull=True).delete()
        _adverse(record, adverse_events)
    return record


@transaction.atomic
def record_sign(*, record: SessionRecord, by: User, now: datetime | None = None) -> SessionRecord:
    """The doctor signs the record: it locks, the visit is recorded as completed, and any
    adverse event proposes a plan change."""
    _doctor(by)
    now = now or timezone.now()
    record = SessionRecord.objects.select_for_update().get(pk=record.pk)
    if record.is_signed:
        raise RecordLocked()
    missing = [label_of(name) for name in REQUIRED_TO_SIGN if getattr(record, name) in (None, "")]
    if missing:
        raise ValidationError(f"Fill in before signing: {', '.join(missing)}.")
    if record.flags and not record.flag_reason.strip():
        raise ValidationError(
            {"flag_reason": "Some values are outside the protocol: say why before signing."}
        )
    appointment = Appointment.objects.select_related("plan").get(pk=record.appointment_id)
    problem = record_problem(appointment)
    if problem:
        raise ValidationError(problem)
    if appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN):
        appointment_complete(appointment=appointment, by=by, now=now)
    record.status = RecordStatus.SIGNED
    record.signed_by = by
    record.signed_at = now
    record.save(update_fields=["status", "signed_by", "signed_at", "updated_at"])
    if appointment.plan is not None:
        appointment.plan.refresh_from_db()  # completing the last session closed the course
    for event in record.adverse_events.all():
        proposals_from(event, appointment=appointment)
    return record


@transaction.atomic
def record_amend(
    *,
    record: SessionRecord,
    by: User,
    text: str,
    reason: str,
    adverse_events: list[dict[str, Any]] | None = None,
) -> RecordAddendum:
    """A correction or a later finding on a signed record: who, when and why. An adverse event
    found later (hyperpigmentation weeks on) comes this way and proposes its plan change."""
    _doctor(by)
    record = SessionRecord.objects.select_for_update().get(pk=record.pk)
    if not record.is_signed:
        raise ValidationError("A draft is edited directly; addenda are for signed records.")
    errors = {}
    if not text.strip():
        errors["text"] = "Write the correction or finding."
    if not reason.strip():
        errors["reason"] = "Say why the record is amended."
    if errors:
        raise ValidationError(errors)
    addendum = RecordAddendum.objects.create(
        record=record, text=text.strip(), reason=reason.strip(), author=by
    )
    appointment = Appointment.objects.select_related("plan").get(pk=record.appointment_id)
    for event in _adverse(record, adverse_events or [], addendum=addendum):
        proposals_from(event, appointment=appointment)
    return addendum
