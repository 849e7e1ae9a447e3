"""A tattoo's picosecond sessions, converted from its Kirby-Desai score (policy.TattooRule):
properties over every tattoo hypothesis can make."""

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.rules import (
    POLICY,
    InkAmount,
    Scarring,
    SunExposure,
    TattooColours,
    TattooLocation,
    kirby_desai_score,
    recommend,
)
from planner.rules import sources as src
from planner.rules.kirby_desai import features
from tests.planner.intakes import tattoo_intakes

# Each parameter from easiest to hardest, as the scale scores it (Kirby et al. 2009).
ORDERS = {
    "colours": [
        TattooColours.BLACK,
        TattooColours.BLACK_RED,
        TattooColours.FEW_COLOURS,
        TattooColours.MULTICOLOUR,
    ],
    "ink": [InkAmount.AMATEUR, InkAmount.MINIMAL, InkAmount.MODERATE, InkAmount.SIGNIFICANT],
    "scarring": [Scarring.NONE, Scarring.MINIMAL, Scarring.MODERATE, Scarring.SIGNIFICANT],
    "layering": [False, True],
    "location": [
        TattooLocation.HEAD_NECK,
        TattooLocation.UPPER_TRUNK,
        TattooLocation.LOWER_TRUNK,
        TattooLocation.PROXIMAL_LIMB,
        TattooLocation.DISTAL_LIMB,
    ],
}
SEED = POLICY.tattoo_seed
MORE_SESSIONS = "more sessions, so this tattoo is planned above"


def at(intake, parameter, level):
    """The same intake with one tattoo parameter (or the skin type) at `level`."""
    if parameter == "skin type":
        return replace(intake, fitzpatrick=level)
    return replace(intake, tattoo=replace(intake.tattoo, **{parameter: level}))


def no_sun_extra(intake):
    return replace(intake, sun_exposure=SunExposure.MODERATE)


def raised_reason(course):
    found = [r.text for r in course.reasons if MORE_SESSIONS in r.text]
    assert len(found) <= 1
    return found[0] if found else None


@pytest.mark.parametrize("parameter", list(ORDERS))
@given(intake=tattoo_intakes(), data=st.data())
def test_a_harder_tattoo_feature_never_lowers_the_count(parameter, intake, data):
    order = ORDERS[parameter]
    step = data.draw(st.integers(0, len(order) - 2), label="step")
    easier = recommend(at(intake, parameter, order[step]))
    harder = recommend(at(intake, parameter, order[step + 1]))
    assert harder.kirby_desai > easier.kirby_desai
    assert harder.sessions >= easier.sessions
    assert harder.sessions_min >= easier.sessions_min
    assert harder.sessions_max >= easier.sessions_max


@given(tattoo_intakes(), st.integers(1, 5))
def test_darker_skin_never_lowers_a_tattoos_count(intake, fitzpatrick):
    lighter = recommend(replace(intake, fitzpatrick=fitzpatrick))
    darker = recommend(replace(intake, fitzpatrick=fitzpatrick + 1))
    assert darker.sessions >= lighter.sessions


@given(tattoo_intakes())
def test_every_tattoo_course_stays_inside_the_policys_floor_and_ceiling(intake):
    course = recommend(intake)
    assert (
        POLICY.sessions_floor
        <= course.sessions_min
        <= course.sessions
        <= course.sessions_max
        <= POLICY.sessions_ceiling
    )
    assert course.kirby_desai == kirby_desai_score(intake.fitzpatrick, intake.tattoo)


@given(tattoo_intakes())
def test_a_simple_tattoo_plans_within_the_seeds_three_to_five_and_only_a_simple_one(intake):
    course = recommend(no_sun_extra(intake))
    if course.kirby_desai <= POLICY.tattoo.simple_score_max:
        assert SEED.minimum <= course.sessions_min <= course.sessions
        assert course.sessions <= course.sessions_max <= SEED.maximum
        assert raised_reason(course) is None
    else:
        assert course.sessions > SEED.maximum


@given(st.integers(4, 26))
def test_the_conversion_plans_fewer_picosecond_sessions_than_the_nanosecond_score(score):
    sessions = POLICY.tattoo_sessions(score)
    assert sessions >= SEED.minimum
    assert sessions <= max(SEED.minimum, score)
    assert POLICY.tattoo_sessions(score + 1) >= sessions


@given(tattoo_intakes())
def test_the_reason_names_exactly_the_features_that_raised_the_count(intake):
    """A feature raised the count if, with it at its lowest and all else the same, the score
    would convert to fewer sessions (before the course's ceiling, so a capped course still
    says why it is long)."""
    course = recommend(no_sun_extra(intake))
    reason = raised_reason(course)
    if course.sessions <= SEED.maximum:
        assert reason is None
        return
    assert reason is not None
    score = course.kirby_desai
    raised = set()
    for parameter, order in [*ORDERS.items(), ("skin type", [1])]:
        lowest = at(intake, parameter, order[0])
        without = kirby_desai_score(lowest.fitzpatrick, lowest.tattoo)
        if POLICY.tattoo_sessions(without) < POLICY.tattoo_sessions(score):
            raised.add(parameter)
    named = {
        f.parameter
        for f in features(intake.fitzpatrick, intake.tattoo)
        if f.words.lower() in reason.lower()
    }
    assert raised  # something always explains a course above the seed's range
    assert named == raised
    assert any(r.source == src.KIRBY_DESAI and r.text == reason for r in course.reasons)


def test_a_policy_that_would_plan_a_simple_tattoo_above_five_is_refused():
    with pytest.raises(ValueError, match="simple tattoo"):
        replace(POLICY, tattoo=replace(POLICY.tattoo, score_points_per_session=1))


def test_a_policy_whose_simple_tattoo_is_too_narrow_is_refused():
    with pytest.raises(ValueError, match="only a simple one"):
        replace(POLICY, tattoo=replace(POLICY.tattoo, simple_score_max=8))
