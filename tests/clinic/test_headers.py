"""Headers on every response: a Content-Security-Policy that runs no inline script, no copy of
a page kept by a browser or a proxy, HTTPS only in production (redirect and HSTS)."""

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import client_for

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_every_page_forbids_inline_scripts_and_scripts_from_elsewhere(client, db):
    policy = directives(client.get(reverse("login")))
    assert policy["script-src"][0] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert not any(s.startswith(("http", "*")) for s in policy["script-src"])
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize("url", ["/api/docs", "/admin/login/", "/reception/"])
def test_the_policy_covers_the_api_docs_the_admin_and_staff_pages(receptionist, url):
    response = client_for(receptionist).get(url)
    assert response.status_code == 200
    assert "'unsafe-inline'" not in directives(response)["script-src"]


def test_no_template_has_an_inline_script():
    """Scripts come from static files; a JSON data block (json_script) runs nothing."""
    inline = []
    for template in TEMPLATES.rglob("*.html"):
        for tag in re.findall(r"<script\b[^>]*>", template.read_text()):
            if "src=" not in tag and 'type="application/json"' not in tag:
                inline.append(f"{template.relative_to(TEMPLATES)}: {tag}")
    assert inline == []


def test_no_template_has_an_inline_event_handler():
    handlers = re.compile(r"\son[a-z]+\s*=|javascript:|hx-on", re.IGNORECASE)
    found = [
        str(t.relative_to(TEMPLATES))
        for t in TEMPLATES.rglob("*.html")
        if handlers.search(t.read_text())
    ]
    assert found == []


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("alice", "patient-home"),
        ("alice", "profile"),
        ("receptionist", "reception-home"),
        ("receptionist", "patient-list"),
        ("doctor", "doctor-home"),
        ("manager", "manager-home"),
    ],
)
def test_no_page_a_logged_in_person_sees_is_kept_by_a_browser(who, url, request):
    response = client_for(request.getfixturevalue(who)).get(reverse(url))
    assert response.status_code == 200
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_a_patients_record_in_the_admin_and_the_api_are_not_kept_either(manager, alice):
    client = client_for(manager)
    assert no_store(client.get(reverse("admin:clinic_user_change", args=[alice.pk])))
    assert no_store(client.get("/api/treatment-types"))


def test_visitors_pages_are_not_kept_either(client, db):
    assert no_store(client.get(reverse("login")))


def test_static_files_stay_cacheable(db, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/js/desk.js")
    assert response.status_code == 200
    assert not no_store(response)
    assert "Content-Security-Policy" not in response


def test_plain_http_is_redirected_to_https_in_production(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get(reverse("login"))
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_the_containers_health_check_is_answered_over_plain_http(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert Client().get(reverse("healthz")).status_code in (200, 503)


def test_a_request_the_proxy_received_over_https_is_not_redirected(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    response = Client().get(reverse("login"), headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")


def test_hsts_is_sent_only_over_https(db, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "Strict-Transport-Security" not in Client().get(reverse("login"))
    assert "Strict-Transport-Security" in Client().get(reverse("login"), secure=True)
