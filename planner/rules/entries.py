"""The shapes of the planning policy's entries: a session range, a spacing window, a cited
reason, the rule for each concern, for tattoos and for each screening question, and the policy
that holds them (its numbers are in `policy`). Each checks its own numbers as it is made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from planner.rules.intake import Concern, ScreeningAnswers, Severity


class FlagKind(StrEnum):
    # Blocks booking treatment sessions until the answer changes.
    HARD_STOP = "hard_stop"
    # A doctor reviews the intake before the plan is approved; a consultation may be booked.
    DOCTOR_REVIEW = "doctor_review"


@dataclass(frozen=True)
class SessionRange:
    minimum: int
    typical: int
    maximum: int

    def __post_init__(self) -> None:
        if not 1 <= self.minimum <= self.typical <= self.maximum:
            raise ValueError(f"A session range needs 1 <= min <= typical <= max: {self}")


@dataclass(frozen=True)
class Window:
    """Days allowed between one session and the next."""

    min_days: int
    ideal_days: int
    max_days: int

    def __post_init__(self) -> None:
        if not self.min_days <= self.ideal_days <= self.max_days:
            raise ValueError(f"A window needs min <= ideal <= max: {self}")

    def contains(self, days: int) -> bool:
        return self.min_days <= days <= self.max_days


@dataclass(frozen=True)
class Cited:
    """A sentence a patient can read and where it comes from; for a seed, also the seed's own
    words, which a test finds verbatim in the seed file."""

    text: str
    source: str
    quote: str = ""


@dataclass(frozen=True)
class ConcernRule:
    by_severity: Mapping[Severity, SessionRange]
    reason: Cited
    severe_reason: Cited | None = None
    large_area_extra: int = 0
    large_area_reason: Cited | None = None
    combination_therapy: Cited | None = None


@dataclass(frozen=True)
class TattooRule:
    """Picosecond sessions for a tattoo from its Kirby-Desai score.

    The score approximates the sessions of the nanosecond lasers the scale was made with; a
    picosecond laser needs fewer. The clinic plans one session for every
    `score_points_per_session` points, rounded up and never fewer than the seed's minimum, so a
    simple tattoo (a score up to `simple_score_max`) plans inside the seed's three to five.
    """

    score_points_per_session: int
    simple_score_max: int
    # Above the seed's range, the course's range runs this many sessions either side.
    spread: int
    # Why fewer sessions than the score; what the clinic does about it; why harder tattoos
    # still need more.
    picosecond_reason: Cited
    conversion_reason: Cited
    harder_reason: Cited


@dataclass(frozen=True)
class ScreeningRule:
    answer: str  # a field of ScreeningAnswers
    kind: FlagKind
    question: str  # asked of the patient in the intake
    flag: str  # what the doctor and the patient see when the answer is yes
    source: str
    quote: str = ""


@dataclass(frozen=True)
class Policy:
    version: str
    sessions_floor: int
    sessions_ceiling: int
    sessions_ceiling_reason: Cited
    window_floor_days: int
    window_ceiling_days: int
    concerns: Mapping[Concern, ConcernRule]
    standard_window: Window
    slower_window: Window  # sensitive skin or a darker complexion
    slowest_window: Window  # both
    standard_window_reason: Cited
    slower_window_reason: Cited
    darker_from_fitzpatrick: int
    sun_without_sunscreen_extra: int
    sun_reason: Cited
    # The doctor reviews after session `review_after_short` in courses of up to
    # `short_course_max` sessions, after `review_after_long` in longer ones.
    review_after_short: int
    review_after_long: int
    short_course_max: int
    review_reason: Cited
    mature_skin_age: int
    first_results_weeks: tuple[int, int]
    slower_first_results_weeks: tuple[int, int]
    first_results_reason: Cited
    slower_first_results_reason: Cited
    screening: tuple[ScreeningRule, ...]
    tattoo: TattooRule

    def __post_init__(self) -> None:
        # The bounds of the product (DESIGN.md, invariant 2): nothing in the table may leave them.
        for window in (self.standard_window, self.slower_window, self.slowest_window):
            if not (
                self.window_floor_days <= window.min_days
                and window.max_days <= self.window_ceiling_days
            ):
                raise ValueError(
                    f"{window} leaves {self.window_floor_days}-{self.window_ceiling_days} days"
                )
        for concern, rule in self.concerns.items():
            for severity, sessions in rule.by_severity.items():
                if not (
                    self.sessions_floor <= sessions.minimum
                    and sessions.maximum <= self.sessions_ceiling
                ):
                    raise ValueError(f"{concern}/{severity}: {sessions} leaves the session bounds")
        if set(self.concerns) != set(Concern):
            raise ValueError("Every concern needs a rule.")
        if {rule.answer for rule in self.screening} != set(ScreeningAnswers.names()):
            raise ValueError("Every screening answer needs exactly one rule.")
        if self.tattoo.score_points_per_session < 1 or self.tattoo.spread < 0:
            raise ValueError(f"{self.tattoo}: a session per at least one point, spread >= 0")
        seed = self.tattoo_seed
        simple = self.tattoo.simple_score_max
        if not self.tattoo_sessions(simple) <= seed.maximum < self.tattoo_sessions(simple + 1):
            raise ValueError(
                f"A simple tattoo (a Kirby-Desai score up to {simple}) must plan within "
                f"{seed.minimum} to {seed.maximum} sessions, and only a simple one."
            )

    @property
    def tattoo_seed(self) -> SessionRange:
        """The seed's sessions for a tattoo (the same at every severity)."""
        return self.concerns[Concern.TATTOO].by_severity[Severity.MODERATE]

    def tattoo_sessions(self, kirby_desai: int) -> int:
        """Picosecond sessions for a Kirby-Desai score, before the course's ceiling."""
        per_session = self.tattoo.score_points_per_session
        return max(self.tattoo_seed.minimum, -(-kirby_desai // per_session))

    def window_for(self, *, sensitive_skin: bool, fitzpatrick: int) -> Window:
        darker = fitzpatrick >= self.darker_from_fitzpatrick
        if sensitive_skin and darker:
            return self.slowest_window
        if sensitive_skin or darker:
            return self.slower_window
        return self.standard_window
