"""The forms of the manager's settings, which the admin shows (bookings/admin.py): every field
in plain words with a help text, validation errors as sentences (a check constraint's name is
never shown), a laser's concerns as boxes to tick, and the weekly hours as a grid."""

from __future__ import annotations

from datetime import time
from itertools import pairwise
from typing import Any

from django import forms
from django.db import transaction

from bookings.models import (
    BookingPolicy,
    ClinicContact,
    CoursePackage,
    ReminderPolicy,
    Resource,
    TreatmentKind,
    TreatmentType,
    Unavailability,
    Weekday,
    WorkingHours,
)
from bookings.prices.money import clinic_currency, parse_major, to_major, to_minor
from planner.models import CONCERN_CHOICES

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def _ends_after_starts(form: forms.BaseForm, starts: str, ends: str, sentence: str) -> None:
    """On the field, in a sentence: the model's check constraint would say only its name."""
    data = form.cleaned_data
    if data.get(starts) is not None and data.get(ends) is not None and data[ends] <= data[starts]:
        form.add_error(ends, sentence)


class WorkingHoursForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = WorkingHours
        fields = ["weekday", "starts", "ends"]
        labels = {"weekday": "Day", "starts": "From", "ends": "Until"}
        widgets = {"starts": TIME, "ends": TIME}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _ends_after_starts(self, "starts", "ends", "The hours must end after they start.")
        return cleaned


