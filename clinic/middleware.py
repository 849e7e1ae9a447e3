"""Request checks that hold for every page and endpoint, in one place."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import (
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    QueryDict,
)
from django.http.multipartparser import MultiPartParserError
from django.utils.cache import add_never_cache_headers

from clinic.roles import Role, has_role

NUL_REFUSED = "Text may not contain a NUL character (\\0). Please remove it and try again."


def _fields_have_nul(fields: QueryDict) -> bool:
    return any("\x00" in key or any("\x00" in v for v in vs) for key, vs in fields.lists())


def _has_nul(request: HttpRequest) -> bool:
    if _fields_have_nul(request.GET):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    # The API reads the raw body itself, whatever its Content-Type: reading the form fields
    # here would leave it nothing to read. It takes no uploads, so its body is text.
    if content_type == "multipart/form-data" and not request.path.startswith("/api/"):
        # Only the text fields: an uploaded file may hold NUL bytes as a matter of course.
        return _fields_have_nul(request.POST)
    # Any other body, whatever its Content-Type says (the API parses JSON sent as text/plain
    # or as a form): a raw NUL, JSON's \u0000 (any case), or a form's %00.
    body = request.body.lower()
    if b"\x00" in body or b"\\u0000" in body:
        return True
    return content_type == "application/x-www-form-urlencoded" and b"%00" in body


class RefuseNulMiddleware:
    """PostgreSQL cannot store a NUL character in text and answers an error that used to become
    a 500; no clinic text needs one. Refuse it in any query string, form field or JSON body with
    a 400 that says why, before a view runs, so nothing changes."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            refused = _has_nul(request)
        except MultiPartParserError:
            return HttpResponseBadRequest("The form could not be read.")
        if refused:
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": NUL_REFUSED}, status=400)
            return HttpResponseBadRequest(NUL_REFUSED, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _is_staff(user: object) -> bool:
    return bool(getattr(user, "is_staff", False)) or has_role(
        user, Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER
    )


# The session's end is moved on at most this often: a write per staff request would be a
# database write per click, and the hours of idleness are not counted to the minute.
_IDLE_MARK = "clinic_idle_mark"
IDLE_RESOLUTION_SECONDS = 300


def staff_session_idle_set(request: HttpRequest, user: object) -> None:
    """If `user` is staff, their session ends STAFF_SESSION_IDLE_HOURS from now. Called at
    login (clinic.lockout connects it to user_logged_in) and by the middleware below."""
    if not _is_staff(user):
        return
    request.session.set_expiry(settings.STAFF_SESSION_IDLE_HOURS * 3600)
    request.session[_IDLE_MARK] = int(time.time())


class StaffSessionIdleMiddleware:
    """A member of staff's session ends after STAFF_SESSION_IDLE_HOURS without a request (a
    desk computer left logged in overnight is logged out by morning); each request moves the end
    on. Patients keep the default (SESSION_COOKIE_AGE)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # After the view, so that the request that logs someone in (or out) is seen as it ends.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            session = request.session
            expiry = settings.STAFF_SESSION_IDLE_HOURS * 3600
            stale = time.time() - session.get(_IDLE_MARK, 0) >= IDLE_RESOLUTION_SECONDS
            if session.get("_session_expiry") != expiry or stale:
                staff_session_idle_set(request, user)
        return response


class NoStoreMiddleware:
    """Pages are made for the person who asked: no browser or proxy keeps a copy (a shared
    computer's back button or cache would show the last patient's record). Every response the
    application makes says so: to a logged-in person always, to a visitor unless the view chose
    its own caching (a page opened from a signed link in a message shows a patient's visit too).
    Static files are served before this, by WhiteNoise, and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        logged_in = user is not None and user.is_authenticated
        if logged_in or not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response
