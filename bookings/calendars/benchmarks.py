"""Benchmarks of the calendars in a peer's clinic, the size of clinic other booking packages are
measured in (5 doctors, 3 lasers, 3 rooms, open 09:00-18:00 on weekdays, 2,000 bookings over a
year), with the hand-written searches they are compared with. bookings/benchmarks.py imports
this module (so `make bench` finds it) and times the course search in the same clinic.

The clinic sits two years ahead, and every other resource is set inactive while it is measured
(`peer_clinic`), so neither it nor the busy clinic of bookings/benchmarks.py sees the other.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Generator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from functools import cache

from django.db.models import Q
from django.utils import timezone

from bookings.calendars.availability import clinic_zone, free_slots, local_day_bounds
from bookings.models import (
    Appointment,
    BookingPolicy,
    Closure,
    Resource,
    ResourceKind,
    TreatmentKind,
    TreatmentType,
    Unavailability,
    WorkingHours,
)
from clinic.bench import Timed, benchmark
from clinic.models import User
from clinic.roles import Role
from clinic.services import user_create
from planner.rules import Concern, Window

PEER_FROM_DAY = 730
PEER_BOOKINGS = 2000
PEER_COURSE = Window(min_days=14, ideal_days=28, max_days=42)
FIRST_DAYS = 60  # how far ahead the hand-written search looks for the first session


@dataclass(frozen=True)
class Peer:
    doctor: Resource  # the doctor the searches are for
    lasers: list[Resource]
    course: TreatmentType  # a laser session: a doctor and a laser, no room
    visit: TreatmentType  # a doctor's own time, nothing else
    first_day: date
    now: datetime
    ids: list[int]


@cache
def _peer_clinic() -> Peer:
    hours = [(day, clock(9), clock(18)) for day in range(5)]
    doctors = [resource_with_hours(ResourceKind.DOCTOR, f"Peer Dr {n}", hours) for n in range(5)]
    lasers = [
        resource_with_hours(
            ResourceKind.DEVICE, f"Peer laser {n}", hours, concerns=[Concern.TATTOO.value]
        )
        for n in range(3)
    ]
    rooms = [resource_with_hours(ResourceKind.ROOM, f"Peer room {n}", hours) for n in range(3)]
    course = TreatmentType.objects.create(
        name="Peer laser session",
        kind=TreatmentKind.SESSION,
        concern=Concern.TATTOO.value,
        duration_minutes=30,
        buffer_minutes=10,
        needs_room=False,
    )
    visit = TreatmentType.objects.create(
        name="Peer doctor's visit",
        kind=TreatmentKind.CONSULTATION,
        duration_minutes=30,
        needs_device=False,
        needs_room=False,
        active=False,  # never the clinic's online consultation
    )
    talk = TreatmentType.objects.create(
        name="Peer consultation",
        kind=TreatmentKind.CONSULTATION,
        duration_minutes=45,
        needs_device=False,
        active=False,
    )
    # One patient per doctor: a doctor's bookings never overlap, so neither do the patient's.
    patients = [_patient(f"bench-peer-{n}@example.com") for n in range(5)]
    zone = clinic_zone()
    day = timezone.localdate() + timedelta(days=PEER_FROM_DAY)
    day += timedelta(days=-day.weekday())  # a Monday
    first_day = day
    chance = random.Random(20)
    bookings: list[Appointment] = []
    while len(bookings) < PEER_BOOKINGS:
        if day.weekday() < 5:
            taken: set[tuple[int, int]] = set()  # (resource, hour)
            for _ in range(8):  # eight bookings a day, on the hour
                hour = chance.randrange(9, 18)
                d = chance.randrange(5)
                kind, other = (
                    (course, chance.choice(lasers))
                    if chance.random() < 0.6
                    else (talk, rooms[d % 3])
                )
                if (doctors[d].pk, hour) in taken or (other.pk, hour) in taken:
                    continue
                taken |= {(doctors[d].pk, hour), (other.pk, hour)}
                start = datetime.combine(day, clock(hour), tzinfo=zone)
                bookings.append(
                    Appointment(
                        patient=patients[d],
                        treatment_type=kind,
                        doctor=doctors[d],
                        device=other if kind is course else None,
                        room=other if kind is talk else None,
                        starts_at=start,
                        ends_at=start + kind.duration,
                        reserved_until=start + kind.reserved,
                        created_by=patients[d],
                    )
                )
        day += timedelta(days=1)
    Appointment.objects.bulk_create(bookings[:PEER_BOOKINGS], batch_size=2000)
    return Peer(
        doctor=doctors[0],
        lasers=lasers,
        course=course,
        visit=visit,
        first_day=first_day,
        now=datetime.combine(first_day, clock(8), tzinfo=zone),
        ids=[r.pk for r in doctors + lasers + rooms],
    )


@contextmanager
def peer_clinic() -> Iterator[Peer]:
    """The peer's clinic, with every other resource set inactive until the block ends."""
    peer = _peer_clinic()
    others = list(
        Resource.objects.filter(active=True).exclude(pk__in=peer.ids).values_list("pk", flat=True)
    )
    Resource.objects.filter(pk__in=others).update(active=False)
    try:
        yield peer
    finally:
        Resource.objects.filter(pk__in=others).update(active=True)


