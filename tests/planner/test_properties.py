"""Properties of the planner over every intake hypothesis can make."""

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from planner.rules import POLICY, Area, FlagKind, Severity, SunExposure, recommend
from tests.planner.intakes import intakes

SEVERITY_ORDER = [Severity.MILD, Severity.MODERATE, Severity.SEVERE]
AREA_ORDER = [Area.SMALL, Area.MEDIUM, Area.LARGE]


@given(intakes())
def test_every_window_lies_inside_14_to_56_days_and_is_ordered(intake):
    window = recommend(intake).interval
    assert 14 <= window.min_days <= window.ideal_days <= window.max_days <= 56


@given(intakes())
def test_every_course_has_2_to_10_sessions_inside_its_own_range(intake):
    course = recommend(intake)
    assert 2 <= course.sessions_min <= course.sessions <= course.sessions_max <= 10
    assert 1 <= course.review_after_session <= course.sessions


@given(intakes())
def test_every_course_gives_its_reasons_with_their_sources(intake):
    course = recommend(intake)
    assert course.reasons
    assert all(reason.text.strip() and reason.source.strip() for reason in course.reasons)
    assert course.policy_version == POLICY.version


@given(intakes(), st.sampled_from(SEVERITY_ORDER[:-1]))
def test_more_severe_never_gives_fewer_sessions(intake, severity):
    worse = SEVERITY_ORDER[SEVERITY_ORDER.index(severity) + 1]
    assert (
        recommend(replace(intake, severity=worse)).sessions
        >= recommend(replace(intake, severity=severity)).sessions
    )


@given(intakes(), st.sampled_from(AREA_ORDER[:-1]))
def test_a_larger_area_never_gives_fewer_sessions(intake, area):
    larger = AREA_ORDER[AREA_ORDER.index(area) + 1]
    assert (
        recommend(replace(intake, area=larger)).sessions
        >= recommend(replace(intake, area=area)).sessions
    )


@given(intakes())
def test_no_sunscreen_in_strong_sun_never_gives_fewer_sessions(intake):
    strong = replace(intake, sun_exposure=SunExposure.HIGH)
    assert (
        recommend(replace(strong, uses_sunscreen=False)).sessions
        >= recommend(replace(strong, uses_sunscreen=True)).sessions
    )


@given(intakes())
def test_sensitive_skin_never_gives_a_shorter_ideal_gap(intake):
    assert (
        recommend(replace(intake, sensitive_skin=True)).interval.ideal_days
        >= recommend(replace(intake, sensitive_skin=False)).interval.ideal_days
    )


@given(intakes(), st.integers(1, 5))
def test_darker_skin_never_gives_a_shorter_ideal_gap(intake, fitzpatrick):
    lighter = recommend(replace(intake, fitzpatrick=fitzpatrick)).interval
    darker = recommend(replace(intake, fitzpatrick=fitzpatrick + 1)).interval
    assert darker.ideal_days >= lighter.ideal_days
    assert darker.min_days >= lighter.min_days


@given(intakes())
def test_any_screening_flag_asks_for_a_doctor_and_only_hard_stops_block_booking(intake):
    course = recommend(intake)
    assert course.requires_doctor_review == bool(course.flags)
    hard = {rule.answer for rule in POLICY.screening if rule.kind is FlagKind.HARD_STOP}
    blocked = any(getattr(intake.screening, answer) for answer in hard)
    assert course.booking_blocked == blocked


@given(intakes())
def test_the_tattoo_score_appears_only_for_tattoos(intake):
    course = recommend(intake)
    assert (course.kirby_desai is not None) == (intake.tattoo is not None)
