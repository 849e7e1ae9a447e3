"""The course at a glance: one row per session, with the gap from the session before judged
against the course's window, each laser parameter and its change from the last record, the
record's flags, its adverse events, its status and its photos. Read by the course record page
and its PDF (glance_views, glance_pdf).

The window a gap is judged against is the one the course had when the later session was due:
a course re-windowed after an adverse event does not turn its earlier, correct gaps into
"early" ones. The plan's revisions hold each window it had.

Reads a constant number of queries whatever the course's length (tests/bookings/visits/
test_glance.py counts them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.db.models import Prefetch

from bookings.calendars.availability import local_day
from bookings.models import (
    PARAMETERS,
    AdverseEvent,
    Appointment,
    AppointmentStatus,
    ClinicalPhoto,
    RecordAddendum,
    RecordStatus,
    SessionRecord,
)
from bookings.visits.records import Change, changes, label_of
from planner.models import PlanRevision, TreatmentPlan
from planner.rules import Window

WINDOW_FIELDS = ("interval_min_days", "interval_ideal_days", "interval_max_days")
NOT_RECORDED = "not recorded"


def _days(count: int) -> str:
    return f"{count} day" if count == 1 else f"{count} days"


@dataclass(frozen=True)
class Gap:
    """Days from the session before that took place, against the window then in force."""

    days: int
    window: Window

    @property
    def in_window(self) -> bool:
        return self.window.contains(self.days)

    @property
    def outside_by(self) -> int:
        """Days before the window opens (negative) or after it closes (positive); 0 inside."""
        if self.days < self.window.min_days:
            return self.days - self.window.min_days
        if self.days > self.window.max_days:
            return self.days - self.window.max_days
        return 0

    @property
    def from_ideal(self) -> int:
        return self.days - self.window.ideal_days

    @property
    def shown(self) -> str:
        """ "in window", "3 days late", "1 day early"."""
        if self.outside_by > 0:
            return f"{_days(self.outside_by)} late"
        if self.outside_by < 0:
            return f"{_days(-self.outside_by)} early"
        return "in window"

    @property
    def ideal_shown(self) -> str:
        """ "the ideal gap", "2 days over the ideal", "5 days under the ideal"."""
        if self.from_ideal > 0:
            return f"{_days(self.from_ideal)} over the ideal"
        if self.from_ideal < 0:
            return f"{_days(-self.from_ideal)} under the ideal"
        return "the ideal gap"


@dataclass(frozen=True)
class Parameter:
    """One laser parameter of a session: its value, its change from the last record, and
    whether the record flags it as beyond the protocol."""

    change: Change
    flagged: bool
    compared: bool  # there was an earlier record to compare with

    @property
    def label(self) -> str:
        return self.change.label

    @property
    def value(self) -> Any:
        return self.change.after

    @property
    def shown(self) -> str:
        """The change as the table prints it under the value ("+0.30 (+15%)"), or ""."""
        if not self.compared:
            return ""
        if not self.change.changed:
            return "same"
        return self.change.shown


@dataclass(frozen=True)
class Event:
    kind: str
    grade: str
    note: str
    by_addendum: bool


@dataclass(frozen=True)
class Photo:
    id: int
    area: str
    label: str


@dataclass(frozen=True)
class Row:
    """One session of the course."""

    appointment: Appointment
    number: int
    starts_at: datetime
    day: date
    status: str  # the appointment's: booked, completed, no-show...
    no_show: bool
    gap: Gap | None
    record: SessionRecord | None
    parameters: list[Parameter] = field(default_factory=list)
    flags: list[dict[str, str]] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    addenda: list[RecordAddendum] = field(default_factory=list)
    photos: list[Photo] = field(default_factory=list)

    @property
    def record_status(self) -> str:
        """signed, draft or not recorded."""
        if self.record is None:
            return NOT_RECORDED
        return str(self.record.get_status_display()).lower()

    @property
    def signed(self) -> bool:
        return self.record is not None and self.record.status == RecordStatus.SIGNED

    @property
    def treated_areas(self) -> str:
        return self.record.treated_areas if self.signed and self.record else ""

    @property
    def aftercare(self) -> str:
        """The aftercare given, once the record is signed (a draft may still change)."""
        return self.record.aftercare_given if self.signed and self.record else ""


@dataclass(frozen=True)
class CourseGlance:
    plan: TreatmentPlan
    rows: list[Row]

    @property
    def labels(self) -> list[str]:
        """The parameters' column heads, in the record's order."""
        return [label_of(name) for name in PARAMETERS]

    @property
    def columns(self) -> list[tuple[str, str]]:
        """The column heads as (name, unit): "Fluence", "J/cm²"; a page sets the unit under."""
        heads = []
        for label in self.labels:
            name, _, unit = label.partition(" (")
            heads.append((name, unit.rstrip(")")))
        return heads

    @property
    def any_flags(self) -> bool:
        return any(row.flags for row in self.rows)

    @property
    def any_events(self) -> bool:
        return any(row.events for row in self.rows)

    @property
    def photos(self) -> list[Photo]:
        return [photo for row in self.rows for photo in row.photos]


def _window(snapshot: dict[str, Any] | None) -> Window | None:
    if not snapshot or any(snapshot.get(name) is None for name in WINDOW_FIELDS):
        return None
    return Window(*(int(snapshot[name]) for name in WINDOW_FIELDS))


def window_at(plan: TreatmentPlan, revisions: Iterable[PlanRevision], moment: datetime) -> Window:
    """The course's window at `moment`: after the last revision made by then (revisions in
    order), else the one the first revision started from, else the plan's own."""
    revisions = list(revisions)
    window = (_window(revisions[0].before) or _window(revisions[0].after)) if revisions else None
    for revision in revisions:
        if revision.created_at > moment:
            break
        window = _window(revision.after) or window
    return window or plan.window


