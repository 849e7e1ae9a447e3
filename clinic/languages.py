"""The language a person reads the clinic in.

A patient's choice is on their profile (`PatientProfile.language`, the codes of
`clinic.models.Language`); a visitor's is the language cookie set by the switcher in the footer
(Django's `set_language` view), else their browser's. Staff pages stay in the clinic's language
(LANGUAGE_CODE) where nothing is translated. Messages sent outside a request (reminders) are
rendered in the patient's language with `translation.override(language_of(profile))`.

Imports Django, clinic.models and clinic.roles only; used by clinic.settings (the middleware),
clinic.apps (the login keeps the language), the reminders, clinic.services and the sign-up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import pgettext

from clinic.models import Language, PatientProfile
from clinic.roles import Role, has_role

# The patient's language, read from their profile at login and kept in their session: a page
# costs no query for it. "" for a user without a profile (staff) or with a language the clinic
# does not ship.
SESSION_KEY = "clinic_language"


def supported(code: str | None) -> str | None:
    """The shipped language (a LANGUAGES code) for `code`, or None: "en" is "en-gb"; a code
    the clinic has no catalogue for (an old profile's "fr") is None."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None


def language_of(profile: PatientProfile | None) -> str:
    """The language to write to this patient in: their profile's, else the clinic's."""
    code = supported(profile.language) if profile is not None else None
    return code or settings.LANGUAGE_CODE


def profile_language(code: str | None) -> str:
    """The profile value (clinic.models.Language) for a request's language: a visitor's choice
    becomes their profile's at sign-up. English for a code the profile cannot hold."""
    code = supported(code) or settings.LANGUAGE_CODE
    values = {str(value) for value in Language.values}
    if code in values:
        return code
    generic = code.split("-")[0]
    return generic if generic in values else str(Language.ENGLISH)


class PatientLanguageMiddleware:
    """Shows a logged-in patient every page in their profile's language, whatever the browser
    or the cookie says. After AuthenticationMiddleware and LocaleMiddleware (which picked the
    visitor's language first).

    The language is read from the profile when the patient logs in (`remember_at_login`: the
    login writes the session anyway) and kept there; the profile form keeps the new one
    (`remember`). So no page, GET or POST, reads the profile or writes the session for it. A
    session from before it was kept reads the profile on each page and writes nothing. The
    language cookie follows the profile, so the pages after logging out stay in the patient's
    language."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        code = self._patient_language(request)
        if code:
            translation.activate(code)
            request.LANGUAGE_CODE = code
        response = self.get_response(request)
        if code and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != code:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                code,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
            )
        return response

    @staticmethod
    def _patient_language(request: HttpRequest) -> str:
        user = getattr(request, "user", None)
        # Staff pages stay in the clinic's language (or the visitor's cookie). The roles are read
        # once per request anyway (clinic.roles), so asking costs nothing more.
        if user is None or not has_role(user, Role.PATIENT):
            return ""
        kept = request.session.get(SESSION_KEY)
        # The user's id with it: a session that changed hands (login keeps a visitor's session
        # data) never carries another person's language.
        if isinstance(kept, list) and len(kept) == 2 and kept[0] == user.pk:
            return str(kept[1])
        return _profile_code(user.pk)


def _profile_code(user_id: int) -> str:
    """The shipped language on this user's profile; "" without a profile (staff) or with a
    language the clinic does not ship."""
    language = (
        PatientProfile.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    )
    return supported(language) or ""


def remember(request: HttpRequest, user_id: int, language: str | None = None) -> None:
    """Keep the patient's language in their session: `language` (a profile value) when the
    caller has it, else read from the profile."""
    if not hasattr(request, "session"):
        return
    code = (supported(language) or "") if language is not None else _profile_code(user_id)
    request.session[SESSION_KEY] = [user_id, code]


def remember_at_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Connected to user_logged_in (clinic.apps): every login, the test client's among them."""
    if request is not None:
        remember(request, user.pk)


def short_day(day: date) -> str:
    """A day in a message ("Mon 4 Jan"), in the active language (its translators give the
    order and the names)."""
    return date_format(day, pgettext("a short day in a sentence (Django date format)", "D j M"))
