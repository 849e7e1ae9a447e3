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
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import get_connection
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
from clinic.models import PatientProfile, User
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


@dataclass(frozen=True)
class Contact:
    """What planning a patient's reminders needs of them: their address, whether they have a
    phone number, the channel they chose, and their consent to care reminders."""

    email: str
    phone: str
    preferred_channel: str
    care_reminders_consent: bool

    @classmethod
    def of(cls, profile: PatientProfile) -> Contact:
        return cls(
            email=profile.user.email or "",
            phone=str(profile.phone or ""),
            preferred_channel=str(profile.preferred_channel),
            care_reminders_consent=profile.care_reminders_consent,
        )


def reminders_contact(patient_id: int) -> tuple[Contact | None, ReminderPolicy]:
    """The patient's contact (None without a profile) and the clinic's reminder policy, read
    together in one query: a booking writes its reminders from them."""
    sql = (
        "SELECT r.*, p.id AS contact_profile, u.email AS contact_email, p.phone AS contact_phone,"
        " p.preferred_channel AS contact_channel,"
        " p.care_reminders_consent AS contact_consent"
        f" FROM {ReminderPolicy._meta.db_table} r"
        f" LEFT JOIN {PatientProfile._meta.db_table} p ON p.user_id = %s"
        f" LEFT JOIN {User._meta.db_table} u ON u.id = p.user_id"
        " WHERE r.id = 1"
    )
    found = list(ReminderPolicy.objects.raw(sql, [patient_id]))
    if not found:  # a new clinic: make the policy, as ReminderPolicy.current() does
        profile = PatientProfile.objects.select_related("user").filter(user_id=patient_id).first()
        return (Contact.of(profile) if profile else None), ReminderPolicy.current()
    policy = found[0]
    row = policy.__dict__
    contact = None
    if row.pop("contact_profile") is not None:
        contact = Contact(
            email=row.pop("contact_email") or "",
            phone=row.pop("contact_phone") or "",
            preferred_channel=row.pop("contact_channel"),
            care_reminders_consent=bool(row.pop("contact_consent")),
        )
    return contact, policy


def _channel(contact: PatientProfile | Contact | None) -> str:
    """The patient's chosen channel, if the clinic has a number to reach them on. A patient
    registered by phone has no email address and always a text channel (clinic.services.
    patient_register); one reached on neither fails at sending, saying why (messages.deliver)."""
    if contact is None or not contact.phone:
        return ReminderChannel.EMAIL
    return str(contact.preferred_channel)


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


def message_time(now: datetime, policy: ReminderPolicy | None = None) -> datetime:
    """When a message written now may go: now, or the end of the clinic's quiet hours."""
    quiet = _schedule(policy or ReminderPolicy.current()).quiet
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
    if not any(a.status == AppointmentStatus.BOOKED for a in appointments):
        return []
    contact, policy = reminders_contact(appointments[0].patient_id)
    return Reminder.objects.bulk_create(
        reminders_due(appointments, contact=contact, policy=policy, confirm=confirm, now=now)
    )


def reminders_due(
    appointments: Sequence[Appointment],
    *,
    contact: Contact | None,
    policy: ReminderPolicy,
    confirm: bool = True,
    now: datetime,
) -> list[Reminder]:
    """The reminders of newly booked or moved visits (one patient's), as rows not yet saved,
    worked out with no query from the patient's contact and the policy (reminders_contact):
    reminders_plan writes them, and a booking writes them in its own statement."""
    booked = [a for a in appointments if a.status == AppointmentStatus.BOOKED]
    if not booked:
        return []
    channel = _channel(contact)
    schedule = _schedule(policy)
    zone = clinic_zone()
    rows: list[tuple[Appointment, str, str, datetime]] = []
    if confirm:
        # A confirmation carries the .ics, so it goes by email; to a patient without an
        # address (registered by phone), as a short text on their channel.
        confirmation_channel = (
            ReminderChannel.EMAIL if contact is None or contact.email else channel
        )
        rows.append(
            (booked[0], ReminderKind.CONFIRMATION, confirmation_channel, message_time(now, policy))
        )
    if contact is not None and contact.care_reminders_consent:
        for appointment in booked:
            due = visit_reminders(
                appointment.starts_at,
                session=appointment.treatment_type.kind == TreatmentKind.SESSION,
                schedule=schedule,
                now=now,
                zone=zone,
            )
            rows += [(appointment, kind, channel, at) for kind, at in due.items()]
    return [
        Reminder(
            patient_id=appointment.patient_id,
            appointment=appointment,
            kind=kind,
            channel=kind_channel,
            due_at=at,
        )
        for appointment, kind, kind_channel, at in rows
    ]


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
        due = Reminder.objects.filter(_due(now)).order_by("due_at")
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


SEND_BATCH = 200  # the most reminders one task sends, over one connection to the mail server
SPREAD = 50  # a small backlog still goes out as this many tasks, for every worker to take some


