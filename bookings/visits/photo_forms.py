"""The forms of the photo pages: a photo taken at a visit, and a photo consent given or
withdrawn. They check the shape of what was sent; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from bookings.models import PhotoLabel
from clinic.models import PhotoScope


class PhotoForm(forms.Form):
    area = forms.CharField(
        label="Area",
        max_length=60,
        error_messages={"required": "Say which area the photo shows (for example: left cheek)."},
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "list": "photo-areas",
                "placeholder": "e.g. left cheek",
                "autocomplete": "off",
            }
        ),
    )
    label = forms.ChoiceField(
        label="Taken",
        choices=PhotoLabel.choices,
        initial=PhotoLabel.BEFORE,
        error_messages={
            "required": "Label the photo as taken before or after the treatment.",
            "invalid_choice": "Label the photo as taken before or after the treatment.",
        },
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    # Not an ImageField: the service opens, verifies and re-encodes the file once, with
    # messages of its own (photo_images.py).
    image = forms.FileField(
        label="Photo",
        error_messages={
            "required": "Choose a photo, or take one, to upload.",
            "empty": "The file is empty: take the photo again, or choose another.",
            "invalid": "No photo was received: choose it again.",
        },
        widget=forms.FileInput(
            attrs={"accept": "image/*", "capture": "environment", "class": "form-control"}
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Its own ids: the page holding it has a record form with fields of its own.
        kwargs.setdefault("auto_id", "photo-%s")
        super().__init__(*args, **kwargs)

    def problem(self) -> str:
        """What was wrong, in sentences for the page."""
        return " ".join(str(message) for errors in self.errors.values() for message in errors)


class PhotoConsentForm(forms.Form):
    scope = forms.ChoiceField(choices=PhotoScope.choices)
    action = forms.ChoiceField(choices=[("give", "Give"), ("withdraw", "Withdraw")])
