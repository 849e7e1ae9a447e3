"""Every rule names its source, and every seed quotation is found verbatim in its seed."""

from pathlib import Path

import pytest

from planner.rules import POLICY
from planner.rules import sources as src
from planner.rules.policy import Cited

SHARED = Path(__file__).resolve().parents[3] / "shared"


def all_cited() -> list[Cited]:
    cited: list[Cited] = []
    for value in vars(POLICY).values():
        if isinstance(value, Cited):
            cited.append(value)
    for rule in [*POLICY.concerns.values(), POLICY.tattoo]:
        for value in vars(rule).values():
            if isinstance(value, Cited):
                cited.append(value)
    cited.extend(Cited(r.flag, r.source, r.quote) for r in POLICY.screening)
    return cited


def test_the_seeds_are_beside_the_project():
    assert (SHARED / src.SEED_HOW_OFTEN).is_file()
    assert (SHARED / src.SEED_HOW_MANY).is_file()


@pytest.mark.parametrize("cited", all_cited(), ids=lambda c: c.text[:40])
def test_a_seed_citation_quotes_its_seed_word_for_word(cited):
    assert cited.text
    assert cited.source
    if cited.source.startswith("seeds/"):
        seed = (SHARED / cited.source).read_text()
        assert cited.quote, "a rule that stands on a seed quotes the sentence"
        assert cited.quote in " ".join(seed.split())


@pytest.mark.parametrize("seed", [src.SEED_HOW_OFTEN, src.SEED_HOW_MANY])
def test_a_seed_is_shown_by_the_title_and_clinic_its_own_text_gives(seed):
    text = " ".join((SHARED / seed).read_text().split())
    shown = src.citation(seed)
    assert shown.title in text[:200], "the title is how the article opens"
    assert shown.by in text
    assert shown.url == "" or shown.url in text
    assert "seeds/" not in str(shown)


@pytest.mark.parametrize(
    "reference", [src.KIRBY_DESAI, src.SAEDI_2012, src.BERNSTEIN_2015, src.CLINIC_TATTOO_CONVERSION]
)
def test_a_published_reference_is_shown_as_it_is_cited(reference):
    assert str(src.citation(reference)) == reference


def test_the_tattoo_rule_cites_the_picosecond_trials_and_owns_its_conversion():
    assert POLICY.tattoo.picosecond_reason.source == src.SAEDI_2012
    assert POLICY.tattoo.harder_reason.source == src.BERNSTEIN_2015
    assert POLICY.tattoo.conversion_reason.source == src.CLINIC_TATTOO_CONVERSION
    assert "clinic's own" in src.CLINIC_TATTOO_CONVERSION
