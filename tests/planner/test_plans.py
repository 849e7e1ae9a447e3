import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from planner.models import PlanRevision, PlanStatus, RevisionAction, TreatmentPlan
from planner.rules import Concern, ScreeningAnswers, Window
from planner.services import (
    plan_adjust,
    plan_approve,
    plan_complete,
    plan_create,
    plan_start,
    plan_stop,
)
from tests.planner.intakes import intake


@pytest.fixture
def plan(alice):
    return plan_create(patient=alice, intake=intake())


def test_a_plan_is_proposed_from_the_intake_with_its_reasons(alice):
    plan = plan_create(patient=alice, intake=intake(concern=Concern.ACNE_SCARS))
    assert plan.status == PlanStatus.PROPOSED
    assert plan.concern == "acne_scars"
    assert plan.sessions == 4
    assert plan.window == Window(14, 28, 42)
    assert plan.reasons
    assert all({"text", "source"} <= set(r) for r in plan.reasons)
    assert plan.policy_version
    [revision] = plan.revisions.all()
    assert revision.action == RevisionAction.CREATED
    assert revision.after["sessions"] == 4


def test_a_plan_keeps_the_screening_flags(alice):
    plan = plan_create(patient=alice, intake=intake(screening=ScreeningAnswers(pregnant=True)))
    assert plan.booking_blocked
    assert plan.requires_doctor_review
    assert [flag["code"] for flag in plan.flags] == ["pregnant"]


def test_a_doctor_approves_a_proposed_plan_and_the_history_says_who(plan, doctor):
    plan_approve(plan=plan, doctor=doctor, reason="Reviewed in consultation")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.approved_by == doctor
    revision = plan.revisions.last()
    assert (revision.action, revision.author, revision.reason) == (
        RevisionAction.APPROVED,
        doctor,
        "Reviewed in consultation",
    )
    assert revision.before["status"] == "proposed"
    assert revision.after["status"] == "approved"


@pytest.mark.parametrize("role", ["receptionist", "manager", "alice"])
def test_only_a_doctor_may_approve_or_adjust(plan, role, request):
    someone = request.getfixturevalue(role)
    with pytest.raises(PermissionDenied):
        plan_approve(plan=plan, doctor=someone)
    with pytest.raises(PermissionDenied):
        plan_adjust(plan=plan, doctor=someone, reason="why not", sessions=6)
    with pytest.raises(PermissionDenied):
        plan_stop(plan=plan, doctor=someone, reason="why not")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED
    assert plan.revisions.count() == 1


def test_an_adjustment_records_before_after_who_and_why(plan, doctor):
    plan_adjust(
        plan=plan,
        doctor=doctor,
        reason="Patient travels; longer gaps",
        sessions=5,
        window=Window(21, 35, 49),
    )
    plan.refresh_from_db()
    assert (plan.sessions, plan.window) == (5, Window(21, 35, 49))
    revision = plan.revisions.last()
    assert revision.author == doctor
    assert revision.reason == "Patient travels; longer gaps"
    assert revision.before["sessions"] == 4
    assert revision.after["sessions"] == 5
    assert ("interval ideal days", 28, 35) in revision.changes()


def test_changing_the_concern_plans_again_from_the_intake(plan, doctor):
    plan_adjust(plan=plan, doctor=doctor, reason="It is melasma", concern=Concern.MELASMA)
    plan.refresh_from_db()
    assert plan.concern == "melasma"
    assert plan.combination_therapy
    assert plan.intake["concern"] == "melasma"


def test_a_tattoo_concern_needs_tattoo_details_the_intake_does_not_have(plan, doctor):
    with pytest.raises(ValidationError) as error:
        plan_adjust(plan=plan, doctor=doctor, reason="x", concern=Concern.TATTOO)
    assert "tattoo details" in str(error.value)
    plan.refresh_from_db()
    assert plan.concern == "pigmentation"


@pytest.mark.parametrize(
    ("sessions", "window", "field"),
    [
        (11, None, "sessions"),
        (1, None, "sessions"),
        (None, Window(10, 20, 30), "interval_min_days"),
        (None, Window(20, 40, 60), "interval_min_days"),
    ],
)
def test_a_doctor_cannot_leave_the_policy_bounds(plan, doctor, sessions, window, field):
    with pytest.raises(ValidationError) as error:
        plan_adjust(plan=plan, doctor=doctor, reason="try", sessions=sessions, window=window)
    assert field in error.value.message_dict
    plan.refresh_from_db()
    assert plan.revisions.count() == 1


def test_an_adjustment_without_a_reason_is_refused(plan, doctor):
    with pytest.raises(ValidationError, match="Say why"):
        plan_adjust(plan=plan, doctor=doctor, reason="  ", sessions=6)


def test_an_adjustment_that_changes_nothing_is_refused(plan, doctor):
    with pytest.raises(ValidationError, match="Nothing changed"):
        plan_adjust(plan=plan, doctor=doctor, reason="same", sessions=plan.sessions)


def test_a_stopped_plan_cannot_change(plan, doctor):
    plan_stop(plan=plan, doctor=doctor, reason="Patient moved away")
    with pytest.raises(ValidationError, match="stopped"):
        plan_adjust(plan=plan, doctor=doctor, reason="x", sessions=6)
    with pytest.raises(ValidationError):
        plan_approve(plan=plan, doctor=doctor)


def test_the_database_refuses_a_window_outside_14_to_56_days(plan):
    # Invariant 2 holds even for code that bypasses the services.
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentPlan.objects.filter(pk=plan.pk).update(interval_max_days=57)
    with pytest.raises(IntegrityError), transaction.atomic():
        TreatmentPlan.objects.filter(pk=plan.pk).update(interval_min_days=13)


def test_the_review_queue_puts_flagged_plans_first(alice, bob, charlie):
    clear = plan_create(patient=alice, intake=intake())
    review = plan_create(
        patient=bob, intake=intake(screening=ScreeningAnswers(anticoagulants=True))
    )
    blocked = plan_create(patient=charlie, intake=intake(screening=ScreeningAnswers(pregnant=True)))
    assert list(TreatmentPlan.objects.awaiting_approval()) == [blocked, review, clear]


def test_revisions_are_listed_in_order(plan, doctor):
    plan_adjust(plan=plan, doctor=doctor, reason="a", sessions=5)
    plan_approve(plan=plan, doctor=doctor)
    assert list(PlanRevision.objects.filter(plan=plan).values_list("action", flat=True)) == [
        "created",
        "adjusted",
        "approved",
    ]


def test_a_course_goes_from_approved_to_in_progress_to_completed(plan, doctor):
    plan_approve(plan=plan, doctor=doctor)
    plan_start(plan=plan, reason="First session done")
    plan_complete(plan=plan, reason="Last session done")
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert list(plan.revisions.values_list("action", flat=True)) == [
        "created",
        "approved",
        "started",
        "completed",
    ]


def test_an_unapproved_plan_cannot_start(plan):
    with pytest.raises(
        ValidationError, match="This plan is proposed; it cannot become in progress"
    ):
        plan_start(plan=plan)
