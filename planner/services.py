"""Writes on treatment plans. Each records a PlanRevision: who, when, before, after, why."""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from clinic.models import Intake as ClinicIntake
from clinic.models import PatientProfile, User
from clinic.roles import Role, has_role
from planner.models import (
    OPEN_STATUSES,
    PlanRevision,
    PlanStatus,
    RevisionAction,
    TreatmentPlan,
)
from planner.rules import (
    POLICY,
    Area,
    Concern,
    InkAmount,
    Intake,
    Recommendation,
    Scarring,
    ScreeningAnswers,
    Severity,
    SunExposure,
    TattooColours,
    TattooDetails,
    TattooLocation,
    Window,
    intake_from_dict,
    intake_to_dict,
    recommend,
)
from planner.rules.fitzpatrick import skin_type


def _require_doctor(user: User) -> None:
    if not has_role(user, Role.DOCTOR):
        raise PermissionDenied("Only a doctor may approve or change a treatment plan.")


def _require_open(plan: TreatmentPlan) -> None:
    if not plan.is_open:
        raise ValidationError(
            f"This plan is {plan.get_status_display().lower()}; it cannot change."
        )


def _apply(plan: TreatmentPlan, recommendation: Recommendation) -> None:
    plan.concern = recommendation.concern.value
    plan.sessions = recommendation.sessions
    plan.sessions_min = recommendation.sessions_min
    plan.sessions_max = recommendation.sessions_max
    plan.interval_min_days = recommendation.interval.min_days
    plan.interval_ideal_days = recommendation.interval.ideal_days
    plan.interval_max_days = recommendation.interval.max_days
    plan.review_after_session = recommendation.review_after_session
    plan.first_results_from_weeks, plan.first_results_to_weeks = recommendation.first_results_weeks
    plan.combination_therapy = recommendation.combination_therapy
    plan.kirby_desai = recommendation.kirby_desai
    data = recommendation.as_dict()
    plan.flags = data["flags"]
    plan.reasons = recommendation.stored_reasons()
    plan.requires_doctor_review = recommendation.requires_doctor_review
    plan.booking_blocked = recommendation.booking_blocked
    plan.policy_version = recommendation.policy_version


@transaction.atomic
def plan_create(*, patient: User, intake: Intake, author: User | None = None) -> TreatmentPlan:
    """Propose a plan for `patient` from their intake (the planner's recommendation)."""
    plan = TreatmentPlan(patient=patient, intake=intake_to_dict(intake))
    _apply(plan, recommend(intake))
    plan.full_clean(exclude=["intake"])
    _save_with_revision(
        plan,
        author=author,
        action=RevisionAction.CREATED,
        reason="; ".join(reason["text"] for reason in plan.reasons[:2]),
        before=None,
    )
    return plan


def _locked(plan: TreatmentPlan) -> TreatmentPlan:
    # Two doctors saving at once: the second works on what the first saved.
    return TreatmentPlan.objects.select_for_update().get(pk=plan.pk)


@transaction.atomic
def plan_approve(*, plan: TreatmentPlan, doctor: User, reason: str = "") -> TreatmentPlan:
    """A doctor approves the proposed course; a hard stop must be cleared first
    (plan_clear_hard_stop), so that nobody is told to book a treatment they cannot have."""
    _require_doctor(doctor)
    plan = _locked(plan)
    if problem := plan.approval_problem:
        raise ValidationError(problem)
    return _progress(
        plan,
        author=doctor,
        to=PlanStatus.APPROVED,
        allowed_from=(PlanStatus.PROPOSED,),
        action=RevisionAction.APPROVED,
        reason=reason.strip(),
        approved_by=doctor,
        approved_at=timezone.now(),
    )


