"""Benchmarks of the planner: the rules alone, and the preview API around them."""

import json

from django.test import Client

from clinic.bench import Timed, benchmark
from planner.rules import (
    Area,
    Concern,
    InkAmount,
    Intake,
    Scarring,
    Severity,
    SunExposure,
    TattooColours,
    TattooDetails,
    TattooLocation,
    recommend,
)

TATTOO_INTAKE = Intake(
    concern=Concern.TATTOO,
    severity=Severity.MODERATE,
    area=Area.MEDIUM,
    fitzpatrick=4,
    sensitive_skin=True,
    age=52,
    sun_exposure=SunExposure.HIGH,
    uses_sunscreen=False,
    tattoo=TattooDetails(
        TattooColours.MULTICOLOUR,
        InkAmount.MODERATE,
        Scarring.MINIMAL,
        True,
        TattooLocation.PROXIMAL_LIMB,
    ),
)


@benchmark("planner.recommend", runs=2000)
def recommend_tattoo() -> Timed:
    return lambda: recommend(TATTOO_INTAKE)


# Fewer runs than the API's rate limit (30 a minute) allows from one address.
@benchmark("api.plans_preview", runs=20, warmup=3)
def plans_preview() -> Timed:
    client = Client()
    body = json.dumps(
        {
            "concern": "melasma",
            "severity": "severe",
            "area": "large",
            "fitzpatrick": 5,
            "sensitive_skin": False,
            "age": 44,
            "sun_exposure": "high",
            "uses_sunscreen": False,
            "screening": {"history_of_pih": True},
        }
    )

    def post() -> object:
        response = client.post("/api/plans/preview", body, content_type="application/json")
        if response.status_code != 200:
            raise AssertionError(f"preview answered {response.status_code}")
        return response

    return post
