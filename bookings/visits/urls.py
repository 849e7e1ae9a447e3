"""The doctor's visit record pages, under /visits/."""

from django.urls import path

from bookings.visits import glance_views as glance
from bookings.visits import record_views as records

urlpatterns = [
    path("<int:appointment_id>/record/", records.visit_record, name="visit-record"),
    path("<int:appointment_id>/record/addendum", records.record_addendum, name="record-addendum"),
    path(
        "proposals/<int:proposal_id>/<slug:decision>",
        records.proposal_decision,
        name="proposal-decision",
    ),
    path("patients/<int:patient_id>/test-patches/", records.test_patches, name="test-patches"),
    path("test-patches/<int:patch_id>/read", records.test_patch_reading, name="test-patch-read"),
    path("courses/<int:plan_id>/", glance.course_record, name="course-record"),
    path("courses/<int:plan_id>/record.pdf", glance.course_record_pdf, name="course-record-pdf"),
]
