"""Writes on one visit: book it, cancel it; the rules every booking checks (start, notice,
check-in) and the clean conflict a lost race becomes."""

from __future__ import annotations

import functools
from contextlib import nullcontext
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext

from bookings.appointments.events import announce_time_freed, announce_visit_withdrawn
from bookings.calendars.availability import clinic_zone, load_calendar, local_day
from bookings.calendars.schema import Clash, clash_of
from bookings.models import (
    BOOKING_HORIZON_DAYS,
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    Reminder,
    ReminderPolicy,
    Resource,
    ResourceKind,
    TreatmentType,
)
from bookings.reminders.services import (
    Contact,
    reminders_cancelled,
    reminders_contact,
    reminders_due,
    reminders_plan,
    reminders_withdraw,
)
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
    _check_time(starts_at, now=now)
    _check_policy(starts_at, policy=policy, now=now, notice=notice)


def _check_time(starts_at: datetime, *, now: datetime) -> None:
    if timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": "A time needs its time zone."})
    if starts_at <= now:
        raise ValidationError({"starts_at": "That time has passed."})
    if starts_at > now + timedelta(days=BOOKING_HORIZON_DAYS):
        raise ValidationError({"starts_at": "Bookings open up to a year ahead."})


def _check_policy(
    starts_at: datetime, *, policy: BookingPolicy, now: datetime, notice: bool
) -> None:
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

    One read (the calendars over that time, the booking policy and the patient's own visits)
    chooses the resources; one write books them with the visit's reminders (one statement on
    PostgreSQL). The read only makes the first try likely to succeed: the database's
    constraints decide. A booking that lost only a resource to another at the same instant
    tries again on the calendar as it is now (the next free room, say); one that lost the time
    itself, or whose patient was booked meanwhile, gets SlotUnavailable.
    """
    now = now or timezone.now()
    _check_time(starts_at, now=now)
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
    contact: tuple[Contact | None, ReminderPolicy] | None = None
    for attempt in range(RESOURCE_TRIES):
        calendar = load_calendar(
            treatment_type,
            span_start=starts_at,
            span_end=reserved_until,
            doctor=doctor,
            patient_id=patient.pk,
        )
        _check_policy(starts_at, policy=calendar.policy, now=now, notice=notice)
        if not calendar.patient_free(starts_at, ends_at):
            raise ValidationError({"starts_at": busy})
        chosen = calendar.free_at(
            starts_at,
            required={device_or_room.kind: device_or_room.pk} if device_or_room else None,
            # Bookings racing for one instant each start from another laser and room (by
            # patient), rather than all trying the first free one; a lost race moves on.
            spread=patient.pk + attempt,
        )
        if chosen is None:
            raise SlotUnavailable("That time is not free. Please choose another.")
        appointment = Appointment(
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
        try:
            if plan is not None:  # a course's messages are written from the course
                with transaction.atomic():
                    appointment.save(force_insert=True)
                    reminders_plan([appointment], now=now)
                return appointment
            contact = contact or reminders_contact(patient.pk)
            reminders = reminders_due([appointment], contact=contact[0], policy=contact[1], now=now)
            _insert(appointment, reminders)
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


def _insert(appointment: Appointment, reminders: list[Reminder]) -> None:
    """Write a new visit and its reminders, all or nothing. On PostgreSQL it is one statement
    (the visit's insert feeds its id to the reminders' inserts), atomic on its own, or under a
    savepoint inside a caller's transaction; elsewhere, a transaction of two inserts."""
    if connection.vendor != "postgresql":
        with transaction.atomic():
            appointment.save(force_insert=True)
            Reminder.objects.bulk_create(reminders)
        return
    params = _values(appointment, skip="")
    for reminder in reminders:
        params += _values(reminder, skip="appointment_id")
    atomic = transaction.atomic() if connection.in_atomic_block else nullcontext()
    with atomic, connection.cursor() as cursor:
        cursor.execute(_visit_and_reminders_sql(len(reminders)), params)
        (appointment.pk,) = cursor.fetchone()
    appointment._state.adding = False
    appointment._state.db = connection.alias


def _columns(model: type[Model]) -> list[Field[Any, Any]]:
    """The columns an insert of a new row of `model` writes: all but its generated id."""
    meta = model._meta
    return [f for f in meta.local_concrete_fields if f is not meta.auto_field and not f.generated]


def _values(row: Model, *, skip: str) -> list[Any]:
    """A new row's values for its columns (but `skip`), as Django's own insert prepares them
    (auto_now times set on the row)."""
    return [
        field.get_db_prep_save(field.pre_save(row, True), connection)
        for field in _columns(type(row))
        if field.attname != skip
    ]


@functools.cache
def _visit_and_reminders_sql(reminders: int) -> str:
    """One statement: the visit's INSERT ... RETURNING id, each reminder's INSERT ... SELECT
    taking that id, then the id."""
    quote = connection.ops.quote_name
    visit = _columns(Appointment)
    sql = [
        f"WITH visit AS (INSERT INTO {quote(Appointment._meta.db_table)}"
        f" ({', '.join(quote(f.column) for f in visit)})"
        f" VALUES ({', '.join(['%s'] * len(visit))})"
        f" RETURNING {quote(Appointment._meta.pk.column)})"
    ]
    columns = _columns(Reminder)
    made = f"visit.{quote(Appointment._meta.pk.column)}"
    values = ", ".join(made if f.attname == "appointment_id" else "%s" for f in columns)
    for n in range(reminders):
        sql.append(
            f", reminder{n} AS (INSERT INTO {quote(Reminder._meta.db_table)}"
            f" ({', '.join(quote(f.column) for f in columns)}) SELECT {values} FROM visit)"
        )
    sql.append(f" SELECT {quote(Appointment._meta.pk.column)} FROM visit")
    return "".join(sql)


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
        raise ValidationError(gettext("This appointment is already cancelled."))
    if appointment.status != AppointmentStatus.BOOKED or appointment.starts_at <= now:
        raise ValidationError(gettext("Only an appointment still to come can be cancelled."))
    notice = timedelta(hours=policy.cancellation_notice_hours)
    if appointment.starts_at - now < notice:
        if not override:
            raise ValidationError(
                gettext("Cancelling needs %(hours)s hours' notice; please call the clinic.")
                % {"hours": policy.cancellation_notice_hours}
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
