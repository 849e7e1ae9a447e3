"""The forms of one visit: looking for a free time, choosing one, cancelling."""

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from bookings.models import Resource, ResourceKind

SEARCH_DAYS = 7


def doctors() -> Any:
    return Resource.objects.active().filter(kind=ResourceKind.DOCTOR)


class SlotSearchForm(forms.Form):
    day = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
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
        if day > today + timedelta(days=366):
            raise forms.ValidationError("Bookings open up to a year ahead.")
        return day


class BookSlotForm(forms.Form):
    starts_at = forms.DateTimeField()
    doctor = forms.ModelChoiceField(queryset=doctors(), required=False)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why?", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    override = forms.BooleanField(label="Cancel inside the notice period (staff)", required=False)
