"""The demo courses, one in every state, with the past sessions of those under way or done, and
a patient waiting for a sooner session."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from bookings.calendars.availability import clinic_zone
from bookings.models import (
    Appointment,
    AppointmentStatus,
    TreatmentType,
)
from bookings.reminders.services import reminders_plan
from bookings.waitlist.services import waitlist_join
from clinic.demo.calendars import OpenDays, demo_doctors, visit_write
from clinic.models import User
from planner.models import PlanStatus, TreatmentPlan
from planner.rules import (
    Area,
    Concern,
    InkAmount,
    Intake,
    Scarring,
    ScreeningAnswers,
    Severity,
    SunExposure,
    TattooColours,
    TattooDetails,
    TattooLocation,
)
from planner.services import (
    plan_adjust,
    plan_approve,
    plan_complete,
    plan_create,
    plan_start,
    plan_stop,
)

# The times a course session is tried at, in turn: clear of the days' consultations.
SESSION_TIMES = (time(12), time(16, 45), time(9), time(13))


def demo_intake(concern: Concern, **answers: object) -> Intake:
    values: dict[str, object] = {
        "concern": concern,
        "severity": Severity.MODERATE,
        "area": Area.MEDIUM,
        "fitzpatrick": 3,
        "sensitive_skin": False,
        "age": 38,
        "sun_exposure": SunExposure.MODERATE,
        "uses_sunscreen": True,
    }
    values.update(answers)
    return Intake(**values)  # type: ignore[arg-type]


def demo_courses() -> None:
    """One course per patient, so that every plan state is on show."""
    doctor = User.objects.get(email="doctor@example.com")
    patients = {user.email: user for user in User.objects.filter(email__endswith="@example.com")}

    alice = plan_create(
        patient=patients["patient@example.com"],
        intake=demo_intake(Concern.PIGMENTATION, area=Area.LARGE, sun_exposure=SunExposure.HIGH),
    )
    plan_approve(plan=alice, doctor=doctor, reason="Consultation done; sun protection discussed.")

    plan_create(
        patient=patients["bob@example.com"],
        intake=demo_intake(
            Concern.TATTOO,
            fitzpatrick=2,
            tattoo=TattooDetails(
                TattooColours.BLACK_RED,
                InkAmount.MODERATE,
                Scarring.NONE,
                False,
                TattooLocation.UPPER_TRUNK,
            ),
            screening=ScreeningAnswers(anticoagulants=True),
        ),
    )
    plan_create(
        patient=patients["charlie@example.com"],
        intake=demo_intake(
            Concern.MELASMA, fitzpatrick=4, screening=ScreeningAnswers(sunburn_now=True)
        ),
    )

    dana = plan_create(
        patient=patients["dana@example.com"],
        intake=demo_intake(Concern.ACNE_SCARS, severity=Severity.SEVERE, sensitive_skin=True),
    )
    plan_adjust(
        plan=dana,
        doctor=doctor,
        reason="Scarring is deeper on the left cheek; one more session.",
        sessions=dana.sessions + 1,
    )
    plan_approve(plan=dana, doctor=doctor)
    plan_start(plan=dana, reason="First session done.")

    eve = plan_create(
        patient=patients["eve@example.com"], intake=demo_intake(Concern.FINE_LINES, age=52)
    )
    plan_approve(plan=eve, doctor=doctor)
    plan_start(plan=eve)
    plan_complete(plan=eve, reason="Patient happy with the result.")

    frank = plan_create(
        patient=patients["frank@example.com"],
        intake=demo_intake(Concern.WRINKLES, severity=Severity.SEVERE, age=61),
    )
    plan_stop(plan=frank, doctor=doctor, reason="Patient chose another treatment.")


def course_sessions(
    plan: TreatmentPlan, *, number: int, day: date, days: OpenDays, now: datetime, by: User
) -> None:
    """Session `number` of the course on `day`, the others the ideal gap before and after it
    (moved to a working day): those over completed, one under way checked in, the rest booked
    with their reminders."""
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    if treatment_type is None:
        return
    on = {number: day}
    for n in range(number - 1, 0, -1):
        on[n] = days.step(on[n + 1], -plan.interval_ideal_days)
    for n in range(number + 1, plan.sessions + 1):
        on[n] = days.step(on[n - 1], plan.interval_ideal_days)
    doctor = demo_doctors()[0]
    booked = []
    for n, session_day in sorted(on.items()):
        for at in SESSION_TIMES:
            starts_at = datetime.combine(session_day, at, tzinfo=clinic_zone())
            if starts_at + treatment_type.duration <= now:
                status = AppointmentStatus.COMPLETED
            elif starts_at <= now:
                status = AppointmentStatus.CHECKED_IN
            else:
                status = AppointmentStatus.BOOKED
            visit = visit_write(
                plan.patient,
                treatment_type,
                starts_at,
                status=status,
                now=now,
                by=by,
                doctor=doctor,
                plan=plan,
                number=n,
            )
            if visit is not None:
                booked += [visit] if status == AppointmentStatus.BOOKED else []
                break
    reminders_plan(booked, confirm=False, now=now)


def demo_course_sessions(now: datetime, by: User) -> None:
    """Dana's course is under way: two sessions done, the third on the desk's day (today, or
    the next working day), the rest booked. Eve's is over: every session done, the last three
    weeks ago."""
    days = OpenDays()
    today = timezone.localdate(now)
    plans = TreatmentPlan.objects.select_related("patient")
    dana = plans.filter(patient__email="dana@example.com", status=PlanStatus.IN_PROGRESS).first()
    if dana is not None:
        course_sessions(dana, number=3, day=days.step(today, 0), days=days, now=now, by=by)
    eve = plans.filter(patient__email="eve@example.com", status=PlanStatus.COMPLETED).first()
    if eve is not None:
        last = days.step(today, -21)
        course_sessions(eve, number=eve.sessions, day=last, days=days, now=now, by=by)


def demo_waitlist(now: datetime) -> None:
    """Dana would like her fourth session sooner, so the waitlist page has someone on it."""
    fourth = (
        Appointment.objects.filter(
            patient__email="dana@example.com",
            session_number=4,
            status=AppointmentStatus.BOOKED,
            starts_at__gt=now,
        )
        .select_related("plan", "patient")
        .first()
    )
    if fourth is not None and fourth.plan is not None:
        waitlist_join(plan=fourth.plan, by=fourth.patient, appointment=fourth, now=now)