def validate_adjustment(*, sessions: int | None, window: Window | None) -> None:
    """Refuse numbers outside the policy's bounds, naming what is wrong.

    A Window is ordered by construction (min <= ideal <= max); this checks the bounds.
    """
    errors: dict[str, str] = {}
    if sessions is not None and not POLICY.sessions_floor <= sessions <= POLICY.sessions_ceiling:
        errors["sessions"] = (
            f"A course has {POLICY.sessions_floor} to {POLICY.sessions_ceiling} sessions."
        )
    floor, ceiling = POLICY.window_floor_days, POLICY.window_ceiling_days
    if window is not None and (window.min_days < floor or window.max_days > ceiling):
        errors["interval_min_days"] = f"Gaps must lie within {floor} to {ceiling} days."
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def plan_adjust(
    *,
    plan: TreatmentPlan,
    doctor: User,
    reason: str,
    concern: Concern | None = None,
    fitzpatrick: int | None = None,
    sessions: int | None = None,
    window: Window | None = None,
) -> TreatmentPlan:
    """A doctor changes the concern, the skin type, the session count or the window, with a
    reason.

    A new concern or a corrected skin type re-plans from the stored intake; explicit numbers
    then override the result.
    """
    _require_doctor(doctor)
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the plan changes; the patient's record keeps it."}
        )
    validate_adjustment(sessions=sessions, window=window)
    plan = _locked(plan)
    _require_open(plan)
    before = plan.snapshot()

    replan: dict[str, Any] = {}
    if concern is not None and concern.value != plan.concern:
        replan["concern"] = concern
    if fitzpatrick is not None and fitzpatrick != plan.intake.get("fitzpatrick"):
        replan["fitzpatrick"] = fitzpatrick
    if replan:
        try:
            intake = dataclasses.replace(intake_from_dict(plan.intake), **replan)
        except ValueError as error:
            field, _, message = str(error).partition(": ")
            key = "fitzpatrick" if field == "fitzpatrick" else "concern"
            raise ValidationError({key: message or str(error)}) from None
        # A course that waits for a doctor's approval still does after planning again.
        awaits_review = plan.requires_doctor_review
        _apply(plan, recommend(intake))
        plan.requires_doctor_review = plan.requires_doctor_review or awaits_review
        plan.intake = intake_to_dict(intake)
    if sessions is not None:
        plan.sessions = sessions
        plan.sessions_min = min(plan.sessions_min, sessions)
        plan.sessions_max = max(plan.sessions_max, sessions)
        plan.review_after_session = min(plan.review_after_session, sessions)
    if window is not None:
        plan.interval_min_days = window.min_days
        plan.interval_ideal_days = window.ideal_days
        plan.interval_max_days = window.max_days

    after = plan.snapshot()
    if after == before:
        raise ValidationError("Nothing changed: adjust the concern, the sessions or the window.")
    _save_with_revision(
        plan, author=doctor, action=RevisionAction.ADJUSTED, reason=reason.strip(), before=before
    )
    return plan


@transaction.atomic
def plan_clear_hard_stop(*, plan: TreatmentPlan, doctor: User, reason: str) -> TreatmentPlan:
    """A doctor records that the plan's hard stops no longer apply: the answers changed (the
    pregnancy is over, the sunburn healed). The plan's copy of the intake takes the new answers,
    so planning it again does not bring the stop back; the questionnaire the patient signed
    stays as it was. The plan still awaits the doctor's approval."""
    _require_doctor(doctor)
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the stop no longer applies; the patient's record keeps it."}
        )
    plan = _locked(plan)
    _require_open(plan)
    stops = plan.hard_stops
    if not stops:
        raise ValidationError("This plan has no hard stop to clear.")
    before = plan.snapshot()
    answers = {**plan.intake.get("screening", {}), **{flag["code"]: False for flag in stops}}
    plan.intake = {**plan.intake, "screening": answers}
    # The remaining flags and the patient's reasons as the planner now gives them; the numbers
    # (perhaps a doctor's) stay as they are.
    replanned = recommend(intake_from_dict(plan.intake))
    plan.flags = replanned.as_dict()["flags"]
    plan.reasons = replanned.stored_reasons()
    plan.booking_blocked = replanned.booking_blocked
    # Approval is still the gate: an unflagged proposed course could otherwise be booked.
    plan.requires_doctor_review = True
    _save_with_revision(
        plan,
        author=doctor,
        action=RevisionAction.HARD_STOP_CLEARED,
        reason=reason.strip(),
        before=before,
    )
    return plan


