"""The care advice on the course timeline stands on its sources like any planner rule."""

from pathlib import Path

import pytest

from planner.rules import sources as src
from planner.rules.care import AFTERCARE, PRE_CARE

SHARED = Path(__file__).resolve().parents[3] / "shared"


@pytest.mark.parametrize("advice", PRE_CARE + AFTERCARE, ids=lambda c: c.text[:40])
def test_each_piece_of_care_advice_quotes_its_seed_or_names_its_reference(advice):
    assert advice.text
    assert advice.source
    if advice.source.startswith("seeds/"):
        assert advice.quote in " ".join((SHARED / advice.source).read_text().split())
    else:
        assert advice.source in {src.CLINIC_SCREENING, src.HERPES}


def test_aftercare_says_redness_is_normal_and_sunscreen_protects_the_skin():
    words = " ".join(advice.text for advice in AFTERCARE)
    assert "redness" in words
    assert "sunscreen" in words
