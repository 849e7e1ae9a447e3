from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Layout, Row, Submit
from django import forms
from django.core.exceptions import ValidationError

from planner.models import CONCERN_CHOICES, TreatmentPlan
from planner.rules import POLICY, Window
from planner.services import validate_adjustment


class AdjustPlanForm(forms.Form):
    concern = forms.ChoiceField(choices=CONCERN_CHOICES)
    fitzpatrick = forms.TypedChoiceField(
        label="Skin type (Fitzpatrick)",
        choices=[(n, f"Type {r}") for n, r in enumerate(["I", "II", "III", "IV", "V", "VI"], 1)],
        coerce=int,
        help_text="Confirm or correct the questionnaire's result.",
    )
    sessions = forms.IntegerField(
        min_value=POLICY.sessions_floor,
        max_value=POLICY.sessions_ceiling,
        help_text=f"{POLICY.sessions_floor} to {POLICY.sessions_ceiling}.",
    )
    interval_min_days = forms.IntegerField(
        label="Shortest gap (days)",
        min_value=POLICY.window_floor_days,
        max_value=POLICY.window_ceiling_days,
    )
    interval_ideal_days = forms.IntegerField(
        label="Ideal gap (days)",
        min_value=POLICY.window_floor_days,
        max_value=POLICY.window_ceiling_days,
    )
    interval_max_days = forms.IntegerField(
        label="Longest gap (days)",
        min_value=POLICY.window_floor_days,
        max_value=POLICY.window_ceiling_days,
        help_text=f"Within {POLICY.window_floor_days} to {POLICY.window_ceiling_days} days.",
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the plan's history, with your name.",
    )

    def __init__(self, *args: Any, plan: TreatmentPlan, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "concern": plan.concern,
                "fitzpatrick": plan.intake.get("fitzpatrick"),
                "sessions": plan.sessions,
                "interval_min_days": plan.interval_min_days,
                "interval_ideal_days": plan.interval_ideal_days,
                "interval_max_days": plan.interval_max_days,
            },
        )
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(Column("concern"), Column("fitzpatrick"), Column("sessions")),
            Row(
                Column("interval_min_days"),
                Column("interval_ideal_days"),
                Column("interval_max_days"),
            ),
            "reason",
            Submit("adjust", "Save the change", css_class="btn-clinic"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        keys = ("interval_min_days", "interval_ideal_days", "interval_max_days")
        if all(data.get(key) is not None for key in keys):
            try:
                window = Window(*(data[key] for key in keys))
            except ValueError:
                raise ValidationError(
                    "The ideal gap must lie between the shortest and the longest."
                ) from None
            validate_adjustment(sessions=data.get("sessions"), window=window)
            data["window"] = window
        return data


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.helper = FormHelper()
        self.helper.form_tag = False
