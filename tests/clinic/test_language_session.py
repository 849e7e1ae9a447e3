"""The patient's language costs a page nothing: read at login into the session the login writes
anyway, changed there by the profile form, never written on a page that only reads."""

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clinic.languages import SESSION_KEY
from clinic.models import PatientProfile
from tests.clinic.test_profile import profile_data
from tests.conftest import client_for


def session_writes(queries):
    return [q["sql"] for q in queries.captured_queries if "django_session" in q["sql"]]


def profile_reads(queries):
    return [q["sql"] for q in queries if 'SELECT "clinic_patientprofile"."language"' in q["sql"]]


def test_the_login_keeps_the_profiles_language_in_the_session(alice):
    PatientProfile.objects.filter(user=alice).update(language="ms")
    client = client_for(alice)
    assert client.session[SESSION_KEY] == [alice.pk, "ms"]


def test_a_page_neither_reads_the_profile_nor_writes_the_session(alice, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    PatientProfile.objects.filter(user=alice).update(language="zh-hans")
    client = client_for(alice)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("profile")).content.decode()
    assert '<html lang="zh-hans">' in page
    assert not profile_reads(queries)
    assert [sql for sql in session_writes(queries) if not sql.startswith("SELECT")] == []


def test_a_session_from_before_reads_the_profile_and_still_writes_nothing(alice, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    PatientProfile.objects.filter(user=alice).update(language="ms")
    client = client_for(alice)
    session = client.session
    del session[SESSION_KEY]
    session.save()
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("profile")).content.decode()
    assert '<html lang="ms">' in page
    assert len(profile_reads(queries)) == 1
    assert [sql for sql in session_writes(queries) if not sql.startswith("SELECT")] == []
    assert SESSION_KEY not in client.session


def test_a_session_that_changed_hands_never_carries_the_last_persons_language(alice, bob):
    PatientProfile.objects.filter(user=alice).update(language="ms")
    client = client_for(alice)
    session = client.session
    session[SESSION_KEY] = [bob.pk, "zh-hans"]  # kept from someone else
    session.save()
    assert '<html lang="ms">' in client.get(reverse("profile")).content.decode()


def test_the_cookie_follows_the_profile(alice):
    PatientProfile.objects.filter(user=alice).update(language="zh-hans")
    client = client_for(alice)
    client.get(reverse("profile"))
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"


def test_the_profile_says_it_saved_in_the_language_just_chosen(alice):
    client = client_for(alice)
    page = client.post(reverse("profile"), profile_data(language="zh-hans"), follow=True)
    assert "您的资料已保存。" in page.content.decode()
    assert "Your details are saved." not in page.content.decode()


def test_the_language_switcher_names_each_language_in_itself_whatever_the_page_is_in(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ms"
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="ms">' in page
    for code, name in settings.LANGUAGES:
        assert f'<option value="{code}" lang="{code}"' in page
        assert f">{name}</option>" in page
    assert "Bahasa Inggeris" not in page
