"""The forms of one visit: looking for a free time, choosing one, cancelling."""

from datetime import date, datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from bookings.models import BOOKING_HORIZON_DAYS, Resource, ResourceKind

SEARCH_DAYS = 7


def doctors() -> Any:
    return Resource.objects.active().filter(kind=ResourceKind.DOCTOR)


class SlotSearchForm(forms.Form):
    # A date input reads only ISO dates; the locale's 02/03/2027 would show blank.
    day = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    doctor = forms.ModelChoiceField(
        queryset=doctors(),
        required=False,
        empty_label="Any doctor",
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def clean_day(self) -> date:
        day: date = self.cleaned_data["day"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("Choose today or a later day.")
        if day > today + timedelta(days=BOOKING_HORIZON_DAYS):
            raise forms.ValidationError("Bookings open up to a year ahead.")
        return day


class BookSlotForm(forms.Form):
    starts_at = forms.DateTimeField()
    doctor = forms.ModelChoiceField(queryset=doctors(), required=False)

    def clean_starts_at(self) -> datetime:
        """A time within a year either way; anything else (year 1, year 9999) is refused here,
        before it reaches the calendars' date arithmetic. The booking service says why a time
        inside that span cannot be booked (passed, beyond the horizon, off the step)."""
        starts_at: datetime = self.cleaned_data["starts_at"]
        horizon = timedelta(days=BOOKING_HORIZON_DAYS)
        now = timezone.now()
        if not now - horizon <= starts_at <= now + horizon:
            raise forms.ValidationError("Choose a time within the next year.")
        return starts_at

    def problem(self) -> str:
        """What was wrong with the time, in a sentence for the page."""
        if self.has_error("starts_at", "invalid") or self.has_error("starts_at", "required"):
            return "That time could not be read. Please choose one below."
        return " ".join(str(message) for errors in self.errors.values() for message in errors)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why?", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    override = forms.BooleanField(label="Cancel inside the notice period (staff)", required=False)
