"""Working days at the desk: the day the clinic opens on (today, or the next working day) and
the two working days either side, with visits in every state by the clock."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone

from bookings.appointments.services import CHECK_IN_EARLY
from bookings.calendars.availability import clinic_zone, local_day_bounds
from bookings.models import (
    Appointment,
    AppointmentStatus,
    TreatmentType,
)
from bookings.reminders.services import reminders_plan
from clinic.demo.calendars import OpenDays, demo_doctors, visit_write
from clinic.demo.people import DEMO_CALLERS, DEMO_PEOPLE
from clinic.models import User
from clinic.roles import Role

# A working day's consultations: (doctor, local time), doctor 0 Dr Rahman and 1 Dr Okafor. The
# day the desk opens on is busy, the days around it quieter; a Saturday (9-13) keeps its morning.
BUSY_DAY = (
    (0, time(9)),
    (1, time(9, 30)),
    (0, time(10)),
    (1, time(10, 30)),
    (0, time(11, 15)),
    (1, time(11, 45)),
    (0, time(14)),
    (1, time(14, 30)),
    (0, time(15, 15)),
    (1, time(16)),
)


QUIET_DAY = (BUSY_DAY[0], BUSY_DAY[3], BUSY_DAY[4], BUSY_DAY[7], BUSY_DAY[9])


def demo_day(
    day: date,
    slots: tuple[tuple[int, time], ...],
    patients: list[User],
    *,
    now: datetime,
    by: User,
) -> None:
    """The day's consultations, each in the state it would be in by `now`: those over are
    completed (the second a no-show), the one under way and the next within the hour checked
    in, those to come booked (every other one confirmed by the patient)."""
    consultation = TreatmentType.objects.consultation()
    doctors = demo_doctors()
    if consultation is None or len(doctors) < 2:
        return
    start, end = local_day_bounds(day, day, clinic_zone())
    there = Appointment.objects.active().filter(starts_at__gte=start, starts_at__lt=end)
    busy = set(there.values_list("patient_id", flat=True))
    over = coming = 0
    arrived_early = False
    for (doctor, at), patient in zip(slots, patients, strict=True):
        starts_at = datetime.combine(day, at, tzinfo=clinic_zone())
        if patient.pk in busy:
            continue
        confirmed = False
        if starts_at + consultation.duration <= now:
            status = AppointmentStatus.NO_SHOW if over == 1 else AppointmentStatus.COMPLETED
        elif starts_at <= now or (not arrived_early and starts_at - CHECK_IN_EARLY <= now):
            status = AppointmentStatus.CHECKED_IN
        else:
            status, confirmed = AppointmentStatus.BOOKED, coming % 2 == 1
        visit = visit_write(
            patient,
            consultation,
            starts_at,
            status=status,
            now=now,
            by=by,
            doctor=doctors[doctor],
            confirmed=confirmed,
        )
        if visit is None:
            continue
        over += int(starts_at + consultation.duration <= now)
        coming += int(status == AppointmentStatus.BOOKED)
        arrived_early |= status == AppointmentStatus.CHECKED_IN and starts_at > now
        if status == AppointmentStatus.BOOKED:
            reminders_plan([visit], confirm=False, now=now)


def demo_days(now: datetime, by: User) -> None:
    """Fill the desk's day (today, or the next working day) and two working days either side,
    each one only if it has no consultation yet: run again, it changes nothing."""
    days = OpenDays()
    if not days.weekdays:
        return
    today = timezone.localdate(now)
    opens = days.step(today, 0)
    before, after = days.step(today, -1), days.step(opens, 1)
    # Patients take the days in turn, the coming days first: the logins have a visit to come
    # (and one past), and few people come twice. Dana's visits are her course's sessions.
    schedule = [
        (after, QUIET_DAY),
        (days.step(after, 1), QUIET_DAY),
        (opens, BUSY_DAY),
        (before, QUIET_DAY),
        (days.step(before, -1), QUIET_DAY),
    ]
    emails = [
        person.email
        for person in DEMO_PEOPLE
        if person.role == Role.PATIENT and person.email != "dana@example.com"
    ] + [email for email, *_ in DEMO_CALLERS]
    found = {user.email: user for user in User.objects.filter(email__in=emails)}
    patients = [found[email] for email in emails if email in found]
    if not patients:
        return
    turn = 0
    for day, slots in schedule:
        today_patients = [patients[(turn + n) % len(patients)] for n in range(len(slots))]
        turn += len(slots)
        start, end = local_day_bounds(day, day, clinic_zone())
        if Appointment.objects.filter(
            plan__isnull=True, starts_at__gte=start, starts_at__lt=end
        ).exists():
            continue
        demo_day(day, slots, today_patients, now=now, by=by)
