"""The doctor's own schedule: the front desk's calendar narrowed to the doctor's column, day and
week, read-only, each visit opening its record page.

Its three feeds take no column from the browser: the column is always the one the doctor's
login is tied to (Resource.user), so a doctor cannot read another doctor's, a laser's or a room's
column, nor the clinic's, whatever they ask for. The desk's own feeds stay the desk's.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from bookings.desk.feeds import desk_changes, desk_resources, own_column
from bookings.desk.views import FURTHEST_DAYS, events_answer, refused
from bookings.models import Resource
from clinic.models import User
from clinic.roles import Role, role_required

NO_COLUMN = (
    "Your login is not tied to a doctor's column on the calendar yet. "
    "A manager ties it in the administration (Resources: the doctor's user)."
)
VIEWS = ("day", "week")
ColumnFeed = Callable[[HttpRequest, Resource], JsonResponse]


def _column(request: HttpRequest) -> Resource | None:
    user = request.user
    return own_column(user) if isinstance(user, User) else None


def _date_asked(request: HttpRequest, today: date) -> date:
    """The ?date= of a link, or today; a date that cannot be read, or lies further than the
    calendar reads, is today with a message saying so."""
    asked = request.GET.get("date", "")
    if not asked:
        return today
    try:
        chosen = date.fromisoformat(asked[:10])
    except ValueError:
        messages.warning(request, f"“{asked[:20]}” is not a date (YYYY-MM-DD): showing today.")
        return today
    if abs((chosen - today).days) > FURTHEST_DAYS:
        messages.warning(request, "That date is too far from today: showing today.")
        return today
    return chosen


@require_GET
@role_required(Role.DOCTOR)
def doctor_schedule(request: HttpRequest) -> HttpResponse:
    column = _column(request)
    today = timezone.localdate()
    view = request.GET.get("view", "day")
    context = {
        "column": column,
        "no_column": NO_COLUMN,
        "date": _date_asked(request, today),
        "view": view if view in VIEWS else "day",
        "earliest": today - timedelta(days=FURTHEST_DAYS),
        "latest": today + timedelta(days=FURTHEST_DAYS),
    }
    return render(request, "desk/doctor_schedule.html", context)


def own_column_feed(view: ColumnFeed) -> Callable[[HttpRequest], HttpResponseBase]:
    """A feed of the doctor's own column: for doctors only, given the column their login is
    tied to (never one the browser names), and a clear 404 for a login tied to none."""

    @require_GET
    @role_required(Role.DOCTOR)
    @wraps(view)
    def feed(request: HttpRequest) -> JsonResponse:
        column = _column(request)
        if column is None:
            return refused(NO_COLUMN, 404)
        return view(request, column)

    return feed


@own_column_feed
def doctor_resources_feed(request: HttpRequest, column: Resource) -> JsonResponse:
    return JsonResponse(desk_resources(only=column), safe=False)


@own_column_feed
def doctor_events_feed(request: HttpRequest, column: Resource) -> JsonResponse:
    return events_answer(request, doctor=column, action="viewed their schedule")


@own_column_feed
def doctor_changes_feed(request: HttpRequest, column: Resource) -> JsonResponse:
    return JsonResponse({"stamp": desk_changes(doctor=column)})
