"""Build small clinics for the calendar tests."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from bookings.models import (
    Resource,
    ResourceKind,
    TreatmentKind,
    TreatmentType,
    WorkingHours,
)
from planner.rules import Concern

WEEKDAYS = range(5)


@dataclass
class Clinic:
    doctors: list[Resource] = field(default_factory=list)
    devices: list[Resource] = field(default_factory=list)
    rooms: list[Resource] = field(default_factory=list)
    consultation: TreatmentType | None = None
    session: TreatmentType | None = None


def resource(
    kind: str, name: str, *, hours: Iterable[tuple[int, time, time]] = (), **extra
) -> Resource:
    made = Resource.objects.create(kind=kind, name=name, **extra)
    WorkingHours.objects.bulk_create(
        WorkingHours(resource=made, weekday=day, starts=starts, ends=ends)
        for day, starts, ends in hours
    )
    return made


def weekly(starts: time = time(9), ends: time = time(17), days: Iterable[int] = WEEKDAYS):
    return [(day, starts, ends) for day in days]


def make_clinic(
    *,
    doctors: int = 1,
    devices: int = 1,
    rooms: int = 1,
    hours=None,
    concerns: Iterable[str] = tuple(c.value for c in Concern),
    consultation_minutes: int = 30,
    session_minutes: int = 45,
    session_buffer: int = 15,
) -> Clinic:
    hours = weekly() if hours is None else hours
    clinic = Clinic()
    clinic.doctors = [resource(ResourceKind.DOCTOR, f"Dr {n}", hours=hours) for n in range(doctors)]
    clinic.devices = [
        resource(ResourceKind.DEVICE, f"PicoWay {n}", hours=hours, concerns=list(concerns))
        for n in range(devices)
    ]
    clinic.rooms = [resource(ResourceKind.ROOM, f"Room {n}", hours=hours) for n in range(rooms)]
    clinic.consultation = TreatmentType.objects.create(
        name="Consultation",
        kind=TreatmentKind.CONSULTATION,
        duration_minutes=consultation_minutes,
        buffer_minutes=0,
        needs_device=False,
    )
    clinic.session = TreatmentType.objects.create(
        name="Pico session: pigmentation",
        kind=TreatmentKind.SESSION,
        concern=Concern.PIGMENTATION.value,
        duration_minutes=session_minutes,
        buffer_minutes=session_buffer,
    )
    return clinic


def local(day: date, hour: int, minute: int = 0, zone: str = "Europe/London") -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ZoneInfo(zone))


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)
