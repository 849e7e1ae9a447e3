"""The intake questionnaire, in sections. Each section is a form; a saved section's answers are
kept in Intake.answers under the section's name, so a half-filled intake is a draft that can
be left and resumed. The clinical questions (screening, skin type) come from the planner's
rules, the one place they are defined."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from clinic.models import Intake
from clinic.services import consent_name_problem
from planner.rules import POLICY, Area, Concern, Severity, SunExposure
from planner.rules.fitzpatrick import QUESTIONS
from planner.rules.intake import InkAmount, Scarring, TattooColours, TattooLocation

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
# The words of the planner's values where a question does not give its own.
VALUE_LABELS: dict[str, str | Promise] = {
    "fine_lines": _("Fine lines"),
    "wrinkles": _("Wrinkles"),
    "skin_laxity": _("Skin laxity"),
    "pigmentation": _("Pigmentation"),
    "melasma": _("Melasma"),
    "acne_scars": _("Acne scars"),
    "tattoo": _("Tattoo"),
    "small": _("Small"),
    "medium": _("Medium"),
    "large": _("Large"),
    "mild": _("Mild"),
    "moderate": _("Moderate"),
    "severe": _("Severe"),
    "none": _("None"),
    "minimal": _("Minimal"),
    "significant": _("Significant"),
}


def _choices(
    enum: Any, labels: dict[str, str | Promise] | None = None
) -> list[tuple[str, str | Promise]]:
    labels = {**VALUE_LABELS, **(labels or {})}
    return [(m.value, labels.get(m.value, m.value.replace("_", " ").capitalize())) for m in enum]


def yes_no(label: str | Promise, help_text: str | Promise = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, help_text=help_text
    )


def _ticked(value: object) -> bool:
    return value in (True, "yes", "on", "true", "True", "1")


class _TickBox(forms.CheckboxInput):
    """Hands the field what was sent as it was sent: Django's checkbox reads any word, "no"
    among them, as ticked."""

    def value_from_datadict(self, data: Any, files: Any, name: str) -> Any:
        return data.get(name, False)


class TickedYes(forms.BooleanField):
    """A yes/no question as one box to tick (one tap fewer on a phone): ticked is "yes",
    unticked "no", kept as the two buttons kept it. A posted "yes" or "no" reads as such."""

    def __init__(self, label: Any, help_text: Any = "") -> None:
        super().__init__(
            label=label,
            help_text=help_text,
            required=False,
            widget=_TickBox(check_test=_ticked),
        )

    def to_python(self, value: Any) -> str:  # type: ignore[override]
        return "yes" if _ticked(value) else "no"


class SectionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ConcernForm(SectionForm):
    concern = forms.ChoiceField(
        label=_("What would you like to treat?"),
        choices=_choices(Concern),
        widget=forms.RadioSelect,
    )
    area = forms.ChoiceField(
        label=_("How large is the area?"),
        choices=_choices(
            Area,
            {
                "small": _("Small (a patch, or a small tattoo)"),
                "medium": _("Medium (the cheeks, or a palm-sized tattoo)"),
                "large": _("Large (the whole face, or a large tattoo)"),
            },
        ),
        widget=forms.RadioSelect,
    )
    severity = forms.ChoiceField(
        label=_("How marked is it?"),
        choices=_choices(
            Severity,
            {"severe": _("Severe (for wrinkles: deep, or visible when your face is still)")},
        ),
        widget=forms.RadioSelect,
    )
    sensitive_skin = TickedYes(
        _("My skin is sensitive"), _("It reddens or stings easily with products, heat or sun.")
    )


class TattooForm(SectionForm):
    colours = forms.ChoiceField(
        label=_("Which colours is the tattoo?"),
        choices=_choices(
            TattooColours,
            {
                "black": _("Black only"),
                "black_red": _("Mostly black, some red"),
                "few_colours": _("Black and red with a few other colours"),
                "multicolour": _("Many colours"),
            },
        ),
        widget=forms.RadioSelect,
    )
    ink = forms.ChoiceField(
        label=_("Who made it, and how much ink is there?"),
        choices=_choices(
            InkAmount,
            {
                "amateur": _("An amateur tattoo"),
                "minimal": _("Professional, little ink"),
                "moderate": _("Professional, a moderate amount of ink"),
                "significant": _("Professional, a lot of ink"),
            },
        ),
        widget=forms.RadioSelect,
    )
    scarring = forms.ChoiceField(
        label=_("Is there scarring in the tattoo?"),
        choices=_choices(Scarring),
        widget=forms.RadioSelect,
    )
    layering = yes_no(_("Is it a cover-up over an older tattoo?"))
    location = forms.ChoiceField(
        label=_("Where is it?"),
        choices=_choices(
            TattooLocation,
            {
                "head_neck": _("Head or neck"),
                "upper_trunk": _("Upper back or chest"),
                "lower_trunk": _("Lower back or belly"),
                "proximal_limb": _("Upper arm or thigh"),
                "distal_limb": _("Forearm, hand, lower leg or foot"),
            },
        ),
        widget=forms.RadioSelect,
    )


class SkinTypeForm(SectionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.TypedChoiceField(
                label=_(question.text),
                choices=[(score, _(answer)) for score, answer in enumerate(question.answers)],
                coerce=int,
                widget=forms.RadioSelect,
            )


class SunForm(SectionForm):
    sun_exposure = forms.ChoiceField(
        label=_("How much sun does your skin get?"),
        choices=_choices(
            SunExposure,
            {
                "low": _("Little: mostly indoors"),
                "moderate": _("Some: outdoors now and then"),
                "high": _("A lot: outdoors most days, or sunny holidays"),
            },
        ),
        widget=forms.RadioSelect,
    )
    uses_sunscreen = TickedYes(_("I wear sunscreen every day"))


class ScreeningForm(SectionForm):
    """The safety questions as boxes to tick where the answer is yes, and one box saying none
    is: a patient to whom nothing applies taps once, and still says so (an untouched list is
    refused, never read as "no" to everything)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rule in POLICY.screening:
            self.fields[rule.answer] = TickedYes(_(rule.question))
        self.fields["none_apply"] = forms.BooleanField(
            label=_("None of these apply to me"), required=False
        )
        names = [rule.answer for rule in POLICY.screening]
        if self.initial and all(self.initial.get(name) == "no" for name in names):
            self.initial["none_apply"] = True

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or {}
        none_apply = cleaned.pop("none_apply", False)
        names = [rule.answer for rule in POLICY.screening]
        some = [name for name in names if cleaned.get(name) == "yes"]
        # Every answer sent as "no" (the API's and the older form's way) says it as well.
        all_said_no = all(self.data.get(name) == "no" for name in names)
        if some and none_apply:
            raise forms.ValidationError(
                _(
                    "You ticked some of the questions and also “None of these apply to me”: "
                    "please untick one."
                )
            )
        if not some and not none_apply and not all_said_no:
            raise forms.ValidationError(
                _("Tick each question your answer is yes to, or “None of these apply to me”.")
            )
        return cleaned


