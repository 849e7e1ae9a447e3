"""How the API knows its caller, and what it answers when it refuses one.

Bearer tokens from `manage.py api_token` for integrations; the browser's login session (with
its CSRF token) for the site's own pages. A call with neither answers 401, and every refusal is
a JSON object with a `detail` the caller can read (`Message`, or `Invalid` for bad input).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer
from ninja.security import SessionAuth as NinjaSessionAuth
from ninja.utils import check_csrf

from clinic.models import ApiToken, User

# Writing last_used_at on every call would make every read a write: once a minute is enough.
LAST_USED_EVERY = timedelta(minutes=1)

UNAUTHENTICATED = "Log in first, or send `Authorization: Bearer <token>` (manage.py api_token)."
CSRF_FAILED = (
    "CSRF check failed: a call made with the browser's login sends the csrftoken cookie's "
    "value in the X-CSRFToken header."
)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def api_token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for `user`; the key is returned once and only its hash is kept."""
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name, prefix=key[:8], key_hash=_hash(key))
    return token, key


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        found = (
            ApiToken.objects.select_related("user")
            .filter(key_hash=_hash(token), revoked_at__isnull=True, user__is_active=True)
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_EVERY:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        return found.user


class SessionAuth(NinjaSessionAuth):
    """The browser's login. ninja checks CSRF before it looks for a login, so a call with no
    credentials at all answered 403 "CSRF check Failed"; here a caller who is not logged in is
    simply not authenticated by the session (401), and a logged-in one must pass the check."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise HttpError(403, CSRF_FAILED)
        return request.COOKIES.get(self.param_name)


# Token first: a call that brings one needs no CSRF token, whatever cookies it carries.
api_auth = [TokenAuth(), SessionAuth()]


class Message(Schema):
    detail: str = Field(description="Why the call was refused, in a sentence.")


class FieldProblem(Schema):
    type: str
    loc: list[str | int] = Field(description='Where: ["body", "wishes", "weekdays", 0].')
    msg: str


class Invalid(Schema):
    detail: str | list[FieldProblem] = Field(
        description="What is wrong with the input: a sentence, or the problem of each field."
    )


def refusals(*codes: int) -> dict[int, type[Schema]]:
    """The answers besides success an operation documents: `{200: Out, **refusals(401, 404)}`."""
    return {code: Invalid if code == 422 else Message for code in codes}
