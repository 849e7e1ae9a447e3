"""Writes on one visit: book it, cancel it; the rules every booking checks (start, notice,
check-in) and the clean conflict a lost race becomes."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone

from bookings.appointments.events import announce_time_freed, announce_visit_withdrawn
from bookings.calendars.availability import clinic_zone, load_calendar, local_day
from bookings.calendars.schema import Clash, clash_of
from bookings.models import (
    BOOKING_HORIZON_DAYS,
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    Resource,
    ResourceKind,
    TreatmentType,
)
from bookings.reminders.services import reminders_cancelled, reminders_plan, reminders_withdraw
from clinic.models import User
from clinic.roles import Role, has_role
from planner.models import TreatmentPlan

RESOURCE_TRIES = 4  # a booking that loses a race for a resource tries the next free one


class SlotUnavailable(Exception):
    """The time is not, or no longer, free. The API answers 409; a page says so and re-offers."""


PATIENT_BUSY = "The patient already has an appointment then."
SESSION_TAKEN = (
    "This session of the course was booked a moment ago (in another window?), so nothing more "
    "was booked. Please look at the course."
)


def is_double_booking(error: IntegrityError | OperationalError) -> bool:
    """Whether the database refused a write because a resource, the patient or the course
    session was taken meanwhile: a race lost, to answer as a conflict, not an error."""
    return clash_of(error) is not None


def conflict(
    error: IntegrityError | OperationalError,
    resource_message: str,
    *,
    patient_message: str = PATIENT_BUSY,
) -> SlotUnavailable:
    """The clean conflict for a race the database refused (see is_double_booking)."""
    clash = clash_of(error)
    if clash == Clash.PATIENT:
        return SlotUnavailable(patient_message)
    if clash == Clash.SESSION:
        return SlotUnavailable(SESSION_TAKEN)
    return SlotUnavailable(resource_message)


def check_start(starts_at: datetime, *, policy: BookingPolicy, now: datetime, notice: bool) -> None:
    """Refuse a start in the past, beyond the booking horizon, inside the minimum notice, or off
    the slot step."""
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "A time needs its time zone."})
    if starts_at <= now:
        raise ValidationError({"starts_at": "That time has passed."})
    if starts_at > now + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ValidationError({"starts_at": "Bookings open up to a year ahead."})
    if notice and starts_at < now + timedelta(minutes=policy.minimum_notice_minutes):
        hours = policy.minimum_notice_minutes / 60
        raise ValidationError(
            {"starts_at": f"Online bookings need {hours:g} hours' notice; please call the clinic."}
        )
    local = starts_at.astimezone(clinic_zone())
    if (local.hour * 60 + local.minute) % policy.slot_step_minutes or local.second:
        raise ValidationError(
            {"starts_at": f"Appointments start every {policy.slot_step_minutes} minutes."}
        )


def appointment_book(
    *,
    patient: User,
    treatment_type: TreatmentType,
    starts_at: datetime,
    booked_by: User,
    doctor: Resource | None = None,
    notice: bool = True,
    now: datetime | None = None,
    plan: TreatmentPlan | None = None,
    session_number: int | None = None,
    device_or_room: Resource | None = None,
) -> Appointment:
    """Book one appointment on a free doctor, device and room, or raise SlotUnavailable. With
    `plan` and `session_number`, it is that session of the course (the caller checked its
    window: courses.services.course_session_book). `device_or_room` holds the visit to that
    laser or room (booked from its column on the desk).

    The calendars are read and written in one transaction. On SQLite the transaction is
    IMMEDIATE, so writers queue and the read is authoritative; on PostgreSQL two bookings may
    read the same free time, and the exclusion constraints refuse the loser's insert. A loser
    that only lost a resource tries again on the calendar as it is now (the next free room,
    say); one that lost the time itself, or whose patient was booked meanwhile, gets
    SlotUnavailable.
    """
    now = now or timezone.now()
    check_start(starts_at, policy=BookingPolicy.current(), now=now, notice=notice)
    if doctor is not None and doctor.kind != ResourceKind.DOCTOR:
        raise ValidationError({"doctor": "Choose a doctor."})
    if device_or_room is not None:
        uses = {
            ResourceKind.DEVICE: treatment_type.needs_device,
            ResourceKind.ROOM: treatment_type.needs_room,
        }.get(ResourceKind(device_or_room.kind), False)
        if not uses:
            raise ValidationError(
                f"A {treatment_type.name.lower()} uses no "
                f"{device_or_room.get_kind_display().lower()}: book it in a doctor's or a "
                "room's column."
            )
    ends_at = starts_at + treatment_type.duration
    reserved_until = starts_at + treatment_type.reserved
    busy = "You already have an appointment then." if booked_by == patient else PATIENT_BUSY
    for attempt in range(RESOURCE_TRIES):
        try:
            with transaction.atomic():
                if (
                    Appointment.objects.active()
                    .filter(patient=patient, starts_at__lt=ends_at, ends_at__gt=starts_at)
                    .exists()
                ):
                    raise ValidationError({"starts_at": busy})
                calendar = load_calendar(
                    treatment_type, span_start=starts_at, span_end=reserved_until, doctor=doctor
                )
                chosen = calendar.free_at(
                    starts_at,
                    required={device_or_room.kind: device_or_room.pk} if device_or_room else None,
                )
                if chosen is None:
                    raise SlotUnavailable("That time is not free. Please choose another.")
                appointment = Appointment.objects.create(
                    patient=patient,
                    treatment_type=treatment_type,
                    doctor_id=chosen[ResourceKind.DOCTOR],
                    device_id=chosen.get(ResourceKind.DEVICE),
                    room_id=chosen.get(ResourceKind.ROOM),
                    starts_at=starts_at,
                    ends_at=ends_at,
                    reserved_until=reserved_until,
                    created_by=booked_by,
                    plan=plan,
                    session_number=session_number,
                )
                reminders_plan([appointment], now=now)
                return appointment
        except (IntegrityError, OperationalError) as error:
            if not is_double_booking(error):
                raise
            # A resource taken meanwhile (say the room another booking chose at the same
            # instant): the calendar read again sees the winner and picks the next free one.
            if clash_of(error) != Clash.RESOURCE or attempt == RESOURCE_TRIES - 1:
                raise conflict(
                    error,
                    "Someone booked that time a moment ago. Please choose another.",
                    patient_message=busy,
                ) from None
    raise AssertionError("unreachable: the last try returns or raises")


CHECK_IN_EARLY = timedelta(hours=1)  # a patient may be checked in this long before the time


def check_in_opens(appointment: Appointment, now: datetime) -> bool:
    """Whether the time allows checking in: from an hour before the start to that day's end."""
    return appointment.starts_at - CHECK_IN_EARLY <= now and local_day(now) <= local_day(
        appointment.starts_at
    )


