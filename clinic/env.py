"""Typed readers for environment variables.

Each reader returns the default when the variable is unset and raises ImproperlyConfigured,
naming the variable, when it is set to something unusable: a bad deployment should stop at
start-up, not fail later on a patient's request.
"""

import os
from collections.abc import Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _raw(name: str) -> str | None:
    value = os.environ.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name} must be a boolean (true/false, 1/0, yes/no), not {value!r}."
    )


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: Sequence[str]) -> list[str]:
    value = _raw(name)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: Sequence[str]) -> str:
    value = env_str(name, default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}; not {value!r}.")
    return value


def env_time_zone(name: str, default: str) -> str:
    value = env_str(name, default)
    # ZoneInfo accepts some odd keys (e.g. "localtime" on some systems); only IANA names are
    # accepted so that what the clinic sees on the page is what it configured.
    if value not in available_timezones():
        raise ImproperlyConfigured(
            f"{name} must be an IANA time zone such as Europe/London, not {value!r}."
        )
    try:
        ZoneInfo(value)
    except ZoneInfoNotFoundError:
        raise ImproperlyConfigured(f"{name}: time zone {value!r} is not installed.") from None
    return value
