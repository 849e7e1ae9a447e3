"""Limits on the emails a visitor can make the clinic send (password resets, sign-ups,
confirmation links): so many per hour from one address and to one email address, whatever
the kind of email.

The same counting as the API's rate limits (django-ninja's cache-kept throttles), one way for
the whole site: per address as the API reads the address (NUM_PROXIES), per email address
without case."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle

from clinic.lockout import client_address
from clinic.models import User


class _KeyedThrottle(SimpleRateThrottle):
    def __init__(self, scope: str, key: str, rate: str) -> None:
        self.scope, self.ident = scope, key
        super().__init__(rate)

    def get_cache_key(self, request: HttpRequest) -> str:
        digest = hashlib.sha256(self.ident.encode()).hexdigest()  # no address kept in the clear
        return self.cache_format % {"scope": self.scope, "ident": digest}


def address_allows(request: HttpRequest) -> bool:
    """Count one more email asked for from the visitor's address; False past the limit."""
    address = client_address(request) or "unknown"
    rate = f"{settings.ACCOUNT_EMAILS_PER_ADDRESS_PER_HOUR}/h"
    return _KeyedThrottle("account-emails-address", address, rate).allow_request(request)


def email_allows(request: HttpRequest, email: str) -> bool:
    """Count one more email to `email`; False past the limit (nothing is then sent, and the
    visitor is answered as if it had been, so no one learns whether the address has an account
    by the answer)."""
    key = User.objects.normalize_email(email)
    rate = f"{settings.ACCOUNT_EMAILS_PER_EMAIL_PER_HOUR}/h"
    return _KeyedThrottle("account-emails-email", key, rate).allow_request(request)
