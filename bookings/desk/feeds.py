"""What the front desk calendar draws for a span of local days, in EventCalendar's shapes: the
resources as columns, each visit once on its doctor's, device's and room's columns, and the
background: working hours shaded, absences and closures as blocks. Given a doctor's column, the
same read narrowed to it (the doctor's own schedule): their visits, hours, absences and the
closures, each visit with its session record's state and the address of its record page.

Every read is a fixed number of queries whatever the span holds (visits, hours, absences,
closures, and the sessions around the visits' courses for their windows). Times are the clinic's
wall clock without an offset ("floating"), so the calendar shows clinic time in any browser.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone

from bookings.calendars.availability import clinic_zone, local_day_bounds
from bookings.models import (
    Appointment,
    AppointmentStatus,
    Closure,
    Resource,
    ResourceKind,
    SessionRecord,
    TreatmentKind,
    Unavailability,
    WorkingHours,
)
from clinic.models import User

KIND_ORDER: dict[str, int] = {"doctor": 0, "device": 1, "room": 2}
# What a visit's state is called, and the icon that says it besides its colour.
STATES = {
    "booked": ("Booked", "bi-calendar-event"),
    "confirmed": ("Confirmed", "bi-hand-thumbs-up"),
    "checked_in": ("Checked in", "bi-door-open"),
    "completed": ("Completed", "bi-check-circle"),
    "no_show": ("No-show", "bi-x-octagon"),
    "cancelled": ("Cancelled", "bi-slash-circle"),
}
MAX_DAYS = 42  # six weeks: the widest view asks for one week


def resource_key(pk: int) -> str:
    return f"r{pk}"


def floating(moment: datetime) -> str:
    """An instant as the clinic's wall-clock time, without an offset."""
    return moment.astimezone(clinic_zone()).replace(tzinfo=None).isoformat(timespec="minutes")


def state_of(appointment: Appointment) -> str:
    if appointment.status == AppointmentStatus.BOOKED and appointment.confirmed_at:
        return "confirmed"
    return str(appointment.status)


def own_column(user: User) -> Resource | None:
    """The doctor's own column: the active doctor resource their login is tied to."""
    return Resource.objects.active().filter(kind=ResourceKind.DOCTOR, user=user).first()


def desk_resources(only: Resource | None = None) -> list[dict[str, Any]]:
    """The columns: doctors, then laser devices, then rooms, each by name (or `only` one)."""
    columns = Resource.objects.active()
    if only is not None:
        columns = columns.filter(pk=only.pk)
    resources = sorted(
        columns.values("pk", "kind", "name"),
        key=lambda r: (KIND_ORDER.get(r["kind"], 9), r["name"]),
    )
    return [
        {
            "id": resource_key(r["pk"]),
            "title": r["name"],
            "extendedProps": {"kind": r["kind"], "resource": r["pk"]},
        }
        for r in resources
    ]


@dataclass(frozen=True)
class CourseDays:
    """A course session's window from the session before, and the session after it (for the
    days a move would push out of its window)."""

    opens: date | None
    closes: date | None
    next_day: date | None
    min_days: int
    max_days: int


def course_days(visits: list[Appointment]) -> dict[int, CourseDays]:
    """Each course session's window and next session, for all the visits in one query."""
    zone = clinic_zone()
    plan_ids = {v.plan_id for v in visits if v.plan_id is not None}
    held: dict[int, list[tuple[int, date]]] = defaultdict(list)
    for plan_id, number, starts_at in (
        Appointment.objects.active()
        .filter(plan_id__in=plan_ids)
        .exclude(status=AppointmentStatus.NO_SHOW)
        .values_list("plan_id", "session_number", "starts_at")
    ):
        held[plan_id].append((number or 0, starts_at.astimezone(zone).date()))
    found = {}
    for visit in visits:
        if visit.plan is None or visit.plan_id is None or visit.session_number is None:
            continue
        sessions = sorted(held[visit.plan_id])
        before = [day for number, day in sessions if number < visit.session_number]
        after = [day for number, day in sessions if number > visit.session_number]
        window = visit.plan.window
        found[visit.pk] = CourseDays(
            opens=before[-1] + timedelta(days=window.min_days) if before else None,
            closes=before[-1] + timedelta(days=window.max_days) if before else None,
            next_day=after[0] if after else None,
            min_days=window.min_days,
            max_days=window.max_days,
        )
    return found


