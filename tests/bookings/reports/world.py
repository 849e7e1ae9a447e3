"""Small clinics for the report tests, built row by row so that every figure can be worked out
by hand (the reports read rows; how a visit got its status is other tests' business)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bookings.models import Appointment, AppointmentStatus, Resource, TreatmentType
from clinic.models import Intake, IntakeStatus, User
from planner.models import PlanStatus, TreatmentPlan
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import Clinic, local
from tests.planner.intakes import intake

WINDOW = Window(14, 21, 28)


def visit(
    clinic: Clinic,
    patient: User,
    starts_at: datetime,
    *,
    treatment: TreatmentType | None = None,
    status: str = AppointmentStatus.COMPLETED,
    doctor: Resource | None = None,
    by: User | None = None,
    plan: TreatmentPlan | None = None,
    session: int | None = None,
    **fields: object,
) -> Appointment:
    """One visit: a pico session (with the device and the room) unless told otherwise."""
    treatment = treatment or clinic.session
    assert treatment is not None
    return Appointment.objects.create(
        patient=patient,
        treatment_type=treatment,
        doctor=doctor or clinic.doctors[0],
        device=clinic.devices[0] if treatment.needs_device else None,
        room=clinic.rooms[0] if treatment.needs_room else None,
        starts_at=starts_at,
        ends_at=starts_at + treatment.duration,
        reserved_until=starts_at + treatment.reserved,
        status=status,
        created_by=by or patient,
        plan=plan,
        session_number=session,
        **fields,
    )


def course(
    clinic: Clinic,
    patient: User,
    doctor: User,
    days: list[date],
    *,
    status: str = PlanStatus.IN_PROGRESS,
    sessions: int = 4,
    booked: list[date] = (),  # type: ignore[assignment]
    submitted: datetime | None = None,
) -> TreatmentPlan:
    """A course approved with the 14-21-28 day window: sessions that took place on `days`
    (at 10:00 local), then sessions still booked on `booked`."""
    plan = plan_create(patient=patient, intake=intake())
    plan = plan_adjust(plan=plan, doctor=doctor, reason="test", window=WINDOW, sessions=sessions)
    plan = plan_approve(plan=plan, doctor=doctor)
    if submitted is not None:
        plan.source_intake = Intake.objects.create(
            patient=patient, status=IntakeStatus.SUBMITTED, submitted_at=submitted
        )
    plan.status = status
    plan.save()
    for number, day in enumerate(days, start=1):
        visit(clinic, patient, local(day, 10), plan=plan, session=number)
    for number, day in enumerate(booked, start=len(days) + 1):
        visit(clinic, patient, local(day, 10), plan=plan, session=number, status="booked")
    return plan


def days_after(first: date, *gaps: int) -> list[date]:
    days = [first]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    return days


def fill(
    clinic: Clinic, doctor: User, n: int, *, first: date = date(2027, 3, 1), skip: int = 0
) -> None:
    """n patients, each with a course of three sessions (one missed and booked again, one
    cancelled late), a questionnaire, messages and a waitlist offer: something in every table
    of every report, n times over. `skip` the times a fill before took."""
    from bookings.models import Reminder, WaitlistEntry, WaitlistOffer
    from tests.factories import UserFactory

    for i in range(skip, skip + n):
        patient = UserFactory()
        hour = 8 + i % 10
        shift = timedelta(days=2 * (i // 10))  # the missed session 2 is the day before
        days = [d + shift for d in days_after(first, 21, 28)]
        plan = course(clinic, patient, doctor, [], submitted=local(first - timedelta(days=9), 9))
        sessions = [
            visit(clinic, patient, local(day, hour), plan=plan, session=number)
            for number, day in enumerate(days, start=1)
        ]
        visit(
            clinic,
            patient,
            local(days[1] - timedelta(days=1), hour),
            plan=plan,
            session=2,
            status="no_show",
        )
        missed = local(days[2] + timedelta(days=1), hour)
        visit(
            clinic,
            patient,
            missed,
            treatment=clinic.consultation,
            status="cancelled",
            cancelled_at=missed - timedelta(hours=1),
        )
        for kind, status in (
            ("confirmation", "sent"),
            ("soon", "failed"),
            ("pre_care", "withdrawn"),
        ):
            Reminder.objects.create(
                patient=patient,
                appointment=sessions[0],
                kind=kind,
                channel="sms",
                status=status,
                due_at=sessions[0].starts_at - timedelta(hours=2),
            )
        entry = WaitlistEntry.objects.create(
            patient=patient,
            plan=plan,
            earliest=first,
            latest=first + timedelta(days=60),
            created_by=patient,
            status="served",
        )
        WaitlistOffer.objects.create(
            entry=entry,
            starts_at=sessions[1].starts_at,
            status="accepted",
            expires_at=sessions[1].starts_at - timedelta(days=1),
        )
