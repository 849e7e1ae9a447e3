"""What happens at a visit, recorded by staff: the patient checked in, the visit completed (the
course's first session starts the plan, its last completes it), or a no-show."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from bookings.appointments.services import STAFF, check_in_opens
from bookings.models import Appointment, AppointmentStatus
from bookings.reminders.services import reminders_withdraw
from clinic.models import User
from clinic.roles import has_role
from planner.models import PlanStatus
from planner.services import plan_complete, plan_start


def _staff(by: User) -> None:
    if not has_role(by, *STAFF):
        raise PermissionDenied("Only the clinic's staff record visits.")


@transaction.atomic
def appointment_check_in(
    *, appointment: Appointment, by: User, now: datetime | None = None
) -> Appointment:
    """The patient has arrived (from an hour before the time to the end of that day)."""
    _staff(by)
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(
            f"This appointment is {appointment.get_status_display().lower()}: "
            "only a booked one can be checked in."
        )
    if not check_in_opens(appointment, now):
        if now < appointment.starts_at:
            raise ValidationError("Check-in opens an hour before the appointment.")
        raise ValidationError("That day has passed: record the visit as completed or a no-show.")
    appointment.status = AppointmentStatus.CHECKED_IN
    appointment.checked_in_at = now
    appointment.save(update_fields=["status", "checked_in_at", "updated_at"])
    return appointment


@transaction.atomic
def appointment_complete(
    *, appointment: Appointment, by: User, now: datetime | None = None
) -> Appointment:
    """The visit took place. The course's first session starts the course and its last one
    completes it. A session of a course no doctor approved is refused: treatment follows the
    doctor's approval, even where the patient could book before it."""
    _staff(by)
    now = now or timezone.now()
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("plan")
        .get(pk=appointment.pk)
    )
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.CHECKED_IN):
        raise ValidationError(
            f"This appointment is {appointment.get_status_display().lower()} already."
        )
    if appointment.starts_at > now:
        raise ValidationError("A visit can be recorded as completed once it has started.")
    if appointment.plan is not None and not appointment.plan.was_approved:
        raise ValidationError(
            "This course was never approved by a doctor, so the visit cannot be recorded as "
            "one of its treatment sessions. A doctor approves the plan first."
        )
    appointment.status = AppointmentStatus.COMPLETED
    appointment.completed_at = now
    appointment.save(update_fields=["status", "completed_at", "updated_at"])
    plan = appointment.plan
    if plan is not None:
        done = Appointment.objects.filter(plan=plan, status=AppointmentStatus.COMPLETED).count()
        if plan.status == PlanStatus.APPROVED:
            plan_start(plan=plan, author=by, reason=f"Session {appointment.session_number} done.")
        if done >= plan.sessions and plan.status == PlanStatus.IN_PROGRESS:
            plan_complete(plan=plan, author=by, reason=f"All {plan.sessions} sessions done.")
    return appointment


@transaction.atomic
def appointment_no_show(
    *, appointment: Appointment, by: User, now: datetime | None = None
) -> Appointment:
    """The patient did not come. Its resources stay held (the time has gone); in a course, the
    session is still owed, and the course page proposes the re-plan."""
    _staff(by)
    now = now or timezone.now()
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != AppointmentStatus.BOOKED:
        raise ValidationError(
            f"This appointment is {appointment.get_status_display().lower()}: "
            "only a booked one can be a no-show."
        )
    if appointment.starts_at > now:
        raise ValidationError("A patient can be marked a no-show once the time has come.")
    appointment.status = AppointmentStatus.NO_SHOW
    appointment.save(update_fields=["status", "updated_at"])
    reminders_withdraw(appointment, now=now)
    return appointment
