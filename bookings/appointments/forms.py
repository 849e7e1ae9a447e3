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


WEEKDAY_CHOICES = [
    (0, "Mon"),
    (1, "Tue"),
    (2, "Wed"),
    (3, "Thu"),
    (4, "Fri"),
    (5, "Sat"),
    (6, "Sun"),
]


class CourseSearchForm(forms.Form):
    """The patient's wishes for a course: the first session and when they can come."""

    first_day = forms.DateField(
        label="First session on or after",
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    first_time = forms.TimeField(
        label="At (leave empty for the earliest free time)",
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "step": 900, "class": "form-control"}),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label="Days I can come",
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any day.",
    )
    bands = forms.MultipleChoiceField(
        label="Times of day",
        choices=[("morning", "Morning"), ("afternoon", "Afternoon"), ("evening", "Evening")],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: any time.",
    )
    doctor = forms.ModelChoiceField(
        queryset=doctors(),
        required=False,
        empty_label="Any doctor",
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    same_doctor = forms.BooleanField(
        label="The same doctor for every session", required=False, initial=True
    )
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_first_day(self) -> date:
        day: date = self.cleaned_data["first_day"]
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError("Choose today or a later day.")
        if day > today + timedelta(days=366):
            raise forms.ValidationError("Courses can start up to a year ahead.")
        return day


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="Why?", max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    override = forms.BooleanField(label="Cancel inside the notice period (staff)", required=False)
