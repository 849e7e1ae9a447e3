"""Where each rule comes from: the two clinic articles in shared/seeds/ and published papers.

A rule keeps its source as written here (a plan stores it); `citation` says how it reads to a
person: an article by its title and clinic, a paper by its reference.
"""

from __future__ import annotations

from dataclasses import dataclass

SEED_HOW_OFTEN = "seeds/000_b9626d86760139c7.txt"
SEED_HOW_MANY = "seeds/001_471068f08b0b3de9.txt"


@dataclass(frozen=True)
class Citation:
    """A source as a reader sees it: an article's title and the clinic that published it, or a
    reference as it is cited. `by` and `url` are "" where they are not known."""

    title: str
    by: str = ""
    url: str = ""

    def __str__(self) -> str:
        return f"{self.title}, {self.by}" if self.by else self.title


# The seeds' own titles (as each file opens) and the clinic each names. Neither file gives its
# address, and the second names no clinic: they are left out rather than guessed.
ARTICLES = {
    SEED_HOW_OFTEN: Citation(
        "How often should I do Pico Laser? 5 things you should know", by="Clique Clinic"
    ),
    SEED_HOW_MANY: Citation("How Many Pico Laser Sessions Do You Need?"),
}


def citation(source: str) -> Citation:
    """How `source` reads to a person: a seed by its title and clinic; anything else (a
    published reference, the clinic's own policy) as it is written."""
    return ARTICLES.get(source, Citation(source))


KIRBY_DESAI = (
    "Kirby W, Desai A, Desai T, Kartono F, Geeta P. The Kirby-Desai Scale: a proposed scale to "
    "assess tattoo-removal treatments. J Clin Aesthet Dermatol. 2009;2(3):32-37. PMC2923953"
)
FITZPATRICK = (
    "Fitzpatrick TB. The validity and practicality of sun-reactive skin types I through VI. "
    "Arch Dermatol. 1988;124(6):869-871"
)
CHRYSIASIS = (
    "Trotter MJ, Tron VA, Hollingdale J, Rivers JK. Localized chrysiasis induced by laser "
    "therapy. Arch Dermatol. 1995;131(12):1411-1414"
)
ISOTRETINOIN = (
    "Spring LK, Krakowski AC, Alam M, et al. Isotretinoin and timing of procedural "
    "interventions: a systematic review with consensus recommendations. JAMA Dermatol. "
    "2017;153(8):802-809"
)
# Picosecond trials. The Kirby-Desai scale (above, 2009) was made with nanosecond lasers; these
# report how many picosecond sessions tattoos took: darkly pigmented ones more than 75% cleared
# after 2 to 4 (4.25 on average, Saedi), multicoloured ones 79% cleared after 6.5 on average
# (Bernstein). Neither gives its tattoos' Kirby-Desai scores.
SAEDI_2012 = (
    "Saedi N, Metelitsa A, Petrell K, Arndt KA, Dover JS. Treatment of tattoos with a picosecond "
    "alexandrite laser: a prospective trial. Arch Dermatol. 2012;148(12):1360-1363. "
    "doi:10.1001/archdermatol.2012.2894"
)
BERNSTEIN_2015 = (
    "Bernstein EF, Schomacker KT, Basilavecchio LD, Plugis JM, Bhawalkar JD. A novel "
    "dual-wavelength, Nd:YAG, picosecond-domain laser safely and effectively removes multicolor "
    "tattoos. Lasers Surg Med. 2015;47:542-548"
)
HERPES = (
    "Alster TS, Nanni CA. Famciclovir prophylaxis of herpes simplex virus reactivation after "
    "laser skin resurfacing. Dermatol Surg. 1999;25(3):242-246"
)
# Items of the screening list that neither seed nor a reference above covers: they are the
# clinic's own pre-laser screening standard, and say so rather than borrow a citation.
CLINIC_SCREENING = "Clinic screening policy (standard pre-laser contraindications)"
CLINIC_POLICY = "Clinic planning policy"
# No published rule was found that turns a Kirby-Desai score into picosecond sessions: the
# conversion (half the score, policy.TattooRule) is the clinic's own, and says so. It agrees
# with the trials above for the scores such tattoos typically have (about 8 to 10 for a
# professional black tattoo, 12 to 14 for a multicoloured one).
CLINIC_TATTOO_CONVERSION = (
    "Clinic planning policy: the clinic's own conversion of the Kirby-Desai score to picosecond "
    "sessions"
)
