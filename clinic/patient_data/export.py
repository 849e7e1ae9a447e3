"""Everything the clinic holds about one patient, as one document: the JSON file they download
and the page they print are both made from it.

Sixteen queries, whatever the amount of data: one per kind of record, with the plans'
revisions, the waitlist's offers and the session records' adverse events and addenda
prefetched. Photos are listed (what, where, when), not copied: the patient reads them through
the photo view where the clinic shows them.

The audit log is the clinic's record of its staff, not the patient's record; but it is also a
record of who read the patient's data. The patient gets when their record was viewed or changed
and what was done ("access_log"), not which member of staff did it nor from which address: the
Court of Justice of the EU drew that line for access logs (C-579/21, Pankki S, 22 June 2023).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from bookings.models import (
    PARAMETERS,
    Appointment,
    ClinicalPhoto,
    RecordAddendum,
    Reminder,
    SessionRecord,
    TestPatch,
    WaitlistEntry,
    WaitlistOffer,
)
from clinic.models import AuditEntry, Consent, Intake, PatientProfile, PhotoConsent, User
from planner.models import PlanRevision, TreatmentPlan

SCHEMA = "picocourse.patient-data"
# Raised when a field changes meaning or goes; adding a field keeps the version.
SCHEMA_VERSION = 1
# Each coded value ("no_show") comes with its words ("status_display": "No-show"), so that the
# file reads without the clinic's code book, and the printable page is made from the same data.


def _name(user: User | None) -> str | None:
    return None if user is None else str(user)


def _profile(patient: User, profile: PatientProfile | None) -> dict[str, Any]:
    person: dict[str, Any] = {
        "id": patient.pk,
        "first_name": patient.first_name,
        "last_name": patient.last_name,
        "email": patient.email,
        "account_active": patient.is_active,
        "joined_at": patient.date_joined,
        "last_login_at": patient.last_login,
    }
    if profile is None:
        return person | {"profile": None}
    return person | {
        "profile": {
            "date_of_birth": profile.date_of_birth,
            "phone": str(profile.phone) if profile.phone else "",
            "preferred_channel": profile.preferred_channel,
            "preferred_channel_display": profile.get_preferred_channel_display(),
            "language": profile.language,
            "language_display": profile.get_language_display(),
            "care_reminders_consent": profile.care_reminders_consent,
            "marketing_consent": profile.marketing_consent,
            "email_confirmed_at": profile.email_confirmed_at,
            "invited_by": _name(profile.invited_by),
            "invited_at": profile.invited_at,
            "erased_at": profile.erased_at,
            "created_at": profile.created_at,
            "updated_at": profile.updated_at,
        }
    }


def _intake(intake: Intake) -> dict[str, Any]:
    return {
        "id": intake.pk,
        "status": intake.status,
        "status_display": intake.get_status_display(),
        "answers": intake.answers,
        "created_at": intake.created_at,
        "updated_at": intake.updated_at,
        "submitted_at": intake.submitted_at,
    }


def _consent(consent: Consent) -> dict[str, Any]:
    return {
        "id": consent.pk,
        "intake_id": consent.intake_id,
        "text_version": consent.text.version,
        "text_title": consent.text.title,
        "text": consent.text.body,
        "full_name": consent.full_name,
        "given_at": consent.given_at,
        "method": consent.method,
        "method_display": consent.get_method_display(),
        "witness_name": consent.witness_name,
        "ip_address": consent.ip_address,
    }


def _revision(revision: PlanRevision) -> dict[str, Any]:
    return {
        "created_at": revision.created_at,
        "action": revision.action,
        "action_display": revision.get_action_display(),
        "author": _name(revision.author) or "the planner",
        "reason": revision.reason,
        "before": revision.before,
        "after": revision.after,
        # (what, before, after) in words, as the plan's history page shows them.
        "changes": [list(change) for change in revision.shown_changes()],
    }


def _plan(plan: TreatmentPlan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "concern": plan.concern,
        "concern_display": plan.get_concern_display(),
        "status": plan.status,
        "status_display": plan.get_status_display(),
        "sessions": plan.sessions,
        "sessions_min": plan.sessions_min,
        "sessions_max": plan.sessions_max,
        "interval_min_days": plan.interval_min_days,
        "interval_ideal_days": plan.interval_ideal_days,
        "interval_max_days": plan.interval_max_days,
        "review_after_session": plan.review_after_session,
        "first_results_from_weeks": plan.first_results_from_weeks,
        "first_results_to_weeks": plan.first_results_to_weeks,
        "combination_therapy": plan.combination_therapy,
        "kirby_desai": plan.kirby_desai,
        "flags": plan.flags,
        "reasons": plan.reasons,
        "intake": plan.intake,
        "intake_id": plan.source_intake_id,
        "policy_version": plan.policy_version,
        "created_at": plan.created_at,
        "approved_by": _name(plan.approved_by),
        "approved_at": plan.approved_at,
        "revisions": [_revision(revision) for revision in plan.revisions.all()],
    }


def _appointment(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": appointment.pk,
        "treatment": appointment.treatment_type.name,
        "starts_at": appointment.starts_at,
        "ends_at": appointment.ends_at,
        "status": appointment.status,
        "status_display": appointment.get_status_display(),
        "doctor": appointment.doctor.name,
        "device": appointment.device.name if appointment.device else None,
        "room": appointment.room.name if appointment.room else None,
        "plan_id": appointment.plan_id,
        "session_number": appointment.session_number,
        "booked_at": appointment.created_at,
        "confirmed_at": appointment.confirmed_at,
        "checked_in_at": appointment.checked_in_at,
        "completed_at": appointment.completed_at,
        "cancelled_at": appointment.cancelled_at,
        "cancel_reason": appointment.cancel_reason,
    }


def _offer(offer: WaitlistOffer) -> dict[str, Any]:
    return {
        "starts_at": offer.starts_at,
        "expires_at": offer.expires_at,
        "status": offer.status,
        "status_display": offer.get_status_display(),
        "offered_at": offer.created_at,
        "decided_at": offer.decided_at,
    }


def _waitlist_entry(entry: WaitlistEntry) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "plan_id": entry.plan_id,
        "appointment_id": entry.appointment_id,
        "earliest": entry.earliest,
        "latest": entry.latest,
        "status": entry.status,
        "status_display": entry.get_status_display(),
        "joined_at": entry.created_at,
        "closed_at": entry.closed_at,
        "offers": [_offer(offer) for offer in entry.offers.all()],
    }


def _message(reminder: Reminder) -> dict[str, Any]:
    return {
        "kind": reminder.kind,
        "kind_display": reminder.get_kind_display(),
        "channel": reminder.channel,
        "channel_display": reminder.get_channel_display(),
        "due_at": reminder.due_at,
        "sent_at": reminder.sent_at,
        "status": reminder.status,
        "status_display": reminder.get_status_display(),
        "appointment_id": reminder.appointment_id,
    }


def _number(value: Any) -> Any:
    return str(value) if value is not None and not isinstance(value, int | str) else value


def _record(record: SessionRecord) -> dict[str, Any]:
    """A visit's session record: its laser settings, what was treated and seen, and its
    corrections."""
    return {
        "appointment_id": record.appointment_id,
        "status": record.status,
        "signed_at": record.signed_at,
        "signed_by": _name(record.signed_by),
        **{name: _number(getattr(record, name)) for name in PARAMETERS},
        "total_pulses": record.total_pulses,
        "treated_areas": record.treated_areas,
        "skin_cooling": record.get_skin_cooling_display(),
        "endpoint": record.get_endpoint_display(),
        "endpoint_description": record.endpoint_description,
        "immediate_response": record.immediate_response,
        "pain_score": record.pain_score,
        "aftercare_given": record.aftercare_given,
        "notes": record.notes,
        "adverse_events": [
            {"kind": e.get_kind_display(), "grade": e.get_grade_display(), "note": e.note}
            for e in record.adverse_events.all()
        ],
        "addenda": [
            {"at": a.created_at, "by": _name(a.author), "reason": a.reason, "text": a.text}
            for a in record.addenda.all()
        ],
    }


def _patch(patch: TestPatch) -> dict[str, Any]:
    return {
        "placed_at": patch.applied_at,
        "area": patch.area,
        "device": patch.device.name,
        **{name: _number(getattr(patch, name)) for name in PARAMETERS},
        "read_at": patch.read_at,
        "outcome": patch.get_outcome_display(),
        "reading_note": patch.reading_note,
    }


def patient_export(*, patient: User, now: datetime | None = None) -> dict[str, Any]:
    """Everything the clinic holds about `patient`, as JSON-ready values (dates and times stay
    Python objects, in UTC: the JSON encoder writes them in ISO 8601, the page in local time)."""
    profile = PatientProfile.objects.select_related("invited_by").filter(user=patient).first()
    intakes = Intake.objects.filter(patient=patient).order_by("created_at", "pk")
    consents = (
        Consent.objects.filter(patient=patient).select_related("text").order_by("given_at", "pk")
    )
    plans = (
        TreatmentPlan.objects.filter(patient=patient)
        .select_related("approved_by")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=PlanRevision.objects.select_related("author").order_by("created_at", "pk"),
            )
        )
        .order_by("created_at", "pk")
    )
    appointments = (
        Appointment.objects.filter(patient=patient)
        .select_related("treatment_type", "doctor", "device", "room")
        .order_by("starts_at", "pk")
    )
    waitlist = (
        WaitlistEntry.objects.filter(patient=patient)
        .prefetch_related(
            Prefetch("offers", queryset=WaitlistOffer.objects.order_by("starts_at", "pk"))
        )
        .order_by("created_at", "pk")
    )
    records = (
        SessionRecord.objects.filter(appointment__patient=patient)
        .select_related("signed_by")
        .prefetch_related(
            "adverse_events",
            Prefetch("addenda", queryset=RecordAddendum.objects.select_related("author")),
        )
        .order_by("appointment__starts_at", "pk")
    )
    patches = TestPatch.objects.filter(patient=patient).select_related("device")
    photos = ClinicalPhoto.objects.filter(patient=patient).order_by("uploaded_at", "pk")
    photo_consents = PhotoConsent.objects.filter(patient=patient).order_by("given_at", "pk")
    messages = Reminder.objects.filter(patient=patient).order_by("due_at", "pk")
    access = AuditEntry.objects.filter(patient=patient).order_by("created_at", "pk")
    return {
        "schema": SCHEMA,
        "schema_version": SCHEMA_VERSION,
        "exported_at": now or timezone.now(),
        "clinic": settings.CLINIC_NAME,
        "patient": _profile(patient, profile),
        "intakes": [_intake(intake) for intake in intakes],
        "consents": [_consent(consent) for consent in consents],
        "treatment_plans": [_plan(plan) for plan in plans],
        "appointments": [_appointment(appointment) for appointment in appointments],
        "session_records": [_record(record) for record in records],
        "test_patches": [_patch(patch) for patch in patches.order_by("applied_at", "pk")],
        "photos": [
            {
                "appointment_id": photo.appointment_id,
                "area": photo.area,
                "label": photo.get_label_display(),
                "taken_at": photo.uploaded_at,
            }
            for photo in photos
        ],
        "photo_consents": [
            {
                "scope": consent.get_scope_display(),
                "given_at": consent.given_at,
                "method": consent.get_method_display(),
                "withdrawn_at": consent.withdrawn_at,
            }
            for consent in photo_consents
        ],
        "waitlist": [_waitlist_entry(entry) for entry in waitlist],
        "messages": [_message(reminder) for reminder in messages],
        "access_log": [
            {"at": at, "action": action}
            for at, action in access.values_list("created_at", "action")
        ],
    }
