import pytest
from hypothesis import given
from hypothesis import strategies as st

from planner.rules.fitzpatrick import QUESTIONS, skin_type

answers = st.fixed_dictionaries({q.key: st.integers(0, 4) for q in QUESTIONS})


def all_answered(score: int) -> dict[str, int]:
    return {q.key: score for q in QUESTIONS}


def test_the_fairest_answers_give_type_1_and_the_darkest_type_6():
    assert skin_type(all_answered(0)) == 1
    assert skin_type(all_answered(4)) == 6


@pytest.mark.parametrize(
    ("total", "expected"),
    [
        (0, 1),
        (6, 1),
        (7, 2),
        (13, 2),
        (14, 3),
        (20, 3),
        (21, 4),
        (27, 4),
        (28, 5),
        (34, 5),
        (35, 6),
        (40, 6),
    ],
)
def test_each_band_of_totals_gives_its_type(total, expected):
    scores = {q.key: 0 for q in QUESTIONS}
    for q in QUESTIONS:
        scores[q.key] = min(4, total)
        total -= scores[q.key]
    assert skin_type(scores) == expected


def test_a_questionnaire_left_half_done_is_refused():
    half = dict(list(all_answered(2).items())[:5])
    with pytest.raises(ValueError, match="missing: tan_degree, tan_speed"):
        skin_type(half)


@given(answers, st.sampled_from([q.key for q in QUESTIONS]))
def test_a_darker_answer_never_gives_a_lighter_type(scores, key):
    if scores[key] < 4:
        darker = scores | {key: scores[key] + 1}
        assert skin_type(darker) >= skin_type(scores)


@given(answers)
def test_every_complete_questionnaire_gives_a_type_1_to_6(scores):
    assert 1 <= skin_type(scores) <= 6


def test_every_question_offers_five_answers():
    assert all(len(q.answers) == 5 for q in QUESTIONS)
    assert len({q.key for q in QUESTIONS}) == 10
