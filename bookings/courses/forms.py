"""The course booking form: the first day (and time), weekdays, times of day and doctor."""

from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.appointments.forms import doctors
from bookings.models import BOOKING_HORIZON_DAYS

WEEKDAY_CHOICES = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class CourseSearchForm(forms.Form):
    """The patient's wishes for a course: the first session and when they can come."""

    # Chosen on the time picker (bookings/appointments/picker.py), sent as ISO values. No day:
    # the picker is shown; a day and no time: the earliest free time from that day.
    first_day = forms.DateField(required=False, widget=forms.HiddenInput)
    first_time = forms.TimeField(required=False, widget=forms.HiddenInput)
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Days I can come"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None ticked: any day."),
    )
    bands = forms.MultipleChoiceField(
        label=_("Times of day"),
        choices=[
            ("morning", _("Morning")),
            ("afternoon", _("Afternoon")),
            ("evening", _("Evening")),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_("None ticked: any time."),
    )
    doctor = forms.ModelChoiceField(
        label=_("Doctor"),
        queryset=doctors(),
        required=False,
        empty_label=_("Any doctor"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    same_doctor = forms.BooleanField(
        label=_("The same doctor for every session"),
        required=False,
        initial=True,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    shown = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_first_day(self) -> date | None:
        day: date | None = self.cleaned_data["first_day"]
        if day is None:
            return None
        today = timezone.localdate()
        if day < today:
            raise forms.ValidationError(_("Choose today or a later day."))
        if day > today + timedelta(days=BOOKING_HORIZON_DAYS):
            raise forms.ValidationError(_("Courses can start up to a year ahead."))
        return day
