"""What the front desk changes on the calendars: a visit dragged to another time or column, a
visit booked from empty time, a block of a resource's time; and, when the calendars refuse, the
reason in words (the window, the closure, the hours, the absence, the visit in the way).

The rules are the course's and the visit's own (session_move, appointment_book,
course_session_book); the desk adds who may act (receptionists and managers), the minimum notice
that staff may override saying why, and the visit's version, so a drop onto a visit that moved
meanwhile is refused rather than applied to what the receptionist did not see.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bookings.appointments.services import SlotUnavailable
from bookings.calendars.availability import clinic_zone
from bookings.courses.services import session_move
from bookings.courses.windows import MoveEffect, move_effects, move_window, outside_window
from bookings.models import (
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    Closure,
    Resource,
    ResourceKind,
    Unavailability,
    WorkingHours,
)
from clinic.models import User
from clinic.roles import Role, has_role

DESK = (Role.RECEPTIONIST, Role.MANAGER)
logger = logging.getLogger(__name__)
LONGEST_BLOCK = timedelta(days=31)


def desk_staff(by: User) -> None:
    if not has_role(by, *DESK):
        raise PermissionDenied("Only the front desk and managers change the calendars here.")


class NoticeNeeded(ValidationError):
    """The time is inside the online minimum notice: staff may go ahead, saying why."""


class ReflowNeeded(ValidationError):
    """The move pushes the next session out of its window: shown, and applied only when the
    receptionist confirms the re-flow of the later sessions."""

    def __init__(self, message: str, effects: list[MoveEffect]) -> None:
        super().__init__(message)
        self.effects = effects


def unfree_reason(appointment: Appointment, starts_at: datetime, resource: Resource | None) -> str:
    """Why the calendars refused a visit at `starts_at`, in words: a closure, the resource's
    hours, its absence, or a visit in the way. Read only when a move was refused."""
    zone = clinic_zone()
    local = starts_at.astimezone(zone)
    ends_at = starts_at + appointment.treatment_type.reserved
    closure = Closure.objects.filter(starts_on__lte=local.date(), ends_on__gte=local.date()).first()
    if closure is not None:
        return f"The clinic is closed on {local:%a %d %b}: {closure.reason}."
    order = {ResourceKind.DOCTOR: 0, ResourceKind.DEVICE: 1, ResourceKind.ROOM: 2}
    wanted = [resource] if resource is not None else []
    wanted += sorted(
        (
            r
            for r in Resource.objects.filter(
                pk__in=[appointment.doctor_id, appointment.device_id, appointment.room_id]
            )
            if resource is None or r.kind != resource.kind
        ),
        key=lambda r: order[ResourceKind(r.kind)],
    )
    visit_end = (starts_at + appointment.treatment_type.duration).astimezone(zone)
    for candidate in wanted:
        hours = WorkingHours.objects.filter(resource=candidate, weekday=local.weekday())
        end_local = ends_at.astimezone(zone)  # with the clean-up after it
        if not any(h.starts <= local.time() and end_local.time() <= h.ends for h in hours):
            spans = ", ".join(f"{h.starts:%H:%M}-{h.ends:%H:%M}" for h in hours)
            when = f"works {spans} on {local:%A}s" if spans else f"does not work on {local:%A}s"
            return (
                f"{candidate.name} {when}: {local:%H:%M}-{visit_end:%H:%M}"
                f"{' and its clean-up' if end_local != visit_end else ''} would be outside."
            )
        away = Unavailability.objects.filter(
            resource=candidate, starts_at__lt=ends_at, ends_at__gt=starts_at
        ).first()
        if away is not None:
            return f"{candidate.name} is not available then: {away.reason}."
        taken = (
            Appointment.objects.active()
            .filter(starts_at__lt=ends_at, reserved_until__gt=starts_at)
            .exclude(pk=appointment.pk)
            .filter(
                **{
                    {
                        ResourceKind.DOCTOR: "doctor",
                        ResourceKind.DEVICE: "device",
                        ResourceKind.ROOM: "room",
                    }[ResourceKind(candidate.kind)]: candidate
                }
            )
            .first()
        )
        if taken is not None:
            at = taken.starts_at.astimezone(zone)
            return f"{candidate.name} is booked from {at:%H:%M} (with the clean-up after it)."
    return "No doctor, device and room are free together at that time."


@dataclass(frozen=True)
class Move:
    """A move asked for on the desk."""

    appointment: Appointment
    starts_at: datetime
    resource: Resource | None = None  # the column it was dropped on, when it changed
    reflow: bool = False
    override: str = ""  # why staff book inside the minimum notice
    version: datetime | None = None


def desk_move(*, move: Move, by: User, now: datetime | None = None) -> list[Appointment]:
    """Move a visit as the desk asked, or raise with the reason: PermissionDenied,
    NoticeNeeded, ReflowNeeded, ValidationError (the window, a past time) or SlotUnavailable
    (taken, outside hours, closed, changed meanwhile)."""
    desk_staff(by)
    now = now or timezone.now()
    appointment = move.appointment
    resource = move.resource
    if resource is not None:
        needs = {
            ResourceKind.DOCTOR: True,
            ResourceKind.DEVICE: appointment.treatment_type.needs_device,
            ResourceKind.ROOM: appointment.treatment_type.needs_room,
        }[ResourceKind(resource.kind)]
        if not needs:
            what = appointment.treatment_type.name.lower()
            raise ValidationError(f"A {what} uses no {resource.get_kind_display().lower()}.")
    notice = timedelta(minutes=BookingPolicy.current().minimum_notice_minutes)
    if now < move.starts_at < now + notice and not move.override.strip():
        raise NoticeNeeded(
            f"That is inside the clinic's {notice.total_seconds() / 3600:g} hours' notice: "
            "say why to book it all the same."
        )
    if problem := outside_window(appointment, move.starts_at):
        raise ValidationError(problem)
    effects = move_effects(appointment, move.starts_at)
    if not move.reflow and any(not effect.in_window for effect in effects):
        effect = effects[0]
        raise ReflowNeeded(
            f"Session {effect.session} would then be {effect.gap_days} days later, outside its "
            "window: move the later sessions too?",
            effects,
        )
    try:
        return session_move(
            appointment=appointment,
            new_start=move.starts_at,
            by=by,
            reflow=move.reflow,
            now=now,
            resource=(resource.kind, resource.pk) if resource is not None else None,
            version=move.version,
        )
    except SlotUnavailable as error:
        if "not free" not in str(error):
            raise
        raise SlotUnavailable(unfree_reason(appointment, move.starts_at, resource)) from None


def desk_block(
    *,
    resource: Resource,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    by: User,
) -> Unavailability:
    """Block a resource's time (a break, device maintenance) with a reason. Blocks are
    absences, so every search honours them. Refused over a visit still to happen on it."""
    desk_staff(by)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the time is blocked."})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": "A block must end after it starts."})
    if ends_at - starts_at > LONGEST_BLOCK:
        raise ValidationError({"ends_at": "Block at most a month at once; longer in the admin."})
    field = {
        ResourceKind.DOCTOR: "doctor",
        ResourceKind.DEVICE: "device",
        ResourceKind.ROOM: "room",
    }[ResourceKind(resource.kind)]
    with transaction.atomic():
        in_the_way = list(
            Appointment.objects.filter(
                status__in=[AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN],
                starts_at__lt=ends_at,
                reserved_until__gt=starts_at,
                **{field: resource},
            ).order_by("starts_at")[:5]
        )
        if in_the_way:
            zone = clinic_zone()
            times = ", ".join(f"{a.starts_at.astimezone(zone):%a %d %b %H:%M}" for a in in_the_way)
            raise ValidationError(
                f"{resource.name} has visits then ({times}): move them first, then block the time."
            )
        return Unavailability.objects.create(
            resource=resource,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason.strip()[:200],
            created_by=by,
        )


def desk_unblock(*, block: Unavailability, by: User) -> None:
    """Remove a block made on the desk. An absence set in the admin (a doctor's leave, a
    device's service) is the manager's, and stays."""
    desk_staff(by)
    if block.created_by_id is None:
        raise PermissionDenied(
            "This absence was set in the administration (leave, maintenance): a manager "
            "changes it there."
        )
    logger.info("%s removed the block %s (%s)", by, block.pk, block)
    block.delete()


def session_window(appointment: Appointment) -> tuple[str, str] | None:
    """The session's window as words for the panel, or None outside a course."""
    window = move_window(appointment)
    if window is None:
        return None
    return f"{window[0]:%a %d %b}", f"{window[1]:%a %d %b}"


def is_inside_notice(starts_at: datetime, now: datetime | None = None) -> bool:
    now = now or timezone.now()
    notice = timedelta(minutes=BookingPolicy.current().minimum_notice_minutes)
    return starts_at < now + notice
