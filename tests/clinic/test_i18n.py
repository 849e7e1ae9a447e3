"""A patient reads every page in the language on their profile; a visitor in the one they chose
with the switcher (kept in a cookie), else their browser's. The catalogues shipped with the
code are complete and compiled: no untranslated or fuzzy entry, no .mo older than its .po."""

import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.languages import profile_language, supported
from clinic.models import Language, PatientProfile
from tests.conftest import PASSWORD, client_for

LOCALE = Path(settings.BASE_DIR) / "locale"
CATALOGUES = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
NOW = "2027-03-10T09:00:00+00:00"

# language: (the log-in button, the intake's "Save and continue", a day as the profile shows it)
WORDS = {
    "en-gb": ("Log in", "Save and continue", "10 Mar 2027"),
    "ms": ("Log masuk", "Simpan dan teruskan", "10 Mac 2027"),
    "zh-hans": ("登录", "保存并继续", "2027年3月10日"),
}


def reading(user, language):
    PatientProfile.objects.filter(user=user).update(
        language=profile_language(language), date_of_birth=date(1990, 5, 17)
    )
    return client_for(user)


@pytest.mark.parametrize("language", WORDS)
def test_the_login_page_is_in_the_visitors_browser_language(client, language):
    login, _, _ = WORDS[language]
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=language)
    assert page["Content-Language"] == language
    html = page.content.decode()
    assert f'<html lang="{language}">' in html
    assert f'<button type="submit" class="btn btn-clinic w-100">{login}</button>' in html


@pytest.mark.parametrize("language", WORDS)
@time_machine.travel(NOW, tick=False)
def test_a_patients_intake_and_profile_are_in_their_language(alice, language):
    _, save, day = WORDS[language]
    client = reading(alice, language)
    # A browser asking for another language changes nothing: the profile wins.
    other = "zh-hans" if language != "zh-hans" else "ms"
    start = client.get(reverse("intake-start"), HTTP_ACCEPT_LANGUAGE=other)
    page = client.get(start["Location"], HTTP_ACCEPT_LANGUAGE=other).content.decode()
    assert f'<html lang="{language}">' in page
    assert save in page
    client.post(reverse("photo-my-consent"), {"scope": "medical_record", "action": "give"})
    page = client.get(reverse("profile")).content.decode()
    assert day in page


def test_the_intake_marks_answered_sections_without_a_label_on_an_icon(alice):
    client = reading(alice, "ms")
    start = client.get(reverse("intake-start"))
    data = {"concern": "pigmentation", "area": "medium", "severity": "moderate"}
    client.post(start["Location"], data | {"sensitive_skin": "no", "next": ""})
    page = client.get(start["Location"]).content.decode()
    # axe's aria-prohibited-attr: an <i> without a role may not carry aria-label.
    assert 'aria-label="answered"' not in page
    assert '<span class="visually-hidden">telah dijawab</span>' in page


def test_a_visitors_choice_sticks_on_every_page_after(client):
    page = client.get(reverse("login")).content.decode()
    assert 'action="/i18n/setlang/"' in page
    assert '<option value="zh-hans" lang="zh-hans">简体中文</option>' in page
    response = client.post(
        "/i18n/setlang/", {"language": "zh-hans", "next": reverse("password_reset")}
    )
    assert response["Location"] == reverse("password_reset")
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    for url in (reverse("password_reset"), reverse("login")):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE="ms").content.decode()
        assert '<html lang="zh-hans">' in page
        assert '<option value="zh-hans" lang="zh-hans" selected>' in page


def test_a_language_the_clinic_does_not_ship_shows_the_clinics_language(client):
    # Django's own French catalogue makes set_language keep "fr"; the clinic has no French.
    client.post("/i18n/setlang/", {"language": "fr"})
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="en-gb">' in page
    assert "Connexion" not in page


def test_a_patients_profile_language_wins_over_the_switcher_after_login(alice):
    PatientProfile.objects.filter(user=alice).update(language=Language.MALAY)
    client = Client()
    client.post("/i18n/setlang/", {"language": "zh-hans"})
    assert '<html lang="zh-hans">' in client.get(reverse("login")).content.decode()
    client.post(reverse("login"), {"username": alice.email, "password": PASSWORD})
    page = client.get(reverse("profile")).content.decode()
    assert '<html lang="ms">' in page
    assert "Butiran saya" in page
    # The footer sends a patient to their profile instead of the switcher.
    assert 'action="/i18n/setlang/"' not in page
    assert "Bahasa: Bahasa Melayu" in page
    # The cookie follows the profile: the pages after logging out stay in Malay.
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ms"


def test_changing_the_language_on_the_profile_changes_the_next_page(alice):
    client = reading(alice, "ms")
    assert '<html lang="ms">' in client.get(reverse("profile")).content.decode()
    form = {
        "first_name": "Alice",
        "last_name": "Moreau",
        "date_of_birth": "1990-05-17",
        "preferred_channel": "email",
        "language": "zh-hans",
    }
    assert client.post(reverse("profile"), form).status_code == 302
    page = client.get(reverse("profile")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert "我的资料" in page
    assert PatientProfile.objects.get(user=alice).language == "zh-hans"


def test_the_profile_offers_only_the_languages_the_clinic_ships(alice):
    page = reading(alice, "en").get(reverse("profile")).content.decode()
    assert 'value="ms"' in page
    assert 'value="zh-hans"' in page
    assert 'value="fr"' not in page
    assert 'value="es"' not in page


def test_a_patients_page_reads_their_language_once_per_session_not_per_page(alice):
    client = reading(alice, "ms")
    client.get(reverse("profile"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("profile")).content.decode()
    assert '<html lang="ms">' in page
    assert not [q for q in queries if 'SELECT "clinic_patientprofile"."language"' in q["sql"]]


def test_staff_pages_stay_in_the_clinics_language(receptionist):
    page = client_for(receptionist).get(reverse("reception-home")).content.decode()
    assert '<html lang="en-gb">' in page


def test_a_visitors_language_becomes_a_profile_value():
    assert profile_language("ms") == "ms"
    assert profile_language("zh-hans") == "zh-hans"
    assert profile_language("en-gb") == "en"
    assert profile_language("fr") == "en"
    assert profile_language(None) == "en"
    assert supported("en") == "en-gb"
    assert supported("fr") is None


def test_every_shipped_language_has_a_catalogue():
    languages = {code for code, _ in settings.LANGUAGES if not code.startswith("en")}
    assert {p.parent.parent.name.lower().replace("_", "-") for p in CATALOGUES} == languages


def _tool(name):
    found = shutil.which(name)
    assert found, f"{name} (GNU gettext) is needed to check the catalogues: apt-get install gettext"
    return found


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_entry_is_translated_and_none_is_fuzzy(po):
    untranslated = subprocess.run(
        [_tool("msgattrib"), "--untranslated", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fuzzy = subprocess.run(
        [_tool("msgattrib"), "--only-fuzzy", "--no-wrap", str(po)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "msgid " not in untranslated, f"untranslated in {po}:\n{untranslated}"
    assert "msgid " not in fuzzy, f"fuzzy in {po}:\n{fuzzy}"


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_the_compiled_catalogue_is_the_po_compiled(po, tmp_path):
    """`make messages` compiles after translating; a .po edited without it fails here."""
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run make messages"
    fresh = tmp_path / "django.mo"
    subprocess.run([_tool("msgfmt"), "--check-format", "-o", str(fresh), str(po)], check=True)
    assert fresh.read_bytes() == mo.read_bytes(), f"{mo} is not {po} compiled: make messages"
