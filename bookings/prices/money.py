"""Money: integer minor units of the clinic's currency, read from and shown to people.

Amounts are stored as integers in the currency's minor unit (sen for MYR), so no float ever
rounds a price. People type and read major units ("450.00"), formatted by Babel in the active
language, with the symbol of the currency's own country (RM for MYR, whatever the language)."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from babel.core import Locale, UnknownLocaleError, get_global
from babel.numbers import format_currency, get_currency_precision
from django.conf import settings
from django.utils.translation import get_language, to_locale

# Nothing the clinic sells costs more; a larger figure is a typing slip (an extra zero).
MAX_PRICE_MAJOR = Decimal("1000000.00")
NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


def clinic_currency() -> str:
    return str(getattr(settings, "CLINIC_CURRENCY", "MYR")).upper()


def minor_digits(currency: str | None = None) -> int:
    """How many digits the currency's minor unit has: 2 for MYR, 0 for JPY."""
    return int(get_currency_precision(currency or clinic_currency()))


def to_minor(major: Decimal, currency: str | None = None) -> int:
    """450.00 -> 45000. The caller checks the amount has no more places than the currency."""
    return int(major.scaleb(minor_digits(currency)))


def to_major(minor: int, currency: str | None = None) -> Decimal:
    """45000 -> Decimal("450.00")."""
    digits = minor_digits(currency)
    return Decimal(minor).scaleb(-digits).quantize(Decimal(1).scaleb(-digits))


def parse_major(text: str, currency: str | None = None) -> Decimal:
    """A typed amount ("450", "450.00", "1,250.50", "RM 450") as a Decimal, or ValueError with a
    sentence saying what is wrong."""
    cleaned = text.strip().replace(",", "").replace(" ", "")
    code = (currency or clinic_currency()).upper()
    for prefix in (code, "RM"):
        if cleaned.upper().startswith(prefix):
            cleaned = cleaned[len(prefix) :]
    if cleaned.startswith("-") and NUMBER.fullmatch(cleaned[1:]):
        raise ValueError("A price cannot be negative.")
    if not NUMBER.fullmatch(cleaned):
        raise ValueError("Give the price as a number, such as 450.00.")
    amount = Decimal(cleaned)
    if amount > MAX_PRICE_MAJOR:
        raise ValueError("That price is over 1,000,000.00: check for an extra zero.")
    digits = minor_digits(code)
    if amount != amount.quantize(Decimal(1).scaleb(-digits)):
        raise ValueError(f"Give the price to at most {digits} decimal places.")
    return amount


@lru_cache(maxsize=64)
def _home_territory(currency: str) -> str | None:
    """The one country whose legal tender the currency is today, if just one (MY for MYR)."""
    territories = [
        territory
        for territory, currencies in get_global("territory_currencies").items()
        if any(code == currency and not until and tender for code, _, until, tender in currencies)
    ]
    return territories[0] if len(territories) == 1 else None


@lru_cache(maxsize=64)
def _locale(language: str, currency: str) -> Locale:
    """The language's locale in the currency's country, so that MYR reads "RM" whether the
    visitor reads English ("en-us" included), Malay or Chinese, where CLDR has that locale."""
    base = Locale.parse(to_locale(language))
    territory = _home_territory(currency)
    if territory:
        try:
            return Locale(base.language, territory=territory, script=base.script)
        except (UnknownLocaleError, ValueError):
            pass
    return base


def format_money(minor: int, currency: str | None = None, language: str | None = None) -> str:
    """45000 -> "RM450.00" in English or Malay, the same in Chinese where CLDR has it."""
    code = (currency or clinic_currency()).upper()
    try:
        locale = _locale(language or get_language() or settings.LANGUAGE_CODE, code)
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return format_currency(to_major(minor, code), code, locale=locale)
