import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from clinic.env import env_bool, env_choice, env_int, env_list, env_str, env_time_zone

ROOT = Path(__file__).resolve().parents[2]


def start_up(
    tmp_path: Path, *check_options: str, **variables: str
) -> subprocess.CompletedProcess[str]:
    """Start Django as `manage.py check` would, with these environment variables."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env |= {"VAR_DIR": str(tmp_path), **variables}
    return subprocess.run(
        [sys.executable, "manage.py", "check", *check_options],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be a boolean"),
        ("DATABASE_URL", "mysql://localhost/clinic", "DATABASE_URL must point at PostgreSQL"),
        ("DATABASE_URL", "not a url", "DATABASE_URL"),
        ("REDIS_URL", "localhost:6379", "REDIS_URL must start with redis://"),
        ("CLINIC_TIME_ZONE", "Mars/Olympus_Mons", "CLINIC_TIME_ZONE must be an IANA time zone"),
        ("CLINIC_CURRENCY", "ringgit", "CLINIC_CURRENCY must be an ISO 4217 code"),
        ("EMAIL_BACKEND", "pigeon", "EMAIL_BACKEND must be one of console, file, smtp"),
        ("EMAIL_PORT", "twenty-five", "EMAIL_PORT must be a whole number"),
        ("CONN_MAX_AGE", "-1", "CONN_MAX_AGE must be at least 0"),
    ],
)
def test_a_bad_value_stops_start_up_naming_the_variable(tmp_path, variable, value, message):
    variables = {variable: value}
    if variable == "CONN_MAX_AGE":
        variables["DATABASE_URL"] = "postgres://postgres@127.0.0.1:5432/clinic"
    result = start_up(tmp_path, **variables)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_without_a_secret_key_does_not_start(tmp_path):
    result = start_up(tmp_path, DEBUG="false")
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is false" in result.stderr


def test_the_laptop_defaults_start_with_nothing_set(tmp_path):
    result = start_up(tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "broker" / "queue").is_dir()


def test_production_settings_start_when_complete(tmp_path):
    result = start_up(
        tmp_path,
        DEBUG="false",
        SECRET_KEY="a-long-random-production-secret-0123456789",
        ALLOWED_HOSTS="clinic.example.com",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/clinic",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr


# The production settings the README gives (Configuration, Deployment), nothing more.
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "kq3v9-Xm2#pL8zR!t7Yw4bN6cJ1dF5hG0sA9eU3iO2lK8mQ7xZ6vB4nC1",
    "ALLOWED_HOSTS": "clinic.example.com",
    "CSRF_TRUSTED_ORIGINS": "https://clinic.example.com",
    "DATABASE_URL": "postgres://clinic:secret@127.0.0.1:5432/clinic",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_BACKEND": "smtp",
    "EMAIL_HOST": "smtp.example.com",
}


def test_the_deployment_checks_find_nothing_with_the_readmes_production_settings(tmp_path):
    result = start_up(tmp_path, "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_behind_a_proxy_that_redirects_to_https_itself_the_redirect_can_be_left_to_it(tmp_path):
    result = start_up(
        tmp_path, "--deploy", "--fail-level", "WARNING", **PRODUCTION, SECURE_SSL_REDIRECT="false"
    )
    assert "security.W008" in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("STAFF_SESSION_IDLE_HOURS", "0", "STAFF_SESSION_IDLE_HOURS must be at least 1"),
        ("LOGIN_FAILURE_LIMIT", "many", "LOGIN_FAILURE_LIMIT must be a whole number"),
        ("SECURE_HSTS_SECONDS", "-5", "SECURE_HSTS_SECONDS must be at least 0"),
        ("SECURE_SSL_REDIRECT", "perhaps", "SECURE_SSL_REDIRECT must be a boolean"),
    ],
)
def test_a_bad_security_setting_stops_start_up(tmp_path, variable, value, message):
    result = start_up(tmp_path, **{variable: value})
    assert result.returncode != 0
    assert message in result.stderr


def test_the_laptop_has_no_https_redirect_and_no_hsts(tmp_path):
    # `make run` runs with nothing set (DEBUG on): plain http://localhost keeps working.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DEBUG", "SECURE_"))}
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", PRINT_HTTPS_SETTINGS],
        cwd=ROOT,
        env=env | {"VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.splitlines()[-1].split() == ["False", "0", "False"], result.stderr


PRINT_HTTPS_SETTINGS = (
    "from django.conf import settings as s; "
    "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE)"
)


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("YES", True), ("off", False), ("", False)]
)
def test_booleans_read_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("FLAG", raw)
    assert env_bool("FLAG", not expected) is expected


def test_an_unset_variable_takes_its_default(monkeypatch):
    monkeypatch.delenv("UNSET_FOR_TEST", raising=False)
    assert env_str("UNSET_FOR_TEST", "x") == "x"
    assert env_bool("UNSET_FOR_TEST", True) is True
    assert env_int("UNSET_FOR_TEST", 7) == 7
    assert env_list("UNSET_FOR_TEST", ["a"]) == ["a"]
    assert env_time_zone("UNSET_FOR_TEST", "Europe/London") == "Europe/London"


def test_lists_are_comma_separated_without_blanks(monkeypatch):
    monkeypatch.setenv("HOSTS", " a.example.com, ,b.example.com ")
    assert env_list("HOSTS", []) == ["a.example.com", "b.example.com"]


def test_a_choice_outside_the_list_is_refused(monkeypatch):
    monkeypatch.setenv("CHANNEL", "fax")
    with pytest.raises(ImproperlyConfigured, match="CHANNEL must be one of email, sms"):
        env_choice("CHANNEL", "email", ["email", "sms"])


def test_a_time_zone_must_be_an_iana_name(monkeypatch):
    monkeypatch.setenv("TZ_FOR_TEST", "America/New_York")
    assert env_time_zone("TZ_FOR_TEST", "UTC") == "America/New_York"
    monkeypatch.setenv("TZ_FOR_TEST", "EST5EDT-nonsense")
    with pytest.raises(ImproperlyConfigured, match="TZ_FOR_TEST"):
        env_time_zone("TZ_FOR_TEST", "UTC")
