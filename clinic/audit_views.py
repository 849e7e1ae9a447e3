"""The manager's reading of the audit log: filtered by patient, by staff member and by dates,
page by page, and exported as CSV (the same filters, every row, streamed)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import datetime, time, timedelta

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from clinic.audit import not_a_patient_record
from clinic.models import AuditEntry, User
from clinic.roles import Role, role_required

PAGE = 100
STAFF_GROUPS = [Role.RECEPTIONIST.value, Role.DOCTOR.value, Role.MANAGER.value]


class AuditFilter(forms.Form):
    patient = forms.CharField(
        required=False, max_length=100, label="Patient (name, email or phone)"
    )
    staff = forms.ModelChoiceField(
        queryset=User.objects.filter(groups__name__in=STAFF_GROUPS)
        .distinct()
        .order_by("last_name", "first_name"),
        required=False,
        empty_label="Any staff member",
        label="Staff member",
    )
    since = forms.DateField(
        required=False,
        label="From",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    until = forms.DateField(
        required=False,
        label="To",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        since, until = data.get("since"), data.get("until")
        if since and until and until < since:
            raise forms.ValidationError("The end date is before the start date.")
        return data

    def entries(self) -> QuerySet[AuditEntry]:
        found = AuditEntry.objects.select_related("actor", "patient", "patient__profile")
        data = self.cleaned_data
        for word in data.get("patient", "").split()[:4]:
            found = found.filter(
                Q(patient__first_name__icontains=word)
                | Q(patient__last_name__icontains=word)
                | Q(patient__email__icontains=word)
                | Q(patient__profile__phone__icontains=word)
            )
        if data.get("staff"):
            found = found.filter(actor=data["staff"])
        zone = timezone.get_current_timezone()
        if data.get("since"):
            found = found.filter(created_at__gte=datetime.combine(data["since"], time(), zone))
        if data.get("until"):
            end = datetime.combine(data["until"] + timedelta(days=1), time(), zone)
            found = found.filter(created_at__lt=end)
        return found.order_by("-created_at", "-id")


@not_a_patient_record
@role_required(Role.MANAGER)
def audit_log(request: HttpRequest) -> HttpResponseBase:
    form = AuditFilter(request.GET or None)
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
        entries = AuditEntry.objects.none()
    else:
        if not form.is_bound:
            form = AuditFilter({})
            form.is_valid()
        entries = form.entries()
    if request.GET.get("format") == "csv" and status == 200:
        return _csv(entries)
    page = Paginator(entries, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode()}
    return render(request, "clinic/audit_log.html", context, status=status)


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    """A spreadsheet runs a cell that starts like a formula; a name or a crafted URL must not."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _rows(entries: QuerySet[AuditEntry]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(
        ["when (UTC)", "staff member", "action", "patient", "detail", "page", "address"]
    )
    for entry in entries.iterator(chunk_size=2000):
        row = [
            entry.created_at.isoformat(),
            entry.actor.email or "",
            entry.action,
            f"{entry.patient.get_full_name()} <{entry.patient.contact}>",
            entry.detail,
            entry.path,
            entry.ip_address or "",
        ]
        yield writer.writerow([_cell(value) for value in row])


def _csv(entries: QuerySet[AuditEntry]) -> StreamingHttpResponse:
    response = StreamingHttpResponse(_rows(entries), content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.csv"'
    return response
