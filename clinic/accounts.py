"""Accounts: Django's own views (answering 400 when a form is refused: bad input is a 4xx),
patient sign-up with a confirmed email, invitations, and the patient's profile.

Emails a visitor can make the clinic send are limited (clinic/throttles.py); logins are
throttled by django-axes (clinic/lockout.py)."""

from typing import Any

from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from clinic.forms import ProfileForm, SignupForm
from clinic.languages import language_of, profile_language, remember
from clinic.models import PatientProfile, PhotoConsent, PhotoScope, User
from clinic.roles import Role, role_required
from clinic.services import (
    LinkRefused,
    email_confirm,
    email_confirmation_send,
    patient_profile_update,
)
from clinic.signup import patient_sign_up_or_tell_owner
from clinic.throttles import address_allows, email_allows


class EmailForm(forms.Form):
    email = forms.EmailField()


class RefusedFormIs400:
    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class LoginForm(AuthenticationForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The model's "email address" is the clinic's word for staff; a visitor reads theirs.
        self.fields["username"].label = gettext_lazy("Email address")


class LoginView(RefusedFormIs400, auth_views.LoginView):
    authentication_form = LoginForm


def too_many_emails(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/too_many_emails.html", status=429)


class PasswordResetView(RefusedFormIs400, auth_views.PasswordResetView):
    extra_email_context = {"clinic_name": settings.CLINIC_NAME}

    def form_valid(self, form: Any) -> HttpResponse:
        if not address_allows(self.request):
            return too_many_emails(self.request)
        if not email_allows(self.request, form.cleaned_data["email"]):
            # Enough links went to this address this hour: answer as if one more had.
            return HttpResponseRedirect(self.get_success_url())
        response: HttpResponse = super().form_valid(form)
        return response


class PasswordResetConfirmView(RefusedFormIs400, auth_views.PasswordResetConfirmView):
    def form_valid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_valid(form)
        # Whoever chose the new password holds the mailbox: a lockout of the account ends.
        axes_reset(username=User.objects.normalize_email(form.user.email))
        return response


class PasswordChangeView(RefusedFormIs400, auth_views.PasswordChangeView):
    pass


def site_root(request: HttpRequest) -> str:
    """The scheme and host the links in emails point at, as the visitor reached us."""
    return request.build_absolute_uri("/").rstrip("/")


# The session key that marks the browser a patient signed up in: the confirmation link opened
# in it signs them in; opened anywhere else (forwarded, another device) it only confirms.
SIGNED_UP_HERE = "signed_up_here"


def safe_next(request: HttpRequest, url: str | None) -> str:
    """`url` if it is a page of this site (the ?next= a visitor came with), else ""."""
    allowed = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return (url or "") if allowed else ""


def signup(request: HttpRequest) -> HttpResponse:
    """A visitor signs up. A ?next= (say, the review of a consultation time chosen on the front
    page) goes with them through the confirmation email, which comes back to it."""
    next_url = safe_next(request, request.POST.get("next") or request.GET.get("next"))
    if request.user.is_authenticated:
        return redirect(next_url or "home")
    form = SignupForm(request.POST or None)
    login_url = reverse("login") + (f"?{urlencode({'next': next_url})}" if next_url else "")
    context = {"form": form, "next": next_url, "login_url": login_url}
    if request.method == "POST":
        if form.is_valid():
            if not address_allows(request):
                return too_many_emails(request)
            email = form.cleaned_data["email"]
            if not email_allows(request, email):
                return redirect("signup-done")  # as if sent: the answer never tells
            # The same answer whether the address is new or has an account (whose owner is
            # emailed instead): no one learns who has an account here.
            made = patient_sign_up_or_tell_owner(
                email=email,
                password=form.cleaned_data["password1"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                date_of_birth=form.cleaned_data["date_of_birth"],
                base_url=site_root(request),
                # The language the visitor reads the site in becomes their profile's.
                language=profile_language(translation.get_language()),
                next_url=next_url,
            )
            if made is not None:
                # Only the account this request made: a link to someone else's never signs in.
                request.session[SIGNED_UP_HERE] = made.pk
            return redirect("signup-done")
        return render(request, "registration/signup.html", context, status=400)
    return render(request, "registration/signup.html", context)


def signup_done(request: HttpRequest) -> HttpResponse:
    return render(request, "registration/signup_done.html")


def confirm_email(request: HttpRequest, token: str) -> HttpResponse:
    """Confirm the address. In the browser that signed up, sign the patient in and go on to the
    page they signed up from (?next=), else the questionnaire (once: the mark is spent); in any
    other, ask them to log in, then go on there."""
    next_url = safe_next(request, request.GET.get("next"))
    try:
        user, confirmed_now = email_confirm(token=token)
    except LinkRefused as refusal:
        return render(
            request, "registration/link_refused.html", {"reason": str(refusal)}, status=400
        )
    if request.user.is_authenticated and request.user.pk == user.pk:
        request.session.pop(SIGNED_UP_HERE, None)
        messages.info(request, _("Your email address is confirmed."))
        return redirect(next_url or "home")
    if request.session.pop(SIGNED_UP_HERE, None) == user.pk and confirmed_now:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if next_url:
            messages.success(request, _("Your email address is confirmed and you are signed in."))
            return redirect(next_url)
        messages.success(
            request,
            _("Your email address is confirmed and you are signed in. Next: a few questions."),
        )
        return redirect("intake-start")
    messages.success(request, _("Your email address is confirmed. You can log in now."))
    if next_url:
        return redirect(f"{reverse('login')}?{urlencode({'next': next_url})}")
    return redirect("login")


@require_POST
def resend_confirmation(request: HttpRequest) -> HttpResponse:
    form = EmailForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "registration/link_refused.html",
            {"reason": _("Enter the email address you signed up with."), "form": form},
            status=400,
        )
    if not address_allows(request):
        return too_many_emails(request)
    waiting = User.objects.filter(
        email__iexact=form.cleaned_data["email"], is_active=False, profile__isnull=False
    ).first()
    if waiting is not None and email_allows(request, form.cleaned_data["email"]):
        email_confirmation_send(user=waiting, base_url=site_root(request))
    # The same answer whether or not an account waits: no one learns who has signed up.
    return redirect("signup-done")


def _invited_user(uidb64: str, token: str) -> User | None:
    try:
        pk = int(urlsafe_base64_decode(uidb64).decode())
    except (ValueError, UnicodeDecodeError):
        return None
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None or not default_token_generator.check_token(user, token):
        return None
    return user


def accept_invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    user = _invited_user(uidb64, token)
    if user is None:
        return render(
            request,
            "registration/link_refused.html",
            {
                "reason": _(
                    "This invitation has been used or has expired. Please ask the clinic "
                    "to send a new one, or reset your password if you already chose one."
                ),
                "invitation": True,
            },
            status=400,
        )
    form = SetPasswordForm(user, request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            PatientProfile.objects.filter(user=user, email_confirmed_at__isnull=True).update(
                email_confirmed_at=timezone.now()
            )
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your password is set."))
            return redirect("home")
        return render(request, "registration/accept_invitation.html", {"form": form}, status=400)
    return render(request, "registration/accept_invitation.html", {"form": form})


@role_required(Role.PATIENT)
def profile(request: HttpRequest) -> HttpResponse:
    record = PatientProfile.objects.select_related("user").get(user=request.user)
    form = ProfileForm(request.POST or None, instance=record)
    if request.method == "POST":
        if form.is_valid():
            data = dict(form.cleaned_data)
            patient_profile_update(
                profile=record,
                first_name=data.pop("first_name"),
                last_name=data.pop("last_name"),
                **data,
            )
            # The next page is in the language just chosen (clinic.languages keeps it).
            remember(request, record.user_id, record.language)
            with translation.override(language_of(record)):
                messages.success(request, _("Your details are saved."))
            return redirect("profile")
        return render(request, "clinic/profile.html", _profile_context(request, form), status=400)
    return render(request, "clinic/profile.html", _profile_context(request, form))


def _profile_context(request: HttpRequest, form: ProfileForm) -> dict[str, Any]:
    """The form, and the patient's consents to photographs, each given or withdrawn here."""
    user = request.user
    assert isinstance(user, User)
    consents = {c.scope: c for c in PhotoConsent.objects.in_force().filter(patient=user)}
    return {
        "form": form,
        "photo_scopes": [
            (scope, label, consents.get(scope)) for scope, label in PhotoScope.choices
        ],
    }
