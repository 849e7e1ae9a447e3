"""The planner's JSON API: POST /api/plans/preview."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.throttling import UserRateThrottle
from pydantic import ConfigDict, create_model, model_validator
from pydantic_core import PydanticCustomError

from clinic.api_auth import refusals
from planner.rules import (
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
    recommend,
)
from planner.rules.intake import MAX_AGE, MIN_AGE

router = Router()


class PreviewThrottle(UserRateThrottle):
    """Per user when logged in, per address otherwise (NINJA_NUM_PROXIES says which)."""

    scope = "plan_preview"


class TattooIn(Schema):
    model_config = ConfigDict(extra="forbid")

    colours: TattooColours
    ink: InkAmount
    scarring: Scarring
    layering: bool
    location: TattooLocation


class _Strict(Schema):
    model_config = ConfigDict(extra="forbid")


# One field per screening answer of the policy, so the API asks exactly what the intake asks.
ScreeningIn = create_model(
    "ScreeningIn",
    __base__=_Strict,
    __doc__='Screening answers; any left out count as "no".',
    **{name: (bool, False) for name in ScreeningAnswers.names()},  # type: ignore[call-overload]
)


class IntakeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    concern: Concern
    severity: Severity = Field(description='For wrinkles, "severe" means deep or dynamic.')
    area: Area
    fitzpatrick: int = Field(ge=1, le=6, description="Fitzpatrick skin type, 1 to 6.")
    sensitive_skin: bool
    age: int = Field(ge=MIN_AGE, le=MAX_AGE)
    sun_exposure: SunExposure
    uses_sunscreen: bool
    tattoo: TattooIn | None = Field(None, description="Required when the concern is a tattoo.")
    screening: ScreeningIn = Field(default_factory=ScreeningIn)  # type: ignore[valid-type]

    @model_validator(mode="before")
    @classmethod
    def an_object(cls, data: Any) -> Any:
        # The body a person sent: a dict, or (from ninja) its attribute view, never a bare value.
        if data is None or isinstance(data, str | int | float | bool | list):
            raise PydanticCustomError(
                "not_an_object", "The body must be a JSON object, such as {}."
            )
        return data

    @model_validator(mode="after")
    def tattoo_only_for_tattoos(self) -> IntakeIn:
        if self.concern is Concern.TATTOO and self.tattoo is None:
            raise ValueError("tattoo details are needed when the concern is a tattoo")
        if self.concern is not Concern.TATTOO and self.tattoo is not None:
            raise ValueError("tattoo details apply only when the concern is a tattoo")
        return self

    def to_intake(self) -> Intake:
        return Intake(
            concern=self.concern,
            severity=self.severity,
            area=self.area,
            fitzpatrick=self.fitzpatrick,
            sensitive_skin=self.sensitive_skin,
            age=self.age,
            sun_exposure=self.sun_exposure,
            uses_sunscreen=self.uses_sunscreen,
            tattoo=TattooDetails(**self.tattoo.model_dump()) if self.tattoo else None,
            screening=ScreeningAnswers(**self.screening.model_dump()),
        )


class IntervalOut(Schema):
    min: int
    ideal: int
    max: int


class WeeksOut(Schema):
    from_: int = Field(alias="from")
    to: int


class FlagOut(Schema):
    code: str
    kind: str = Field(description="hard_stop (blocks booking) or doctor_review")
    text: str
    source: str


class ReasonOut(Schema):
    text: str
    source: str = Field(description="A seed file under shared/seeds/, or a published reference.")


class RecommendationOut(Schema):
    concern: Concern
    sessions: int
    sessions_min: int
    sessions_max: int
    interval_days: IntervalOut
    review_after_session: int
    first_results_weeks: WeeksOut
    combination_therapy: bool
    kirby_desai: int | None
    flags: list[FlagOut]
    requires_doctor_review: bool
    booking_blocked: bool
    reasons: list[ReasonOut]
    policy_version: str


@router.post(
    "/preview",
    response={200: RecommendationOut, **refusals(422, 429)},
    by_alias=True,
    auth=None,
    throttle=[PreviewThrottle("30/m")],
    summary="Preview the course an intake would get",
    description="Nothing about the patient is stored. Rate limited to 30 requests a minute.",
)
def preview(request: HttpRequest, payload: IntakeIn) -> dict[str, Any]:
    return recommend(payload.to_intake()).as_dict()
