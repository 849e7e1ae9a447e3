"""The intake questionnaire, in sections. Each section is a form; a saved section's answers are
kept in Intake.answers under the section's name, so a half-filled intake is a draft that can
be left and resumed. The clinical questions (screening, skin type) come from the planner's
rules, the one place they are defined."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from crispy_forms.helper import FormHelper
from django import forms

from clinic.models import Intake
from clinic.services import consent_name_problem
from planner.rules import POLICY, Area, Concern, Severity, SunExposure
from planner.rules.fitzpatrick import QUESTIONS
from planner.rules.intake import InkAmount, Scarring, TattooColours, TattooLocation

YES_NO = [("yes", "Yes"), ("no", "No")]


def _choices(enum: Any, labels: dict[str, str] | None = None) -> list[tuple[str, str]]:
    labels = labels or {}
    return [(m.value, labels.get(m.value, m.value.replace("_", " ").capitalize())) for m in enum]


def yes_no(label: str, help_text: str = "") -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=YES_NO, widget=forms.RadioSelect, help_text=help_text
    )


class SectionForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False


class ConcernForm(SectionForm):
    concern = forms.ChoiceField(
        label="What would you like to treat?", choices=_choices(Concern), widget=forms.RadioSelect
    )
    area = forms.ChoiceField(
        label="How large is the area?",
        choices=_choices(
            Area,
            {
                "small": "Small (a patch, or a small tattoo)",
                "medium": "Medium (the cheeks, or a palm-sized tattoo)",
                "large": "Large (the whole face, or a large tattoo)",
            },
        ),
        widget=forms.RadioSelect,
    )
    severity = forms.ChoiceField(
        label="How marked is it?",
        choices=_choices(
            Severity, {"severe": "Severe (for wrinkles: deep, or visible when your face is still)"}
        ),
        widget=forms.RadioSelect,
    )
    sensitive_skin = yes_no(
        "Is your skin sensitive?", "It reddens or stings easily with products, heat or sun."
    )


class TattooForm(SectionForm):
    colours = forms.ChoiceField(
        label="Which colours is the tattoo?",
        choices=_choices(
            TattooColours,
            {
                "black": "Black only",
                "black_red": "Mostly black, some red",
                "few_colours": "Black and red with a few other colours",
                "multicolour": "Many colours",
            },
        ),
        widget=forms.RadioSelect,
    )
    ink = forms.ChoiceField(
        label="Who made it, and how much ink is there?",
        choices=_choices(
            InkAmount,
            {
                "amateur": "An amateur tattoo",
                "minimal": "Professional, little ink",
                "moderate": "Professional, a moderate amount of ink",
                "significant": "Professional, a lot of ink",
            },
        ),
        widget=forms.RadioSelect,
    )
    scarring = forms.ChoiceField(
        label="Is there scarring in the tattoo?",
        choices=_choices(Scarring),
        widget=forms.RadioSelect,
    )
    layering = yes_no("Is it a cover-up over an older tattoo?")
    location = forms.ChoiceField(
        label="Where is it?",
        choices=_choices(
            TattooLocation,
            {
                "head_neck": "Head or neck",
                "upper_trunk": "Upper back or chest",
                "lower_trunk": "Lower back or belly",
                "proximal_limb": "Upper arm or thigh",
                "distal_limb": "Forearm, hand, lower leg or foot",
            },
        ),
        widget=forms.RadioSelect,
    )


class SkinTypeForm(SectionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for question in QUESTIONS:
            self.fields[question.key] = forms.TypedChoiceField(
                label=question.text,
                choices=list(enumerate(question.answers)),
                coerce=int,
                widget=forms.RadioSelect,
            )


class SunForm(SectionForm):
    sun_exposure = forms.ChoiceField(
        label="How much sun does your skin get?",
        choices=_choices(
            SunExposure,
            {
                "low": "Little: mostly indoors",
                "moderate": "Some: outdoors now and then",
                "high": "A lot: outdoors most days, or sunny holidays",
            },
        ),
        widget=forms.RadioSelect,
    )
    uses_sunscreen = yes_no("Do you wear sunscreen every day?")


class ScreeningForm(SectionForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for rule in POLICY.screening:
            self.fields[rule.answer] = yes_no(rule.question)


class HistoryForm(SectionForm):
    previous_treatments = forms.CharField(
        label="Have you had laser, peels or other skin treatments before? Which, and when?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ConsentForm(SectionForm):
    full_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text="Your first and last name, as they are on your record.",
    )
    agree = forms.BooleanField(label="I have read the consent above and I agree to it.")

    def __init__(self, *args: Any, patient_name: str | None = None, **kwargs: Any) -> None:
        """`patient_name`: the name on the patient's record, which the typed name must match
        (None on a page that only shows the form)."""
        super().__init__(*args, **kwargs)
        self.patient_name = patient_name

    def clean_full_name(self) -> str:
        name = " ".join(self.cleaned_data["full_name"].split())
        if len(name) < 3 or " " not in name:
            raise forms.ValidationError("Type your first and last name, as you sign.")
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
    title: str
    form: type[SectionForm]

    def applies_to(self, intake: Intake) -> bool:
        if self.name == "tattoo":
            return intake.answers.get("concern", {}).get("concern") == Concern.TATTOO.value
        return True


SECTIONS = (
    Section("concern", "Your concern", ConcernForm),
    Section("tattoo", "Your tattoo", TattooForm),
    Section("skin", "Your skin type", SkinTypeForm),
    Section("sun", "Sun and sunscreen", SunForm),
    Section("screening", "Health and safety questions", ScreeningForm),
    Section("history", "Previous treatments", HistoryForm),
    Section("consent", "Consent", ConsentForm),
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