def reminder_batches(ids: Sequence[int], *, backlog: int | None = None) -> list[list[int]]:
    """The claimed ids as the send tasks take them: batches of up to SEND_BATCH, small enough
    that a short backlog (`backlog` rows due in all, these ids unless told) is shared by all
    the workers."""
    size = max(1, min(SEND_BATCH, (len(ids) if backlog is None else backlog) // SPREAD))
    return [list(ids[n : n + size]) for n in range(0, len(ids), size)]


def reminders_backlog(*, now: datetime | None = None) -> int:
    """How many reminders are due now, claimed or not (what the dispatcher has to hand out)."""
    now = now or timezone.now()
    return Reminder.objects.filter(_due(now)).count()


def _due(now: datetime) -> Q:
    """Rows to hand out: due and pending, or handed out and not taken within the lease."""
    return Q(status=ReminderStatus.PENDING, due_at__lte=now) | Q(
        status=ReminderStatus.QUEUED, queued_at__lt=now - lease()
    )


def reminder_send(reminder_id: int, *, now: datetime | None = None) -> str:
    """Send one reminder once: "sent", "withdrawn", "retry", "failed", or "skipped" when it
    is not this call's to send (sent already, withdrawn, or claimed by another worker)."""
    (outcome,) = reminders_send([reminder_id], now=now).elements()
    return outcome


def reminders_send(ids: Sequence[int], *, now: datetime | None = None) -> Counter[str]:
    """Send a batch of reminders, each once, and count how each went ("sent", "withdrawn",
    "retry", "failed", "skipped"). The rows still queued are taken in one conditional update,
    so a batch delivered twice, or a row in two batches, sends once; those taken are read in
    one query, their emails go over one connection, and the sent ones are marked in one
    statement. A worker that dies before marking leaves its rows "sending": the dispatcher
    marks them failed after the lease, never sends them again (they may have gone)."""
    now = now or timezone.now()
    wanted = set(ids)
    token = uuid.uuid4().hex
    taken = Reminder.objects.filter(pk__in=wanted, status=ReminderStatus.QUEUED).update(
        status=ReminderStatus.SENDING, sending_at=now, attempts=F("attempts") + 1, claim=token
    )
    outcomes: Counter[str] = Counter(skipped=len(wanted) - taken)
    if not taken:
        return outcomes
    reminders = list(
        Reminder.objects.select_related(
            "appointment__treatment_type",
            "appointment__plan",
            "appointment__doctor",
            "appointment__room",
            "patient__profile",
        ).filter(claim=token, status=ReminderStatus.SENDING)
    )
    offer_ids = {r.offer_id for r in reminders if r.offer_id is not None}
    if offer_ids:  # waitlist offers: rare, so read apart
        offers = WaitlistOffer.objects.select_related("entry__plan").in_bulk(offer_ids)
        for reminder in reminders:
            if reminder.offer_id is not None:
                reminder.offer = offers[reminder.offer_id]
    done: dict[str, list[int]] = {ReminderStatus.SENT: [], ReminderStatus.WITHDRAWN: []}
    policy: ReminderPolicy | None = None
    mail = get_connection()
    try:
        for reminder in reminders:
            if not _still_wanted(reminder, now):
                done[ReminderStatus.WITHDRAWN].append(reminder.pk)
                outcomes["withdrawn"] += 1
                continue
            try:
                deliver(reminder, mail=mail)
            except MessageError as error:
                policy = policy or ReminderPolicy.current()
                outcomes[_failed(reminder, error, policy=policy, now=now)] += 1
            else:
                done[ReminderStatus.SENT].append(reminder.pk)
                outcomes["sent"] += 1
    finally:
        mail.close()
        # What went is marked even when a later message raised something unforeseen.
        Reminder.objects.filter(pk__in=done[ReminderStatus.SENT]).update(
            status=ReminderStatus.SENT, sent_at=now
        )
        Reminder.objects.filter(pk__in=done[ReminderStatus.WITHDRAWN]).update(
            status=ReminderStatus.WITHDRAWN
        )
    return outcomes


def _failed(
    reminder: Reminder, error: MessageError, *, policy: ReminderPolicy, now: datetime
) -> str:
    """A reminder its channel did not take: tried again later with backoff, or failed for good
    after the policy's attempts."""
    reminder.last_error = str(error)[:300]
    if reminder.attempts >= policy.max_attempts:
        reminder.status = ReminderStatus.FAILED
        reminder.save(update_fields=["status", "last_error"])
        return "failed"
    wait = BACKOFF[min(reminder.attempts, len(BACKOFF)) - 1]
    reminder.status = ReminderStatus.PENDING
    reminder.due_at = outside_quiet(now + wait, _schedule(policy).quiet, clinic_zone(), before=None)
    reminder.save(update_fields=["status", "last_error", "due_at"])
    return "retry"


def reminder_retry(reminder: Reminder, *, now: datetime | None = None) -> bool:
    """A receptionist sends a failed reminder again (after checking it did not go)."""
    now = now or timezone.now()
    return bool(
        Reminder.objects.filter(pk=reminder.pk, status=ReminderStatus.FAILED).update(
            status=ReminderStatus.PENDING, due_at=now, attempts=0, last_error=""
        )
    )
