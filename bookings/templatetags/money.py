"""`{{ amount|money }}`: minor units of the clinic's currency, or a Quote, in the active
language ("RM450.00"). Nothing (an unpriced treatment) shows as nothing. `{% course_price plan
as quote %}`: the plan's course quote (bookings.prices.quotes), for a page outside bookings."""

from __future__ import annotations

from django import template

from bookings.prices.money import format_money
from bookings.prices.quotes import Quote, course_quote
from planner.models import TreatmentPlan

register = template.Library()


@register.filter
def money(value: int | Quote | str | None) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, Quote):
        return format_money(value.amount_minor, value.currency)
    return format_money(int(value))


@register.simple_tag
def course_price(plan: TreatmentPlan) -> Quote | None:
    return course_quote(plan)
