"""A patient's personal details erased at their request, and, once the retention period is over,
what the clinic kept of them purged.

Erasing (a manager, `patient_erase`) removes who the patient is: their name becomes "Erased
patient #<id>", their email address, phone, date of birth and contact preferences go, their
login is disabled, questionnaires never submitted are deleted, their visits still to come are
cancelled (with their reminders), their places on the waitlist closed, and every message not
yet sent withdrawn. What the clinic must keep stays as it is, under the placeholder, for
CLINICAL_RECORD_RETENTION_YEARS: the clinical record (submitted questionnaires, treatment plans
and their revisions, the visits with their messages' log), the consents as signed, and the
audit log. Open courses are not stopped: stopping a course is a doctor's decision
(planner.services.plan_stop).

Purging (the daily task, `patients_purge`) deletes all of it once the period has passed since
the erasure, and then the placeholder account itself: nothing of the patient is left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from django.utils import formats, timezone

from bookings.appointments.services import appointment_cancel
from bookings.models import (
    AdverseEvent,
    Appointment,
    AppointmentStatus,
    ClinicalPhoto,
    LinkUse,
    PlanProposal,
    RecordAddendum,
    Reminder,
    ReminderStatus,
    SessionRecord,
    TestPatch,
    WaitlistEntry,
    WaitlistOffer,
)
from bookings.reminders.services import LIVE
from bookings.waitlist.services import waitlist_leave
from clinic.models import (
    ApiToken,
    AuditEntry,
    CalendarFeed,
    Channel,
    Consent,
    Intake,
    IntakeStatus,
    Language,
    PatientProfile,
    PhotoConsent,
    User,
    years_after,
)
from clinic.roles import Role, has_role
from planner.models import OPEN_STATUSES, TreatmentPlan

logger = logging.getLogger(__name__)

ERASED_FIRST_NAME = "Erased patient"
CANCEL_REASON = "The patient's personal details were erased at their request."

# What stays after an erasure, and why: said on the page before a manager confirms.
KEPT = [
    (
        "Submitted questionnaires, treatment plans and every revision of them",
        "They are the clinical record of the treatment given and why; a clinic must keep "
        "clinical records for years after the treatment ends, to answer for the care given.",
    ),
    (
        "The doctors' session records (settings, response, adverse events, addenda), test "
        "patches, clinical photos and the consent to them",
        "They are the clinical record of what was done at the laser and how the skin responded.",
    ),
    (
        "Visits that took place (and past appointments), with the log of messages about them "
        "(kind, channel, time and status; no address)",
        "They are part of the same clinical record: which sessions of the course were given, "
        "and when.",
    ),
    (
        "Consents, as signed: the text agreed to, the name typed or said as the signature, "
        "the time, the address it came from, and the witness",
        "A consent is the evidence that the treatment was agreed to; a signed record never "
        "changes, so the name on it stays.",
    ),
    (
        "The audit log of staff who viewed or changed the record",
        "It is the clinic's account of who read the patient's data, which the clinic must be "
        "able to give.",
    ),
]


def erased_name(patient_id: int) -> str:
    return f"{ERASED_FIRST_NAME} #{patient_id}"


def _is_staff(person: User) -> bool:
    return (
        person.is_staff
        or person.is_superuser
        or person.groups.exclude(name=Role.PATIENT.value).exists()
    )


def shown_day(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y")


def erasure_refusal(person: User) -> str:
    """Why this person's details may not be erased here, or "" if they may."""
    if _is_staff(person):
        return (
            f"{person} is a member of staff. A staff account is closed in the administration "
            "(made inactive), not erased: their name stays on the records they made."
        )
    if not person.groups.filter(name=Role.PATIENT.value).exists():
        return f"{person} is not a patient: only a patient's details are erased here."
    profile = PatientProfile.objects.filter(user=person).first()
    if profile is not None and profile.erased_at is not None:
        kept_until = profile.records_kept_until
        assert kept_until is not None
        return (
            f"This patient's details were erased on {shown_day(profile.erased_at)} already. What "
            f"the clinic keeps is purged after {shown_day(kept_until)}."
        )
    return ""


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure would do now, counted for the page that asks to confirm it."""

    visits_to_cancel: int
    waitlist_places: int
    drafts: int
    open_courses: int
    questionnaires: int
    plans: int
    visits_kept: int
    consents: int
    audit_entries: int
    kept_until: datetime


def _coming(patient: User, now: datetime) -> models.QuerySet[Appointment]:
    return Appointment.objects.filter(
        patient=patient, status=AppointmentStatus.BOOKED, starts_at__gt=now
    )


def _drafts(patient: User) -> models.QuerySet[Intake]:
    # A draft has no consent and no plan yet (both come with submitting it): it is not a record
    # of care, only answers the patient never sent.
    return Intake.objects.filter(
        patient=patient, status=IntakeStatus.DRAFT, consent__isnull=True, plan__isnull=True
    )


def erasure_preview(*, patient: User, now: datetime | None = None) -> ErasurePreview:
    now = now or timezone.now()
    plans = TreatmentPlan.objects.filter(patient=patient)
    return ErasurePreview(
        visits_to_cancel=_coming(patient, now).count(),
        waitlist_places=WaitlistEntry.objects.waiting().filter(patient=patient).count(),
        drafts=_drafts(patient).count(),
        open_courses=plans.filter(status__in=OPEN_STATUSES).count(),
        questionnaires=Intake.objects.filter(
            patient=patient, status=IntakeStatus.SUBMITTED
        ).count(),
        plans=plans.count(),
        visits_kept=Appointment.objects.filter(patient=patient)
        .exclude(pk__in=_coming(patient, now))
        .count(),
        consents=Consent.objects.filter(patient=patient).count(),
        audit_entries=AuditEntry.objects.filter(patient=patient).count(),
        kept_until=years_after(now, settings.CLINICAL_RECORD_RETENTION_YEARS),
    )


@dataclass(frozen=True)
class Erasure:
    """What an erasure did."""

    visits_cancelled: int
    waitlist_closed: int
    messages_withdrawn: int
    drafts_deleted: int
    kept_until: datetime

    @property
    def detail(self) -> str:
        return (
            f"{self.visits_cancelled} visits cancelled, {self.waitlist_closed} waitlist places "
            f"closed, {self.messages_withdrawn} messages withdrawn, {self.drafts_deleted} draft "
            f"questionnaires deleted; records kept until {self.kept_until:%Y-%m-%d}"
        )


# The patient's own records whose admin history (django.contrib.admin's LogEntry) names them.
_NAMED_IN_ADMIN_HISTORY: list[tuple[type[models.Model], str]] = [
    (User, "pk"),
    (PatientProfile, "user"),
    (Intake, "patient"),
    (Consent, "patient"),
    (TreatmentPlan, "patient"),
    (Appointment, "patient"),
    (WaitlistEntry, "patient"),
    (WaitlistOffer, "entry__patient"),
    (Reminder, "patient"),
]


def _scrub_admin_history(patient: User) -> None:
    """The admin's history keeps each object's name as it was ("Pico session for Alice Moreau
    at ..."): name them by the placeholder instead."""
    types = ContentType.objects.get_for_models(*(model for model, _ in _NAMED_IN_ADMIN_HISTORY))
    for model, owner in _NAMED_IN_ADMIN_HISTORY:
        ids = [
            str(pk)
            for pk in model._default_manager.filter(**{owner: patient.pk}).values_list(
                "pk", flat=True
            )
        ]
        if ids:
            LogEntry.objects.filter(content_type=types[model], object_id__in=ids).update(
                object_repr=f"{model._meta.verbose_name} of {erased_name(patient.pk)}"
            )


@transaction.atomic
def patient_erase(*, patient: User, by: User, now: datetime | None = None) -> Erasure:
    """Erase the patient's personal details, keeping what the clinic must keep (see the module's
    docstring). Only a manager may; staff, and a patient erased already, are refused."""
    if not has_role(by, Role.MANAGER):
        raise PermissionDenied("Only a manager erases a patient's details.")
    now = now or timezone.now()
    patient = User.objects.select_for_update().get(pk=patient.pk)
    if problem := erasure_refusal(patient):
        raise ValidationError(problem)
    withdrawn_before = Reminder.objects.filter(
        patient=patient, status=ReminderStatus.WITHDRAWN
    ).count()

    # The waitlist first: the times freed below are offered to waiting patients, never to them.
    entries = list(WaitlistEntry.objects.waiting().filter(patient=patient).select_related("plan"))
    for entry in entries:
        waitlist_leave(entry=entry, by=by, now=now)
    # Their visits to come, each with its reminders (appointment_cancel withdraws them). No
    # cancellation notice: there is nobody left to send it to, and the patient asked for this.
    coming = list(_coming(patient, now).order_by("starts_at"))
    for appointment in coming:
        appointment_cancel(
            appointment=appointment, by=by, reason=CANCEL_REASON, override=True, now=now, tell=False
        )
    # What is left to send: messages about past visits (aftercare, first results, the review)
    # and about waitlist offers. Withdrawn as reminders_withdraw does, all at once.
    Reminder.objects.filter(patient=patient, status__in=LIVE).update(
        status=ReminderStatus.WITHDRAWN
    )
    drafts_deleted, _ = _drafts(patient).delete()

    patient.first_name, patient.last_name = ERASED_FIRST_NAME, f"#{patient.pk}"
    patient.email = None
    patient.is_active = False
    patient.last_login = None
    patient.set_unusable_password()  # also ends every session they had open
    patient.save()
    ApiToken.objects.filter(user=patient).delete()
    CalendarFeed.objects.filter(patient=patient).delete()
    profile, _ = PatientProfile.objects.get_or_create(user=patient)
    profile.date_of_birth = None
    profile.phone = ""
    profile.preferred_channel = Channel.EMAIL
    profile.language = Language.ENGLISH
    profile.care_reminders_consent = False
    profile.marketing_consent = False
    profile.email_confirmed_at = None
    profile.invited_by = None
    profile.invited_at = None
    profile.erased_at = now
    profile.save()
    _scrub_admin_history(patient)

    kept_until = profile.records_kept_until
    assert kept_until is not None
    return Erasure(
        visits_cancelled=len(coming),
        waitlist_closed=len(entries),
        messages_withdrawn=Reminder.objects.filter(
            patient=patient, status=ReminderStatus.WITHDRAWN
        ).count()
        - withdrawn_before,
        drafts_deleted=drafts_deleted,
        kept_until=kept_until,
    )


@transaction.atomic
def patient_purge(*, patient_id: int) -> None:
    """Delete everything kept of an erased patient, then the placeholder account."""
    patient = User.objects.select_for_update().get(pk=patient_id)
    if not PatientProfile.objects.filter(user=patient, erased_at__isnull=False).exists():
        raise ValueError(f"Person {patient_id} was never erased: nothing is purged.")
    # In the order the records point at each other (every link is PROTECT).
    Reminder.objects.filter(patient=patient).delete()
    LinkUse.objects.filter(appointment__patient=patient).delete()
    WaitlistEntry.objects.filter(patient=patient).delete()  # with their offers
    # The doctor's records of the visits, then the visits; the photos' files once it commits.
    PlanProposal.objects.filter(plan__patient=patient).delete()
    AdverseEvent.objects.filter(record__appointment__patient=patient).delete()
    RecordAddendum.objects.filter(record__appointment__patient=patient).delete()
    SessionRecord.objects.filter(appointment__patient=patient).delete()
    photos = ClinicalPhoto.objects.filter(patient=patient)
    files = [(p.image.storage, name) for p in photos for name in (p.image.name, p.thumbnail.name)]
    photos.delete()
    transaction.on_commit(lambda: [storage.delete(name) for storage, name in files if name])
    TestPatch.objects.filter(patient=patient).delete()
    PhotoConsent.objects.filter(patient=patient).delete()
    Appointment.objects.filter(patient=patient).delete()
    TreatmentPlan.objects.filter(patient=patient).delete()  # with their revisions
    Consent.objects.filter(patient=patient).delete()
    Intake.objects.filter(patient=patient).delete()
    AuditEntry.objects.filter(patient=patient).delete()
    patient.delete()  # with the profile


def patients_purge(*, now: datetime | None = None) -> list[int]:
    """Purge every patient erased CLINICAL_RECORD_RETENTION_YEARS ago or longer, one transaction
    each, and return their ids. One that another record still points at (a record of someone
    else's naming them) is left, logged, and tried again the next day."""
    now = now or timezone.now()
    cutoff = years_after(now, -settings.CLINICAL_RECORD_RETENTION_YEARS)
    due = PatientProfile.objects.filter(erased_at__lte=cutoff).order_by("erased_at")
    purged = []
    for patient_id, erased_at in due.values_list("user_id", "erased_at"):
        try:
            patient_purge(patient_id=patient_id)
        except (ProtectedError, RestrictedError):
            logger.exception("Erased patient #%s could not be purged.", patient_id)
            continue
        logger.info(
            "Purged erased patient #%s (erased on %s).", patient_id, f"{erased_at:%Y-%m-%d}"
        )
        purged.append(patient_id)
    return purged