# A treatment visit's session record, as the doctor's schedule names it (a consultation has none).
RECORD_STATES = {
    "none": "Record not started",
    "draft": "Record in draft",
    "signed": "Record signed",
}


def record_state(visit: Appointment) -> str:
    if visit.treatment_type.kind != TreatmentKind.SESSION:
        return ""
    record = getattr(visit, "record", None)  # missing: a reverse one-to-one raises AttributeError
    if record is None:
        return "none"
    return "signed" if record.is_signed else "draft"


def _own_visit_event(visit: Appointment, days: CourseDays | None, now: datetime) -> dict[str, Any]:
    """A visit on its doctor's own schedule: on their column only, read-only, opening its
    record page, and saying how far its session record is."""
    event = _visit_event(visit, days, now)
    record = record_state(visit)
    event["resourceIds"] = [resource_key(visit.doctor_id)]
    event["editable"] = False
    event["extendedProps"] |= {
        "record": record,
        "recordLabel": RECORD_STATES.get(record, ""),
        "url": reverse("visit-record", args=[visit.pk]),
    }
    return event


def _visit_event(visit: Appointment, days: CourseDays | None, now: datetime) -> dict[str, Any]:
    state = state_of(visit)
    label, icon = STATES[state]
    patient = visit.patient
    session = ""
    if visit.plan is not None and visit.session_number:
        session = f"Session {visit.session_number} of {visit.plan.sessions}"
    movable = visit.status == AppointmentStatus.BOOKED and visit.starts_at > now
    window: dict[str, Any] | None = None
    if days is not None:
        window = {
            "opens": days.opens.isoformat() if days.opens else None,
            "closes": days.closes.isoformat() if days.closes else None,
            "next": days.next_day.isoformat() if days.next_day else None,
            "min": days.min_days,
            "max": days.max_days,
        }
    return {
        "id": f"a{visit.pk}",
        "resourceIds": [
            resource_key(pk)
            for pk in (visit.doctor_id, visit.device_id, visit.room_id)
            if pk is not None
        ],
        "start": floating(visit.starts_at),
        "end": floating(visit.ends_at),
        "title": patient.get_full_name() or str(patient),
        "editable": movable,
        "classNames": ["visit", f"visit-{state}"],
        "extendedProps": {
            "kind": "visit",
            "appointment": visit.pk,
            "patient": patient.get_full_name() or str(patient),
            "treatment": visit.treatment_type.name,
            "session": session,
            "state": state,
            "stateLabel": label,
            "icon": icon,
            "version": visit.updated_at.isoformat(),
            "window": window,
        },
    }


def _background(
    key: str, start: datetime, end: datetime, resource_ids: list[str], kind: str, title: str
) -> dict[str, Any]:
    return {
        "id": key,
        "resourceIds": resource_ids,
        "start": start.replace(tzinfo=None).isoformat(timespec="minutes"),
        "end": end.replace(tzinfo=None).isoformat(timespec="minutes"),
        "display": "background",
        "title": title,
        "classNames": [f"desk-{kind}"],
        "extendedProps": {"kind": kind},
    }


