"""Screening: the intake's yes/no answers turned into flags for the doctor."""

from __future__ import annotations

from dataclasses import dataclass

from planner.rules.intake import ScreeningAnswers
from planner.rules.policy import POLICY, FlagKind, Policy

__all__ = ["Flag", "FlagKind", "screening_flags"]


@dataclass(frozen=True)
class Flag:
    code: str
    kind: FlagKind
    text: str
    source: str


def screening_flags(answers: ScreeningAnswers, policy: Policy = POLICY) -> tuple[Flag, ...]:
    """The flags raised by `answers`, hard stops first, in the policy's order."""
    raised = [
        Flag(code=rule.answer, kind=rule.kind, text=rule.flag, source=rule.source)
        for rule in policy.screening
        if getattr(answers, rule.answer)
    ]
    return tuple(sorted(raised, key=lambda flag: flag.kind is not FlagKind.HARD_STOP))
