"""Money: typed in major units, stored in minor units, shown in the visitor's language."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from bookings.prices.money import format_money, parse_major, to_major, to_minor
from bookings.prices.quotes import Quote


@pytest.mark.parametrize(
    ("language", "shown"),
    [("en-gb", "RM450.00"), ("ms", "RM450.00"), ("zh-hans", "MYR450.00")],
)
def test_ringgit_are_shown_in_each_language_as_its_readers_expect(language, shown):
    assert format_money(45000, "MYR", language) == shown


def test_thousands_are_grouped_and_sen_kept():
    assert format_money(240050, "MYR", "en-gb") == "RM2,400.50"


def test_a_currency_without_minor_units_has_no_decimals():
    assert format_money(12000, "JPY", "en-gb") == "¥12,000"
    assert to_minor(Decimal("12000"), "JPY") == 12000


def test_the_filter_shows_minor_units_and_quotes_in_the_active_language(settings):
    settings.CLINIC_CURRENCY = "MYR"
    template = Template("{% load money %}{{ amount|money }}|{{ quote|money }}|{{ none|money }}")
    context = Context({"amount": 8000, "quote": Quote(240000, "MYR", "x"), "none": None})
    with translation.override("ms"):
        assert template.render(context) == "RM80.00|RM2,400.00|"


@pytest.mark.parametrize(
    ("typed", "minor"),
    [("450", 45000), ("450.00", 45000), ("1,250.5", 125050), ("RM 80", 8000), ("0", 0)],
)
def test_a_typed_price_is_read_in_major_units(typed, minor):
    assert to_minor(parse_major(typed, "MYR"), "MYR") == minor
    assert to_major(minor, "MYR") == Decimal(minor) / 100


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("-5", "cannot be negative"),
        ("abc", "as a number"),
        ("1e3", "as a number"),
        ("NaN", "as a number"),
        ("1000000.01", "over 1,000,000.00"),
        ("4.555", "at most 2 decimal places"),
    ],
)
def test_a_price_that_is_not_one_is_refused_in_a_sentence(typed, sentence):
    with pytest.raises(ValueError, match=sentence):
        parse_major(typed, "MYR")
