"""The Fitzpatrick skin-type questionnaire: ten questions, each answered 0 to 4, whose total
gives the skin type I to VI (sources.FITZPATRICK, in the questionnaire form clinics use: genetic
disposition, reaction to the sun, tanning habits). The patient answers questions about
themselves, never "pick a number"; the doctor confirms or corrects the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from planner.rules.words import gettext_noop


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    answers: tuple[str, str, str, str, str]  # scored 0, 1, 2, 3, 4


QUESTIONS: tuple[Question, ...] = (
    Question(
        "eyes",
        gettext_noop("What colour are your eyes?"),
        (
            gettext_noop("Light blue, grey or green"),
            gettext_noop("Blue, grey or green"),
            gettext_noop("Blue"),
            gettext_noop("Dark brown"),
            gettext_noop("Brownish black"),
        ),
    ),
    Question(
        "hair",
        gettext_noop("What is your natural hair colour?"),
        (
            gettext_noop("Sandy red"),
            gettext_noop("Blond"),
            gettext_noop("Chestnut or dark blond"),
            gettext_noop("Dark brown"),
            gettext_noop("Black"),
        ),
    ),
    Question(
        "skin",
        gettext_noop("What colour is your skin where the sun does not reach it?"),
        (
            gettext_noop("Reddish"),
            gettext_noop("Very pale"),
            gettext_noop("Pale with a beige tint"),
            gettext_noop("Light brown"),
            gettext_noop("Dark brown"),
        ),
    ),
    Question(
        "freckles",
        gettext_noop("Do you have freckles where the sun does not reach?"),
        (
            gettext_noop("Many"),
            gettext_noop("Several"),
            gettext_noop("A few"),
            gettext_noop("Very few"),
            gettext_noop("None"),
        ),
    ),
    Question(
        "burn",
        gettext_noop("What happens when you stay in the sun too long?"),
        (
            gettext_noop("Painful redness, blistering and peeling"),
            gettext_noop("Blistering, then peeling"),
            gettext_noop("I burn, sometimes with peeling"),
            gettext_noop("I rarely burn"),
            gettext_noop("I have never burnt"),
        ),
    ),
    Question(
        "tan_degree",
        gettext_noop("How brown do you turn in the sun?"),
        (
            gettext_noop("Hardly or not at all"),
            gettext_noop("A light tan"),
            gettext_noop("A reasonable tan"),
            gettext_noop("A deep tan"),
            gettext_noop("Dark brown, quickly"),
        ),
    ),
    Question(
        "tan_speed",
        gettext_noop("Do you turn brown within a few hours in the sun?"),
        (
            gettext_noop("Never"),
            gettext_noop("Seldom"),
            gettext_noop("Sometimes"),
            gettext_noop("Often"),
            gettext_noop("Always"),
        ),
    ),
    Question(
        "face",
        gettext_noop("How does your face react to the sun?"),
        (
            gettext_noop("Very sensitive"),
            gettext_noop("Sensitive"),
            gettext_noop("Normal"),
            gettext_noop("Very resistant"),
            gettext_noop("Never a problem"),
        ),
    ),
    Question(
        "last_exposure",
        gettext_noop("When did you last expose your body to the sun, a sunbed or tanning cream?"),
        (
            gettext_noop("More than 3 months ago"),
            gettext_noop("2 to 3 months ago"),
            gettext_noop("1 to 2 months ago"),
            gettext_noop("Less than a month ago"),
            gettext_noop("Less than 2 weeks ago"),
        ),
    ),
    Question(
        "area_exposure",
        gettext_noop("Does the area to be treated get sun?"),
        (
            gettext_noop("Never"),
            gettext_noop("Hardly ever"),
            gettext_noop("Sometimes"),
            gettext_noop("Often"),
            gettext_noop("Always"),
        ),
    ),
)

# The lowest total of each skin type, I to VI (totals run from 0 to 40).
TYPE_FROM_TOTAL: Sequence[tuple[int, int]] = ((35, 6), (28, 5), (21, 4), (14, 3), (7, 2), (0, 1))


def skin_type(answers: Mapping[str, int]) -> int:
    """The Fitzpatrick type for a complete set of answers; ValueError names what is missing."""
    missing = [q.key for q in QUESTIONS if q.key not in answers]
    if missing:
        raise ValueError(f"Every question needs an answer; missing: {', '.join(missing)}.")
    scores = [answers[q.key] for q in QUESTIONS]
    if any(not 0 <= score <= 4 for score in scores):
        raise ValueError("Each answer scores 0 to 4.")
    total = sum(scores)
    return next(kind for lowest, kind in TYPE_FROM_TOTAL if total >= lowest)