def _sessions(plan: TreatmentPlan) -> list[Appointment]:
    return list(
        Appointment.objects.filter(plan=plan)
        .exclude(status=AppointmentStatus.CANCELLED)
        .select_related("record", "record__signed_by")
        .prefetch_related(
            Prefetch(
                "record__adverse_events",
                queryset=AdverseEvent.objects.order_by("created_at", "id"),
            ),
            Prefetch(
                "record__addenda",
                queryset=RecordAddendum.objects.select_related("author").order_by(
                    "created_at", "id"
                ),
            ),
            Prefetch("photos", queryset=ClinicalPhoto.objects.order_by("uploaded_at", "id")),
        )
        .order_by("session_number", "starts_at")
    )


def _record(appointment: Appointment) -> SessionRecord | None:
    try:
        return appointment.record
    except SessionRecord.DoesNotExist:
        return None


def _parameters(record: SessionRecord, previous: SessionRecord | None) -> list[Parameter]:
    values = {name: getattr(record, name) for name in PARAMETERS}
    flagged = {flag.get("field") for flag in record.flags or []}
    return [
        Parameter(change=change, flagged=change.field in flagged, compared=previous is not None)
        for change in changes(values, previous)
    ]


def course_glance(plan: TreatmentPlan) -> CourseGlance:
    """Every session of the course that was not cancelled, in session order."""
    revisions = list(plan.revisions.order_by("created_at", "id"))
    rows: list[Row] = []
    before: Appointment | None = None  # the last session that took place (or is to come)
    last_record: SessionRecord | None = None
    for appointment in _sessions(plan):
        no_show = appointment.status == AppointmentStatus.NO_SHOW
        gap = None
        if before is not None and not no_show:
            gap = Gap(
                days=(local_day(appointment.starts_at) - local_day(before.starts_at)).days,
                window=window_at(plan, revisions, appointment.starts_at),
            )
        record = _record(appointment)
        parameters: list[Parameter] = []
        events: list[Event] = []
        if record is not None:
            parameters = _parameters(record, last_record)
            events = [
                Event(
                    kind=str(event.get_kind_display()),
                    grade=str(event.get_grade_display()),
                    note=event.note,
                    by_addendum=event.addendum_id is not None,
                )
                for event in record.adverse_events.all()
            ]
            last_record = record
        row = Row(
            appointment=appointment,
            number=appointment.session_number or 0,
            starts_at=appointment.starts_at,
            day=local_day(appointment.starts_at),
            status=str(appointment.get_status_display()),
            no_show=no_show,
            gap=gap,
            record=record,
            parameters=parameters,
            flags=list(record.flags or []) if record is not None else [],
            events=events,
            addenda=list(record.addenda.all()) if record is not None else [],
            photos=[
                Photo(id=photo.pk, area=photo.area, label=str(photo.get_label_display()))
                for photo in appointment.photos.all()
            ],
        )
        rows.append(row)
        if not no_show:
            before = appointment
    return CourseGlance(plan=plan, rows=rows)


@dataclass(frozen=True)
class SessionLine:
    """What the front desk and the patient see of a session: when, whether it was recorded,
    the aftercare, and for the patient the areas treated (and photos, if the clinic shows
    them). No parameters, flags or adverse events are carried here at all."""

    appointment_id: int
    number: int
    starts_at: datetime
    status: str
    no_show: bool
    record_status: str
    recorded: bool
    treated_areas: str
    aftercare: str
    photos: list[Photo]


def session_lines(glance: CourseGlance, *, areas: bool, photos: bool) -> list[SessionLine]:
    """The glance reduced for those who may not read clinical records."""
    return [
        SessionLine(
            appointment_id=row.appointment.pk,
            number=row.number,
            starts_at=row.starts_at,
            status=row.status,
            no_show=row.no_show,
            record_status=row.record_status,
            recorded=row.signed,
            treated_areas=row.treated_areas if areas else "",
            aftercare=row.aftercare,
            photos=row.photos if photos else [],
        )
        for row in glance.rows
    ]