class HistoryForm(SectionForm):
    previous_treatments = forms.CharField(
        label=_("Have you had laser, peels or other skin treatments before? Which, and when?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsentForm(SectionForm):
    full_name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        help_text=_("Your first and last name, as they are on your record."),
    )
    agree = forms.BooleanField(label=_("I have read the consent above and I agree to it."))

    def __init__(self, *args: Any, patient_name: str | None = None, **kwargs: Any) -> None:
        """`patient_name`: the name on the patient's record, which the typed name must match
        (None on a page that only shows the form)."""
        super().__init__(*args, **kwargs)
        self.patient_name = patient_name

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 3 or " " not in name:
            raise forms.ValidationError(_("Type your first and last name, as you sign."))
        if self.patient_name is not None and (
            problem := consent_name_problem(typed=name, on_file=self.patient_name)
        ):
            raise forms.ValidationError(problem)
        return name


class ConsentInPersonForm(SectionForm):
    """A receptionist or manager records the consent a patient gives at the desk: the patient
    says their name and agrees in front of them. Never shown to the patient."""

    full_name = forms.CharField(
        label="The patient's full name, as they say it",
        max_length=200,
        help_text="Ask the patient to say their first and last name; it must match the record.",
    )
    agree = forms.BooleanField(
        label="The patient read this consent (or I read it to them) and agreed to it in front "
        "of me."
    )
    # The version on the page the patient read: a newer one published meanwhile is refused.
    version = forms.CharField(max_length=20, widget=forms.HiddenInput)

    def __init__(self, *args: Any, patient_name: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.patient_name = patient_name

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 3 or " " not in name:
            raise forms.ValidationError("Type the patient's first and last name.")
        if self.patient_name is not None and (
            problem := consent_name_problem(typed=name, on_file=self.patient_name, by_staff=True)
        ):
            raise forms.ValidationError(problem)
        return name


@dataclass(frozen=True)
class Section:
    name: str
    label: str | Promise  # translated when read, in the language of the page or message
    form: type[SectionForm]

    @property
    def title(self) -> str:
        return str(self.label)

    def applies_to(self, intake: Intake) -> bool:
        if self.name == "tattoo":
            return intake.answers.get("concern", {}).get("concern") == Concern.TATTOO.value
        return True


SECTIONS = (
    Section("concern", _("Your concern"), ConcernForm),
    Section("tattoo", _("Your tattoo"), TattooForm),
    Section("skin", _("Your skin type"), SkinTypeForm),
    Section("sun", _("Sun and sunscreen"), SunForm),
    Section("screening", _("Health and safety questions"), ScreeningForm),
    Section("history", _("Previous treatments"), HistoryForm),
    Section("consent", _("Consent"), ConsentForm),
)
SECTION_NAMES = {section.name: section for section in SECTIONS}


def answer_label(section: str, field: str, value: object) -> str:
    """How a stored answer reads to a person: the label of the choice that was picked ("Upper
    back or chest" for "upper_trunk"), or the value itself where the question has no choices."""
    question = SECTION_NAMES[section].form.base_fields.get(field)
    for key, label in getattr(question, "choices", None) or ():
        if str(key) == str(value):
            return str(label)
    return str(value)


def sections_for(intake: Intake) -> list[Section]:
    return [section for section in SECTIONS if section.applies_to(intake)]


def first_unanswered(intake: Intake) -> Section:
    return next(
        (s for s in sections_for(intake) if s.name not in intake.answers), SECTION_NAMES["consent"]
    )


def missing_sections(intake: Intake) -> list[Section]:
    """Sections (before consent) still without answers."""
    return [s for s in sections_for(intake) if s.name != "consent" and s.name not in intake.answers]
