"""The course planner's rules: a patient's intake in, a recommended course out.

Plain Python with standard-library imports only (a test enforces it), so the rules can be read by
a doctor, property-tested, and reused without Django. Every number lives in `policy.POLICY`;
every rule names its source in `sources`.
"""

from planner.rules.intake import (
    Area,
    Concern,
    InkAmount,
    Intake,
    Scarring,
    ScreeningAnswers,
    Severity,
    SunExposure,
    TattooColours,
    TattooDetails,
    TattooLocation,
    intake_from_dict,
    intake_to_dict,
)
from planner.rules.kirby_desai import kirby_desai_score
from planner.rules.policy import POLICY, Policy, Window
from planner.rules.recommend import Flag, Reason, Recommendation, recommend
from planner.rules.screening import FlagKind, screening_flags

__all__ = [
    "POLICY",
    "Area",
    "Concern",
    "Flag",
    "FlagKind",
    "InkAmount",
    "Intake",
    "Policy",
    "Reason",
    "Recommendation",
    "Scarring",
    "ScreeningAnswers",
    "Severity",
    "SunExposure",
    "TattooColours",
    "TattooDetails",
    "TattooLocation",
    "Window",
    "intake_from_dict",
    "intake_to_dict",
    "kirby_desai_score",
    "recommend",
    "screening_flags",
]
