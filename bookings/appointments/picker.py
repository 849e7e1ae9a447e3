"""The time picker shared by the consultation, a course's first session and a move: a strip of
days (two weeks at a time; a day with no free time is shown but cannot be chosen), then the
chosen day's free times grouped into morning, afternoon and evening.

It only arranges start times a caller has read (one `free_slots` read for the strip's days);
it reads nothing itself. Each day and time carries the link that chooses it, built on the
page's own query so the caller's other choices (doctor, patient, wishes) are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django import forms
from django.http import QueryDict
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from bookings.calendars.availability import clinic_zone

STRIP_DAYS = 14
# Where each part of the day begins, in minutes after local midnight (as the course search's
# bands: morning until noon, afternoon until 17:00, evening after).
BANDS = (
    ("morning", _("Morning"), 0),
    ("afternoon", _("Afternoon"), 12 * 60),
    ("evening", _("Evening"), 17 * 60),
)
PICKER_KEYS = ("start", "day")


@dataclass(frozen=True)
class PickerDay:
    day: date
    free: int  # how many start times it has
    chosen: bool
    href: str


@dataclass(frozen=True)
class PickerTime:
    at: datetime  # in the clinic's zone
    href: str


@dataclass(frozen=True)
class PickerBand:
    name: str
    label: str
    times: list[PickerTime]


@dataclass(frozen=True)
class Picker:
    days: list[PickerDay]
    chosen: date | None
    bands: list[PickerBand]
    earlier: str  # the link to the two weeks before, or ""
    later: str  # the link to the two weeks after, or ""

    @property
    def has_free_day(self) -> bool:
        return any(day.free for day in self.days)


class PickerForm(forms.Form):
    """Which two weeks the strip shows (`start`) and which day's times (`day`), each inside the
    days the caller allows (`first` to `last`: from today, up to the horizon or the window)."""

    start = forms.DateField(required=False)
    day = forms.DateField(required=False)

    def __init__(self, data: QueryDict | dict[str, str] | None, *, first: date, last: date):
        super().__init__(data)
        self.first, self.last = first, last

    def _inside(self, name: str) -> date | None:
        day: date | None = self.cleaned_data.get(name)
        if day is None:
            return None
        if day < self.first:
            raise forms.ValidationError(
                _("Choose %(first)s or a later day.") % {"first": _long_day(self.first)},
                code="too_early",
            )
        if day > self.last:
            raise forms.ValidationError(
                _("Choose %(last)s or an earlier day.") % {"last": _long_day(self.last)},
                code="too_late",
            )
        return day

    def clean_start(self) -> date | None:
        return self._inside("start")

    def clean_day(self) -> date | None:
        return self._inside("day")

    def problem(self) -> str:
        """What was wrong, in a sentence for the page."""
        said = []
        for errors in self.errors.values():
            for error in errors:
                said.append(str(error))
        if self.has_error("start", "invalid") or self.has_error("day", "invalid"):
            return str(_("That day could not be read. Please choose one below."))
        return " ".join(said)

    def span(self) -> tuple[date, date, date | None]:
        """The strip's first and last day and the day asked for (None: the first free one). A
        day asked for outside the two weeks asked for starts its own strip."""
        data = self.cleaned_data if self.is_valid() else {}
        day: date | None = data.get("day")
        start: date = data.get("start") or day or self.first
        if day is not None and not start <= day < start + timedelta(days=STRIP_DAYS):
            start = day
        return start, min(start + timedelta(days=STRIP_DAYS - 1), self.last), day


def _long_day(day: date) -> str:
    """The day in a sentence, in the active language (its translators give the order)."""
    return date_format(day, pgettext("a day in a sentence (Django date format)", "l j F Y"))


def _link(base: QueryDict, **values: str) -> str:
    query = base.copy()
    for key in PICKER_KEYS:
        query.pop(key, None)
    for key, value in values.items():
        query[key] = value
    return "?" + query.urlencode()


def build_picker(
    slots: Iterable[datetime],
    *,
    start: date,
    last: date,
    first_allowed: date,
    last_allowed: date,
    chosen: date | None,
    base: QueryDict,
    time_link: dict[str, str] | None = None,
    time_params: tuple[str, ...] = ("starts_at",),
) -> Picker:
    """Arrange the free starts of start..last (read by the caller) as a strip and the chosen
    day's times; with no day chosen, the first day that has any. A time's link sets
    `time_params` on the page's query: ("starts_at",) as one ISO instant, or ("first_day",
    "first_time") as the local day and time; `time_link` adds fixed values to it."""
    zone = clinic_zone()
    base = base.copy()
    for key in time_params:
        base.pop(key, None)  # a day's or a week's link never carries a time (nor a bad one)
    by_day: dict[date, list[datetime]] = {}
    for slot in slots:
        local = slot.astimezone(zone)
        by_day.setdefault(local.date(), []).append(local)
    if chosen is None:
        chosen = next((day for day in sorted(by_day) if start <= day <= last), None)
    days = []
    day = start
    while day <= last:
        days.append(
            PickerDay(
                day=day,
                free=len(by_day.get(day, ())),
                chosen=day == chosen,
                href=_link(base, start=start.isoformat(), day=day.isoformat()),
            )
        )
        day += timedelta(days=1)
    bands = []
    times = sorted(by_day.get(chosen, ())) if chosen else []
    base_for_times = base
    for index, (name, label, begins) in enumerate(BANDS):
        ends = BANDS[index + 1][2] if index + 1 < len(BANDS) else 24 * 60
        in_band = [t for t in times if begins <= t.hour * 60 + t.minute < ends]
        if in_band:
            bands.append(
                PickerBand(
                    name=name,
                    label=str(label),
                    times=[
                        PickerTime(at=t, href=_time_link(base_for_times, t, time_params, time_link))
                        for t in in_band
                    ],
                )
            )
    earlier_start = max(start - timedelta(days=STRIP_DAYS), first_allowed)
    later_start = start + timedelta(days=STRIP_DAYS)
    return Picker(
        days=days,
        chosen=chosen,
        bands=bands,
        earlier=_link(base, start=earlier_start.isoformat()) if start > first_allowed else "",
        later=_link(base, start=later_start.isoformat()) if later_start <= last_allowed else "",
    )


def _time_link(
    base: QueryDict, at: datetime, params: tuple[str, ...], extra: dict[str, str] | None
) -> str:
    query = base.copy()
    for key in PICKER_KEYS:
        query.pop(key, None)
    if params == ("starts_at",):
        query["starts_at"] = at.isoformat()
    else:
        query[params[0]], query[params[1]] = at.date().isoformat(), f"{at:%H:%M}"
    for key, value in (extra or {}).items():
        query[key] = value
    return "?" + query.urlencode()
