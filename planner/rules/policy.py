"""The planning policy: every number the planner uses, in one table a doctor can read.

A plan records the version it was made under. Change a number here, bump VERSION, and say why in
the commit. Each entry names its source (see `sources`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from planner.rules import sources as src
from planner.rules.entries import (
    Cited,
    ConcernRule,
    FlagKind,
    Policy,
    ScreeningRule,
    SessionRange,
    TattooRule,
    Window,
)
from planner.rules.intake import Concern, Severity
from planner.rules.words import gettext_noop

__all__ = [
    "POLICY",
    "VERSION",
    "Cited",
    "ConcernRule",
    "FlagKind",
    "Policy",
    "ScreeningRule",
    "SessionRange",
    "TattooRule",
    "Window",
]

# 2026.11-2: tattoos are planned in picosecond sessions converted from the Kirby-Desai score
# (`TattooRule`), no longer the nanosecond score itself.
VERSION = "2026.11-2"


def _by_severity(
    mild: tuple[int, int, int], moderate: tuple[int, int, int], severe: tuple[int, int, int]
) -> Mapping[Severity, SessionRange]:
    return MappingProxyType(
        {
            Severity.MILD: SessionRange(*mild),
            Severity.MODERATE: SessionRange(*moderate),
            Severity.SEVERE: SessionRange(*severe),
        }
    )


# The seeds' own words, quoted where a rule stands on them (tests find each one in its file).
_Q_LINES = (
    "If fine lines and wrinkles are your main concern, you might only need two or three "
    "treatments to reduce their appearance."
)
_Q_DEEP = "Additional treatments may be necessary for deeper or more dynamic wrinkles."
_Q_LAXITY = (
    "This estimate for the number of treatments you\u2019ll need also applies to treating skin "
    "laxity."
)
_Q_PIGMENT = (
    "It may take three or four treatments to address pigmentation issues like "
    "post-inflammatory hyperpigmentation, such as hyperpigmentation brought on by UV damage, "
    "dark spots, melasma, freckles, and other skin discolourations."
)
_Q_PIGMENT_MORE = (
    "You could require more than 4 treatments if your pigmentation issues are severe or include "
    "a greater area of skin."
)
_Q_MELASMA = (
    "For managing melasma, which can be a challenging condition to treat, a combination of "
    "several procedures may be necessary to achieve the best results compared to simply "
    "removing a tattoo."
)
_Q_ACNE = (
    "To decrease the visibility of scars and break down scar tissue, this acne scar removal "
    "normally only needs 4 sessions."
)
_Q_FACTORS = (
    "The number of sessions required for pico laser treatments depends on several factors, "
    "including your skin condition, healing abilities, age, and lifestyle."
)
_Q_TATTOO = (
    "It should only require between 3 and 5 treatments to completely remove the tattoo, "
    "depending on the pigmentation, style, and colour of the individual tattoo."
)
_Q_TEN = "Most patients require about 10 treatments to achieve their ideal appearance goals."
_Q_SPACING = (
    "These treatments are spaced about by at least 2 to 4 weeks, or sometimes as long as 8 weeks "
    "if you have sensitive skin or a darker complexion."
)
_Q_SUN = (
    "individuals who frequently expose their skin to the sun without using sunblock may require "
    "additional sessions."
)
_Q_SUN_HEALING = (
    "Sun exposure can increase the workload on the skin, making it harder for the skin to "
    "rejuvenate and heal efficiently."
)
_Q_REVIEW = "Generally speaking, majority would see improvement after 2nd or 3rd treatment."
_Q_FIRST = (
    "The majority of individuals see their first findings two to three weeks following their "
    "initial session."
)
_Q_MATURE = (
    "You might not see benefits for three to four weeks after your initial session, depending "
    "on your specific skin problem, including your skin type, skin tone, and the seriousness of "
    "your skin concern."
)

_LINES = _by_severity(mild=(2, 2, 3), moderate=(2, 3, 3), severe=(3, 4, 5))
_PIGMENT = _by_severity(mild=(3, 3, 4), moderate=(3, 4, 4), severe=(4, 5, 6))
_LINES_REASON = Cited(
    gettext_noop(
        "For fine lines and wrinkles, two or three sessions are usually enough when they are "
        "modest."
    ),
    src.SEED_HOW_MANY,
    _Q_LINES,
)
_DEEP_REASON = Cited(
    gettext_noop("Deeper or more dynamic wrinkles need additional sessions."),
    src.SEED_HOW_MANY,
    _Q_DEEP,
)
_PIGMENT_SEVERE = Cited(
    gettext_noop("Severe pigmentation can need more than four sessions."),
    src.SEED_HOW_MANY,
    _Q_PIGMENT_MORE,
)
_PIGMENT_AREA = Cited(
    gettext_noop("Pigmentation over a larger area of skin can need more than four sessions."),
    src.SEED_HOW_MANY,
    _Q_PIGMENT_MORE,
)

POLICY = Policy(
    version=VERSION,
    sessions_floor=2,
    sessions_ceiling=10,
    sessions_ceiling_reason=Cited(
        gettext_noop(
            "Most patients need at most about 10 sessions to reach their goals, so a course holds "
            "no more than 10; the doctor reviews progress before planning any further sessions."
        ),
        src.SEED_HOW_OFTEN,
        _Q_TEN,
    ),
    window_floor_days=14,
    window_ceiling_days=56,
    concerns=MappingProxyType(
        {
            Concern.FINE_LINES: ConcernRule(_LINES, _LINES_REASON, _DEEP_REASON),
            Concern.WRINKLES: ConcernRule(_LINES, _LINES_REASON, _DEEP_REASON),
            Concern.SKIN_LAXITY: ConcernRule(
                _LINES,
                Cited(
                    gettext_noop(
                        "Skin laxity takes about as many sessions as fine lines: two or three when "
                        "modest."
                    ),
                    src.SEED_HOW_MANY,
                    _Q_LAXITY,
                ),
                Cited(
                    gettext_noop("More marked laxity needs additional sessions."),
                    src.SEED_HOW_MANY,
                    _Q_DEEP,
                ),
            ),
            Concern.PIGMENTATION: ConcernRule(
                _PIGMENT,
                Cited(
                    gettext_noop(
                        "Pigmentation (dark spots, sun damage, freckles, marks left by "
                        "inflammation) "
                        "usually takes three or four sessions."
                    ),
                    src.SEED_HOW_MANY,
                    _Q_PIGMENT,
                ),
                _PIGMENT_SEVERE,
                large_area_extra=1,
                large_area_reason=_PIGMENT_AREA,
            ),
            Concern.MELASMA: ConcernRule(
                _PIGMENT,
                Cited(
                    gettext_noop(
                        "Melasma is a pigmentation concern and usually takes three or four "
                        "sessions."
                    ),
                    src.SEED_HOW_MANY,
                    _Q_PIGMENT,
                ),
                _PIGMENT_SEVERE,
                large_area_extra=1,
                large_area_reason=_PIGMENT_AREA,
                combination_therapy=Cited(
                    gettext_noop(
                        "Melasma is hard to treat: a combination of procedures may be needed for "
                        "the "
                        "best result, and your doctor will discuss it with you."
                    ),
                    src.SEED_HOW_OFTEN,
                    _Q_MELASMA,
                ),
            ),
            Concern.ACNE_SCARS: ConcernRule(
                _by_severity(mild=(4, 4, 5), moderate=(4, 4, 5), severe=(4, 5, 6)),
                Cited(
                    gettext_noop("Acne and other scars normally need four sessions."),
                    src.SEED_HOW_MANY,
                    _Q_ACNE,
                ),
                Cited(
                    gettext_noop(
                        "Deeper scarring takes longer: how many sessions you need depends on your "
                        "skin's condition."
                    ),
                    src.SEED_HOW_OFTEN,
                    _Q_FACTORS,
                ),
            ),
            Concern.TATTOO: ConcernRule(
                _by_severity(mild=(3, 4, 5), moderate=(3, 4, 5), severe=(3, 4, 5)),
                Cited(
                    gettext_noop(
                        "Removing a tattoo usually takes three to five sessions, depending on its "
                        "pigment, style and colours."
                    ),
                    src.SEED_HOW_MANY,
                    _Q_TATTOO,
                ),
            ),
        }
    ),
    standard_window=Window(min_days=14, ideal_days=28, max_days=42),
    slower_window=Window(min_days=28, ideal_days=42, max_days=56),
    slowest_window=Window(min_days=28, ideal_days=49, max_days=56),
    standard_window_reason=Cited(
        gettext_noop(
            "Sessions are spaced at least two to four weeks apart, so the plan aims for four weeks."
        ),
        src.SEED_HOW_OFTEN,
        _Q_SPACING,
    ),
    slower_window_reason=Cited(
        gettext_noop(
            "Sensitive skin and darker complexions need longer between sessions, up to eight weeks."
        ),
        src.SEED_HOW_OFTEN,
        _Q_SPACING,
    ),
    darker_from_fitzpatrick=4,
    sun_without_sunscreen_extra=1,
    sun_reason=Cited(
        gettext_noop(
            "Frequent sun without sunscreen makes it harder for the skin to heal, so one more "
            "session is planned."
        ),
        src.SEED_HOW_OFTEN,
        _Q_SUN,
    ),
    review_after_short=2,
    review_after_long=3,
    short_course_max=3,
    review_reason=Cited(
        gettext_noop(
            "Most patients see improvement after the second or third session, so the doctor "
            "reviews "
            "your progress then."
        ),
        src.SEED_HOW_OFTEN,
        _Q_REVIEW,
    ),
    mature_skin_age=50,
    first_results_weeks=(2, 3),
    slower_first_results_weeks=(3, 4),
    first_results_reason=Cited(
        gettext_noop("Most people see first results two to three weeks after their first session."),
        src.SEED_HOW_MANY,
        _Q_FIRST,
    ),
    slower_first_results_reason=Cited(
        gettext_noop(
            "Mature skin, and more serious concerns, take longer to show results: often three to "
            "four weeks, because skin renews itself more slowly with age (28 to 40 days a cycle)."
        ),
        src.SEED_HOW_MANY,
        _Q_MATURE,
    ),
    screening=(
        ScreeningRule(
            "pregnant",
            FlagKind.HARD_STOP,
            gettext_noop("Are you pregnant, or could you be?"),
            gettext_noop("Pregnancy: laser treatment is postponed until after the pregnancy."),
            src.CLINIC_SCREENING,
        ),
        ScreeningRule(
            "gold_therapy_ever",
            FlagKind.HARD_STOP,
            gettext_noop(
                "Have you ever been treated with gold injections or tablets (for example for "
                "arthritis)?"
            ),
            gettext_noop("Gold therapy: laser light can permanently darken skin that holds gold."),
            src.CHRYSIASIS,
        ),
        ScreeningRule(
            "active_infection_at_site",
            FlagKind.HARD_STOP,
            gettext_noop(
                "Do you have an infection, open wound or cold sore where you want treatment?"
            ),
            gettext_noop(
                "Active infection or cold sore at the treatment site: it must heal first."
            ),
            src.HERPES,
        ),
        ScreeningRule(
            "sunburn_now",
            FlagKind.HARD_STOP,
            gettext_noop("Is the skin to be treated sunburnt now?"),
            gettext_noop("Sunburn: the skin must recover before any laser session."),
            src.SEED_HOW_OFTEN,
            _Q_SUN_HEALING,
        ),
        ScreeningRule(
            "isotretinoin_last_6_months",
            FlagKind.DOCTOR_REVIEW,
            gettext_noop(
                "Have you taken isotretinoin (Roaccutane, Accutane) in the last 6 months?"
            ),
            gettext_noop("Isotretinoin in the last 6 months."),
            src.ISOTRETINOIN,
        ),
        ScreeningRule(
            "photosensitising_drugs_or_disease",
            FlagKind.DOCTOR_REVIEW,
            gettext_noop(
                "Do you take medicines that make you sensitive to light, or have a condition made "
                "worse by light (such as lupus)?"
            ),
            gettext_noop("Photosensitising medicine or light-sensitive condition."),
            src.CLINIC_SCREENING,
        ),
        ScreeningRule(
            "tan_or_strong_sun_last_4_weeks",
            FlagKind.DOCTOR_REVIEW,
            gettext_noop(
                "Have you had a tan, a sunbed or strong sun on the area in the last 4 weeks?"
            ),
            gettext_noop("Tan or strong sun in the last 4 weeks."),
            src.SEED_HOW_OFTEN,
            _Q_SUN_HEALING,
        ),
        ScreeningRule(
            "keloid_or_hypertrophic_scarring",
            FlagKind.DOCTOR_REVIEW,
            gettext_noop("Do you form raised or thick scars (keloids)?"),
            gettext_noop("Keloid or hypertrophic scarring."),
            src.CLINIC_SCREENING,
        ),
        ScreeningRule(
            "anticoagulants",
            FlagKind.DOCTOR_REVIEW,
            gettext_noop(
                "Do you take blood thinners (for example warfarin, apixaban, or daily aspirin)?"
            ),
            gettext_noop("Anticoagulants."),
            src.CLINIC_SCREENING,
        ),
        ScreeningRule(
            "immunosuppressed",
            FlagKind.DOCTOR_REVIEW,
            gettext_noop("Is your immune system weakened by illness or medicines?"),
            gettext_noop("Immunosuppression."),
            src.CLINIC_SCREENING,
        ),
        ScreeningRule(
            "topical_retinoids_or_acids_last_week",
            FlagKind.DOCTOR_REVIEW,
            gettext_noop(
                "Have you used retinoid creams (retinol, tretinoin) or acid peels in the last week?"
            ),
            gettext_noop("Topical retinoids or acids in the last week."),
            src.CLINIC_SCREENING,
        ),
        ScreeningRule(
            "history_of_pih",
            FlagKind.DOCTOR_REVIEW,
            gettext_noop("Has your skin ever darkened after a spot, injury or treatment healed?"),
            gettext_noop("History of post-inflammatory hyperpigmentation."),
            src.CLINIC_SCREENING,
        ),
    ),
    tattoo=TattooRule(
        score_points_per_session=2,
        simple_score_max=10,
        spread=1,
        picosecond_reason=Cited(
            gettext_noop(
                "The Kirby-Desai scale was made with older nanosecond lasers; a picosecond laser "
                "needs fewer sessions: in a trial, most darkly pigmented tattoos were more than "
                "three-quarters cleared after two to four picosecond sessions (4.25 on average)."
            ),
            src.SAEDI_2012,
        ),
        conversion_reason=Cited(
            gettext_noop(
                "The clinic found no published rule for converting the score to picosecond "
                "sessions, so it plans one session for every two points of the score, rounded up, "
                "and never fewer than three."
            ),
            src.CLINIC_TATTOO_CONVERSION,
        ),
        harder_reason=Cited(
            gettext_noop(
                "Harder tattoos take longer even with a picosecond laser: in a trial on "
                "multicoloured tattoos, about four-fifths of the ink had cleared after six or "
                "seven "
                "sessions on average."
            ),
            src.BERNSTEIN_2015,
        ),
    ),
)
