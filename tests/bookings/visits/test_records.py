"""The doctor's session record: drafted, pre-filled, flagged, signed and locked, amended; the
test patch gate for darker skin; adverse events proposing plan changes; who sees what."""

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from bookings.models import (
    AppointmentStatus,
    PlanProposal,
    ProposalKind,
    ProposalStatus,
    Protocol,
    SessionRecord,
    TestPatch,
)
from bookings.visits.patches import patch_place, patch_read
from bookings.visits.records import record_save, record_sign
from clinic.models import AuditEntry
from planner.models import PlanStatus, RevisionAction
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import local
from tests.bookings.waitlists import FIRST, WINDOW, book_course
from tests.conftest import client_for
from tests.planner.intakes import intake

SETTINGS = {
    "handpiece": "Zoom 1064",
    "wavelength_nm": 1064,
    "spot_size_mm": Decimal("4.0"),
    "fluence_j_cm2": Decimal("2.00"),
    "pulse_width_ps": 450,
    "repetition_rate_hz": Decimal("5.0"),
    "passes": 2,
    "treated_areas": "Both cheeks",
    "endpoint": "reached",
    "aftercare_given": "SPF 50 daily; no retinoids for a week.",
}


def form_data(**changes):
    data = {name: str(value) for name, value in SETTINGS.items()}
    data |= {
        "adverse-TOTAL_FORMS": "2",
        "adverse-INITIAL_FORMS": "0",
        "adverse-MIN_NUM_FORMS": "0",
        "adverse-MAX_NUM_FORMS": "10",
    }
    return data | {name: str(value) for name, value in changes.items()}


def during(appointment):
    return time_machine.travel(appointment.starts_at + timedelta(minutes=10), tick=False)


def signed(appointment, doctor, **changes):
    with during(appointment):
        record = record_save(appointment=appointment, by=doctor, values=SETTINGS | changes)
        return record_sign(record=record, by=doctor)


def test_a_doctor_drafts_then_signs_and_the_visit_is_completed(alice_course, doctor):
    first = alice_course[0]
    page = reverse("visit-record", args=[first.pk])
    with during(first):
        response = client_for(doctor).post(page, form_data())
        assert response.status_code == 302
        record = SessionRecord.objects.get(appointment=first)
        assert record.status == "draft"
        assert record.fluence_j_cm2 == Decimal("2.00")

        response = client_for(doctor).post(page, form_data(action="sign"))
    assert response.status_code == 302
    record.refresh_from_db()
    first.refresh_from_db()
    assert record.is_signed
    assert record.signed_by == doctor
    assert first.status == AppointmentStatus.COMPLETED
    assert first.plan.status == PlanStatus.IN_PROGRESS  # the course started


def test_signing_needs_the_settings_and_the_aftercare(alice_course, doctor):
    first = alice_course[0]
    with during(first):
        response = client_for(doctor).post(
            reverse("visit-record", args=[first.pk]),
            form_data(aftercare_given="", fluence_j_cm2="", action="sign"),
        )
    assert response.status_code == 400
    assert "Fill in before signing" in response.content.decode()
    assert "Aftercare given" in response.content.decode()
    assert not SessionRecord.objects.filter(status="signed").exists()


def test_a_fluence_of_400_is_refused_with_its_range_and_nothing_is_stored(alice_course, doctor):
    first = alice_course[0]
    with during(first):
        response = client_for(doctor).post(
            reverse("visit-record", args=[first.pk]), form_data(fluence_j_cm2="400")
        )
    assert response.status_code == 400
    assert "between 0.05 and 12 J/cm2" in response.content.decode()
    assert not SessionRecord.objects.exists()


def test_a_signed_record_refuses_changes_through_the_page(alice_course, doctor):
    record = signed(alice_course[0], doctor)
    response = client_for(doctor).post(
        reverse("visit-record", args=[alice_course[0].pk]), form_data(fluence_j_cm2="3")
    )
    assert response.status_code == 409
    record.refresh_from_db()
    assert record.fluence_j_cm2 == Decimal("2.00")


