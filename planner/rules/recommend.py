"""From an intake to a recommended course: how many sessions, how far apart, and why."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from planner.rules import sources as src
from planner.rules.intake import Area, Concern, Intake, Severity, SunExposure, TattooDetails
from planner.rules.kirby_desai import join_words, kirby_desai_score, raising_features
from planner.rules.policy import POLICY, Cited, FlagKind, Policy, SessionRange, Window
from planner.rules.screening import Flag, screening_flags
from planner.rules.words import gettext_noop

__all__ = ["Flag", "Reason", "Recommendation", "recommend"]


# A parameter of a reason's words: a number; a message (translated where it is shown); several
# messages read as a list ("a, b and c") or as sentences one after another.
Param = int | str | dict[str, list[str]]


@dataclass(frozen=True)
class Reason:
    """Why the plan is as it is, in English (`text`, what staff and the audit read), and as the
    message it was made from: `template` with `params`, so it can be shown in the patient's
    language (`planner.words`). A message's parameters: see `Param`."""

    text: str
    source: str
    template: str = ""
    params: dict[str, Param] = field(default_factory=dict, hash=False)

    @classmethod
    def made(cls, template: str, source: str, **params: Param) -> Reason:
        """The reason `template % params`, in English, keeping the message it came from."""
        return cls(words_in_english(template, params), source, template, params)

    def as_stored(self) -> dict[str, Any]:
        """How a plan keeps it (TreatmentPlan.reasons): the English and the message."""
        return {
            "text": self.text,
            "source": self.source,
            "template": self.template or self.text,
            "params": self.params,
        }


def words_in_english(template: str, params: Mapping[str, Param]) -> str:
    """A message with its parameters, untranslated: how `planner.words` reads it in English."""
    shown: dict[str, object] = {}
    for name, value in params.items():
        if isinstance(value, dict) and "list" in value:
            shown[name] = join_words(value["list"])
        elif isinstance(value, dict):
            shown[name] = " ".join(value.get("sentences", []))
        else:
            shown[name] = value
    text = template % shown if params else template
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Recommendation:
    concern: Concern
    sessions: int
    sessions_min: int
    sessions_max: int
    interval: Window
    review_after_session: int
    first_results_weeks: tuple[int, int]
    combination_therapy: bool
    kirby_desai: int | None
    flags: tuple[Flag, ...]
    reasons: tuple[Reason, ...]
    policy_version: str

    @property
    def requires_doctor_review(self) -> bool:
        return bool(self.flags)

    @property
    def booking_blocked(self) -> bool:
        """A hard stop: no treatment session may be booked."""
        return any(flag.kind is FlagKind.HARD_STOP for flag in self.flags)

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of the API (POST /api/plans/preview)."""
        return {
            "concern": self.concern.value,
            "sessions": self.sessions,
            "sessions_min": self.sessions_min,
            "sessions_max": self.sessions_max,
            "interval_days": {
                "min": self.interval.min_days,
                "ideal": self.interval.ideal_days,
                "max": self.interval.max_days,
            },
            "review_after_session": self.review_after_session,
            "first_results_weeks": {
                "from": self.first_results_weeks[0],
                "to": self.first_results_weeks[1],
            },
            "combination_therapy": self.combination_therapy,
            "kirby_desai": self.kirby_desai,
            "flags": [
                {"code": f.code, "kind": f.kind.value, "text": f.text, "source": f.source}
                for f in self.flags
            ],
            "requires_doctor_review": self.requires_doctor_review,
            "booking_blocked": self.booking_blocked,
            "reasons": [{"text": r.text, "source": r.source} for r in self.reasons],
            "policy_version": self.policy_version,
        }

    def stored_reasons(self) -> list[dict[str, Any]]:
        """The reasons as a plan keeps them: the English and the message to translate."""
        return [reason.as_stored() for reason in self.reasons]


def _cite(reasons: list[Reason], cited: Cited) -> None:
    reasons.append(Reason(cited.text, cited.source, cited.text))


def _tattoo_sessions(
    fitzpatrick: int, tattoo: TattooDetails, policy: Policy, reasons: list[Reason]
) -> SessionRange:
    """Picosecond sessions for a tattoo, converted from its Kirby-Desai score (which the plan
    keeps); above the seed's range, the reasons name the features that put it there."""
    rule, seed = policy.tattoo, policy.tattoo_seed
    score = kirby_desai_score(fitzpatrick, tattoo)
    sessions = policy.tattoo_sessions(score)
    reasons.append(
        Reason.made(
            gettext_noop(
                "The Kirby-Desai scale scores this tattoo %(score)d (from 4 to 26); doctors use "
                "the score to judge how hard a tattoo is to remove."
            ),
            src.KIRBY_DESAI,
            score=score,
        )
    )
    _cite(reasons, rule.picosecond_reason)
    conversion = rule.conversion_reason
    if sessions <= seed.maximum:
        reasons.append(
            Reason.made(
                gettext_noop(
                    "%(conversion)s For this tattoo that is %(sessions)d sessions, within the "
                    "%(min)d to %(max)d most tattoos need."
                ),
                conversion.source,
                conversion=conversion.text,
                sessions=sessions,
                min=seed.minimum,
                max=seed.maximum,
            )
        )
        return SessionRange(seed.minimum, sessions, seed.maximum)
    reasons.append(
        Reason.made(
            gettext_noop("%(conversion)s For this tattoo that is %(sessions)d sessions."),
            conversion.source,
            conversion=conversion.text,
            sessions=sessions,
        )
    )
    raised = raising_features(fitzpatrick, tattoo, policy.tattoo_sessions)
    template = (
        gettext_noop(
            "%(features)s usually needs more sessions, so this tattoo is planned above the "
            "%(min)d to %(max)d most tattoos need."
        )
        if len(raised) == 1
        else gettext_noop(
            "%(features)s usually need more sessions, so this tattoo is planned above the "
            "%(min)d to %(max)d most tattoos need."
        )
    )
    reasons.append(
        Reason.made(
            template,
            src.KIRBY_DESAI,
            features={"list": [feature.words for feature in raised]},
            min=seed.minimum,
            max=seed.maximum,
        )
    )
    _cite(reasons, rule.harder_reason)
    return SessionRange(max(1, sessions - rule.spread), sessions, sessions + rule.spread)


