"""Day arithmetic the ORM lacks, written for both databases: whole days between two dates, and
a date some days later. Every report counts in the clinic's local days (DESIGN.md, invariant
4), so a datetime becomes a date through `local_date` first."""

from __future__ import annotations

from typing import Any

from django.db.models import DateField, Expression, F, Func, IntegerField
from django.db.models.functions import TruncDate

from bookings.calendars.availability import clinic_zone


def local_date(field: str) -> TruncDate:
    """The clinic's calendar day of a stored (UTC) instant, as courses/windows.py counts it."""
    return TruncDate(field, tzinfo=clinic_zone())


class DaysBetween(Func):
    """later - earlier in whole days, for two dates (NULL when either is NULL)."""

    output_field = IntegerField()
    arity = 2
    template = "(%(expressions)s)"  # PostgreSQL: date - date is an integer
    arg_joiner = " - "

    def __init__(self, later: Expression | F | str, earlier: Expression | F | str) -> None:
        super().__init__(later, earlier)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="CAST(julianday(%(expressions)s) AS INTEGER)",
            arg_joiner=") - julianday(",
        )


class AddDays(Func):
    """A date `days` later (an integer expression)."""

    output_field = DateField()
    arity = 2
    template = "(%(expressions)s)"  # PostgreSQL: date + integer is a date
    arg_joiner = " + "

    def __init__(self, day: Expression | F | str, days: Expression | F | str) -> None:
        super().__init__(day, days)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler,
            connection,
            template="date(%(expressions)s || ' days')",
            arg_joiner=", '+' || ",
        )