def test_a_signed_record_refuses_changes_through_the_api(alice_course, doctor):
    record = signed(alice_course[0], doctor)
    url = f"/api/records/{alice_course[0].pk}"
    client = client_for(doctor)
    assert client.get(url).json()["values"]["fluence_j_cm2"] == "2.00"
    response = client.put(url, json.dumps({"fluence_j_cm2": "3.1"}), "application/json")
    assert response.status_code == 409
    assert "signed" in response.json()["detail"]
    assert client.post(f"{url}/sign").status_code == 409
    record.refresh_from_db()
    assert record.fluence_j_cm2 == Decimal("2.00")


def test_the_api_writes_a_draft_and_refuses_a_value_outside_its_range(alice_course, doctor):
    first = alice_course[0]
    url = f"/api/records/{first.pk}"
    with during(first):
        client = client_for(doctor)
        response = client.put(url, json.dumps({"fluence_j_cm2": "400"}), "application/json")
        assert response.status_code == 422
        assert not SessionRecord.objects.exists()
        response = client.put(
            url,
            json.dumps(
                {
                    "fluence_j_cm2": "2.2",
                    "adverse_events": [{"kind": "erythema", "grade": 1}],
                }
            ),
            "application/json",
        )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert body["values"]["fluence_j_cm2"] == "2.20"
    assert body["adverse_events"][0]["kind"] == "erythema"