STAFF = (Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER)


def _check_cancellable(
    appointment: Appointment, *, by: User, override: bool, now: datetime, policy: BookingPolicy
) -> None:
    if appointment.status == AppointmentStatus.CANCELLED:
        raise ValidationError("This appointment is already cancelled.")
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
        raise ValidationError("Only an appointment still to come can be cancelled.")
    notice = timedelta(hours=policy.cancellation_notice_hours)
    if appointment.starts_at - now < notice:
        if not override:
            raise ValidationError(
                f"Cancelling needs {policy.cancellation_notice_hours} hours' notice; "
                "please call the clinic."
            )
        if not has_role(by, *STAFF):
            raise PermissionDenied("Only the clinic's staff may cancel inside the notice period.")


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    by: User,
    reason: str,
    override: bool = False,
    now: datetime | None = None,
    tell: bool = True,
) -> Appointment:
    """Cancel an appointment with a reason, freeing its doctor, device and room, and tell the
    patient (unless the caller tells them of several at once: tell=False). Inside the clinic's
    notice period only staff may cancel, saying so (override)."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why the appointment is cancelled."})
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    _check_cancellable(
        appointment, by=by, override=override, now=now, policy=BookingPolicy.current()
    )
    appointment.status = AppointmentStatus.CANCELLED
    appointment.cancelled_at = now
    appointment.cancel_reason = reason.strip()[:200]
    appointment.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    reminders_withdraw(appointment, now=now)
    if tell:
        reminders_cancelled([appointment], now=now)
    announce_visit_withdrawn(appointment, now=now)
    announce_time_freed(starts_at=appointment.starts_at, now=now)
    return appointment
