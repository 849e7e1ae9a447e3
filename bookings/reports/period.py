"""The dates a report covers: a form (from, to, by day, week or month) that refuses what it
cannot answer in a sentence, and the Period it gives, in the clinic's local days."""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.db.models import DateField
from django.db.models.functions import Trunc

from bookings.calendars.availability import clinic_zone, local_day_bounds

LONGEST_DAYS = 3 * 366  # three years
LONGEST_BY_DAY = 366
EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)
GRAINS = [("day", "Day"), ("week", "Week"), ("month", "Month")]


def months_before(day: date, months: int) -> date:
    """The same day `months` earlier; the 31st becomes the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, monthrange(year, month + 1)[1]))


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Period:
    """Local days first..last inclusive, shown by `grain`."""

    first: date
    last: date
    grain: str = "week"

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        """The UTC instants of local midnight before `first` and after `last`."""
        return local_day_bounds(self.first, self.last, clinic_zone())

    def days(self) -> Iterator[date]:
        day = self.first
        while day <= self.last:
            yield day
            day += timedelta(days=1)

    def bucket(self, day: date) -> date:
        """The first day of the day, week (Monday) or month a day falls in."""
        if self.grain == "month":
            return day.replace(day=1)
        if self.grain == "week":
            return week_start(day)
        return day

    def buckets(self) -> list[date]:
        found: list[date] = []
        for day in self.days():
            key = self.bucket(day)
            if not found or found[-1] != key:
                found.append(key)
        return found

    def trunc(self, field: str) -> Trunc:
        """The database's bucket of a stored instant, in the clinic's zone (as `bucket`)."""
        return Trunc(field, self.grain, output_field=DateField(), tzinfo=clinic_zone())

    def label(self, key: date) -> str:
        if self.grain == "month":
            return f"{key:%b %Y}"
        return f"{key:%a %d %b %Y}" if self.grain == "day" else f"{key:%d %b %Y}"

    @property
    def heading(self) -> str:
        """The name of the column a bucket's label stands in."""
        return {"day": "Day", "week": "Week starting", "month": "Month"}[self.grain]

    def months(self) -> list[date]:
        return Period(self.first, self.last, "month").buckets()

    @property
    def query(self) -> str:
        return f"since={self.first.isoformat()}&until={self.last.isoformat()}&by={self.grain}"

    def __str__(self) -> str:
        return f"{self.first:%d %b %Y} to {self.last:%d %b %Y}"


def default_period(today: date) -> Period:
    """The last three months, to today."""
    return Period(months_before(today, 3) + timedelta(days=1), today, "week")


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d", attrs={"class": "form-control form-control-sm"})


SELECT = {"class": "form-select form-select-sm"}


class PeriodForm(forms.Form):
    since = forms.DateField(label="From", widget=DateInput())
    until = forms.DateField(label="To", widget=DateInput())
    by = forms.ChoiceField(label="Show by", choices=GRAINS, widget=forms.Select(attrs=SELECT))

    def __init__(self, query: Any, *, today: date, **kwargs: Any) -> None:
        default = default_period(today)
        data = {
            "since": default.first.isoformat(),
            "until": default.last.isoformat(),
            "by": default.grain,
        }
        data.update({key: query[key] for key in ("since", "until", "by") if query.get(key)})
        for key in self.extra_fields():
            if query.get(key):
                data[key] = query[key]
        super().__init__(data, **kwargs)

    def extra_fields(self) -> tuple[str, ...]:
        return ()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        since, until, grain = data.get("since"), data.get("until"), data.get("by")
        if since is None or until is None:
            return data
        if not (EARLIEST <= since <= LATEST and EARLIEST <= until <= LATEST):
            raise forms.ValidationError(
                f"Choose dates between {EARLIEST:%d %b %Y} and {LATEST:%d %b %Y}."
            )
        if until < since:
            raise forms.ValidationError("The end date is before the start date.")
        days = (until - since).days + 1
        if days > LONGEST_DAYS:
            raise forms.ValidationError(
                f"Choose at most three years: these dates span {days} days."
            )
        if grain == "day" and days > LONGEST_BY_DAY:
            raise forms.ValidationError(
                "Day by day shows at most a year: choose weeks or months for a longer range."
            )
        return data

    @property
    def period(self) -> Period:
        data = self.cleaned_data
        return Period(data["since"], data["until"], data["by"])
