"""Reminders that are never lost and never doubled.

A booking change writes its reminders as rows in its own transaction (`reminders_plan`), and
withdraws those it replaces: a cancelled visit's reminders can never go, a moved visit's go at
its new time. Celery beat runs `reminders_dispatch` every minute: it claims the rows now due
(`SELECT ... FOR UPDATE SKIP LOCKED` where the database has it, and a conditional update with
a claim token everywhere) and hands their ids to workers. `reminder_send` claims its row again
with a conditional update before sending, so a task delivered twice sends once. A row handed
out but never taken (the broker lost the task, a worker died before starting) is handed out
again after the lease (REMINDER_LEASE_SECONDS); a row a worker died while sending is never
sent again automatically: it is marked failed for a receptionist to check, because the
message may have gone.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from bookings.calendars.availability import clinic_zone
from bookings.models import (
    BEFORE_VISIT,
    COURSE_KINDS,
    Appointment,
    AppointmentStatus,
    OfferStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
    ReminderPolicy,
    ReminderStatus,
    TreatmentKind,
    WaitlistOffer,
)
from bookings.reminders.messages import MessageError, deliver
from bookings.reminders.times import (
    Course,
    CourseSchedule,
    Quiet,
    Schedule,
    course_reminders,
    outside_quiet,
    visit_reminders,
)
from clinic.models import PatientProfile
from planner.models import PlanStatus, TreatmentPlan

BACKOFF = [timedelta(minutes=m) for m in (1, 5, 15, 60, 240, 720, 1440, 1440, 1440)]
BATCH = 1000  # rows claimed by one dispatch query
VISIT_KINDS = [k for k in ReminderKind if k not in COURSE_KINDS]
LIVE = [ReminderStatus.PENDING, ReminderStatus.QUEUED]
# Visits a course message may follow: booked (perhaps not yet marked done), or taken place.
HELD = [AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED]


def lease() -> timedelta:
    """A row handed to a worker and not taken within this is handed out again."""
    return timedelta(seconds=settings.REMINDER_LEASE_SECONDS)


def _schedule(policy: ReminderPolicy) -> Schedule:
    return Schedule(
        pre_care_hours=policy.pre_care_hours if policy.send_pre_care else None,
        soon_hours=policy.soon_hours if policy.send_soon else None,
        aftercare_at=policy.aftercare_at if policy.send_aftercare else None,
        quiet=Quiet(policy.quiet_from, policy.quiet_until),
    )


def _course_schedule(policy: ReminderPolicy) -> CourseSchedule:
    return CourseSchedule(
        first_results=policy.send_first_results,
        book_next=policy.send_book_next,
        closing_days=policy.window_closing_days,
        review_after_days=policy.review_after_days if policy.send_review else None,
        at=policy.course_messages_at,
        quiet=Quiet(policy.quiet_from, policy.quiet_until),
    )


def _channel(profile: PatientProfile | None) -> str:
    """The patient's chosen channel, if the clinic has a number to reach them on. A patient
    registered by phone has no email address and always a text channel (clinic.services.
    patient_register); one reached on neither fails at sending, saying why (messages.deliver)."""
    if profile is None or not profile.phone:
        return ReminderChannel.EMAIL
    return str(profile.preferred_channel)


def reminders_withdraw(
    appointment: Appointment, *, now: datetime | None = None, rewrite_course: bool = True
) -> int:
    """Withdraw the reminders of a visit that left the calendar (cancelled, missed) not yet
    handed to a worker, and write its course's messages afresh without it (call in the
    change's transaction). A caller rewriting the course itself passes rewrite_course=False."""
    withdrawn = Reminder.objects.filter(appointment=appointment, status__in=LIVE).update(
        status=ReminderStatus.WITHDRAWN
    )
    if rewrite_course and appointment.plan_id is not None:
        reminders_course(appointment.plan_id, now=now)
    return withdrawn


def message_time(now: datetime) -> datetime:
    """When a message written now may go: now, or the end of the clinic's quiet hours."""
    quiet = _schedule(ReminderPolicy.current()).quiet
    return outside_quiet(now, quiet, clinic_zone(), before=None)


def reminders_cancelled(
    appointments: Sequence[Appointment], *, now: datetime | None = None
) -> Reminder | None:
    """Tell the patient that these visits (one, or the rest of a course) are cancelled, in one
    message on their channel, whoever cancelled them. Call after reminders_withdraw, in the
    cancellation's transaction. The patient needs no consent to care reminders for it: it is
    about their booking. It waits for the end of quiet hours."""
    if not appointments:
        return None
    now = now or timezone.now()
    first = min(appointments, key=lambda a: a.starts_at)
    profile = PatientProfile.objects.filter(user_id=first.patient_id).first()
    return Reminder.objects.create(
        patient_id=first.patient_id,
        appointment=first,
        kind=ReminderKind.CANCELLED,
        channel=_channel(profile),
        due_at=message_time(now),
    )