def test_a_signed_record_refuses_changes_through_the_admin(alice_course, doctor, manager):
    record = signed(alice_course[0], doctor)
    url = reverse("admin:bookings_sessionrecord_change", args=[record.pk])
    client = client_for(manager)
    page = client.get(url)
    assert page.status_code == 200  # shown...
    assert 'name="_save"' not in page.content.decode()  # ...without a save button
    response = client.post(url, {"fluence_j_cm2": "9"})
    assert response.status_code == 403
    record.refresh_from_db()
    assert record.fluence_j_cm2 == Decimal("2.00")
    delete = reverse("admin:bookings_sessionrecord_delete", args=[record.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SessionRecord.objects.filter(pk=record.pk).exists()


def test_an_addendum_keeps_who_when_and_why_beside_the_signed_record(alice_course, doctor):
    signed(alice_course[0], doctor)
    client = client_for(doctor)
    url = reverse("record-addendum", args=[alice_course[0].pk])
    assert client.post(url, {"text": "Spot was 3 mm.", "reason": ""}).status_code == 400
    response = client.post(url, {"text": "Spot was 3 mm, not 4.", "reason": "Typing slip"})
    assert response.status_code == 302
    page = client.get(reverse("visit-record", args=[alice_course[0].pk])).content.decode()
    assert "Spot was 3 mm, not 4." in page
    assert "Why: Typing slip" in page
    assert SessionRecord.objects.get().spot_size_mm == Decimal("4.0")  # the record stays


def test_the_next_session_is_filled_in_from_the_last_with_each_change_shown(alice_course, doctor):
    signed(alice_course[0], doctor)
    second = alice_course[1]
    with during(second):
        page = client_for(doctor).get(reverse("visit-record", args=[second.pk]))
    html = page.content.decode()
    assert 'value="2.00"' in html  # the fluence, carried over
    assert "same as last time" in html

    with during(second):
        response = client_for(doctor).post(
            reverse("visit-record", args=[second.pk]), form_data(fluence_j_cm2="2.30")
        )
        assert response.status_code == 302
        html = client_for(doctor).get(reverse("visit-record", args=[second.pk])).content.decode()
    assert "+0.30 (+15%)" in html


def test_the_first_session_is_filled_in_from_the_devices_protocol(alice_course, doctor):
    first = alice_course[0]
    Protocol.objects.create(
        device=first.device, concern="pigmentation", wavelength_nm=532, fluence_j_cm2="0.80"
    )
    with during(first):
        html = client_for(doctor).get(reverse("visit-record", args=[first.pk])).content.decode()
    assert 'value="532"' in html
    assert 'value="0.80"' in html
    assert "the protocol for" in html


def test_a_fluence_rise_beyond_the_protocol_is_flagged_and_needs_a_reason(alice_course, doctor):
    first, second = alice_course[0], alice_course[1]
    Protocol.objects.create(
        device=first.device, concern="pigmentation", fluence_j_cm2="2.00",
        max_fluence_rise_percent=20,
    )  # fmt: skip
    signed(first, doctor)
    with during(second):
        record = record_save(
            appointment=second, by=doctor, values=SETTINGS | {"fluence_j_cm2": Decimal("2.50")}
        )
        assert [flag["field"] for flag in record.flags] == ["fluence_j_cm2"]
        assert "more than 20% above last session's 2.00" in record.flags[0]["text"]
        with pytest.raises(Exception, match="say why"):
            record_sign(record=record, by=doctor)
        record = record_save(
            appointment=second, by=doctor, values={"flag_reason": "Good tolerance, no PIH."}
        )
        record = record_sign(record=record, by=doctor)
    assert record.is_signed


def test_a_rise_inside_the_protocol_is_not_flagged(alice_course, doctor):
    signed(alice_course[0], doctor)
    with during(alice_course[1]):
        record = record_save(
            appointment=alice_course[1], by=doctor, values=SETTINGS | {"fluence_j_cm2": "2.40"}
        )
    assert record.flags == []


@pytest.fixture
def darker_course(clinic, alice, doctor):
    with time_machine.travel(FIRST - timedelta(days=10), tick=False):
        plan = plan_create(patient=alice, intake=intake(fitzpatrick=5))
        plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=WINDOW, sessions=4)
        plan = plan_approve(plan=plan, doctor=doctor)
        return book_course(clinic, plan)


def test_skin_type_v_waits_for_a_test_patch_read_as_tolerated(darker_course, clinic, doctor):
    first = darker_course[0]
    page = reverse("visit-record", args=[first.pk])
    with during(first):
        response = client_for(doctor).post(page, form_data())
        assert response.status_code == 400
        assert "needs a test patch read as tolerated" in response.content.decode()
    assert not SessionRecord.objects.exists()

    placed = first.starts_at - timedelta(days=3)
    with time_machine.travel(placed, tick=False):
        patch = patch_place(
            patient=first.patient, device=clinic.devices[0], area="behind the left ear",
            fitzpatrick=5, values={"wavelength_nm": 1064, "fluence_j_cm2": Decimal("1.5")},
            by=doctor,
        )  # fmt: skip
    with (
        time_machine.travel(placed + timedelta(hours=30), tick=False),
        pytest.raises(Exception, match="48 hours"),
    ):
        patch_read(patch=patch, outcome="tolerated", by=doctor)
    with time_machine.travel(placed + timedelta(hours=48), tick=False):
        patch_read(patch=patch, outcome="tolerated", by=doctor)

    with during(first):
        assert client_for(doctor).post(page, form_data(action="sign")).status_code == 302
    assert SessionRecord.objects.get().is_signed


def test_a_patch_with_a_reaction_does_not_open_the_gate(darker_course, clinic, doctor):
    first = darker_course[0]
    placed = first.starts_at - timedelta(days=3)
    with time_machine.travel(placed, tick=False):
        patch = patch_place(
            patient=first.patient, device=clinic.devices[0], area="jaw", fitzpatrick=5,
            values={"wavelength_nm": 1064, "fluence_j_cm2": Decimal("1.5")}, by=doctor,
        )  # fmt: skip
    with time_machine.travel(placed + timedelta(hours=49), tick=False):
        patch_read(patch=patch, outcome="reaction", note="Blistered", by=doctor)
    with during(first), pytest.raises(Exception, match="test patch"):
        record_save(appointment=first, by=doctor, values=SETTINGS)


def test_fair_skin_needs_no_test_patch_and_reads_at_24_hours(alice_course, clinic, doctor):
    with time_machine.travel(local(date(2027, 2, 1), 10), tick=False):
        patch = patch_place(
            patient=alice_course[0].patient, device=clinic.devices[0], area="jaw",
            fitzpatrick=2, values={"wavelength_nm": 532, "fluence_j_cm2": Decimal("0.5")},
            by=doctor,
        )  # fmt: skip
    with time_machine.travel(local(date(2027, 2, 2), 10), tick=False):
        patch_read(patch=patch, outcome="tolerated", by=doctor)
    assert TestPatch.objects.get().outcome == "tolerated"
    signed(alice_course[0], doctor)  # no gate for type II


def test_hyperpigmentation_proposes_a_longer_window_which_the_doctor_confirms(alice_course, doctor):
    first = alice_course[0]
    with during(first):
        record = record_save(
            appointment=first, by=doctor, values=SETTINGS,
            adverse_events=[{"kind": "hyperpigmentation", "grade": 2}],
        )  # fmt: skip
        record_sign(record=record, by=doctor)
    proposal = PlanProposal.objects.get()
    assert proposal.kind == ProposalKind.LONGER_WINDOW
    assert (proposal.interval_min_days, proposal.interval_max_days) == (28, 56)
    assert "Post-inflammatory hyperpigmentation (moderate) after session 1" in proposal.reason

    page = client_for(doctor).get(reverse("visit-record", args=[first.pk])).content.decode()
    assert "Proposed change to the plan" in page
    response = client_for(doctor).post(reverse("proposal-decision", args=[proposal.pk, "confirm"]))
    assert response.status_code == 302
    plan = first.plan
    plan.refresh_from_db()
    assert plan.window == Window(28, 42, 56)
    revision = plan.revisions.get(action=RevisionAction.ADJUSTED, reason__contains="after session")
    assert "hyperpigmentation" in revision.reason
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED


def test_a_dismissed_proposal_lands_in_the_plans_history_with_why(alice_course, doctor):
    first = alice_course[0]
    signed(first, doctor)
    with time_machine.travel(first.starts_at + timedelta(days=20), tick=False):
        client = client_for(doctor)
        response = client.post(
            reverse("record-addendum", args=[first.pk]),
            {"text": "Small blister seen at review.", "reason": "Later finding",
             "kind": "blistering", "grade": "1"},
        )  # fmt: skip
    assert response.status_code == 302
    proposal = PlanProposal.objects.get()
    assert proposal.kind == ProposalKind.PAUSE
    url = reverse("proposal-decision", args=[proposal.pk, "dismiss"])
    client.post(url, {"note": ""})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.OPEN  # a dismissal needs its reason
    client.post(url, {"note": "Healed within a week."})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.DISMISSED
    revision = first.plan.revisions.get(action=RevisionAction.PROPOSAL_DISMISSED)
    assert "Healed within a week." in revision.reason
    plan = first.plan
    plan.refresh_from_db()
    assert plan.window == WINDOW  # unchanged


def test_scarring_proposes_fewer_sessions(alice_course, doctor):
    with during(alice_course[0]):
        record = record_save(
            appointment=alice_course[0], by=doctor, values=SETTINGS,
            adverse_events=[{"kind": "scarring", "grade": 1}],
        )  # fmt: skip
        record_sign(record=record, by=doctor)
    kinds = {p.kind: p for p in PlanProposal.objects.all()}
    assert kinds[ProposalKind.FEWER_SESSIONS].sessions == 2  # the policy's floor
    assert ProposalKind.PAUSE in kinds


# Who sees what


def test_a_visitor_is_sent_to_log_in(client, alice_course):
    url = reverse("visit-record", args=[alice_course[0].pk])
    response = client.get(url)
    assert response.status_code == 302
    assert reverse("login") in response["Location"]
    assert client.get(f"/api/records/{alice_course[0].pk}").status_code == 401


def test_another_patient_is_refused(alice_course, doctor, bob):
    signed(alice_course[0], doctor)
    client = client_for(bob)
    assert client.get(reverse("visit-record", args=[alice_course[0].pk])).status_code == 404
    assert client.get(f"/api/records/{alice_course[0].pk}").status_code == 404
    assert (
        client.post(reverse("visit-record", args=[alice_course[0].pk]), form_data()).status_code
        == 404
    )


def test_the_patient_sees_their_areas_and_aftercare_not_the_settings(alice_course, doctor, alice):
    signed(alice_course[0], doctor)
    client = client_for(alice)
    html = client.get(reverse("visit-record", args=[alice_course[0].pk])).content.decode()
    assert "Both cheeks" in html
    assert "SPF 50 daily" in html
    assert "1064" not in html
    assert "J/cm" not in html
    assert client.get(f"/api/records/{alice_course[0].pk}").status_code == 404


def test_the_receptionist_sees_it_was_recorded_and_its_aftercare_only(
    alice_course, doctor, receptionist
):
    signed(alice_course[0], doctor)
    client = client_for(receptionist)
    html = client.get(reverse("visit-record", args=[alice_course[0].pk])).content.decode()
    assert "Session recorded and signed" in html
    assert "SPF 50 daily" in html
    assert "1064" not in html
    assert "J/cm" not in html
    assert "Both cheeks" not in html
    assert client.get(f"/api/records/{alice_course[0].pk}").status_code == 404
    response = client.post(reverse("visit-record", args=[alice_course[0].pk]), form_data())
    assert response.status_code == 403


def test_a_manager_reads_the_record_but_does_not_write_it(alice_course, doctor, manager):
    signed(alice_course[0], doctor)
    client = client_for(manager)
    html = client.get(reverse("visit-record", args=[alice_course[0].pk])).content.decode()
    assert "1064" in html
    assert (
        client.post(reverse("visit-record", args=[alice_course[0].pk]), form_data()).status_code
        == 403
    )
    assert client.put(
        f"/api/records/{alice_course[0].pk}", json.dumps({"notes": "x"}), "application/json"
    ).status_code in (403, 409)


def test_every_staff_view_of_a_record_is_audited(alice_course, doctor, manager, receptionist):
    signed(alice_course[0], doctor)
    AuditEntry.objects.all().delete()
    for person in (doctor, manager, receptionist):
        client_for(person).get(reverse("visit-record", args=[alice_course[0].pk]))
    assert set(
        AuditEntry.objects.filter(action="viewed session record").values_list("actor", flat=True)
    ) == {doctor.pk, manager.pk, receptionist.pk}


def test_test_patches_are_for_doctors_and_managers(alice_course, alice, bob, receptionist):
    url = reverse("test-patches", args=[alice.pk])
    assert client_for(alice).get(url).status_code == 403
    assert client_for(bob).get(url).status_code == 403
    assert client_for(receptionist).get(url).status_code == 403


def test_a_patient_agrees_to_photos_and_withdraws_from_their_profile(alice):
    client = client_for(alice)
    page = client.get(reverse("profile")).content.decode()
    assert "Clinical photographs for my medical record: <strong>not agreed</strong>" in page
    client.post(
        reverse("photo-my-consent"),
        {"scope": "medical_record", "action": "give", "next": reverse("profile")},
    )
    page = client.get(reverse("profile")).content.decode()
    assert "Clinical photographs for my medical record: <strong>agreed</strong>" in page
    client.post(reverse("photo-my-consent"), {"scope": "medical_record", "action": "withdraw"})
    page = client.get(reverse("profile")).content.decode()
    assert "Clinical photographs for my medical record: <strong>not agreed</strong>" in page


def test_the_course_page_links_to_the_course_record(alice_course, alice, doctor):
    plan = alice_course[0].plan
    for person in (alice, doctor):
        page = client_for(person).get(reverse("course-detail", args=[plan.pk])).content.decode()
        assert reverse("course-record", args=[plan.pk]) in page


# Found in review


def test_a_second_doctors_older_form_does_not_overwrite_the_first_doctors_save(
    alice_course, doctor
):
    first = alice_course[0]
    page = reverse("visit-record", args=[first.pk])
    with during(first):
        client = client_for(doctor)
        client.post(page, form_data())  # the draft exists
        opened = str(SessionRecord.objects.get().saves)
        # A saves a blister; B then sends the form they opened before A's save.
        response = client.post(
            page,
            form_data(
                version=opened, immediate_response="Blister on the left cheek",
                **{"adverse-0-kind": "blistering", "adverse-0-grade": "2"},
            ),
        )  # fmt: skip
        assert response.status_code == 302
        response = client.post(page, form_data(version=opened, immediate_response=""))
    assert response.status_code == 409
    assert "Another doctor saved this record" in response.content.decode()
    record = SessionRecord.objects.get()
    assert record.immediate_response == "Blister on the left cheek"
    assert [e.kind for e in record.adverse_events.all()] == ["blistering"]


def test_the_api_refuses_a_write_on_a_record_saved_since_it_was_read(alice_course, doctor):
    first = alice_course[0]
    url = f"/api/records/{first.pk}"
    with during(first):
        client = client_for(doctor)
        read = client.put(url, json.dumps({"notes": "a"}), "application/json").json()
        client.put(url, json.dumps({"notes": "b"}), "application/json")
        stale = json.dumps({"notes": "c", "version": read["version"]})
        response = client.put(url, stale, "application/json")
    assert response.status_code == 409
    assert SessionRecord.objects.get().notes == "b"


def test_a_patch_cannot_be_typed_as_lighter_skin_than_the_course_to_be_read_sooner(
    darker_course, clinic, doctor
):
    first = darker_course[0]
    with (
        time_machine.travel(first.starts_at - timedelta(days=3), tick=False),
        pytest.raises(Exception, match="planned for skin type V"),
    ):
        patch_place(
            patient=first.patient, device=clinic.devices[0], area="jaw", fitzpatrick=1,
            values={"wavelength_nm": 1064, "fluence_j_cm2": Decimal("1.5")}, by=doctor,
        )  # fmt: skip


def test_a_patch_read_sooner_than_the_courses_skin_type_asks_does_not_open_the_gate(
    darker_course, clinic, doctor
):
    first = darker_course[0]
    placed = first.starts_at - timedelta(days=3)
    # Made directly: a patch recorded before the course was planned, as type II, read at 25h.
    TestPatch.objects.create(
        patient=first.patient, device=clinic.devices[0], area="jaw", fitzpatrick=2,
        applied_at=placed, applied_by=doctor, read_at=placed + timedelta(hours=25),
        read_by=doctor, outcome="tolerated", wavelength_nm=1064, fluence_j_cm2="1.5",
    )  # fmt: skip
    with during(first), pytest.raises(Exception, match="test patch"):
        record_save(appointment=first, by=doctor, values=SETTINGS)


def test_a_later_reaction_closes_the_gate_again(darker_course, clinic, doctor):
    first = darker_course[0]
    placed = first.starts_at - timedelta(days=6)
    values = {"wavelength_nm": 1064, "fluence_j_cm2": Decimal("1.5")}
    with time_machine.travel(placed, tick=False):
        tolerated = patch_place(
            patient=first.patient, device=clinic.devices[0], area="jaw", fitzpatrick=5,
            values=values, by=doctor,
        )  # fmt: skip
    with time_machine.travel(placed + timedelta(hours=48), tick=False):
        patch_read(patch=tolerated, outcome="tolerated", by=doctor)
        reaction = patch_place(
            patient=first.patient, device=clinic.devices[0], area="neck", fitzpatrick=5,
            values=values | {"fluence_j_cm2": Decimal("2.5")}, by=doctor,
        )  # fmt: skip
    with time_machine.travel(placed + timedelta(hours=96), tick=False):
        patch_read(patch=reaction, outcome="reaction", note="Blistered", by=doctor)
    with during(first), pytest.raises(Exception, match="test patch"):
        record_save(appointment=first, by=doctor, values=SETTINGS)


def test_a_cancelled_visits_draft_is_no_base_for_the_next_session(alice_course, doctor):
    first, second, third = alice_course[0], alice_course[1], alice_course[2]
    signed(first, doctor)  # 2.00
    with during(first):
        record_save(appointment=second, by=doctor, values={"fluence_j_cm2": Decimal("4.00")})
    second.status = AppointmentStatus.CANCELLED
    second.save()
    with during(third):
        record = record_save(
            appointment=third, by=doctor, values=SETTINGS | {"fluence_j_cm2": Decimal("4.00")}
        )
    assert [flag["field"] for flag in record.flags] == ["fluence_j_cm2"]  # against 2.00


def test_an_adverse_event_at_the_last_session_proposes_nothing_for_the_closed_course(
    clinic, alice, doctor
):
    with time_machine.travel(FIRST - timedelta(days=10), tick=False):
        plan = plan_create(patient=alice, intake=intake())
        plan = plan_adjust(plan=plan, doctor=doctor, reason="two", window=WINDOW, sessions=2)
        course = book_course(clinic, plan_approve(plan=plan, doctor=doctor))
    signed(course[0], doctor)
    with during(course[1]):
        record = record_save(
            appointment=course[1], by=doctor, values=SETTINGS,
            adverse_events=[{"kind": "scarring", "grade": 1}],
        )  # fmt: skip
        record_sign(record=record, by=doctor)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert not PlanProposal.objects.exists()


def test_signing_says_it_signed_and_the_card_judges_the_visits_own_day(alice_course, doctor):
    """Found by trying it as a doctor: "Draft saved." after signing; and a visit booked on its
    ideal day showed in red as "28 days before the window opens", counted from today."""
    first, second = alice_course[0], alice_course[1]
    with during(first):
        response = client_for(doctor).post(
            reverse("visit-record", args=[first.pk]), form_data(action="sign"), follow=True
        )
    assert "Signed. The visit is recorded as completed." in response.content.decode()
    with time_machine.travel(first.starts_at + timedelta(days=1), tick=False):
        html = client_for(doctor).get(reverse("visit-record", args=[second.pk])).content.decode()
    assert "is day 21 since the last session: inside the window" in html
