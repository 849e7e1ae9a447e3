"""What the API answers when it refuses a call, how it documents that, and its docs page.

The test client skips Django's CSRF check unless asked: these tests ask (`enforce_csrf_checks`),
as a browser or curl would meet it."""

import re
from datetime import date

import pytest
import time_machine
from django.contrib.staticfiles import finders
from django.test import Client

from bookings.models import Appointment
from clinic.api_auth import api_token_create
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import local, make_clinic, utc
from tests.planner.intakes import intake

JSON = "application/json"
FIRST = local(date(2027, 3, 1), 10)


@pytest.fixture(autouse=True)
def _before_the_course():
    with time_machine.travel(utc(2027, 2, 20), tick=False):
        yield


@pytest.fixture
def plan(db, alice, doctor):
    make_clinic()
    plan = plan_create(patient=alice, intake=intake())
    plan = plan_adjust(
        plan=plan, doctor=doctor, reason="3-weekly", window=Window(14, 21, 28), sessions=4
    )
    return plan_approve(plan=plan, doctor=doctor)


def calls(plan):
    return [
        ("post", f"/api/courses/{plan.pk}/proposal", {}),
        ("post", f"/api/courses/{plan.pk}/booking", {"fingerprint": "x"}),
        ("get", f"/api/courses/{plan.pk}/sessions", None),
        ("get", f"/api/courses/{plan.pk}/replan", None),
        ("post", f"/api/courses/{plan.pk}/replan", {"fingerprint": "x"}),
        ("post", "/api/appointments/1/move", {"starts_at": FIRST.isoformat()}),
        ("post", "/api/appointments/1/cancel", {"reason": "x"}),
    ]


def call(client, method, url, body):
    if method == "get":
        return client.get(url)
    return client.post(url, body, content_type=JSON)


def browser(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def test_a_call_without_credentials_answers_401_with_a_message(plan):
    for method, url, body in calls(plan):
        response = call(browser(), method, url, body)
        assert response.status_code == 401, (url, response.content)
        assert "Bearer" in response.json()["detail"]
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_bad_token_answers_401_not_a_csrf_failure(plan):
    client = Client(enforce_csrf_checks=True, headers={"authorization": "Bearer nope"})
    for method, url, body in calls(plan):
        assert call(client, method, url, body).status_code == 401, url


def test_a_logged_in_browser_post_without_its_csrf_token_is_refused(plan, alice):
    client = browser(alice)
    response = call(client, "post", f"/api/courses/{plan.pk}/proposal", {})
    assert response.status_code == 403
    assert "X-CSRFToken" in response.json()["detail"]
    # Reads need no token; a write with the page's token goes through.
    assert client.get(f"/api/courses/{plan.pk}/sessions").status_code == 200
    client.get("/api/docs")  # any page that uses the token sets its cookie
    token = client.cookies["csrftoken"].value
    response = client.post(
        f"/api/courses/{plan.pk}/proposal", {}, content_type=JSON, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.content


def test_a_bearer_token_needs_no_csrf_token(plan, alice):
    _, key = api_token_create(user=alice, name="phone")
    client = browser(alice)  # a session cookie too: the token still decides
    response = client.post(
        f"/api/courses/{plan.pk}/proposal",
        {},
        content_type=JSON,
        headers={"authorization": f"Bearer {key}"},
    )
    assert response.status_code == 200, response.content
    assert not Appointment.objects.exists()


# What each operation can answer besides success (and the code that answers it).
REFUSALS = {
    ("get", "/api/availability"): {"404", "422", "429"},
    ("get", "/api/treatment-types"): set(),
    ("post", "/api/courses/{plan_id}/proposal"): {"401", "403", "404", "409", "422"},
    ("post", "/api/courses/{plan_id}/booking"): {"401", "403", "404", "409", "422"},
    ("get", "/api/courses/{plan_id}/sessions"): {"401", "404", "422"},
    ("get", "/api/courses/{plan_id}/replan"): {"401", "404", "409", "422"},
    ("post", "/api/courses/{plan_id}/replan"): {"401", "403", "404", "409", "422"},
    ("post", "/api/appointments/{appointment_id}/move"): {"401", "403", "404", "409", "422"},
    ("post", "/api/appointments/{appointment_id}/cancel"): {"401", "403", "404", "422"},
    ("post", "/api/plans/preview"): {"422", "429"},
    ("get", "/api/records/{appointment_id}"): {"401", "404", "422"},
    ("put", "/api/records/{appointment_id}"): {"401", "403", "404", "409", "422"},
    ("post", "/api/records/{appointment_id}/sign"): {"401", "403", "404", "409", "422"},
}


def test_the_schema_documents_each_refusal_with_its_message(client, db):
    schema = client.get("/api/openapi.json").json()
    for (method, path), codes in REFUSALS.items():
        responses = schema["paths"][path][method]["responses"]
        assert {code for code in responses if code.startswith("4")} == codes, path
        for code in codes:
            ref = responses[code]["content"][JSON]["schema"]["$ref"]
            assert ref.endswith("/Invalid" if code == "422" else "/Message"), (path, code)
    message = schema["components"]["schemas"]["Message"]
    assert message["required"] == ["detail"]
    assert message["properties"]["detail"]["type"] == "string"


def test_every_course_and_calendar_operation_is_listed_above(client, db):
    schema = client.get("/api/openapi.json").json()
    operations = {(method, path) for path, methods in schema["paths"].items() for method in methods}
    assert operations == set(REFUSALS)


def test_the_docs_page_loads_nothing_from_another_host(client, db):
    page = client.get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html), html
    assert "cdn" not in html.lower()
    sources = re.findall(r"""(?:src|href)="/static/([^"]+)""", html)
    assert any(s.endswith("swagger-ui-bundle.js") for s in sources), sources
    assert any(s.endswith("swagger-ui.css") for s in sources), sources
    for source in sources:
        assert finders.find(source), f"{source} is not in the project's static files"
    assert '"url": "/api/openapi.json"' in html
    assert '"validatorUrl": null' in html
