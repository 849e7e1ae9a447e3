from __future__ import annotations

from datetime import date
from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.contrib.auth.forms import BaseUserCreationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from clinic.languages import supported
from clinic.models import Channel, Language, PatientProfile, User
from clinic.services import contact_problem

# The planner's rules take the same ages (planner.rules.intake.MIN_AGE / MAX_AGE); a test
# keeps the two equal.
MIN_PATIENT_AGE = 16
MAX_PATIENT_AGE = 110


def validate_date_of_birth(value: date) -> None:
    today = timezone.localdate()
    if value > today:
        raise ValidationError(_("A date of birth cannot be in the future."))
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    if age < MIN_PATIENT_AGE:
        raise ValidationError(
            _("Patients under %(age)s are seen with a parent: please call the clinic.")
            % {"age": MIN_PATIENT_AGE}
        )
    if age > MAX_PATIENT_AGE:
        raise ValidationError(_("Please check the year of birth."))


def date_of_birth_field(required: bool = True) -> forms.DateField:
    return forms.DateField(
        label=_("Date of birth"),
        required=required,
        # A date input reads only ISO dates; the locale's 10/01/1975 would show blank.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[validate_date_of_birth],
    )


def clean_unused_email(email: str) -> str:
    email = User.objects.normalize_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError("An account already uses this email address.")
    return email


class SignupForm(BaseUserCreationForm):  # type: ignore[type-arg]
    """A patient's own sign-up. The password is checked against the person it is for (their
    name and address, on the unsaved account: BaseUserCreationForm validates with the instance).

    Whether the address already has an account is not the form's to say: the answer is the same
    either way, and the owner is emailed instead (clinic/signup.py)."""

    date_of_birth = date_of_birth_field()
    # One password, typed once: a phone's keyboard makes the second typing the costliest field
    # of the sign-up, and a mistyped one is mended by "Forgotten your password?".
    password2 = None  # type: ignore[assignment]

    class Meta:
        model = User
        fields = ("first_name", "last_name", "email")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The address is optional on the model (patients registered by phone), never here:
        # it is how a patient who signs up logs in.
        for name in ("first_name", "last_name", "email"):
            self.fields[name].required = True
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's form holds it, with the ?next= to go on to
        self.helper.layout = Layout(
            Row(Column("first_name"), Column("last_name")),
            "email",
            "date_of_birth",
            "password1",
            Submit("signup", _("Create my account"), css_class="btn-clinic w-100"),
        )

    def clean_email(self) -> str:
        return User.objects.normalize_email(self.cleaned_data["email"])

    def validate_password_for_user(self, user: Any, password_field_name: str = "password1") -> None:
        # Django checks the confirmation field, which this form has not.
        super().validate_password_for_user(user, password_field_name)

    def _get_validation_exclusions(self) -> set[str]:
        # The model's unique address (and its constraints) would refuse a taken one by name.
        exclusions: set[str] = super()._get_validation_exclusions()
        return exclusions | {"email"}


def _shipped_languages() -> list[tuple[str, str]]:
    """The profile's languages the clinic has catalogues for (LANGUAGES), each in its own
    language: an old profile's French or Spanish is not offered, so saving asks for another."""
    return [(str(value), str(label)) for value, label in Language.choices if supported(value)]


class ProfileForm(forms.ModelForm):  # type: ignore[type-arg]
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    date_of_birth = date_of_birth_field()
    phone = PhoneNumberField(
        label=_("Mobile phone"),
        required=False,
        help_text=_("A mobile number for text or WhatsApp reminders, e.g. +44 7400 123456."),
    )
    preferred_channel = forms.ChoiceField(
        label=_("Reminders by"),
        choices=[
            (Channel.EMAIL.value, _("Email")),
            (Channel.SMS.value, _("Text message (SMS)")),
            (Channel.WHATSAPP.value, _("WhatsApp")),
        ],
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=_shipped_languages,
        help_text=_("The pages you see and the messages we send you are in this language."),
    )
    care_reminders_consent = forms.BooleanField(
        label=_("Send me reminders about my appointments and my care"), required=False
    )
    marketing_consent = forms.BooleanField(
        label=_("Send me news and offers from the clinic"), required=False
    )

    class Meta:
        model = PatientProfile
        fields = (
            "date_of_birth",
            "phone",
            "preferred_channel",
            "language",
            "care_reminders_consent",
            "marketing_consent",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_name"].initial = self.instance.user.first_name
        self.fields["last_name"].initial = self.instance.user.last_name
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Fieldset(
                _("About you"), Row(Column("first_name"), Column("last_name")), "date_of_birth"
            ),
            Fieldset(
                _("How we reach you"),
                "phone",
                Row(Column("preferred_channel"), Column("language")),
            ),
            Fieldset(_("What you agree to"), "care_reminders_consent", "marketing_consent"),
            Submit("save", _("Save"), css_class="btn-clinic"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "phone" in self.errors:
            return data
        channel = data.get("preferred_channel")
        if channel in (Channel.SMS, Channel.WHATSAPP) and (
            problem := contact_problem(
                email=self.instance.user.email, phone=data.get("phone"), channel=channel
            )
        ):
            self.add_error("phone", problem)
        return data


class PatientInviteForm(forms.Form):
    """A new patient at the desk or on the phone: with an email address (they are invited to
    choose a password), or with only a mobile number (reminders by text or WhatsApp; a login
    can be given later)."""

    first_name = forms.CharField(max_length=150)
    last_name = forms.CharField(max_length=150)
    email = forms.EmailField(
        required=False, help_text="Leave empty for a patient without one: give a mobile number."
    )
    phone = PhoneNumberField(
        required=False, help_text="A mobile number for text or WhatsApp reminders."
    )
    preferred_channel = forms.ChoiceField(
        label="Reminders by",
        choices=Channel.choices,
        required=False,
        widget=forms.RadioSelect,
        help_text="If none is chosen: by email when there is an address, else by text message.",
    )
    date_of_birth = date_of_birth_field()
    care_reminders_consent = forms.BooleanField(
        label="The patient agrees to reminders about their appointments and care",
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("first_name"), Column("last_name")),
            "date_of_birth",
            Fieldset(
                "How the clinic reaches them",
                Row(Column("email"), Column("phone")),
                "preferred_channel",
                "care_reminders_consent",
            ),
            Submit("create", "Register the patient", css_class="btn-clinic"),
        )

    def clean_email(self) -> str | None:
        email = self.cleaned_data.get("email")
        return clean_unused_email(email) if email else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "email" in self.errors or "phone" in self.errors:
            return data  # one message at a time: the field's own comes first
        email, phone = data.get("email"), data.get("phone")
        channel = data.get("preferred_channel") or (Channel.EMAIL if email else Channel.SMS)
        data["preferred_channel"] = channel
        if problem := contact_problem(email=email, phone=phone, channel=channel):
            field = None
            if email or phone:
                field = "preferred_channel" if channel == Channel.EMAIL else "phone"
            self.add_error(field, problem)
        return data


class PatientEmailForm(forms.Form):
    """Staff give a patient registered by phone a login: their address, and the invitation."""

    email = forms.EmailField(label="Email address")

    def clean_email(self) -> str:
        return clean_unused_email(self.cleaned_data["email"])
