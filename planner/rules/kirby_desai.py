"""The Kirby-Desai scale for tattoo removal (sources.KIRBY_DESAI).

Six parameters are scored and added; the total, 4 to 26, approximates the number of sessions
of the nanosecond lasers the scale was made with. The policy converts it to picosecond sessions
(`Policy.tattoo_sessions`); this module also says, in the patient's words, which of a tattoo's
features raised the count.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from planner.rules.intake import InkAmount, Scarring, TattooColours, TattooDetails, TattooLocation
from planner.rules.words import gettext_noop

LOCATION_POINTS = {
    TattooLocation.HEAD_NECK: 1,
    TattooLocation.UPPER_TRUNK: 2,
    TattooLocation.LOWER_TRUNK: 3,
    TattooLocation.PROXIMAL_LIMB: 4,
    TattooLocation.DISTAL_LIMB: 5,
}
COLOUR_POINTS = {
    TattooColours.BLACK: 1,
    TattooColours.BLACK_RED: 2,
    TattooColours.FEW_COLOURS: 3,
    TattooColours.MULTICOLOUR: 4,
}
INK_POINTS = {
    InkAmount.AMATEUR: 1,
    InkAmount.MINIMAL: 2,
    InkAmount.MODERATE: 3,
    InkAmount.SIGNIFICANT: 4,
}
SCARRING_POINTS = {
    Scarring.NONE: 0,
    Scarring.MINIMAL: 1,
    Scarring.MODERATE: 3,
    Scarring.SIGNIFICANT: 5,
}
LAYERING_POINTS = {False: 0, True: 2}


def kirby_desai_score(fitzpatrick: int, tattoo: TattooDetails) -> int:
    """Skin type (1-6) + location + colour + ink + scarring + layering."""
    if not 1 <= fitzpatrick <= 6:
        raise ValueError("fitzpatrick: the skin type must be between 1 and 6.")
    return (
        fitzpatrick
        + LOCATION_POINTS[tattoo.location]
        + COLOUR_POINTS[tattoo.colours]
        + INK_POINTS[tattoo.ink]
        + SCARRING_POINTS[tattoo.scarring]
        + LAYERING_POINTS[tattoo.layering]
    )


# What each score above a parameter's lowest is called, in words that complete "... usually
# need more sessions". The lowest of each (black, amateur, no scarring, no cover-up, head or
# neck, skin type I) adds nothing and has no words.
COLOUR_WORDS = {
    TattooColours.BLACK_RED: gettext_noop("red ink as well as black"),
    TattooColours.FEW_COLOURS: gettext_noop("several colours"),
    TattooColours.MULTICOLOUR: gettext_noop("many colours"),
}
INK_WORDS = {
    InkAmount.MINIMAL: gettext_noop("professional ink"),
    InkAmount.MODERATE: gettext_noop("a moderate amount of professional ink"),
    InkAmount.SIGNIFICANT: gettext_noop("a lot of ink"),
}
SCARRING_WORDS = {
    Scarring.MINIMAL: gettext_noop("a little scarring"),
    Scarring.MODERATE: gettext_noop("some scarring"),
    Scarring.SIGNIFICANT: gettext_noop("heavy scarring"),
}
LAYERING_WORDS = gettext_noop("a cover-up over an older tattoo")
LOCATION_WORDS = {
    TattooLocation.UPPER_TRUNK: gettext_noop("a tattoo on the upper back or chest"),
    TattooLocation.LOWER_TRUNK: gettext_noop("a tattoo on the lower back or belly"),
    TattooLocation.PROXIMAL_LIMB: gettext_noop("a tattoo on the upper arm or thigh"),
    TattooLocation.DISTAL_LIMB: gettext_noop("a tattoo on the forearm, hand, lower leg or foot"),
}
SKIN_WORDS = {
    2: gettext_noop("skin type II"),
    3: gettext_noop("skin type III"),
    4: gettext_noop("darker skin (type IV)"),
    5: gettext_noop("darker skin (type V)"),
    6: gettext_noop("darker skin (type VI)"),
}


@dataclass(frozen=True)
class Feature:
    """One parameter of a tattoo's score: the points it adds above the parameter's lowest."""

    parameter: str  # colours, ink, scarring, layering, location, skin type
    points: int
    words: str


def features(fitzpatrick: int, tattoo: TattooDetails) -> tuple[Feature, ...]:
    """The parameters that score above their lowest, in the order of the intake's questions."""
    found = []
    if tattoo.colours in COLOUR_WORDS:
        points = COLOUR_POINTS[tattoo.colours] - COLOUR_POINTS[TattooColours.BLACK]
        found.append(Feature("colours", points, COLOUR_WORDS[tattoo.colours]))
    if tattoo.ink in INK_WORDS:
        points = INK_POINTS[tattoo.ink] - INK_POINTS[InkAmount.AMATEUR]
        found.append(Feature("ink", points, INK_WORDS[tattoo.ink]))
    if tattoo.scarring in SCARRING_WORDS:
        points = SCARRING_POINTS[tattoo.scarring] - SCARRING_POINTS[Scarring.NONE]
        found.append(Feature("scarring", points, SCARRING_WORDS[tattoo.scarring]))
    if tattoo.layering:
        found.append(Feature("layering", LAYERING_POINTS[True], LAYERING_WORDS))
    if tattoo.location in LOCATION_WORDS:
        points = LOCATION_POINTS[tattoo.location] - LOCATION_POINTS[TattooLocation.HEAD_NECK]
        found.append(Feature("location", points, LOCATION_WORDS[tattoo.location]))
    if fitzpatrick in SKIN_WORDS:
        found.append(Feature("skin type", fitzpatrick - 1, SKIN_WORDS[fitzpatrick]))
    return tuple(found)


def raising_features(
    fitzpatrick: int, tattoo: TattooDetails, sessions: Callable[[int], int]
) -> tuple[Feature, ...]:
    """The features that raised the count: without any one of them (that parameter at its
    lowest), `sessions` of the score would be fewer. Largest first."""
    score = kirby_desai_score(fitzpatrick, tattoo)
    raised = [
        f for f in features(fitzpatrick, tattoo) if sessions(score - f.points) < sessions(score)
    ]
    return tuple(sorted(raised, key=lambda f: -f.points))


def in_words(found: tuple[Feature, ...]) -> str:
    """'Many colours, a lot of ink and a tattoo on the forearm, hand, lower leg or foot'."""
    text = join_words([f.words for f in found])
    return text[:1].upper() + text[1:]


def join_words(words: Sequence[str]) -> str:
    """'a, b and c': the English way to read several features as one list."""
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]
