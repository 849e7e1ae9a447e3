"""The manager's reports, under /manager/reports/ (included by bookings/urls.py). Each report
has its page and its CSV (?table= names the table); the dates come in the query string."""

from django.urls import path

from bookings.reports import views
from bookings.reports.views import REPORTS

urlpatterns = [
    path("", views.reports_index, name="reports"),
    path("courses-at-risk/", views.at_risk, name="courses-at-risk"),
]
for slug in REPORTS:
    urlpatterns += [
        path(f"{slug}/", views.report_page, {"report": slug}, name=f"report-{slug}"),
        path(f"{slug}.csv", views.report_csv, {"report": slug}, name=f"report-{slug}-csv"),
    ]
