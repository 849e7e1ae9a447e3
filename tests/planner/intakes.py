"""Intakes for tests: a plain default to override, and hypothesis strategies for any intake."""

from dataclasses import replace
from typing import Any

from hypothesis import strategies as st

from planner.rules import (
    Area,
    Concern,
    InkAmount,
    Intake,
    Scarring,
    ScreeningAnswers,
    Severity,
    SunExposure,
    TattooColours,
    TattooDetails,
    TattooLocation,
)
from planner.rules.intake import MAX_AGE, MIN_AGE

BLACK_HEAD_TATTOO = TattooDetails(
    colours=TattooColours.BLACK,
    ink=InkAmount.AMATEUR,
    scarring=Scarring.NONE,
    layering=False,
    location=TattooLocation.HEAD_NECK,
)


def intake(**overrides: Any) -> Intake:
    """A 35-year-old with fair, unsensitive skin, moderate pigmentation, who wears sunscreen."""
    base = Intake(
        concern=Concern.PIGMENTATION,
        severity=Severity.MODERATE,
        area=Area.MEDIUM,
        fitzpatrick=2,
        sensitive_skin=False,
        age=35,
        sun_exposure=SunExposure.MODERATE,
        uses_sunscreen=True,
    )
    if overrides.get("concern") is Concern.TATTOO and "tattoo" not in overrides:
        overrides["tattoo"] = BLACK_HEAD_TATTOO
    return replace(base, **overrides)


tattoos = st.builds(
    TattooDetails,
    colours=st.sampled_from(TattooColours),
    ink=st.sampled_from(InkAmount),
    scarring=st.sampled_from(Scarring),
    layering=st.booleans(),
    location=st.sampled_from(TattooLocation),
)
screenings = st.builds(
    ScreeningAnswers, **{name: st.booleans() for name in ScreeningAnswers.names()}
)


@st.composite
def intakes(draw: st.DrawFn) -> Intake:
    concern = draw(st.sampled_from(Concern))
    return Intake(
        concern=concern,
        severity=draw(st.sampled_from(Severity)),
        area=draw(st.sampled_from(Area)),
        fitzpatrick=draw(st.integers(1, 6)),
        sensitive_skin=draw(st.booleans()),
        age=draw(st.integers(MIN_AGE, MAX_AGE)),
        sun_exposure=draw(st.sampled_from(SunExposure)),
        uses_sunscreen=draw(st.booleans()),
        tattoo=draw(tattoos) if concern is Concern.TATTOO else None,
        screening=draw(screenings),
    )


@st.composite
def tattoo_intakes(draw: st.DrawFn) -> Intake:
    """Any intake whose concern is a tattoo."""
    return replace(draw(intakes()), concern=Concern.TATTOO, tattoo=draw(tattoos))