def desk_events(
    first: date,
    last: date,
    *,
    cancelled: bool = False,
    now: datetime | None = None,
    doctor: Resource | None = None,
) -> tuple[list[dict[str, Any]], list[Any]]:
    """The visits and the background of local days first..last, and the patients they show
    (for the audit log). Cancelled visits only when asked for. With `doctor`, only what that
    doctor's own column holds."""
    now = now or timezone.now()
    zone = clinic_zone()
    span_start, span_end = local_day_bounds(first, last, zone)
    visits_query = (
        Appointment.objects.filter(starts_at__lt=span_end, ends_at__gt=span_start)
        .select_related("patient", "treatment_type", "plan")
        .order_by("starts_at")
    )
    if doctor is not None:
        visits_query = visits_query.filter(doctor=doctor).select_related("record")
    if not cancelled:
        visits_query = visits_query.exclude(status=AppointmentStatus.CANCELLED)
    visits = list(visits_query)
    windows = course_days(visits)
    draw = _visit_event if doctor is None else _own_visit_event
    events = [draw(v, windows.get(v.pk), now) for v in visits]

    if doctor is None:
        active = set(Resource.objects.active().values_list("pk", flat=True))
    else:
        active = {doctor.pk}
    hours_by_weekday: dict[int, list[tuple[int, time, time]]] = defaultdict(list)
    for resource_id, weekday, starts, ends in WorkingHours.objects.filter(
        resource_id__in=active
    ).values_list("resource_id", "weekday", "starts", "ends"):
        hours_by_weekday[weekday].append((resource_id, starts, ends))
    day = first
    while day <= last:
        for resource_id, starts, ends in hours_by_weekday[day.weekday()]:
            events.append(
                _background(
                    f"h{resource_id}-{day.isoformat()}-{starts:%H%M}",
                    datetime.combine(day, starts),
                    datetime.combine(day, ends),
                    [resource_key(resource_id)],
                    "hours",
                    "",
                )
            )
        day += timedelta(days=1)
    for absence in Unavailability.objects.filter(
        resource_id__in=active, starts_at__lt=span_end, ends_at__gt=span_start
    ):
        # Drawn as an event, not a background, so that it can be opened (and removed).
        events.append(
            {
                "id": f"b{absence.pk}",
                "resourceIds": [resource_key(absence.resource_id)],
                "start": floating(absence.starts_at),
                "end": floating(absence.ends_at),
                "title": absence.reason,
                "editable": False,
                "classNames": ["desk-block"],
                "extendedProps": {
                    "kind": "block",
                    "block": absence.pk,
                    "reason": absence.reason,
                    "removable": absence.created_by_id is not None,
                },
            }
        )
    every = [resource_key(pk) for pk in sorted(active)]
    for closure in Closure.objects.filter(starts_on__lte=last, ends_on__gte=first):
        shut_from = max(closure.starts_on, first)
        shut_until = min(closure.ends_on, last) + timedelta(days=1)
        events.append(
            _background(
                f"c{closure.pk}",
                datetime.combine(shut_from, time()),
                datetime.combine(shut_until, time()),
                every,
                "closure",
                f"Closed: {closure.reason}",
            )
        )
    return events, [v.patient for v in visits]


def desk_changes(doctor: Resource | None = None) -> str:
    """A stamp of the calendars as they are: it changes when a visit is written, or a block
    or closure is added or removed. Three small queries, polled by every open desk. For one
    doctor's column, a fourth: it changes too when one of its session records is written."""
    visits, absences = Appointment.objects.all(), Unavailability.objects.all()
    if doctor is not None:
        visits, absences = visits.filter(doctor=doctor), absences.filter(resource=doctor)
    latest = visits.aggregate(at=Max("updated_at"))["at"]
    blocks = absences.aggregate(last=Max("pk"), count=Count("pk"))
    closures = Closure.objects.count()
    stamp = latest.astimezone(UTC).isoformat() if latest else "-"
    stamp = f"{stamp}|{blocks['last']}|{blocks['count']}|{closures}"
    if doctor is not None:
        written = SessionRecord.objects.filter(appointment__doctor=doctor).aggregate(
            at=Max("updated_at"), count=Count("pk")
        )
        stamp += f"|{written['at'].isoformat() if written['at'] else '-'}|{written['count']}"
    return stamp
