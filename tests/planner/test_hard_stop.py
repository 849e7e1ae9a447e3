"""A hard stop (a screening answer that blocks treatment) keeps a plan from being approved until
a doctor records, with a reason kept in the plan's history, that it no longer applies."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from clinic.models import AuditEntry
from planner.models import PlanStatus, RevisionAction
from planner.rules import Concern, ScreeningAnswers
from planner.services import plan_adjust, plan_approve, plan_clear_hard_stop, plan_create
from tests.conftest import client_for
from tests.planner.intakes import intake

CLEARED_ON = datetime(2027, 3, 1, 9, 30, tzinfo=UTC)


@pytest.fixture
def pregnant(alice):
    return plan_create(patient=alice, intake=intake(screening=ScreeningAnswers(pregnant=True)))


def test_a_plan_under_a_hard_stop_cannot_be_approved_and_nothing_changes(pregnant, doctor):
    with pytest.raises(ValidationError, match="hard stop") as refused:
        plan_approve(plan=pregnant, doctor=doctor, reason="")
    assert "Pregnancy" in " ".join(refused.value.messages)
    pregnant.refresh_from_db()
    assert pregnant.status == PlanStatus.PROPOSED
    assert pregnant.approved_by is None
    assert pregnant.booking_blocked
    assert pregnant.revisions.count() == 1


def test_a_doctor_records_that_the_stop_no_longer_applies_with_who_when_and_why(pregnant, doctor):
    with time_machine.travel(CLEARED_ON, tick=False):
        plan_clear_hard_stop(plan=pregnant, doctor=doctor, reason="  Baby born in January.  ")
    pregnant.refresh_from_db()
    assert not pregnant.booking_blocked
    assert pregnant.intake["screening"]["pregnant"] is False
    assert pregnant.flags == []
    revision = pregnant.revisions.last()
    assert (revision.action, revision.author, revision.created_at, revision.reason) == (
        RevisionAction.HARD_STOP_CLEARED,
        doctor,
        CLEARED_ON,
        "Baby born in January.",
    )
    assert revision.before["hard_stops"] == ["pregnant"]
    assert revision.after["hard_stops"] == []


def test_once_the_stop_is_cleared_the_plan_can_be_approved(pregnant, doctor):
    plan_clear_hard_stop(plan=pregnant, doctor=doctor, reason="Baby born in January.")
    plan_approve(plan=pregnant, doctor=doctor)
    pregnant.refresh_from_db()
    assert pregnant.status == PlanStatus.APPROVED
    assert pregnant.booking_problem == ""


def test_a_cleared_plan_still_waits_for_the_doctors_approval_before_booking(pregnant, doctor):
    plan_clear_hard_stop(plan=pregnant, doctor=doctor, reason="Baby born in January.")
    pregnant.refresh_from_db()
    assert pregnant.status == PlanStatus.PROPOSED
    assert "A doctor reviews this course first" in pregnant.booking_problem


@pytest.mark.parametrize("reason", ["", "   "])
def test_clearing_a_stop_needs_a_reason_and_changes_nothing_without_one(pregnant, doctor, reason):
    with pytest.raises(ValidationError, match="Say why"):
        plan_clear_hard_stop(plan=pregnant, doctor=doctor, reason=reason)
    pregnant.refresh_from_db()
    assert pregnant.booking_blocked
    assert pregnant.intake["screening"]["pregnant"] is True
    assert pregnant.revisions.count() == 1


@pytest.mark.parametrize("role", ["receptionist", "manager", "alice"])
def test_only_a_doctor_may_clear_a_stop(pregnant, role, request):
    with pytest.raises(PermissionDenied):
        plan_clear_hard_stop(
            plan=pregnant, doctor=request.getfixturevalue(role), reason="It has passed."
        )
    pregnant.refresh_from_db()
    assert pregnant.booking_blocked


def test_a_plan_without_a_hard_stop_has_nothing_to_clear(alice, doctor):
    plan = plan_create(
        patient=alice, intake=intake(screening=ScreeningAnswers(anticoagulants=True))
    )
    with pytest.raises(ValidationError, match="no hard stop"):
        plan_clear_hard_stop(plan=plan, doctor=doctor, reason="Why not")
    assert plan.revisions.count() == 1


def test_clearing_keeps_the_other_answers_that_a_doctor_reviews(alice, doctor):
    plan = plan_create(
        patient=alice,
        intake=intake(screening=ScreeningAnswers(sunburn_now=True, anticoagulants=True)),
    )
    plan_clear_hard_stop(plan=plan, doctor=doctor, reason="The sunburn has healed.")
    plan.refresh_from_db()
    assert [flag["code"] for flag in plan.flags] == ["anticoagulants"]
    assert plan.requires_doctor_review
    assert plan.intake["screening"]["anticoagulants"] is True
    assert "cannot be booked" not in " ".join(reason["text"] for reason in plan.reasons)


def test_planning_again_after_clearing_does_not_bring_the_stop_back(pregnant, doctor):
    plan_clear_hard_stop(plan=pregnant, doctor=doctor, reason="Baby born in January.")
    plan_adjust(plan=pregnant, doctor=doctor, reason="Melasma seen", concern=Concern.MELASMA)
    pregnant.refresh_from_db()
    assert not pregnant.booking_blocked
    assert "A doctor reviews this course first" in pregnant.booking_problem


# The doctor's plan page.


def test_the_doctors_page_offers_to_clear_the_stop_instead_of_approving(pregnant, doctor):
    page = client_for(doctor).get(reverse("plan-detail", args=[pregnant.pk])).content.decode()
    assert reverse("plan-clear-hard-stop", args=[pregnant.pk]) in page
    assert "Approve the plan" not in page


def test_approving_a_hard_stop_on_the_page_is_refused_with_a_message_and_changes_nothing(
    pregnant, doctor
):
    response = client_for(doctor).post(
        reverse("plan-approve", args=[pregnant.pk]), {"approve-reason": ""}
    )
    assert response.status_code == 400
    assert "It cannot be approved until a doctor records" in response.content.decode()
    pregnant.refresh_from_db()
    assert pregnant.status == PlanStatus.PROPOSED
    assert pregnant.revisions.count() == 1
    assert not AuditEntry.objects.filter(action="approved plan").exists()


def test_a_doctor_clears_the_stop_on_the_page_then_approves(pregnant, doctor):
    client = client_for(doctor)
    response = client.post(
        reverse("plan-clear-hard-stop", args=[pregnant.pk]),
        {"clear-reason": "Baby born in January."},
    )
    assert response.status_code == 302
    assert AuditEntry.objects.filter(action="cleared hard stop", actor=doctor).exists()
    page = client.get(reverse("plan-detail", args=[pregnant.pk])).content.decode()
    assert "Hard stop cleared" in page
    assert "Baby born in January." in page
    assert "Approve the plan" in page
    response = client.post(reverse("plan-approve", args=[pregnant.pk]), {"approve-reason": ""})
    assert response.status_code == 302
    pregnant.refresh_from_db()
    assert pregnant.status == PlanStatus.APPROVED


def test_clearing_on_the_page_without_a_reason_is_a_400_and_changes_nothing(pregnant, doctor):
    response = client_for(doctor).post(
        reverse("plan-clear-hard-stop", args=[pregnant.pk]), {"clear-reason": " "}
    )
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    pregnant.refresh_from_db()
    assert pregnant.booking_blocked


def test_clearing_a_plan_without_a_stop_on_the_page_is_a_400(alice, doctor):
    plan = plan_create(patient=alice, intake=intake())
    response = client_for(doctor).post(
        reverse("plan-clear-hard-stop", args=[plan.pk]), {"clear-reason": "Why not"}
    )
    assert response.status_code == 400
    assert "no hard stop" in response.content.decode()


@pytest.mark.parametrize("role", ["receptionist", "manager", "alice"])
def test_only_doctors_may_clear_a_stop_on_the_page(pregnant, role, request):
    response = client_for(request.getfixturevalue(role)).post(
        reverse("plan-clear-hard-stop", args=[pregnant.pk]), {"clear-reason": "It has passed."}
    )
    assert response.status_code == 403
    pregnant.refresh_from_db()
    assert pregnant.booking_blocked


def test_clearing_a_stop_needs_post(pregnant, doctor):
    response = client_for(doctor).get(reverse("plan-clear-hard-stop", args=[pregnant.pk]))
    assert response.status_code == 405