def recommend(intake: Intake, policy: Policy = POLICY) -> Recommendation:
    rule = policy.concerns[intake.concern]
    reasons: list[Reason] = []
    _cite(reasons, rule.reason)

    kirby_desai = None
    if intake.tattoo is not None:
        kirby_desai = kirby_desai_score(intake.fitzpatrick, intake.tattoo)
        base = _tattoo_sessions(intake.fitzpatrick, intake.tattoo, policy, reasons)
    else:
        base = rule.by_severity[intake.severity]
        if intake.severity is Severity.SEVERE and rule.severe_reason:
            _cite(reasons, rule.severe_reason)

    extra = 0
    if intake.area is Area.LARGE and rule.large_area_extra and rule.large_area_reason:
        extra += rule.large_area_extra
        _cite(reasons, rule.large_area_reason)
    if intake.sun_exposure is SunExposure.HIGH and not intake.uses_sunscreen:
        extra += policy.sun_without_sunscreen_extra
        _cite(reasons, policy.sun_reason)

    floor, ceiling = policy.sessions_floor, policy.sessions_ceiling
    typical = base.typical + extra
    if typical > ceiling:
        _cite(reasons, policy.sessions_ceiling_reason)
    sessions = max(floor, min(ceiling, typical))
    sessions_min = max(floor, min(base.minimum, sessions))
    sessions_max = max(sessions, min(ceiling, base.maximum + extra))

    interval = policy.window_for(
        sensitive_skin=intake.sensitive_skin, fitzpatrick=intake.fitzpatrick
    )
    if interval == policy.standard_window:
        _cite(reasons, policy.standard_window_reason)
    else:
        _cite(reasons, policy.slower_window_reason)

    review_after_session = (
        policy.review_after_short
        if sessions <= policy.short_course_max
        else policy.review_after_long
    )
    _cite(reasons, policy.review_reason)

    mature = intake.age >= policy.mature_skin_age
    if mature or intake.severity is Severity.SEVERE:
        first_results = policy.slower_first_results_weeks
        _cite(reasons, policy.slower_first_results_reason)
    else:
        first_results = policy.first_results_weeks
        _cite(reasons, policy.first_results_reason)

    if rule.combination_therapy:
        _cite(reasons, rule.combination_therapy)

    flags = screening_flags(intake.screening, policy)
    if any(flag.kind is FlagKind.HARD_STOP for flag in flags):
        reasons.append(
            Reason.made(
                gettext_noop("Treatment sessions cannot be booked yet: %(stops)s"),
                src.CLINIC_SCREENING,
                stops={"sentences": [f.text for f in flags if f.kind is FlagKind.HARD_STOP]},
            )
        )
    elif flags:
        _cite(
            reasons,
            Cited(
                gettext_noop(
                    "A doctor reviews your answers before your course is confirmed; you can book "
                    "a consultation meanwhile."
                ),
                src.CLINIC_SCREENING,
            ),
        )

    return Recommendation(
        concern=intake.concern,
        sessions=sessions,
        sessions_min=sessions_min,
        sessions_max=sessions_max,
        interval=interval,
        review_after_session=review_after_session,
        first_results_weeks=first_results,
        combination_therapy=rule.combination_therapy is not None,
        kirby_desai=kirby_desai,
        flags=flags,
        reasons=tuple(reasons),
        policy_version=policy.version,
    )
