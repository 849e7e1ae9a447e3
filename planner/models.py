"""A patient's treatment plan, made from a recommendation and adjusted by doctors."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from planner.rules import POLICY, Concern, FlagKind, Window


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


OPEN_STATUSES = (PlanStatus.PROPOSED, PlanStatus.APPROVED, PlanStatus.IN_PROGRESS)
# Statuses a plan reaches only through a doctor's approval.
APPROVED_STATUSES = (PlanStatus.APPROVED, PlanStatus.IN_PROGRESS, PlanStatus.COMPLETED)
# Each concern as a person reads it, in the reader's language (the intake asks in the same words).
_CONCERN_WORDS: dict[Concern, str | Promise] = {
    Concern.FINE_LINES: _("Fine lines"),
    Concern.WRINKLES: _("Wrinkles"),
    Concern.SKIN_LAXITY: _("Skin laxity"),
    Concern.PIGMENTATION: _("Pigmentation"),
    Concern.MELASMA: _("Melasma"),
    Concern.ACNE_SCARS: _("Acne scars"),
    Concern.TATTOO: _("Tattoo"),
}
CONCERN_CHOICES = [(concern.value, _CONCERN_WORDS[concern]) for concern in Concern]
CONCERN_LABELS = dict(CONCERN_CHOICES)


def screening_label(answer: str) -> str:
    """A screening answer's name as a person reads it ("Pregnancy"), from the flag it raises."""
    for rule in POLICY.screening:
        if rule.answer == answer:
            # A translation may use the full-width colon (Chinese).
            return gettext(rule.flag).partition(":")[0].partition("\uff1a")[0].rstrip(".。")
    return answer.replace("_", " ").capitalize()


class TreatmentPlanQuerySet(models.QuerySet["TreatmentPlan"]):
    def awaiting_approval(self) -> TreatmentPlanQuerySet:
        """Proposed plans, flagged ones first (the doctor's review queue), oldest first."""
        return (
            self.filter(status=PlanStatus.PROPOSED)
            .order_by("-booking_blocked", "-requires_doctor_review", "created_at")
            .select_related("patient")
        )


class TreatmentPlan(models.Model):
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plans"
    )
    concern = models.CharField(max_length=20, choices=CONCERN_CHOICES)
    status = models.CharField(
        max_length=20, choices=PlanStatus.choices, default=PlanStatus.PROPOSED, db_index=True
    )
    sessions = models.PositiveSmallIntegerField()
    sessions_min = models.PositiveSmallIntegerField()
    sessions_max = models.PositiveSmallIntegerField()
    interval_min_days = models.PositiveSmallIntegerField()
    interval_ideal_days = models.PositiveSmallIntegerField()
    interval_max_days = models.PositiveSmallIntegerField()
    review_after_session = models.PositiveSmallIntegerField()
    first_results_from_weeks = models.PositiveSmallIntegerField()
    first_results_to_weeks = models.PositiveSmallIntegerField()
    combination_therapy = models.BooleanField(default=False)
    kirby_desai = models.PositiveSmallIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    requires_doctor_review = models.BooleanField(default=False)
    booking_blocked = models.BooleanField(default=False)
    reasons = models.JSONField(default=list, blank=True)
    # The intake the plan was made from, so that a doctor changing the concern re-plans from it.
    intake = models.JSONField()
    # The questionnaire it came from, when the patient filled one in.
    source_intake = models.OneToOneField(
        "clinic.Intake",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan",
    )
    policy_version = models.CharField(max_length=20)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approved_plans",
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    objects = TreatmentPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # DESIGN.md invariant 2, held by the database as well as by the services.
            models.CheckConstraint(
                condition=Q(interval_min_days__gte=POLICY.window_floor_days)
                & Q(interval_max_days__lte=POLICY.window_ceiling_days)
                & Q(interval_min_days__lte=F("interval_ideal_days"))
                & Q(interval_ideal_days__lte=F("interval_max_days")),
                name="plan_window_inside_bounds",
            ),
            models.CheckConstraint(
                condition=Q(sessions_min__gte=POLICY.sessions_floor)
                & Q(sessions_max__lte=POLICY.sessions_ceiling)
                & Q(sessions_min__lte=F("sessions"))
                & Q(sessions__lte=F("sessions_max")),
                name="plan_sessions_inside_bounds",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_concern_display()} course for {self.patient} ({self.get_status_display()})"
        )

    @property
    def window(self) -> Window:
        return Window(self.interval_min_days, self.interval_ideal_days, self.interval_max_days)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def was_approved(self) -> bool:
        """A doctor approved the course (it may since have started, finished or stopped)."""
        return self.status in APPROVED_STATUSES or self.approved_at is not None

    @property
    def hard_stops(self) -> list[dict[str, str]]:
        """The screening flags that block treatment until a doctor records they no longer
        apply."""
        return [flag for flag in self.flags if flag.get("kind") == FlagKind.HARD_STOP]

    @property
    def approval_problem(self) -> str:
        """Why a doctor cannot approve the course as it stands, or "" if they can."""
        if self.hard_stops:
            stops = " ".join(flag["text"] for flag in self.hard_stops)
            return (
                f"This plan has a hard stop: {stops} It cannot be approved until a doctor "
                "records that the stop no longer applies, and why."
            )
        return ""

    @property
    def booking_problem(self) -> str:
        """Why the course's sessions cannot be booked now, or "" if they can."""
        if self.booking_blocked:
            return gettext("Treatment cannot be booked for this course: see its screening.")
        if self.status == PlanStatus.PROPOSED and self.requires_doctor_review:
            return gettext(
                "A doctor reviews this course first; a consultation can be booked meanwhile."
            )
        if not self.is_open:
            return gettext("This course is closed.")
        return ""

    def snapshot(self) -> dict[str, Any]:
        """What a revision records before and after a change."""
        return {
            "concern": self.concern,
            "status": self.status,
            "sessions": self.sessions,
            "sessions_min": self.sessions_min,
            "sessions_max": self.sessions_max,
            "interval_min_days": self.interval_min_days,
            "interval_ideal_days": self.interval_ideal_days,
            "interval_max_days": self.interval_max_days,
            "review_after_session": self.review_after_session,
            "fitzpatrick": self.intake.get("fitzpatrick"),
            "hard_stops": [flag["code"] for flag in self.hard_stops],
        }