@benchmark("peer.free_slots_200days", runs=100)
def peer_free_slots() -> Generator[Timed, None, None]:
    """200 days of one doctor's free times for a visit that needs only the doctor."""
    with peer_clinic() as peer:
        policy = BookingPolicy.current()
        yield lambda: free_slots(
            peer.visit,
            first_day=peer.first_day,
            last_day=peer.first_day + timedelta(days=199),
            doctor=peer.doctor,
            now=peer.now,
            policy=policy,
        )


@benchmark("peer.free_slots_handwritten", runs=100, compare_to="peer.free_slots_200days")
def peer_free_slots_handwritten() -> Generator[Timed, None, None]:
    """The same 200 days by a hand-written four-query version (hours, closures, absences,
    bookings of that doctor), stepping through each day's hours in Python."""
    with peer_clinic() as peer:
        policy = BookingPolicy.current()

        def search() -> object:
            slots = _handwritten_slots(
                peer.visit,
                peer.doctor,
                first=peer.first_day,
                last=peer.first_day + timedelta(days=199),
                now=peer.now,
                policy=policy,
            )
            return slots

        yield search


def _handwritten_calendar(
    resources: list[Resource], first: date, last: date
) -> tuple[dict[int, dict[int, list[tuple[clock, clock]]]], set[date], Busy]:
    """Four queries: the resources' hours, the closures, their absences and their bookings,
    each resource's by local day, in epoch seconds."""
    zone = clinic_zone()
    start, end = local_day_bounds(first, last, zone)
    ids = [r.pk for r in resources]
    hours: dict[int, dict[int, list[tuple[clock, clock]]]] = defaultdict(lambda: defaultdict(list))
    for resource_id, weekday, opens, closes in WorkingHours.objects.filter(
        resource_id__in=ids
    ).values_list("resource_id", "weekday", "starts", "ends"):
        hours[resource_id][weekday].append((opens, closes))
    closed = set()
    for starts_on, ends_on in Closure.objects.filter(
        starts_on__lte=last, ends_on__gte=first
    ).values_list("starts_on", "ends_on"):
        closed |= {starts_on + timedelta(days=n) for n in range((ends_on - starts_on).days + 1)}
    busy: Busy = defaultdict(list)

    def add(resource_id: int, a: datetime, b: datetime) -> None:
        busy[resource_id, a.astimezone(zone).date()].append(
            (int(a.timestamp()), int(b.timestamp()))
        )

    for resource_id, a, b in Unavailability.objects.filter(
        resource_id__in=ids, starts_at__lt=end, ends_at__gt=start
    ).values_list("resource_id", "starts_at", "ends_at"):
        add(resource_id, a, b)
    for doctor_id, device_id, a, b in (
        Appointment.objects.active()
        .filter(Q(doctor_id__in=ids) | Q(device_id__in=ids))
        .filter(starts_at__lt=end, reserved_until__gt=start)
        .values_list("doctor_id", "device_id", "starts_at", "reserved_until")
    ):
        for resource_id in (doctor_id, device_id):
            if resource_id in ids:
                add(resource_id, a, b)
    return hours, closed, busy


Busy = dict[tuple[int, date], list[tuple[int, int]]]  # (resource, local day) -> reservations


def _day_starts(
    hours: dict[int, list[tuple[clock, clock]]],
    busy: list[tuple[int, int]],
    day: date,
    *,
    length: int,
    step: int,
    earliest: int,
) -> list[int]:
    """A resource's free starts on one day, stepping through its hours."""
    zone = clinic_zone()
    found = []
    for opens, closes in hours.get(day.weekday(), ()):
        moment = int(datetime.combine(day, opens, tzinfo=zone).timestamp())
        close = int(datetime.combine(day, closes, tzinfo=zone).timestamp())
        while moment + length <= close:
            if moment >= earliest and not any(a < moment + length and moment < b for a, b in busy):
                found.append(moment)
            moment += step
    return found


