"""The course booking form: the first day (and time), weekdays, times of day and doctor."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone

from bookings.appointments.forms import doctors
from bookings.models import BOOKING_HORIZON_DAYS

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
        # Date and time inputs read only ISO values; the locale's 02/03/2027 would show blank.
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    first_time = forms.TimeField(
        label="At (leave empty for the earliest free time)",
        required=False,
        widget=forms.TimeInput(
            attrs={"type": "time", "step": 900, "class": "form-control"}, format="%H:%M"
        ),
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
        if day > today + timedelta(days=BOOKING_HORIZON_DAYS):
            raise forms.ValidationError("Courses can start up to a year ahead.")
        return day