class RevisionAction(models.TextChoices):
    CREATED = "created", _("Proposed from the intake")
    APPROVED = "approved", _("Approved")
    ADJUSTED = "adjusted", _("Adjusted")
    STARTED = "started", _("Course started")
    COMPLETED = "completed", _("Course completed")
    STOPPED = "stopped", _("Stopped")
    HARD_STOP_CLEARED = "hard_stop_cleared", _("Hard stop cleared")
    # A change an adverse event proposed, which the doctor decided against: kept, with why.
    PROPOSAL_DISMISSED = "proposal_dismissed", _("Proposed change dismissed")


# How a snapshot's fields read on the plan's history, and how their values are shown.
SNAPSHOT_LABELS: dict[str, str | Promise] = {
    "concern": _("Concern"),
    "status": _("Status"),
    "sessions": _("Sessions"),
    "sessions_min": _("Fewest sessions"),
    "sessions_max": _("Most sessions"),
    "interval_min_days": _("Shortest gap (days)"),
    "interval_ideal_days": _("Ideal gap (days)"),
    "interval_max_days": _("Longest gap (days)"),
    "review_after_session": _("Doctor's review after session"),
    "fitzpatrick": _("Skin type (Fitzpatrick)"),
    "hard_stops": _("Hard stops"),
}
STATUS_LABELS = dict(PlanStatus.choices)


def _shown(name: str, value: Any) -> str:
    if value is None:
        return "—"
    if name == "concern":
        return str(CONCERN_LABELS.get(value, value))
    if name == "status":
        return str(STATUS_LABELS.get(value, value))
    if name == "hard_stops":
        return ", ".join(screening_label(code) for code in value) or gettext("none")
    return str(value)


class PlanRevision(models.Model):
    """One change to a plan: who, when, what it was before and after, and why."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="revisions")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=20, choices=RevisionAction.choices)
    reason = models.TextField(blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_action_display()} by {self.author or 'the planner'}"

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for each field this revision changed."""
        if not self.before:
            return []
        return [
            (name.replace("_", " "), self.before.get(name), value)
            for name, value in self._changed(self.before)
        ]

    def shown_changes(self) -> list[tuple[str, str, str]]:
        """changes(), in the words a person reads: labels, not codes."""
        if not self.before:
            return []
        return [
            (
                str(SNAPSHOT_LABELS.get(name, name.replace("_", " ").capitalize())),
                _shown(name, self.before.get(name)),
                _shown(name, value),
            )
            for name, value in self._changed(self.before)
        ]

    def _changed(self, before: dict[str, Any]) -> list[tuple[str, Any]]:
        # A field an older snapshot did not record yet is not a change.
        return [
            (name, value)
            for name, value in self.after.items()
            if name in before and before[name] != value
        ]
