"""The demo calendars: doctors, laser devices and rooms with their hours, treatment types and
their prices, course packages, the clinic's address and phone, and writing a visit in the
state the services would have left it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from bookings.appointments.services import CHECK_IN_EARLY
from bookings.calendars.availability import load_calendar
from bookings.models import (
    Appointment,
    AppointmentStatus,
    BookingPolicy,
    ClinicContact,
    Closure,
    CoursePackage,
    Resource,
    ResourceKind,
    TreatmentKind,
    TreatmentType,
    WorkingHours,
)
from clinic.models import User
from planner.models import TreatmentPlan
from planner.rules import (
    Area,
    Concern,
)

# Prices in sen (RM 1 = 100 sen), as a Kuala Lumpur clinic might charge for one session.
DEMO_SESSION_PRICES = {
    Concern.FINE_LINES: 45000,
    Concern.WRINKLES: 50000,
    Concern.SKIN_LAXITY: 55000,
    Concern.PIGMENTATION: 45000,
    Concern.MELASMA: 48000,
    Concern.ACNE_SCARS: 65000,
    Concern.TATTOO: 35000,
}


def demo_calendars() -> None:
    """Two doctors, two pico lasers, two rooms, their hours, a closure and the treatments."""
    weekdays = [(day, time(9), time(18)) for day in range(5)] + [(5, time(9), time(13))]

    def make(kind: str, name: str, **extra: object) -> Resource:
        resource = Resource.objects.create(kind=kind, name=name, **extra)
        WorkingHours.objects.bulk_create(
            WorkingHours(resource=resource, weekday=d, starts=s, ends=e) for d, s, e in weekdays
        )
        return resource

    all_concerns = [concern.value for concern in Concern]
    make(ResourceKind.DOCTOR, "Dr Aisha Rahman", user=User.objects.get(email="doctor@example.com"))
    make(ResourceKind.DOCTOR, "Dr Tom Okafor", user=User.objects.get(email="doctor2@example.com"))
    make(
        ResourceKind.DEVICE,
        "PicoWay",
        concerns=all_concerns,
        wavelengths="532 nm, 785 nm, 1064 nm",
        handpieces="Resolve fractional, zoom",
    )
    make(
        ResourceKind.DEVICE,
        "PicoSure Pro",
        concerns=[c for c in all_concerns if c != Concern.TATTOO.value],
        wavelengths="755 nm, 532 nm",
        handpieces="Focus lens array",
    )
    make(ResourceKind.ROOM, "Treatment room 1")
    make(ResourceKind.ROOM, "Treatment room 2")
    year = timezone.localdate().year
    Closure.objects.create(
        starts_on=date(year, 12, 25), ends_on=date(year, 12, 26), reason="Christmas"
    )
    TreatmentType.objects.create(
        name="Consultation",
        kind=TreatmentKind.CONSULTATION,
        duration_minutes=30,
        needs_device=False,
        price_minor=8000,
    )
    for concern in Concern:
        TreatmentType.objects.create(
            name=f"Pico session: {concern.label}",
            kind=TreatmentKind.SESSION,
            concern=concern.value,
            duration_minutes=45,
            buffer_minutes=15,
            price_minor=DEMO_SESSION_PRICES[concern],
        )
    TreatmentType.objects.create(
        name="Pico session: tattoo, large area",
        kind=TreatmentKind.SESSION,
        concern=Concern.TATTOO.value,
        area=Area.LARGE.value,
        duration_minutes=75,
        buffer_minutes=15,
        price_minor=65000,
    )
    # Two packages, each cheaper than its sessions one by one; other concerns pay per session.
    CoursePackage.objects.create(concern=Concern.PIGMENTATION.value, price_minor=240000, sessions=6)
    CoursePackage.objects.create(concern=Concern.ACNE_SCARS.value, price_minor=330000, sessions=6)
    ClinicContact.objects.update_or_create(
        pk=1,
        defaults={
            "address": "Level 3, Wisma Cahaya\n18 Jalan Ampang\n50450 Kuala Lumpur",
            "phone": "+60321610000",
        },
    )
    BookingPolicy.current()


class OpenDays:
    """The days the demo clinic works: a weekday its doctors have hours on, not a closure."""

    def __init__(self) -> None:
        self.weekdays = set(
            WorkingHours.objects.filter(resource__kind=ResourceKind.DOCTOR).values_list(
                "weekday", flat=True
            )
        )
        self.closures = list(Closure.objects.values_list("starts_on", "ends_on"))

    def __contains__(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not any(
            starts <= day <= ends for starts, ends in self.closures
        )

    def step(self, day: date, days: int) -> date:
        """`days` days on (back, when negative), then on the same way to an open day."""
        way = timedelta(days=-1 if days < 0 else 1)
        day += timedelta(days=days)
        while day not in self:
            day += way
        return day


def visit_write(
    patient: User,
    treatment_type: TreatmentType,
    starts_at: datetime,
    *,
    status: str,
    now: datetime,
    by: User,
    doctor: Resource | None = None,
    plan: TreatmentPlan | None = None,
    number: int | None = None,
    confirmed: bool = False,
) -> Appointment | None:
    """Write one visit on free resources (inside working hours, none taken: the calendar's own
    check), as the services would have left it by `now`; None if the time is not free.

    appointment_book refuses a time that has passed, so the past is written here directly:
    completed (checked in, then done), a no-show, or checked in (from an hour before).
    """
    ends_at = starts_at + treatment_type.duration
    calendar = load_calendar(
        treatment_type,
        span_start=starts_at,
        span_end=starts_at + treatment_type.reserved,
        doctor=doctor,
    )
    chosen = calendar.free_at(starts_at)
    if chosen is None:
        return None
    arrived = max(starts_at - CHECK_IN_EARLY, min(starts_at, now) - timedelta(minutes=10))
    return Appointment.objects.create(
        patient=patient,
        treatment_type=treatment_type,
        doctor_id=chosen[ResourceKind.DOCTOR],
        device_id=chosen.get(ResourceKind.DEVICE),
        room_id=chosen.get(ResourceKind.ROOM),
        starts_at=starts_at,
        ends_at=ends_at,
        reserved_until=starts_at + treatment_type.reserved,
        status=status,
        plan=plan,
        session_number=number,
        created_by=by,
        checked_in_at=arrived
        if status in (AppointmentStatus.CHECKED_IN, AppointmentStatus.COMPLETED)
        else None,
        completed_at=ends_at if status == AppointmentStatus.COMPLETED else None,
        confirmed_at=now if confirmed else None,
    )


def demo_doctors() -> list[Resource]:
    emails = ["doctor@example.com", "doctor2@example.com"]
    found = {
        r.user.email: r
        for r in Resource.objects.filter(user__email__in=emails).select_related("user")
        if r.user is not None
    }
    return [found[email] for email in emails if email in found]