class WorkingHoursFormSet(forms.BaseInlineFormSet):  # type: ignore[type-arg]
    def clean(self) -> None:
        super().clean()
        spans: dict[int, list[tuple[time, time]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if not data or data.get("DELETE") or data.get("ends") is None:
                continue
            spans.setdefault(data["weekday"], []).append((data["starts"], data["ends"]))
        overlapping = overlaps(spans)
        if overlapping:
            raise forms.ValidationError(overlapping)


def overlaps(spans: dict[int, list[tuple[time, time]]]) -> str:
    """A sentence naming the first two spans of a day that overlap, or ""."""
    for weekday, day in sorted(spans.items()):
        ordered = sorted(day)
        for (a_from, a_until), (b_from, b_until) in pairwise(ordered):
            if b_from < a_until:
                return (
                    f"On {Weekday(weekday).label} {a_from:%H:%M}-{a_until:%H:%M} and "
                    f"{b_from:%H:%M}-{b_until:%H:%M} overlap: make them one span, or two that "
                    "do not meet."
                )
    return ""


class AbsenceForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Unavailability
        fields = ["starts_at", "ends_at", "reason"]
        labels = {"starts_at": "Away from", "ends_at": "Back at", "reason": "Why"}
        help_texts = {"reason": "Leave, training, maintenance: staff see it on the calendar."}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _ends_after_starts(self, "starts_at", "ends_at", "The absence must end after it starts.")
        return cleaned


class ResourceForm(forms.ModelForm):  # type: ignore[type-arg]
    concerns = forms.MultipleChoiceField(
        choices=CONCERN_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Concerns it can treat",
        help_text="Laser devices only: the sessions it may be booked for.",
    )

    class Meta:
        model = Resource
        fields = ["kind", "name", "active", "user", "concerns", "wavelengths", "handpieces"]
        labels = {
            "kind": "Kind",
            "active": "In use",
            "user": "Doctor's login",
            "wavelengths": "Wavelengths",
            "handpieces": "Handpieces",
        }
        help_texts = {
            "name": "As staff and patients see it: “Dr Rahman”, “PicoWay 1”, “Room 2”.",
            "active": "Untick to stop booking it; its past visits stay in the reports.",
            "user": "Doctors only: the login that sees this doctor's schedule.",
            "wavelengths": "Laser devices only, e.g. 532 nm, 1064 nm.",
            "handpieces": "Laser devices only, for the staff.",
        }


class WeeklyHoursForm(forms.Form):
    """A resource's week as a grid: each day open or closed, with up to two spans (a morning
    and an afternoon, say). Saving replaces its hours, and those of the resources ticked below
    it, so the whole clinic's week is set in one go."""

    also = forms.ModelMultipleChoiceField(
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Give the same hours to",
    )

    def __init__(self, *args: Any, resource: Resource, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.resource = resource
        spans: dict[int, list[WorkingHours]] = {}
        for hours in resource.hours.order_by("starts"):
            spans.setdefault(hours.weekday, []).append(hours)
        for weekday, label in Weekday.choices:
            mine = spans.get(weekday, [])
            for n in (1, 2):
                span = mine[n - 1] if len(mine) >= n else None
                for end in ("from", "until"):
                    self.fields[f"d{weekday}_{n}_{end}"] = forms.TimeField(
                        required=False,
                        widget=TIME,
                        label=f"{label}, {'first' if n == 1 else 'second'} span, {end}",
                        initial=(span.starts if end == "from" else span.ends) if span else None,
                    )
        also = self.fields["also"]
        assert isinstance(also, forms.ModelMultipleChoiceField)
        also.queryset = Resource.objects.exclude(pk=resource.pk).order_by("kind", "name")

    def days(self) -> list[tuple[str, list[tuple[forms.BoundField, forms.BoundField]]]]:
        return [
            (
                str(label),
                [(self[f"d{weekday}_{n}_from"], self[f"d{weekday}_{n}_until"]) for n in (1, 2)],
            )
            for weekday, label in Weekday.choices
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        spans: dict[int, list[tuple[time, time]]] = {}
        for weekday, label in Weekday.choices:
            for n in (1, 2):
                starts, ends = data.get(f"d{weekday}_{n}_from"), data.get(f"d{weekday}_{n}_until")
                if starts is None and ends is None:
                    continue
                if starts is None or ends is None:
                    self.add_error(
                        f"d{weekday}_{n}_from",
                        f"{label}: give both times of the span, or neither.",
                    )
                elif ends <= starts:
                    self.add_error(
                        f"d{weekday}_{n}_until", f"{label}: the hours must end after they start."
                    )
                else:
                    spans.setdefault(weekday, []).append((starts, ends))
        if not self.errors and (overlapping := overlaps(spans)):
            raise forms.ValidationError(overlapping)
        self.spans = spans
        return data

    @transaction.atomic
    def save(self) -> list[Resource]:
        resources = [self.resource, *self.cleaned_data["also"]]
        WorkingHours.objects.filter(resource__in=resources).delete()
        WorkingHours.objects.bulk_create(
            WorkingHours(resource=resource, weekday=weekday, starts=starts, ends=ends)
            for resource in resources
            for weekday, day in self.spans.items()
            for starts, ends in day
        )
        return resources


class PriceField(forms.Field):
    """A price typed in major units ("450.00"), cleaned to integer minor units (45000) of the
    clinic's currency; blank is no price unless the field is required."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 12})

    def prepare_value(self, value: Any) -> Any:
        # The stored minor units shown as the manager types them; typed text is shown back.
        return str(to_major(value)) if isinstance(value, int) else value

    def to_python(self, value: Any) -> int | None:
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        if len(text) > 40:
            raise forms.ValidationError("Give the price as a number, such as 450.00.")
        try:
            return to_minor(parse_major(text))
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


def price_help(extra: str) -> str:
    return f"In {clinic_currency()}, such as 450.00. {extra}"


class TreatmentTypeForm(forms.ModelForm):  # type: ignore[type-arg]
    price_minor = PriceField(
        required=False,
        label="Price",
        help_text=price_help(
            "Blank: not priced, and patients see no price for it. A course is quoted as its "
            "sessions times this, unless a course package for its concern costs less."
        ),
    )

    class Meta:
        model = TreatmentType
        fields = [
            "name",
            "kind",
            "concern",
            "area",
            "duration_minutes",
            "buffer_minutes",
            "needs_device",
            "needs_room",
            "active",
            "price_minor",
        ]
        labels = {
            "kind": "Kind",
            "concern": "Concern it treats",
            "area": "Area size",
            "duration_minutes": "Treatment time (minutes)",
            "buffer_minutes": "Clean-up buffer (minutes)",
            "needs_device": "Uses a laser device",
            "needs_room": "Uses a room",
            "active": "Offered for booking",
        }
        help_texts = {
            "name": "As patients see it when they book.",
            "concern": "A pico-laser session's concern; blank for a consultation.",
            "area": "Blank: any area size. One made for an area wins over a general one.",
            "duration_minutes": "How long the patient is in the room (5 to 480).",
            "buffer_minutes": (
                "Clean-up and device cool-down after the patient leaves (0 to 120): the "
                "resources stay taken, and the reports count it as booked time."
            ),
            "active": "Untick to stop booking it; what was booked stays.",
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == TreatmentKind.SESSION and not cleaned.get("concern"):
            self.add_error("concern", "A pico-laser session needs the concern it treats.")
        return cleaned


class CoursePackageForm(forms.ModelForm):  # type: ignore[type-arg]
    price_minor = PriceField(
        label="Price of the course",
        help_text=price_help("What the patient pays for the whole course."),
    )

    class Meta:
        model = CoursePackage
        fields = ["concern", "price_minor", "sessions", "active"]
        labels = {
            "concern": "Concern",
            "sessions": "Sessions it covers, at most",
            "active": "Offered",
        }
        help_texts = {
            "concern": "One package per concern.",
            "sessions": (
                "A course of up to this many sessions is quoted at the package's price; a "
                "longer one is quoted per session. Blank: it covers the whole course, however "
                "many sessions the doctor plans. A package that would cost a patient more than "
                "paying per session is never quoted."
            ),
            "active": "Untick to stop quoting it.",
        }
        error_messages = {
            "concern": {"unique": "This concern has a package already: change that one."},
            "sessions": {"min_value": "A package covers at least 1 session."},
        }

    def clean_sessions(self) -> int | None:
        sessions: int | None = self.cleaned_data.get("sessions")
        if sessions is not None and sessions < 1:
            raise forms.ValidationError("A package covers at least 1 session.")
        return sessions


class ClinicContactForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ClinicContact
        fields = ["address", "phone"]
        labels = {"address": "Address", "phone": "Phone"}
        widgets = {"address": forms.Textarea(attrs={"rows": 4})}
        help_texts = {
            "address": "As a visitor writes it on an envelope: one line per line. Shown on "
            "the public front page.",
            "phone": "The number patients call, with its country code for a mobile abroad.",
        }


class BookingPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = BookingPolicy
        fields = [
            "slot_step_minutes",
            "minimum_notice_minutes",
            "cancellation_notice_hours",
            "waitlist_offer_hours",
        ]
        labels = {
            "slot_step_minutes": "Times offered start every",
            "minimum_notice_minutes": "Online booking closes (minutes before the time)",
            "cancellation_notice_hours": "Cancellation notice (hours)",
            "waitlist_offer_hours": "A waitlist offer stays open for (hours)",
        }
        help_texts = {
            "slot_step_minutes": "Every 15 minutes offers 09:00, 09:15, 09:30 ...",
            "minimum_notice_minutes": (
                "A patient may book a time online until this many minutes before it; staff "
                "may book later."
            ),
            "cancellation_notice_hours": (
                "A patient may cancel or move a session online until this many hours before "
                "it; later, they call the clinic. The reports count a cancellation after it as "
                "late."
            ),
            "waitlist_offer_hours": (
                "How long a waiting patient has to take a freed time before the offer lapses "
                "(at least 1)."
            ),
        }
        error_messages = {
            "waitlist_offer_hours": {"min_value": "Give an offer at least 1 hour."},
        }


class ReminderPolicyForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = ReminderPolicy
        fields = [
            "send_pre_care",
            "pre_care_hours",
            "send_soon",
            "soon_hours",
            "send_aftercare",
            "aftercare_at",
            "send_first_results",
            "send_book_next",
            "window_closing_days",
            "send_review",
            "review_after_days",
            "course_messages_at",
            "quiet_from",
            "quiet_until",
            "max_attempts",
        ]
        widgets = {
            name: TIME
            for name in ("aftercare_at", "course_messages_at", "quiet_from", "quiet_until")
        }
        labels = {
            "send_pre_care": "Send the pre-care message",
            "pre_care_hours": "Hours before the visit it goes",
            "send_soon": "Send a reminder shortly before the visit",
            "soon_hours": "Hours before the visit the reminder goes",
            "send_aftercare": "Send aftercare advice after a session",
            "aftercare_at": "Aftercare goes at",
            "send_first_results": "Say when first results usually show",
            "send_book_next": "Ask the patient to book their next session",
            "window_closing_days": "Nudge this many days before the next window closes",
            "send_review": "Invite the patient to the doctor's review",
            "review_after_days": "Days after the review session the invitation goes",
            "course_messages_at": "Course messages go at",
            "quiet_from": "Quiet hours start",
            "quiet_until": "Quiet hours end",
            "max_attempts": "Tries before a message counts as failed",
        }
        help_texts = {
            "send_pre_care": "How to prepare: no sun, no tanning, what to stop beforehand.",
            "pre_care_hours": "3 to 336 (two weeks).",
            "send_soon": "A short reminder on the day.",
            "soon_hours": "1 to 24.",
            "send_aftercare": "The morning after each session.",
            "aftercare_at": "Clinic time, the morning after.",
            "window_closing_days": "0 to 28; 0 sends no nudge.",
            "review_after_days": "1 to 28.",
            "course_messages_at": "Clinic time: first results, next session, review.",
            "quiet_from": "No message goes from this time ...",
            "quiet_until": "... until this one (clinic time); a message due then waits.",
            "max_attempts": (
                "1 to 10. A message that fails this often shows on the desk's Failed "
                "messages list, to send again or drop."
            ),
        }