@transaction.atomic
def plan_stop(*, plan: TreatmentPlan, doctor: User, reason: str) -> TreatmentPlan:
    _require_doctor(doctor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the course stops."})
    return _progress(
        plan,
        author=doctor,
        to=PlanStatus.STOPPED,
        allowed_from=OPEN_STATUSES,
        action=RevisionAction.STOPPED,
        reason=reason.strip(),
    )


@transaction.atomic
def plan_note_dismissal(*, plan: TreatmentPlan, doctor: User, reason: str) -> TreatmentPlan:
    """A doctor decided against a change the course was offered (an adverse event's proposal):
    the plan stays as it is, and its history keeps the decision and why."""
    _require_doctor(doctor)
    if not reason.strip():
        raise ValidationError({"reason": "Say why the plan stays as it is."})
    plan = _locked(plan)
    before = plan.snapshot()
    _save_with_revision(
        plan,
        author=doctor,
        action=RevisionAction.PROPOSAL_DISMISSED,
        reason=reason.strip(),
        before=before,
    )
    return plan


def _save_with_revision(
    plan: TreatmentPlan,
    *,
    author: User | None,
    action: RevisionAction,
    reason: str,
    before: dict[str, Any] | None,
) -> None:
    plan.save()
    PlanRevision.objects.create(
        plan=plan, author=author, action=action, reason=reason, before=before, after=plan.snapshot()
    )


def _progress(
    plan: TreatmentPlan,
    *,
    author: User | None,
    to: PlanStatus,
    allowed_from: tuple[PlanStatus, ...],
    action: RevisionAction,
    reason: str,
    **fields: Any,
) -> TreatmentPlan:
    """Move the plan to status `to` (and set `fields`), if its status allows, with a revision."""
    plan = _locked(plan)
    if plan.status not in allowed_from:
        status = plan.get_status_display().lower()
        raise ValidationError(f"This plan is {status}; it cannot become {to.label.lower()}.")
    before = plan.snapshot()
    plan.status = to
    for name, value in fields.items():
        setattr(plan, name, value)
    _save_with_revision(plan, author=author, action=action, reason=reason, before=before)
    return plan


@transaction.atomic
def plan_start(
    *, plan: TreatmentPlan, author: User | None = None, reason: str = ""
) -> TreatmentPlan:
    """The first session took place: the course is in progress."""
    return _progress(
        plan,
        author=author,
        to=PlanStatus.IN_PROGRESS,
        allowed_from=(PlanStatus.APPROVED,),
        action=RevisionAction.STARTED,
        reason=reason,
    )


@transaction.atomic
def plan_complete(
    *, plan: TreatmentPlan, author: User | None = None, reason: str = ""
) -> TreatmentPlan:
    """The last session took place: the course is completed."""
    return _progress(
        plan,
        author=author,
        to=PlanStatus.COMPLETED,
        allowed_from=(PlanStatus.IN_PROGRESS,),
        action=RevisionAction.COMPLETED,
        reason=reason,
    )


def _age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def intake_answers_to_rules(intake: ClinicIntake) -> Intake:
    """The planner's view of a submitted questionnaire. ValueError says what is missing."""
    answers = intake.answers
    profile = PatientProfile.objects.get(user=intake.patient)
    if profile.date_of_birth is None:
        raise ValueError("age: the patient's date of birth is missing.")
    concern = answers["concern"]
    tattoo = answers.get("tattoo")
    return Intake(
        concern=Concern(concern["concern"]),
        severity=Severity(concern["severity"]),
        area=Area(concern["area"]),
        fitzpatrick=skin_type(answers["skin"]),
        sensitive_skin=concern["sensitive_skin"] == "yes",
        age=_age_on(profile.date_of_birth, timezone.localdate()),
        sun_exposure=SunExposure(answers["sun"]["sun_exposure"]),
        uses_sunscreen=answers["sun"]["uses_sunscreen"] == "yes",
        tattoo=TattooDetails(
            colours=TattooColours(tattoo["colours"]),
            ink=InkAmount(tattoo["ink"]),
            scarring=Scarring(tattoo["scarring"]),
            layering=tattoo["layering"] == "yes",
            location=TattooLocation(tattoo["location"]),
        )
        if tattoo
        else None,
        screening=ScreeningAnswers(
            **{name: answers["screening"][name] == "yes" for name in ScreeningAnswers.names()}
        ),
    )


@transaction.atomic
def plan_from_intake(*, intake: ClinicIntake) -> TreatmentPlan:
    """The proposed course for a submitted questionnaire (once: a second call returns it)."""
    existing = TreatmentPlan.objects.filter(source_intake=intake).first()
    if existing is not None:
        return existing
    plan = plan_create(patient=intake.patient, intake=intake_answers_to_rules(intake))
    plan.source_intake = intake
    plan.save(update_fields=["source_intake"])
    return plan
