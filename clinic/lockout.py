"""Login throttling with django-axes: what it counts, whom it counts, and what a locked-out
person is told. The limits are settings (LOGIN_FAILURE_LIMIT, LOGIN_LOCKOUT_MINUTES); managers
unlock in the admin (clinic/admin.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.contrib.auth.signals import user_logged_in
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clinic.audit import client_address as audit_client_address
from clinic.middleware import staff_session_idle_set
from clinic.models import User


class LoginThrottleBackend(AxesStandaloneBackend):  # type: ignore[misc]  # axes is untyped
    """Refuses every login to a locked-out account or from a locked-out address, before the
    password is even checked (ModelBackend, next in AUTHENTICATION_BACKENDS, checks it).

    A login with no request comes from code (a test, a shell), not from a visitor guessing
    passwords: it is not counted, where django-axes would raise."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        super().authenticate(request, username, password, **kwargs)
        return None


def username_of(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a login is for, as the login compares it: "ALICE@example.com " and
    "alice@example.com" are the same account, and count together."""
    raw = credentials.get("username") if credentials else request.POST.get("username")
    return User.objects.normalize_email(raw) or None


# The visitor's address, read as the API's rate limits read it (NUM_PROXIES hops back in
# X-Forwarded-For, or the socket's address): one setting describes the proxies everywhere.
client_address = audit_client_address


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """The page a locked-out person sees instead of the login form: when to try again, and
    that the clinic can unlock them. 429, as for any limit reached."""
    cool_off: timedelta | None = get_cool_off(request)
    # Every refused try starts the wait again (AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT).
    until = timezone.localtime() + cool_off if cool_off else None
    minutes = round(cool_off.total_seconds() / 60) if cool_off else None
    return render(
        request,
        "registration/locked_out.html",
        {
            "until": until,
            "today": timezone.localdate(),
            "minutes": minutes,
            "admin_login": request.path.startswith("/admin/"),
        },
        status=429,
    )


def _staff_session_at_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    # Staff sessions are short from the first request on (StaffSessionIdleMiddleware moves the
    # end on later). Connected here because every login loads this module first: the backend.
    if request is not None and hasattr(request, "session"):
        staff_session_idle_set(request, user)


user_logged_in.connect(_staff_session_at_login, dispatch_uid="clinic.lockout.staff_session")
