import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from planner.models import TreatmentPlan

URL = "/api/plans/preview"

PIGMENTATION = {
    "concern": "pigmentation",
    "severity": "moderate",
    "area": "medium",
    "fitzpatrick": 2,
    "sensitive_skin": False,
    "age": 35,
    "sun_exposure": "moderate",
    "uses_sunscreen": True,
}
TATTOO = PIGMENTATION | {
    "concern": "tattoo",
    "tattoo": {
        "colours": "multicolour",
        "ink": "significant",
        "scarring": "minimal",
        "layering": False,
        "location": "distal_limb",
    },
}


def post(client, payload, **extra):
    return client.post(URL, payload, content_type="application/json", **extra)


def test_the_preview_returns_the_recommended_course(client, db):
    response = post(client, PIGMENTATION)
    assert response.status_code == 200
    body = response.json()
    assert body["sessions"] == 4
    assert (body["sessions_min"], body["sessions_max"]) == (3, 4)
    assert body["interval_days"] == {"min": 14, "ideal": 28, "max": 42}
    assert body["first_results_weeks"] == {"from": 2, "to": 3}
    assert body["review_after_session"] == 3
    assert body["kirby_desai"] is None
    assert body["flags"] == []
    assert body["requires_doctor_review"] is False
    assert body["combination_therapy"] is False
    assert body["policy_version"]
    assert all(set(reason) == {"text", "source"} for reason in body["reasons"])


def test_the_preview_scores_a_tattoo(client, db):
    body = post(client, TATTOO).json()
    assert body["kirby_desai"] == 2 + 5 + 4 + 4 + 1 + 0
    # Picosecond sessions: half the score, rounded up (policy.TattooRule).
    assert body["sessions"] == 8


def test_screening_answers_raise_flags(client, db):
    body = post(client, PIGMENTATION | {"screening": {"sunburn_now": True}}).json()
    assert [flag["code"] for flag in body["flags"]] == ["sunburn_now"]
    assert body["flags"][0]["kind"] == "hard_stop"
    assert body["requires_doctor_review"] is True
    assert body["booking_blocked"] is True


def test_the_preview_stores_nothing_about_the_patient(client, db):
    with CaptureQueriesContext(connection) as queries:
        post(client, PIGMENTATION)
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))
    ]
    assert writes == []
    assert not TreatmentPlan.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (PIGMENTATION | {"fitzpatrick": 7}, "fitzpatrick"),
        (PIGMENTATION | {"age": 3}, "age"),
        (PIGMENTATION | {"concern": "freckles"}, "concern"),
        (PIGMENTATION | {"sun_exposure": "lots"}, "sun_exposure"),
        ({k: v for k, v in PIGMENTATION.items() if k != "severity"}, "severity"),
        (PIGMENTATION | {"colour": "red"}, "colour"),
        (TATTOO | {"tattoo": TATTOO["tattoo"] | {"location": "elbow"}}, "location"),
        (PIGMENTATION | {"screening": {"pregnant": "perhaps"}}, "pregnant"),
    ],
)
def test_bad_input_answers_422_naming_the_field(client, db, payload, field):
    response = post(client, payload)
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert any(field in map(str, error["loc"]) for error in errors), errors


def test_a_tattoo_without_its_details_is_422(client, db):
    response = post(client, PIGMENTATION | {"concern": "tattoo"})
    assert response.status_code == 422
    assert "tattoo details are needed" in response.content.decode()


def test_tattoo_details_for_another_concern_are_422(client, db):
    response = post(client, TATTOO | {"concern": "melasma"})
    assert response.status_code == 422


@pytest.mark.parametrize("body", ["12345", "[]", '"x"', "null"])
def test_a_body_that_is_not_a_json_object_is_422(client, db, body):
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payload"]
    assert error["msg"] == "The body must be a JSON object, such as {}."


def test_malformed_json_is_a_client_error(client, db):
    response = client.post(URL, "{not json", content_type="application/json")
    assert 400 <= response.status_code < 500


def test_the_preview_is_rate_limited_per_address(client, db):
    statuses = [post(client, PIGMENTATION, REMOTE_ADDR="10.0.0.1").status_code for _ in range(31)]
    assert statuses[:30] == [200] * 30
    assert statuses[30] == 429
    assert post(client, PIGMENTATION, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(client, db):
    statuses = [
        post(
            client, PIGMENTATION, REMOTE_ADDR="10.0.0.9", HTTP_X_FORWARDED_FOR=f"1.2.3.{n}"
        ).status_code
        for n in range(31)
    ]
    assert statuses[30] == 429


def test_the_openapi_schema_documents_the_preview(client, db):
    schema = client.get("/api/openapi.json").json()
    operation = schema["paths"]["/api/plans/preview"]["post"]
    assert "requestBody" in operation
    response = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    name = response.rsplit("/", 1)[-1]
    properties = schema["components"]["schemas"][name]["properties"]
    assert {"sessions", "interval_days", "kirby_desai", "reasons", "policy_version"} <= set(
        properties
    )


def test_the_api_asks_every_screening_question_of_the_policy(client, db):
    from planner.rules import POLICY

    schema = client.get("/api/openapi.json").json()
    asked = set(schema["components"]["schemas"]["ScreeningIn"]["properties"])
    assert asked == {rule.answer for rule in POLICY.screening}