def _free_at(
    hours: dict[int, list[tuple[clock, clock]]],
    busy: list[tuple[int, int]],
    day: date,
    moment: int,
    length: int,
) -> bool:
    zone = clinic_zone()
    inside = any(
        datetime.combine(day, opens, tzinfo=zone).timestamp() <= moment
        and moment + length <= datetime.combine(day, closes, tzinfo=zone).timestamp()
        for opens, closes in hours.get(day.weekday(), ())
    )
    return inside and not any(a < moment + length and moment < b for a, b in busy)


def _handwritten_slots(
    treatment_type: TreatmentType,
    doctor: Resource,
    *,
    first: date,
    last: date,
    now: datetime,
    policy: BookingPolicy,
) -> list[datetime]:
    hours, closed, busy = _handwritten_calendar([doctor], first, last)
    length = int(treatment_type.reserved.total_seconds())
    earliest = int((now + timedelta(minutes=policy.minimum_notice_minutes)).timestamp())
    slots = []
    day = first
    while day <= last:
        if day not in closed:
            slots += [
                datetime.fromtimestamp(moment, UTC)
                for moment in _day_starts(
                    hours[doctor.pk],
                    busy.get((doctor.pk, day), []),
                    day,
                    length=length,
                    step=policy.slot_step_minutes * 60,
                    earliest=earliest,
                )
            ]
        day += timedelta(days=1)
    return slots


def handwritten_course(
    peer: Peer, *, sessions: int, window: Window, policy: BookingPolicy
) -> list[tuple[datetime, int]]:
    """Earliest first session, then each next one nearest its ideal day (then the time of day
    of the one before) with the doctor and any free laser; no backing up."""
    zone = clinic_zone()
    horizon = peer.first_day + timedelta(days=FIRST_DAYS + sessions * window.max_days)
    doctor = peer.doctor.pk
    hours, closed, busy = _handwritten_calendar(
        [peer.doctor, *peer.lasers], peer.first_day, horizon
    )
    length = int(peer.course.reserved.total_seconds())
    step = policy.slot_step_minutes * 60
    earliest = int((peer.now + timedelta(minutes=policy.minimum_notice_minutes)).timestamp())

    def book(day: date, minute: int | None) -> tuple[datetime, int] | None:
        if day in closed:
            return None
        free = _day_starts(
            hours[doctor],
            busy.get((doctor, day), []),
            day,
            length=length,
            step=step,
            earliest=earliest,
        )
        if minute is not None:
            free.sort(
                key=lambda m: abs(
                    datetime.fromtimestamp(m, zone).hour * 60
                    + datetime.fromtimestamp(m, zone).minute
                    - minute
                )
            )
        for moment in free:
            for laser in peer.lasers:
                if _free_at(hours[laser.pk], busy.get((laser.pk, day), []), day, moment, length):
                    for resource_id in (doctor, laser.pk):
                        busy.setdefault((resource_id, day), []).append((moment, moment + length))
                    return datetime.fromtimestamp(moment, UTC), laser.pk
        return None

    chosen: list[tuple[datetime, int]] = []
    day = peer.first_day
    while not chosen and day <= horizon:
        if (placed := book(day, None)) is not None:
            chosen.append(placed)
        day += timedelta(days=1)
    while chosen and len(chosen) < sessions:
        before = chosen[-1][0].astimezone(zone)
        ideal = before.date() + timedelta(days=window.ideal_days)
        days = sorted(
            (
                before.date() + timedelta(days=n)
                for n in range(window.min_days, window.max_days + 1)
            ),
            key=lambda d: abs((d - ideal).days),
        )
        minute = before.hour * 60 + before.minute
        placed = next((p for d in days if (p := book(d, minute)) is not None), None)
        if placed is None:
            break
        chosen.append(placed)
    if len(chosen) < sessions:
        raise AssertionError("no course")
    return chosen


def resource_with_hours(
    kind: str, name: str, hours: list[tuple[int, clock, clock]], **extra: object
) -> Resource:
    resource = Resource.objects.create(kind=kind, name=name, **extra)
    WorkingHours.objects.bulk_create(
        WorkingHours(resource=resource, weekday=d, starts=s, ends=e) for d, s, e in hours
    )
    return resource


def _patient(email: str) -> User:
    return user_create(email=email, role=Role.PATIENT, first_name="Bench", last_name="Patient")
