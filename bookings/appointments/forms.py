"""The forms of one visit: whose free times to look at, choosing one, cancelling."""

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from bookings.models import BOOKING_HORIZON_DAYS, Resource, ResourceKind


def doctors() -> Any:
    return Resource.objects.active().filter(kind=ResourceKind.DOCTOR)


class DoctorChoiceForm(forms.Form):
    """Whose free times the picker shows: any doctor, or one."""

    doctor = forms.ModelChoiceField(
        label=_("Doctor"),
        queryset=doctors(),
        required=False,
        empty_label=_("Any doctor"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )


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
            raise forms.ValidationError(_("Choose a time within the next year."))
        return starts_at

    def problem(self) -> str:
        """What was wrong with the time, in a sentence for the page."""
        if self.has_error("starts_at", "invalid") or self.has_error("starts_at", "required"):
            return str(_("That time could not be read. Please choose one below."))
        return " ".join(str(message) for errors in self.errors.values() for message in errors)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why?"), max_length=200, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    override = forms.BooleanField(
        label=_("Cancel inside the notice period (staff)"), required=False
    )
