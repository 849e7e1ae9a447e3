"""The course at a glance: gaps against the window, parameters and their changes, flags and
adverse events per session, in a constant number of queries; the page and its PDF, and who
may read what of them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from bookings.models import (
    AdverseEvent,
    Appointment,
    AppointmentStatus,
    ClinicalPhoto,
    RecordAddendum,
    RecordStatus,
    SessionRecord,
)
from bookings.visits.glance import course_glance
from bookings.visits.glance_pdf import course_record_pdf_bytes
from clinic.models import AuditEntry
from planner.rules import Window
from planner.services import plan_adjust
from tests.bookings.clinics import local, make_clinic, utc
from tests.bookings.waitlists import BOOKED_ON, approved_plan
from tests.conftest import client_for

FIRST_DAY = date(2027, 3, 1)  # a Monday; the course's window is 14 to 28 days, ideally 21
AFTER_THE_COURSE = utc(2027, 6, 1, 9)
FLAG = {
    "field": "fluence_j_cm2",
    "text": "Fluence 2.40 J/cm² is more than 20% above last session's 1.80 J/cm² (at most 2.16).",
}


@pytest.fixture(autouse=True)
def _after_the_course():
    with time_machine.travel(AFTER_THE_COURSE, tick=False):
        yield


@pytest.fixture
def clinic(db):
    return make_clinic()


@pytest.fixture
def plan(clinic, alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        return approved_plan(alice, doctor, sessions=4)


def visit(clinic, plan, number: int, starts_at: datetime, status=AppointmentStatus.COMPLETED):
    session = clinic.session
    return Appointment.objects.create(
        patient=plan.patient,
        treatment_type=session,
        doctor=clinic.doctors[0],
        device=clinic.devices[0],
        room=clinic.rooms[0],
        starts_at=starts_at,
        ends_at=starts_at + session.duration,
        reserved_until=starts_at + session.reserved,
        status=status,
        plan=plan,
        session_number=number,
        created_by=plan.patient,
    )


def signed(appointment, doctor, *, fluence="1.50", passes=2, flags=(), **values):
    """A signed record of the session, written directly (not through the record's services)."""
    return SessionRecord.objects.create(
        appointment=appointment,
        status=RecordStatus.SIGNED,
        handpiece="Zoom",
        wavelength_nm=1064,
        spot_size_mm=Decimal("4.0"),
        fluence_j_cm2=Decimal(fluence),
        pulse_width_ps=450,
        repetition_rate_hz=Decimal("5.0"),
        passes=passes,
        treated_areas="both cheeks",
        aftercare_given="SPF 50 daily; no retinoids for a week.",
        flags=list(flags),
        flag_reason="Tolerated the last session well." if flags else "",
        created_by=doctor,
        signed_by=doctor,
        signed_at=appointment.ends_at,
        **values,
    )


def course_of(clinic, plan, doctor, sessions: int, hour: int = 10) -> list[Appointment]:
    """`sessions` sessions 21 days apart, each recorded and signed, each with a photo, an
    adverse event and an addendum: everything the glance reads, on every row."""
    made = []
    for number in range(1, sessions + 1):
        appointment = visit(
            clinic, plan, number, local(FIRST_DAY, hour) + timedelta(days=21 * (number - 1))
        )
        record = signed(appointment, doctor)
        addendum = RecordAddendum.objects.create(
            record=record, text="Mild redness on day 2.", reason="Patient called", author=doctor
        )
        AdverseEvent.objects.create(record=record, kind="erythema", grade=1)
        AdverseEvent.objects.create(record=record, addendum=addendum, kind="crusting", grade=1)
        ClinicalPhoto.objects.create(
            appointment=appointment,
            patient=plan.patient,
            area="left cheek",
            label="before",
            image=f"patient-{plan.patient_id}/{number}.jpg",
            thumbnail=f"patient-{plan.patient_id}/{number}-thumb.jpg",
            content_type="image/jpeg",
            width=800,
            height=600,
            size_bytes=1000,
            uploaded_by=doctor,
        )
        made.append(appointment)
    return made


@pytest.fixture
def recorded(clinic, plan, doctor):
    """Session 1; session 2 21 days on (in the window), fluence up from 1.50 to 1.80;
    session 3 31 days on (3 days late), fluence up to 2.40, flagged, with a blister; session 4
    booked, not recorded."""
    first = visit(clinic, plan, 1, local(FIRST_DAY, 10))
    second = visit(clinic, plan, 2, local(date(2027, 3, 22), 10))
    third = visit(clinic, plan, 3, local(date(2027, 4, 22), 10))
    fourth = visit(clinic, plan, 4, local(date(2027, 5, 13), 10), AppointmentStatus.BOOKED)
    signed(first, doctor, fluence="1.50")
    signed(second, doctor, fluence="1.80")
    record = signed(third, doctor, fluence="2.40", flags=[FLAG])
    AdverseEvent.objects.create(record=record, kind="blistering", grade=2, note="Left cheek")
    return [first, second, third, fourth]


# --- The glance -----------------------------------------------------------------------------


def test_a_gap_inside_the_window_says_so_and_how_far_from_the_ideal(plan, recorded):
    second = course_glance(plan).rows[1]
    assert second.gap.days == 21
    assert second.gap.in_window
    assert second.gap.shown == "in window"
    assert second.gap.ideal_shown == "the ideal gap"


def test_a_gap_outside_the_window_says_by_how_many_days(plan, recorded):
    third = course_glance(plan).rows[2]
    assert third.gap.days == 31
    assert not third.gap.in_window
    assert third.gap.outside_by == 3
    assert third.gap.shown == "3 days late"
    assert third.gap.ideal_shown == "10 days over the ideal"


def test_a_gap_too_short_is_early(clinic, plan, doctor):
    visit(clinic, plan, 1, local(FIRST_DAY, 10))
    visit(clinic, plan, 2, local(date(2027, 3, 11), 10))
    assert course_glance(plan).rows[1].gap.shown == "4 days early"


def test_the_first_session_has_no_gap(plan, recorded):
    assert course_glance(plan).rows[0].gap is None


def test_gaps_count_the_clinics_local_days(clinic, plan):
    """00:30 in London on 5 April (summer time) is still 4 April in UTC: 21 days, not 20."""
    visit(clinic, plan, 1, local(date(2027, 3, 15), 10))
    visit(clinic, plan, 2, local(date(2027, 4, 5), 0, 30))
    assert course_glance(plan).rows[1].gap.days == 21


def test_a_no_show_shows_as_such_and_the_next_gap_counts_from_the_last_session_that_took_place(
    clinic, plan, doctor
):
    visit(clinic, plan, 1, local(FIRST_DAY, 10))
    visit(clinic, plan, 2, local(date(2027, 3, 22), 10), AppointmentStatus.NO_SHOW)
    visit(clinic, plan, 2, local(date(2027, 3, 26), 10))
    visit(clinic, plan, 3, local(date(2027, 4, 1), 10), AppointmentStatus.CANCELLED)
    rows = course_glance(plan).rows
    assert [(row.number, row.no_show) for row in rows] == [(1, False), (2, True), (2, False)]
    assert rows[1].gap is None
    assert rows[2].gap.days == 25


def test_a_gap_is_judged_against_the_window_the_course_had_then(clinic, plan, doctor, recorded):
    """Re-windowed to 28-42 days after session 3's blister: session 2's 21 days stay in the
    window they were in; session 4's are judged against the new one."""
    with time_machine.travel(local(date(2027, 4, 25), 9), tick=False):
        plan_adjust(plan=plan, doctor=doctor, reason="Blistering", window=Window(28, 35, 42))
    rows = course_glance(plan).rows
    assert rows[1].gap.window == Window(14, 21, 28)
    assert rows[1].gap.in_window
    assert rows[3].gap.window == Window(28, 35, 42)
    assert rows[3].gap.shown == "7 days early"


def test_each_parameter_shows_its_change_from_the_last_record(plan, recorded):
    rows = course_glance(plan).rows
    fluence = {
        row.number: p for row in rows for p in row.parameters if p.label.startswith("Fluence")
    }
    assert fluence[1].value == Decimal("1.50")
    assert fluence[1].shown == ""  # nothing to compare the first record with
    assert fluence[2].shown == "+0.30 (+20%)"
    assert fluence[3].shown == "+0.60 (+33%)"
    wavelength = next(p for p in rows[1].parameters if p.change.field == "wavelength_nm")
    assert wavelength.shown == "same"


def test_flags_and_adverse_events_show_on_their_session(plan, recorded):
    rows = course_glance(plan).rows
    assert rows[2].flags == [FLAG]
    assert [p.change.field for p in rows[2].parameters if p.flagged] == ["fluence_j_cm2"]
    assert [(e.kind, e.grade, e.by_addendum) for e in rows[2].events] == [
        ("Blistering", "Moderate", False)
    ]
    assert not rows[1].flags
    assert not rows[1].events


def test_an_adverse_event_found_later_says_it_came_by_addendum(plan, doctor, recorded):
    record = recorded[1].record
    addendum = RecordAddendum.objects.create(
        record=record, text="Hyperpigmentation at 3 weeks.", reason="Review visit", author=doctor
    )
    AdverseEvent.objects.create(record=record, addendum=addendum, kind="hyperpigmentation", grade=1)
    row = course_glance(plan).rows[1]
    assert [(e.kind, e.by_addendum) for e in row.events] == [
        ("Post-inflammatory hyperpigmentation", True)
    ]
    assert len(row.addenda) == 1


def test_each_session_says_whether_its_record_is_signed_draft_or_missing(plan, recorded):
    record = recorded[1].record
    SessionRecord.objects.filter(pk=record.pk).update(
        status=RecordStatus.DRAFT, signed_by=None, signed_at=None
    )
    statuses = [row.record_status for row in course_glance(plan).rows]
    assert statuses == ["signed", "draft", "signed", "not recorded"]


@pytest.mark.parametrize("sessions", [3, 10])
def test_the_glance_reads_a_constant_number_of_queries(
    clinic, alice, doctor, sessions, django_assert_num_queries
):
    with time_machine.travel(BOOKED_ON, tick=False):
        plan = approved_plan(alice, doctor, sessions=sessions)
    course_of(clinic, plan, doctor, sessions)
    # The revisions, the sessions with their records and signers, the adverse events, the
    # addenda with their authors, the photos.
    with django_assert_num_queries(5):
        glance = course_glance(plan)
        for row in glance.rows:
            assert (len(row.events), len(row.addenda), len(row.photos)) == (2, 1, 1)
            assert row.record.signed_by.get_full_name()
            assert row.addenda[0].author.get_full_name()
    assert len(glance.rows) == sessions


def test_the_page_reads_as_many_queries_for_ten_sessions_as_for_three(clinic, alice, doctor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for sessions, hour in ((3, 10), (10, 14)):
        with time_machine.travel(BOOKED_ON, tick=False):
            plan = approved_plan(alice, doctor, sessions=sessions)
        course_of(clinic, plan, doctor, sessions, hour)
        browser = client_for(doctor)
        browser.get(reverse("course-record", args=[plan.pk]))  # the session's first read
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(reverse("course-record", args=[plan.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- Who sees what ----------------------------------------------------------------------------


def page(user, plan):
    return client_for(user).get(reverse("course-record", args=[plan.pk]))


def pdf(user, plan):
    return client_for(user).get(reverse("course-record-pdf", args=[plan.pk]))


PARAMETER_MARKS = ("Fluence", "Wavelength", "1064", "2.40", "+0.30", "Zoom", "Blistering")


@pytest.mark.parametrize("role", ["doctor", "manager"])
def test_doctors_and_managers_read_the_whole_record_and_it_is_audited(
    request, role, plan, recorded, alice
):
    user = request.getfixturevalue(role)
    response = page(user, plan)
    assert response.status_code == 200
    content = response.content.decode()
    for mark in (*PARAMETER_MARKS, "3 days late", "+0.30 (+20%)", "is more than 20% above"):
        assert mark in content, mark
    assert reverse("course-detail", args=[plan.pk]) in content
    assert reverse("visit-record", args=[recorded[0].pk]) in content
    assert AuditEntry.objects.filter(
        actor=user, patient=alice, action="viewed course record"
    ).exists()


def test_a_receptionist_sees_dates_recorded_and_aftercare_but_no_parameters(
    plan, recorded, receptionist, alice
):
    response = page(receptionist, plan)
    assert response.status_code == 200
    content = response.content.decode()
    assert "SPF 50 daily" in content
    assert "1 of 4" in content
    for mark in (*PARAMETER_MARKS, "is more than 20% above", "both cheeks", "3 days late"):
        assert mark not in content, mark
    assert "glance" not in response.context or response.context.get("glance") is None
    assert AuditEntry.objects.filter(
        actor=receptionist, patient=alice, action="viewed course record"
    ).exists()


def test_the_patient_sees_their_dates_areas_and_aftercare_and_is_not_audited(plan, recorded, alice):
    response = page(alice, plan)
    assert response.status_code == 200
    content = response.content.decode()
    assert "both cheeks" in content
    assert "SPF 50 daily" in content
    for mark in PARAMETER_MARKS:
        assert mark not in content, mark
    assert not AuditEntry.objects.exists()


def photo_of(appointment, doctor):
    return ClinicalPhoto.objects.create(
        appointment=appointment,
        patient=appointment.patient,
        area="Left jawline",
        label="after",
        image="patient/x.jpg",
        thumbnail="patient/x-thumb.jpg",
        content_type="image/jpeg",
        width=10,
        height=10,
        size_bytes=10,
        uploaded_by=doctor,
    )


def test_the_patient_sees_their_photos_only_if_the_clinic_shows_them(
    plan, recorded, alice, doctor, settings
):
    photo_of(recorded[0], doctor)
    settings.PATIENTS_SEE_PHOTOS = False
    assert "Left jawline" not in page(alice, plan).content.decode()
    settings.PATIENTS_SEE_PHOTOS = True
    assert "Left jawline" in page(alice, plan).content.decode()


def test_a_receptionist_never_sees_photos(plan, recorded, receptionist, doctor, settings):
    photo_of(recorded[0], doctor)
    settings.PATIENTS_SEE_PHOTOS = True
    assert "Left jawline" not in page(receptionist, plan).content.decode()


def test_another_patient_gets_a_404_and_a_visitor_is_sent_to_log_in(plan, recorded, bob, client):
    for name in ("course-record", "course-record-pdf"):
        url = reverse(name, args=[plan.pk])
        assert client_for(bob).get(url).status_code == 404
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


# --- The PDF ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["doctor", "manager"])
def test_doctors_and_managers_export_the_pdf_and_it_is_audited(
    request, role, plan, recorded, alice
):
    user = request.getfixturevalue(role)
    response = pdf(user, plan)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="course-record-{plan.pk}-2027-06-01.pdf"'
    )
    assert "no-store" in response["Cache-Control"]
    assert response.content.startswith(b"%PDF")
    for mark in (b"Fluence", b"1.80", b"2.40", b"+0.30", b"3 days late", b"Blistering"):
        assert mark in response.content, mark
    assert AuditEntry.objects.filter(
        actor=user, patient=alice, action="exported course record PDF"
    ).exists()


@pytest.mark.parametrize("role", ["receptionist", "alice"])
def test_the_receptionist_and_the_patient_are_refused_the_pdf(request, role, plan, recorded):
    assert pdf(request.getfixturevalue(role), plan).status_code == 403
    assert not AuditEntry.objects.filter(action="exported course record PDF").exists()


def test_the_pdf_lists_addenda_and_who_signed_each_record(plan, recorded, doctor):
    RecordAddendum.objects.create(
        record=recorded[0].record, text="Photo retaken.", reason="Blurred", author=doctor
    )
    content = course_record_pdf_bytes(course_glance(plan), generated_at=AFTER_THE_COURSE)
    assert b"Addenda" in content
    assert b"Blurred" in content
    assert b"signed by" in content
    assert b"Rahman" in content
    assert b"Europe/London" in content


def test_the_pdf_is_the_same_bytes_for_the_same_record_when_invariant(plan, recorded):
    glance = course_glance(plan)
    one = course_record_pdf_bytes(glance, generated_at=AFTER_THE_COURSE, invariant=True)
    two = course_record_pdf_bytes(glance, generated_at=AFTER_THE_COURSE, invariant=True)
    assert one == two


def test_a_course_with_no_sessions_still_makes_a_pdf(plan, doctor):
    response = pdf(doctor, plan)
    assert response.status_code == 200
    assert b"No session of this course is booked" in response.content


def test_a_row_taller_than_a_page_is_split_not_a_500(plan, recorded, doctor):
    """Found in review: five adverse events with long notes made one row taller than a page,
    and ReportLab's LayoutError a 500."""
    record = recorded[2].record
    AdverseEvent.objects.bulk_create(
        AdverseEvent(record=record, kind="erythema", grade=1, note="spreading redness " * 16)
        for _ in range(10)
    )
    response = pdf(doctor, plan)
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
