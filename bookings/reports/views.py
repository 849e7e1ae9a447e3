"""The manager's report pages: each report over the dates chosen, its tables with their charts,
and each table as CSV (the same cells). Managers only; bad dates are a 400 with the reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from bookings.models import Resource
from bookings.reports.attendance import attendance_report
from bookings.reports.courses import AT_RISK_DAYS, courses_at_risk, courses_report
from bookings.reports.messages import messages_report
from bookings.reports.period import SELECT, Period, PeriodForm, months_before
from bookings.reports.tables import Report
from bookings.reports.utilisation import utilisation_report
from bookings.reports.waitlist import waitlist_report
from clinic.roles import Role, role_required


class UtilisationForm(PeriodForm):
    resource = forms.ModelChoiceField(
        queryset=Resource.objects.order_by("kind", "name"),
        required=False,
        empty_label="Each kind together",
        label="Also show",
        widget=forms.Select(attrs=SELECT),
    )

    def extra_fields(self) -> tuple[str, ...]:
        return ("resource",)


@dataclass(frozen=True)
class Kind:
    slug: str
    title: str
    about: str
    build: Callable[[PeriodForm], Report]
    form: type[PeriodForm] = PeriodForm


REPORTS = {
    kind.slug: kind
    for kind in [
        Kind(
            "utilisation",
            "Utilisation",
            "Booked time over available time, per doctor, laser and room; the busy hours.",
            lambda form: utilisation_report(form.period, resource=form.cleaned_data["resource"]),
            UtilisationForm,
        ),
        Kind(
            "no-shows",
            "No-shows and late cancellations",
            "By month and weekday; confirmed or not; booked online or at the desk.",
            lambda form: attendance_report(form.period),
        ),
        Kind(
            "courses",
            "Courses",
            "Started, completed, stopped; drop-off by session; gaps against their windows.",
            lambda form: courses_report(form.period),
        ),
        Kind(
            "waitlist",
            "Waitlist",
            "Offers made and taken; the freed hours filled again.",
            lambda form: waitlist_report(form.period),
        ),
        Kind(
            "messages",
            "Messages",
            "Sent, failed and dropped, by kind and channel.",
            lambda form: messages_report(form.period),
        ),
    ]
}


def _today() -> date:
    return timezone.localdate()


def quick_ranges(today: date) -> list[tuple[str, str]]:
    """Common ranges, as query strings."""
    ranges = [
        ("Last 4 weeks", today - timedelta(days=27), "day"),
        ("Last 3 months", months_before(today, 3) + timedelta(days=1), "week"),
        ("Last 12 months", months_before(today, 12) + timedelta(days=1), "month"),
        ("This year so far", today.replace(month=1, day=1), "month"),
    ]
    return [(label, Period(first, today, by).query) for label, first, by in ranges]


def _context(kind: Kind, form: PeriodForm) -> dict[str, Any]:
    return {
        "kind": kind,
        "kinds": REPORTS.values(),
        "form": form,
        "quick": quick_ranges(_today()),
        "csv_url": reverse(f"report-{kind.slug}-csv"),
    }


@role_required(Role.MANAGER)
def reports_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "reports/index.html",
        {"kinds": REPORTS.values(), "at_risk_days": AT_RISK_DAYS},
    )


@role_required(Role.MANAGER)
def report_page(request: HttpRequest, report: str) -> HttpResponse:
    kind = REPORTS[report]
    form = kind.form(request.GET, today=_today())
    context = _context(kind, form)
    if not form.is_valid():
        return render(request, "reports/report.html", context, status=400)
    context |= {"report": kind.build(form), "period": form.period, "query": _query(form)}
    return render(request, "reports/report.html", context)


@role_required(Role.MANAGER)
def report_csv(request: HttpRequest, report: str) -> HttpResponse:
    kind = REPORTS[report]
    form = kind.form(request.GET, today=_today())
    if not form.is_valid():
        reasons = " ".join(str(e) for errors in form.errors.values() for e in errors)
        return HttpResponse(reasons, status=400, content_type="text/plain; charset=utf-8")
    table = kind.build(form).table(request.GET.get("table", ""))
    if table is None:
        raise Http404("This report has no such table.")
    period = form.period
    response = HttpResponse(table.csv(), content_type="text/csv; charset=utf-8")
    name = f"{kind.slug}-{table.slug}-{period.first:%Y%m%d}-{period.last:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _query(form: PeriodForm) -> str:
    query = form.period.query
    resource = form.cleaned_data.get("resource")
    return f"{query}&resource={resource.pk}" if resource is not None else query


@role_required(Role.MANAGER)
def at_risk(request: HttpRequest) -> HttpResponse:
    """The courses whose next window closes within the week with no session booked, by name:
    the audit middleware records the patients this page shows."""
    plans = courses_at_risk().select_related("patient")
    return render(
        request,
        "reports/at_risk.html",
        {"plans": plans, "at_risk_days": AT_RISK_DAYS, "kinds": REPORTS.values()},
    )