def reminders_plan(
    appointments: Sequence[Appointment], *, confirm: bool = True, now: datetime | None = None
) -> list[Reminder]:
    """Write the reminders of visits one change booked or moved (one patient's), replacing any
    they had, in a fixed number of queries. One confirmation covers the change, on its first
    visit: it lists the whole course when there is one. The confirmation goes at once, or when
    the clinic's quiet hours end; the others only to a patient who agreed to care reminders,
    never in quiet hours either."""
    if not appointments:
        return []
    now = now or timezone.now()
    Reminder.objects.filter(
        appointment__in=appointments, status__in=LIVE, kind__in=VISIT_KINDS
    ).update(status=ReminderStatus.WITHDRAWN)
    for plan_id in sorted({a.plan_id for a in appointments if a.plan_id is not None}):
        reminders_course(plan_id, now=now)
    booked = [a for a in appointments if a.status == AppointmentStatus.BOOKED]
    if not booked:
        return []
    profile = (
        PatientProfile.objects.select_related("user").filter(user_id=booked[0].patient_id).first()
    )
    channel = _channel(profile)
    schedule = _schedule(ReminderPolicy.current())
    rows: list[tuple[Appointment, str, str, datetime]] = []
    if confirm:
        # A confirmation carries the .ics, so it goes by email; to a patient without an
        # address (registered by phone), as a short text on their channel.
        confirmation_channel = (
            ReminderChannel.EMAIL if profile is None or profile.user.email else channel
        )
        rows.append((booked[0], ReminderKind.CONFIRMATION, confirmation_channel, message_time(now)))
    if profile is not None and profile.care_reminders_consent:
        for appointment in booked:
            due = visit_reminders(
                appointment.starts_at,
                session=appointment.treatment_type.kind == TreatmentKind.SESSION,
                schedule=schedule,
                now=now,
                zone=clinic_zone(),
            )
            rows += [(appointment, kind, channel, at) for kind, at in due.items()]
    return Reminder.objects.bulk_create(
        Reminder(
            patient_id=appointment.patient_id,
            appointment=appointment,
            kind=kind,
            channel=kind_channel,
            due_at=at,
        )
        for appointment, kind, kind_channel, at in rows
    )


def reminders_offer(
    offers: Sequence[WaitlistOffer], *, now: datetime | None = None
) -> list[Reminder]:
    """Tell each patient offered a freed time on their channel, as soon as quiet hours allow
    (message_time; call in the offer's transaction). The patient asked to wait, so no consent
    to care reminders is needed."""
    if not offers:
        return []
    now = now or timezone.now()
    profiles = {
        p.user_id: p
        for p in PatientProfile.objects.filter(user_id__in={o.entry.patient_id for o in offers})
    }
    return Reminder.objects.bulk_create(
        Reminder(
            patient_id=offer.entry.patient_id,
            offer=offer,
            kind=ReminderKind.WAITLIST_OFFER,
            channel=_channel(profiles.get(offer.entry.patient_id)),
            due_at=message_time(now),
        )
        for offer in offers
    )


def reminders_course(plan: TreatmentPlan | int, *, now: datetime | None = None) -> list[Reminder]:
    """Write the course's messages afresh from the course as it stands (call in the transaction
    of any change to its sessions): first results, "book your next session" and the nudge
    before its window closes, the review invitation. Those they replace are withdrawn."""
    now = now or timezone.now()
    plan = plan if isinstance(plan, TreatmentPlan) else TreatmentPlan.objects.get(pk=plan)
    Reminder.objects.filter(appointment__plan=plan, status__in=LIVE, kind__in=COURSE_KINDS).update(
        status=ReminderStatus.WITHDRAWN
    )
    profile = PatientProfile.objects.filter(user_id=plan.patient_id).first()
    if not plan.is_open or profile is None or not profile.care_reminders_consent:
        return []
    sessions = {
        a.session_number: a
        for a in Appointment.objects.filter(plan=plan, status__in=HELD).order_by("starts_at")
    }
    zone = clinic_zone()
    course = Course(
        sessions=plan.sessions,
        min_days=plan.interval_min_days,
        max_days=plan.interval_max_days,
        review_after=plan.review_after_session,
        first_results_weeks=plan.first_results_from_weeks,
        held={n: a.starts_at.astimezone(zone).date() for n, a in sessions.items() if n},
    )
    due = course_reminders(
        course, schedule=_course_schedule(ReminderPolicy.current()), now=now, zone=zone
    )
    channel = _channel(profile)
    return Reminder.objects.bulk_create(
        Reminder(
            patient_id=plan.patient_id,
            appointment=sessions[number],
            kind=kind,
            channel=channel,
            due_at=at,
        )
        for number, kind, at in due
    )


