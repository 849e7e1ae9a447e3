"""The Fitzpatrick skin-type questionnaire: ten questions, each answered 0 to 4, whose total
gives the skin type I to VI (sources.FITZPATRICK, in the questionnaire form clinics use: genetic
disposition, reaction to the sun, tanning habits). The patient answers questions about
themselves, never "pick a number"; the doctor confirms or corrects the result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Question:
    key: str
    text: str
    answers: tuple[str, str, str, str, str]  # scored 0, 1, 2, 3, 4


QUESTIONS: tuple[Question, ...] = (
    Question(
        "eyes",
        "What colour are your eyes?",
        (
            "Light blue, grey or green",
            "Blue, grey or green",
            "Blue",
            "Dark brown",
            "Brownish black",
        ),
    ),
    Question(
        "hair",
        "What is your natural hair colour?",
        ("Sandy red", "Blond", "Chestnut or dark blond", "Dark brown", "Black"),
    ),
    Question(
        "skin",
        "What colour is your skin where the sun does not reach it?",
        ("Reddish", "Very pale", "Pale with a beige tint", "Light brown", "Dark brown"),
    ),
    Question(
        "freckles",
        "Do you have freckles where the sun does not reach?",
        ("Many", "Several", "A few", "Very few", "None"),
    ),
    Question(
        "burn",
        "What happens when you stay in the sun too long?",
        (
            "Painful redness, blistering and peeling",
            "Blistering, then peeling",
            "I burn, sometimes with peeling",
            "I rarely burn",
            "I have never burnt",
        ),
    ),
    Question(
        "tan_degree",
        "How brown do you turn in the sun?",
        (
            "Hardly or not at all",
            "A light tan",
            "A reasonable tan",
            "A deep tan",
            "Dark brown, quickly",
        ),
    ),
    Question(
        "tan_speed",
        "Do you turn brown within a few hours in the sun?",
        ("Never", "Seldom", "Sometimes", "Often", "Always"),
    ),
    Question(
        "face",
        "How does your face react to the sun?",
        ("Very sensitive", "Sensitive", "Normal", "Very resistant", "Never a problem"),
    ),
    Question(
        "last_exposure",
        "When did you last expose your body to the sun, a sunbed or tanning cream?",
        (
            "More than 3 months ago",
            "2 to 3 months ago",
            "1 to 2 months ago",
            "Less than a month ago",
            "Less than 2 weeks ago",
        ),
    ),
    Question(
        "area_exposure",
        "Does the area to be treated get sun?",
        ("Never", "Hardly ever", "Sometimes", "Often", "Always"),
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
