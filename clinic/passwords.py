"""Password rules beyond Django's own (AUTH_PASSWORD_VALIDATORS in clinic/settings.py)."""

from __future__ import annotations

import re
from difflib import SequenceMatcher
from typing import Any

from django.contrib.auth.password_validation import (  # type: ignore[attr-defined]
    UserAttributeSimilarityValidator,
    exceeds_maximum_length_ratio,  # Django's, not in its type stubs
)
from django.core.exceptions import ValidationError
from django.utils.translation import gettext


def _squash(text: str) -> str:
    return re.sub(r"\W+", "", text.lower())


class PersonalDetailsValidator(UserAttributeSimilarityValidator):
    """Django's check against each of the person's details, plus their whole name: Django
    compares "Dana Kowalski" with "Dana" and with "Kowalski", each too short to look alike, so
    the full name (with or without spaces, either way round) passed as a password."""

    def validate(self, password: str, user: Any = None) -> None:
        super().validate(password, user)
        if user is None:
            return
        first = (getattr(user, "first_name", "") or "").strip().lower()
        last = (getattr(user, "last_name", "") or "").strip().lower()
        if not (first and last):
            return
        names = {f"{first} {last}", f"{last} {first}", _squash(first + last), _squash(last + first)}
        candidates = {password.lower(), _squash(password)}
        for name in names:
            for candidate in candidates:
                if exceeds_maximum_length_ratio(candidate, self.max_similarity, name):
                    continue
                # The full ratio, not Django's quick one: a whole name is long, and two long
                # strings share many letters without looking alike.
                if SequenceMatcher(a=candidate, b=name).ratio() >= self.max_similarity:
                    raise ValidationError(
                        gettext("The password is too similar to your name."),
                        code="password_too_similar",
                    )

    def get_help_text(self) -> str:
        return gettext("Your password can't be like your name or your email address.")


class DifferentCharactersValidator:
    """Ten spaces, or one letter ten times, are long enough and guessed at once."""

    def __init__(self, min_different: int = 4) -> None:
        self.min_different = min_different

    def validate(self, password: str, user: Any = None) -> None:
        if len(set(password) - set(" \t\n\r\u00a0")) < self.min_different:
            raise ValidationError(
                gettext("Use at least %(count)s different characters (spaces do not count).")
                % {"count": self.min_different},
                code="password_too_few_different",
            )

    def get_help_text(self) -> str:
        return gettext("Your password must use at least %(count)s different characters.") % {
            "count": self.min_different
        }
