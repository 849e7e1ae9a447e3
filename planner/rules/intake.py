"""What the planner needs to know about a patient: the intake, as frozen dataclasses."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any


class Concern(StrEnum):
    FINE_LINES = "fine_lines"
    WRINKLES = "wrinkles"
    SKIN_LAXITY = "skin_laxity"
    PIGMENTATION = "pigmentation"
    MELASMA = "melasma"
    ACNE_SCARS = "acne_scars"
    TATTOO = "tattoo"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")


class Severity(StrEnum):
    MILD = "mild"
    MODERATE = "moderate"
    # For wrinkles, "severe" means deep or dynamic.
    SEVERE = "severe"


class Area(StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class SunExposure(StrEnum):
    LOW = "low"
    MODERATE = "moderate"
    HIGH = "high"


class TattooColours(StrEnum):
    BLACK = "black"
    BLACK_RED = "black_red"
    FEW_COLOURS = "few_colours"
    MULTICOLOUR = "multicolour"


class InkAmount(StrEnum):
    AMATEUR = "amateur"
    MINIMAL = "minimal"
    MODERATE = "moderate"
    SIGNIFICANT = "significant"


class Scarring(StrEnum):
    NONE = "none"
    MINIMAL = "minimal"
    MODERATE = "moderate"
    SIGNIFICANT = "significant"


class TattooLocation(StrEnum):
    HEAD_NECK = "head_neck"
    UPPER_TRUNK = "upper_trunk"
    LOWER_TRUNK = "lower_trunk"
    PROXIMAL_LIMB = "proximal_limb"
    DISTAL_LIMB = "distal_limb"


@dataclass(frozen=True)
class TattooDetails:
    colours: TattooColours
    ink: InkAmount
    scarring: Scarring
    layering: bool
    location: TattooLocation


@dataclass(frozen=True)
class ScreeningAnswers:
    """Yes/no answers to the screening questions of the policy (all "no" by default)."""

    pregnant: bool = False
    gold_therapy_ever: bool = False
    active_infection_at_site: bool = False
    sunburn_now: bool = False
    isotretinoin_last_6_months: bool = False
    photosensitising_drugs_or_disease: bool = False
    tan_or_strong_sun_last_4_weeks: bool = False
    keloid_or_hypertrophic_scarring: bool = False
    anticoagulants: bool = False
    immunosuppressed: bool = False
    topical_retinoids_or_acids_last_week: bool = False
    history_of_pih: bool = False

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))


MIN_AGE = 16
MAX_AGE = 110


@dataclass(frozen=True)
class Intake:
    concern: Concern
    severity: Severity
    area: Area
    fitzpatrick: int
    sensitive_skin: bool
    age: int
    sun_exposure: SunExposure
    uses_sunscreen: bool
    tattoo: TattooDetails | None = None
    screening: ScreeningAnswers = field(default_factory=ScreeningAnswers)

    def __post_init__(self) -> None:
        if not 1 <= self.fitzpatrick <= 6:
            raise ValueError("fitzpatrick: the skin type must be between 1 and 6.")
        if not MIN_AGE <= self.age <= MAX_AGE:
            raise ValueError(f"age: must be between {MIN_AGE} and {MAX_AGE}.")
        if self.concern is Concern.TATTOO and self.tattoo is None:
            raise ValueError("tattoo: tattoo details are needed when the concern is a tattoo.")
        if self.concern is not Concern.TATTOO and self.tattoo is not None:
            raise ValueError("tattoo: tattoo details apply only when the concern is a tattoo.")

    @property
    def darker_complexion(self) -> bool:
        return self.fitzpatrick >= 4


def intake_to_dict(intake: Intake) -> dict[str, object]:
    """A JSON-ready copy of the intake, kept with a plan so it can be planned again."""
    data: dict[str, object] = {
        "concern": intake.concern.value,
        "severity": intake.severity.value,
        "area": intake.area.value,
        "fitzpatrick": intake.fitzpatrick,
        "sensitive_skin": intake.sensitive_skin,
        "age": intake.age,
        "sun_exposure": intake.sun_exposure.value,
        "uses_sunscreen": intake.uses_sunscreen,
        "tattoo": None,
        "screening": {name: getattr(intake.screening, name) for name in ScreeningAnswers.names()},
    }
    if intake.tattoo is not None:
        data["tattoo"] = {
            "colours": intake.tattoo.colours.value,
            "ink": intake.tattoo.ink.value,
            "scarring": intake.tattoo.scarring.value,
            "layering": intake.tattoo.layering,
            "location": intake.tattoo.location.value,
        }
    return data


def intake_from_dict(data: dict[str, Any]) -> Intake:
    """The inverse of intake_to_dict; raises ValueError (or KeyError) on a malformed copy."""
    tattoo = data.get("tattoo")
    return Intake(
        concern=Concern(data["concern"]),
        severity=Severity(data["severity"]),
        area=Area(data["area"]),
        fitzpatrick=int(data["fitzpatrick"]),
        sensitive_skin=bool(data["sensitive_skin"]),
        age=int(data["age"]),
        sun_exposure=SunExposure(data["sun_exposure"]),
        uses_sunscreen=bool(data["uses_sunscreen"]),
        tattoo=TattooDetails(
            colours=TattooColours(tattoo["colours"]),
            ink=InkAmount(tattoo["ink"]),
            scarring=Scarring(tattoo["scarring"]),
            layering=bool(tattoo["layering"]),
            location=TattooLocation(tattoo["location"]),
        )
        if tattoo
        else None,
        screening=ScreeningAnswers(**{k: bool(v) for k, v in data.get("screening", {}).items()}),
    )
