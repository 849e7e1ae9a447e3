"""The report pages: managers only; bad dates are a 400 that says why; each table's CSV is the
table; the query count stays the same as the data grows; and the manager's week at a glance."""

from __future__ import annotations

import csv
import io
from datetime import date
from html.parser import HTMLParser

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bookings.reports.views import REPORTS
from clinic.models import AuditEntry
from clinic.roles import Role
from tests.bookings.clinics import make_clinic, utc
from tests.bookings.reports.world import course, fill
from tests.conftest import client_for

NOW = utc(2027, 6, 1, 12)
SPRING = {"since": "2027-03-01", "until": "2027-05-31"}
PAGES = [f"report-{slug}" for slug in REPORTS]
EVERY_URL = ["reports", "courses-at-risk", *PAGES, *(f"{page}-csv" for page in PAGES)]


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clinic(db):
    return make_clinic(doctors=2, devices=1, rooms=2)


class Tables(HTMLParser):
    """The cells of each <table>, row by row, as the page shows them."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("th", "td"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self.cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


@pytest.mark.parametrize("name", EVERY_URL)
def test_a_visitor_is_sent_to_log_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("role", [Role.PATIENT, Role.RECEPTIONIST, Role.DOCTOR])
@pytest.mark.parametrize("name", EVERY_URL)
def test_only_managers_reach_the_reports(people, role, name):
    assert client_for(people[role]).get(reverse(name)).status_code == 403


@pytest.mark.parametrize("name", ["reports", "courses-at-risk", *PAGES])
def test_a_manager_reads_every_report(manager, clinic, doctor, name):
    fill(clinic, doctor, 2)
    response = client_for(manager).get(reverse(name), SPRING)
    assert response.status_code == 200
    assert "Content-Security-Policy" in response


def test_a_report_says_on_every_table_which_date_it_counts_by(manager, clinic, doctor):
    fill(clinic, doctor, 1)
    for slug, kind in REPORTS.items():
        page = client_for(manager).get(reverse(f"report-{slug}"), SPRING).content.decode()
        for table in kind.build(_form(slug)).tables:
            assert f'id="{table.slug}-title"' in page
            assert "Counts each" in table.counts_by
            assert "date" in table.counts_by


def _form(slug, query=SPRING):
    form = REPORTS[slug].form(query, today=date(2027, 6, 1))
    assert form.is_valid(), form.errors
    return form


@pytest.mark.parametrize("slug", list(REPORTS))
def test_each_csv_is_its_table(manager, clinic, doctor, slug):
    fill(clinic, doctor, 3)
    client = client_for(manager)
    page = client.get(reverse(f"report-{slug}"), SPRING)
    parser = Tables()
    parser.feed(page.content.decode())
    report = REPORTS[slug].build(_form(slug))
    assert len(parser.tables) == len(report.tables)
    for shown, table in zip(parser.tables, report.tables, strict=True):
        response = client.get(reverse(f"report-{slug}-csv"), {**SPRING, "table": table.slug})
        assert response.status_code == 200
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert f"{slug}-{table.slug}-20270301-20270531.csv" in response["Content-Disposition"]
        downloaded = list(csv.reader(io.StringIO(response.content.decode())))
        assert downloaded == shown
        assert len(downloaded) == len(table.rows) + 1


def test_a_cell_that_starts_like_a_formula_is_quoted_in_the_csv(manager, clinic, doctor):
    clinic.rooms[0].name = "=HYPERLINK(1)"
    clinic.rooms[0].save()
    course(clinic, manager, doctor, [date(2027, 3, 1)])
    response = client_for(manager).get(
        reverse("report-utilisation-csv"), {**SPRING, "table": "by-resource"}
    )
    assert "'=HYPERLINK(1)" in response.content.decode()


def test_an_unknown_table_is_not_found(manager, db):
    response = client_for(manager).get(reverse("report-courses-csv"), {"table": "nope"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"since": "2027-05-01", "until": "2027-04-01"}, "The end date is before the start date."),
        ({"since": "2020-01-01", "until": "2027-04-01"}, "Choose at most three years"),
        ({"since": "0001-01-01", "until": "2027-04-01"}, "Choose dates between"),
        ({"since": "2027-01-01", "until": "9999-12-31"}, "Choose dates between"),
        ({"since": "not a date"}, "Enter a valid date."),
        ({"since": "2025-01-01", "until": "2027-01-01", "by": "day"}, "Day by day shows at most"),
        ({"by": "fortnight"}, "Select a valid choice."),
        ({"resource": "999999"}, "Select a valid choice."),
        ({"since": "2027-01-01\x00"}, "NUL character"),
    ],
)
def test_bad_dates_are_a_400_that_says_why(manager, db, query, message):
    client = client_for(manager)
    page = client.get(reverse("report-utilisation"), query)
    assert page.status_code == 400
    assert message in page.content.decode()
    csv_response = client.get(reverse("report-utilisation-csv"), {**query, "table": "by-resource"})
    assert csv_response.status_code == 400
    assert message in csv_response.content.decode()


def test_the_default_is_the_last_three_months_by_week(manager, db):
    page = client_for(manager).get(reverse("report-courses")).content.decode()
    assert "02 Mar 2027 to 01 Jun 2027" in page
    assert 'value="week" selected' in page


def _queries(client, url, query=SPRING) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


@pytest.mark.parametrize("name", ["manager-home", "courses-at-risk", *PAGES])
def test_the_query_count_stays_the_same_as_the_data_grows(manager, clinic, doctor, name):
    client = client_for(manager)
    fill(clinic, doctor, 2)
    few = _queries(client, reverse(name))
    fill(clinic, doctor, 12, skip=2)
    assert _queries(client, reverse(name)) == few
    assert few <= 16


def test_the_reports_name_no_patient_and_write_no_audit_entry(manager, clinic, doctor):
    fill(clinic, doctor, 2)
    client = client_for(manager)
    for name in PAGES:
        client.get(reverse(name), SPRING)
    assert not AuditEntry.objects.exists()
