"""Care around a laser session, as the patient's course timeline shows it: what to do before the
next session (pre-care) and after the last (aftercare). Each piece of advice is `Cited` like a
policy rule: a seed's own words where a seed says it, else the reference or the clinic's
screening standard that the matching screening question already stands on (policy.py)."""

from __future__ import annotations

from planner.rules import sources as src
from planner.rules.entries import Cited
from planner.rules.words import gettext_noop

_Q_SUN_HEALING = (
    "Sun exposure can increase the workload on the skin, making it harder for the skin to "
    "rejuvenate and heal efficiently."
)
_Q_REDNESS = (
    "This is a normal reaction to the laser energy and typically subsides within a few hours "
    "to a few days, depending on the intensity of the treatment."
)
_Q_AFTER = (
    "It\u2019s important to follow post-treatment care instructions provided by your healthcare "
    "professional, which may include moisturizing the skin, avoiding direct sun exposure, and "
    "using sunscreen to protect the treated area."
)
_Q_KEEPS_IMPROVING = (
    "Results can continue to improve over several weeks or months as the skin undergoes its "
    "natural healing and rejuvenation processes."
)

PRE_CARE: tuple[Cited, ...] = (
    Cited(
        gettext_noop(
            "No tanning and no unprotected sun before your session: wear sunscreen every day."
        ),
        src.SEED_HOW_OFTEN,
        _Q_SUN_HEALING,
    ),
    Cited(
        gettext_noop("Stop retinoid creams (retinol, tretinoin) and acid peels a week before."),
        src.CLINIC_SCREENING,
    ),
    Cited(
        gettext_noop(
            "Tell us before you come if you have a cold sore, an infection or sunburn where you "
            "are "
            "treated: it must heal first."
        ),
        src.HERPES,
    ),
)

AFTERCARE: tuple[Cited, ...] = (
    Cited(
        gettext_noop(
            "Some redness or mild swelling is normal; it settles within a few hours to a few days."
        ),
        src.SEED_HOW_OFTEN,
        _Q_REDNESS,
    ),
    Cited(
        gettext_noop(
            "Moisturise the treated skin, keep it out of direct sun, and wear sunscreen every day."
        ),
        src.SEED_HOW_OFTEN,
        _Q_AFTER,
    ),
    Cited(
        gettext_noop("Your skin keeps improving for weeks or months after the last session."),
        src.SEED_HOW_OFTEN,
        _Q_KEEPS_IMPROVING,
    ),
)
