"""The Kirby-Desai scale for tattoo removal (sources.KIRBY_DESAI).

Six parameters are scored and added; the total, 4 to 26, approximates the number of sessions
needed to remove the tattoo.
"""

from planner.rules.intake import InkAmount, Scarring, TattooColours, TattooDetails, TattooLocation

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