def _still_wanted(reminder: Reminder, now: datetime) -> bool:
    """Whether the message still makes sense as its time comes (the course may have moved on
    in ways no booking change saw: a plan stopped, a visit marked missed)."""
    offer = reminder.offer
    if offer is not None:
        return offer.status == OfferStatus.OPEN and offer.expires_at > now
    appointment = reminder.appointment
    assert appointment is not None
    if reminder.kind == ReminderKind.CANCELLED:
        return appointment.status == AppointmentStatus.CANCELLED
    if reminder.kind in BEFORE_VISIT:
        return appointment.status == AppointmentStatus.BOOKED and (
            reminder.kind == ReminderKind.CONFIRMATION or appointment.starts_at > now
        )
    if appointment.status not in HELD:
        return False
    if reminder.kind == ReminderKind.AFTERCARE:
        return True
    plan = appointment.plan
    if plan is None or plan.status == PlanStatus.STOPPED:
        return False
    if reminder.kind in (ReminderKind.BOOK_NEXT, ReminderKind.WINDOW_CLOSING):
        return plan.is_open and not (
            Appointment.objects.filter(
                plan=plan, status__in=HELD, session_number__gt=appointment.session_number or 0
            ).exists()
        )
    # First results and the review still make sense once the last session is done.
    return True


def reminders_dispatch(*, now: datetime | None = None, limit: int = BATCH) -> list[int]:
    """Claim the reminders now due and return their ids, to be handed to workers once this
    transaction commits. Two dispatchers at once never claim the same row."""
    now = now or timezone.now()
    token = uuid.uuid4().hex
    with transaction.atomic():
        # A worker that died while sending may have sent: never send again, show it instead.
        Reminder.objects.filter(status=ReminderStatus.SENDING, sending_at__lt=now - lease()).update(
            status=ReminderStatus.FAILED,
            last_error="A worker stopped while sending: check whether it went before resending.",
        )
        due = Reminder.objects.filter(
            Q(status=ReminderStatus.PENDING, due_at__lte=now)
            | Q(status=ReminderStatus.QUEUED, queued_at__lt=now - lease())
        ).order_by("due_at")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        ids = list(due.values_list("pk", flat=True)[:limit])
        Reminder.objects.filter(pk__in=ids, status__in=LIVE).update(
            status=ReminderStatus.QUEUED, queued_at=now, claim=token
        )
        return list(
            Reminder.objects.filter(claim=token, status=ReminderStatus.QUEUED).values_list(
                "pk", flat=True
            )
        )


def reminders_release(ids: Sequence[int]) -> int:
    """Put claimed reminders that were never handed to a worker back in the queue."""
    return Reminder.objects.filter(pk__in=list(ids), status=ReminderStatus.QUEUED).update(
        status=ReminderStatus.PENDING, claim=""
    )


def reminder_send(reminder_id: int, *, now: datetime | None = None) -> str:
    """Send one reminder once: "sent", "withdrawn", "retry", "failed", or "skipped" when it
    is not this call's to send (sent already, withdrawn, or claimed by another worker)."""
    now = now or timezone.now()
    taken = Reminder.objects.filter(pk=reminder_id, status=ReminderStatus.QUEUED).update(
        status=ReminderStatus.SENDING, sending_at=now, attempts=F("attempts") + 1
    )
    if taken != 1:
        return "skipped"
    reminder = Reminder.objects.select_related(
        "appointment__treatment_type",
        "appointment__plan",
        "appointment__doctor",
        "patient__profile",
    ).get(pk=reminder_id)
    if reminder.offer_id is not None:  # a waitlist offer: rare, so read on its own
        reminder.offer = WaitlistOffer.objects.select_related("entry__plan").get(
            pk=reminder.offer_id
        )
    if not _still_wanted(reminder, now):
        reminder.status = ReminderStatus.WITHDRAWN
        reminder.save(update_fields=["status"])
        return "withdrawn"
    try:
        deliver(reminder)
    except MessageError as error:
        policy = ReminderPolicy.current()
        reminder.last_error = str(error)[:300]
        if reminder.attempts >= policy.max_attempts:
            reminder.status = ReminderStatus.FAILED
            reminder.save(update_fields=["status", "last_error"])
            return "failed"
        wait = BACKOFF[min(reminder.attempts, len(BACKOFF)) - 1]
        reminder.status = ReminderStatus.PENDING
        reminder.due_at = outside_quiet(
            now + wait, _schedule(policy).quiet, clinic_zone(), before=None
        )
        reminder.save(update_fields=["status", "last_error", "due_at"])
        return "retry"
    reminder.status = ReminderStatus.SENT
    reminder.sent_at = now
    reminder.save(update_fields=["status", "sent_at"])
    return "sent"


def reminder_retry(reminder: Reminder, *, now: datetime | None = None) -> bool:
    """A receptionist sends a failed reminder again (after checking it did not go)."""
    now = now or timezone.now()
    return bool(
        Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.FAILED).update(
            status=ReminderStatus.PENDING, due_at=now, attempts=0, last_error=""
        )
    )
