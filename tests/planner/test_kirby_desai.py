from hypothesis import given
from hypothesis import strategies as st

from planner.rules import (
    InkAmount,
    Scarring,
    TattooColours,
    TattooDetails,
    TattooLocation,
    kirby_desai_score,
)
from planner.rules.kirby_desai import features, in_words
from tests.planner.intakes import tattoos

EASIEST = TattooDetails(
    TattooColours.BLACK, InkAmount.AMATEUR, Scarring.NONE, False, TattooLocation.HEAD_NECK
)
HARDEST = TattooDetails(
    TattooColours.MULTICOLOUR,
    InkAmount.SIGNIFICANT,
    Scarring.SIGNIFICANT,
    True,
    TattooLocation.DISTAL_LIMB,
)


def test_the_easiest_tattoo_on_the_fairest_skin_scores_4():
    assert kirby_desai_score(1, EASIEST) == 4


def test_the_hardest_tattoo_on_the_darkest_skin_scores_26():
    assert kirby_desai_score(6, HARDEST) == 26


def test_each_parameter_adds_the_points_of_the_published_scale():
    # Kirby et al. 2009, table 1: a worked example of each parameter's contribution.
    tattoo = TattooDetails(
        TattooColours.FEW_COLOURS,
        InkAmount.MODERATE,
        Scarring.MODERATE,
        True,
        TattooLocation.LOWER_TRUNK,
    )
    assert kirby_desai_score(3, tattoo) == 3 + 3 + 3 + 3 + 3 + 2


@given(st.integers(1, 6), tattoos)
def test_every_score_lies_between_4_and_26(fitzpatrick, tattoo):
    assert 4 <= kirby_desai_score(fitzpatrick, tattoo) <= 26


@given(st.integers(1, 5), tattoos)
def test_darker_skin_never_scores_lower(fitzpatrick, tattoo):
    assert kirby_desai_score(fitzpatrick + 1, tattoo) == kirby_desai_score(fitzpatrick, tattoo) + 1


def test_the_easiest_tattoo_on_the_fairest_skin_has_no_feature_to_blame():
    assert features(1, EASIEST) == ()


def test_the_hardest_tattoo_names_every_feature_in_a_patients_words():
    text = in_words(features(6, HARDEST))
    assert text == (
        "Many colours, a lot of ink, heavy scarring, a cover-up over an older tattoo, a tattoo on "
        "the forearm, hand, lower leg or foot and darker skin (type VI)"
    )


@given(st.integers(1, 6), tattoos)
def test_the_features_add_up_to_the_score_above_its_lowest(fitzpatrick, tattoo):
    found = features(fitzpatrick, tattoo)
    assert sum(f.points for f in found) == kirby_desai_score(fitzpatrick, tattoo) - 4
    assert all(f.points > 0 and f.words for f in found)
