"""The doctor's forms at a visit: the session record with its adverse events, an addendum, a
test patch and its reading, a decision on a proposed plan change."""

from __future__ import annotations

from typing import Any

from django import forms

from bookings.models import (
    PARAMETERS,
    AdverseEventKind,
    Grade,
    PatchOutcome,
    Resource,
    ResourceKind,
    SessionRecord,
    TestPatch,
)
from bookings.visits.records import EDITABLE

TEXTAREA = forms.Textarea(attrs={"rows": 2})


class Bootstrap:
    """Bootstrap's classes on every widget, for forms rendered field by field."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():  # type: ignore[attr-defined]
            widget = field.widget
            if isinstance(widget, forms.RadioSelect):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{css} form-control-sm" if css == "form-control" else css


class RecordForm(Bootstrap, forms.ModelForm):
    class Meta:
        model = SessionRecord
        fields = list(EDITABLE)
        widgets = {
            "immediate_response": TEXTAREA,
            "aftercare_given": TEXTAREA,
            "notes": TEXTAREA,
            "flag_reason": TEXTAREA,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("wavelength_nm", "pulse_width_ps", "passes", "total_pulses", "pain_score"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"
        for name in ("spot_size_mm", "fluence_j_cm2", "repetition_rate_hz"):
            self.fields[name].widget.attrs["inputmode"] = "decimal"


class AdverseEventForm(Bootstrap, forms.Form):
    kind = forms.ChoiceField(choices=[("", "—"), *AdverseEventKind.choices], required=False)
    grade = forms.TypedChoiceField(
        choices=[("", "—"), *Grade.choices], coerce=int, required=False, empty_value=None
    )
    note = forms.CharField(max_length=300, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and not data.get("grade"):
            self.add_error("grade", "Grade the adverse event: mild, moderate or severe.")
        if data.get("grade") and not data.get("kind"):
            self.add_error("kind", "Say which adverse event this grade is for.")
        return data


AdverseEventFormSet = forms.formset_factory(
    AdverseEventForm, extra=2, max_num=10, validate_max=True, absolute_max=10
)


def adverse_events_of(formset: Any) -> list[dict[str, Any]]:
    """The filled rows of a valid adverse-event formset."""
    return [
        {"kind": form.cleaned_data["kind"], "grade": form.cleaned_data["grade"],
         "note": form.cleaned_data.get("note", "")}
        for form in formset.forms
        if form.cleaned_data.get("kind")
    ]  # fmt: skip


class AddendumForm(Bootstrap, forms.Form):
    text = forms.CharField(
        label="Correction or finding", widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    reason = forms.CharField(label="Why the record is amended", max_length=300)
    kind = forms.ChoiceField(
        label="Adverse event found since (optional)",
        choices=[("", "None"), *AdverseEventKind.choices],
        required=False,
    )
    grade = forms.TypedChoiceField(
        choices=[("", "—"), *Grade.choices], coerce=int, required=False, empty_value=None
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") and not data.get("grade"):
            self.add_error("grade", "Grade the adverse event: mild, moderate or severe.")
        return data

    def adverse_events(self) -> list[dict[str, Any]]:
        kind = self.cleaned_data.get("kind")
        return [{"kind": kind, "grade": self.cleaned_data["grade"]}] if kind else []


class TestPatchForm(Bootstrap, forms.ModelForm):
    __test__ = False  # not a pytest class

    class Meta:
        model = TestPatch
        fields = ["device", "area", "fitzpatrick", *PARAMETERS]
        labels = {"fitzpatrick": "Skin type (Fitzpatrick I to VI)"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        device = self.fields["device"]
        assert isinstance(device, forms.ModelChoiceField)
        device.queryset = Resource.objects.filter(kind=ResourceKind.DEVICE, active=True)
        self.fields["fitzpatrick"].widget = forms.Select(
            attrs={"class": "form-select"},
            choices=[(n, f"Type {roman}") for n, roman in enumerate(
                ["I", "II", "III", "IV", "V", "VI"], start=1)]
        )  # fmt: skip
        self.fields["wavelength_nm"].required = True
        self.fields["fluence_j_cm2"].required = True


class PatchReadForm(forms.Form):
    outcome = forms.ChoiceField(choices=PatchOutcome.choices, widget=forms.RadioSelect)
    note = forms.CharField(label="What was seen", max_length=300, required=False)


class DecisionForm(forms.Form):
    note = forms.CharField(label="Note (needed to dismiss)", max_length=500, required=False)
