from datetime import date
from importlib import import_module

import pytest
from django.apps import apps
from django.urls import reverse

from clinic.models import PatientProfile
from tests.conftest import client_for


def profile_data(**overrides):
    return {
        "first_name": "Alice",
        "last_name": "Moreau",
        "date_of_birth": "1990-05-17",
        "phone": "+44 7400 123457",
        "preferred_channel": "sms",
        "language": "ms",
        "care_reminders_consent": "on",
    } | overrides


def test_a_patient_keeps_their_details_and_each_consent_separately(alice):
    response = client_for(alice).post(reverse("profile"), profile_data())
    assert response.status_code == 302
    profile = PatientProfile.objects.get(user=alice)
    assert str(profile.phone) == "+447400123457"
    assert (profile.preferred_channel, profile.language) == ("sms", "ms")
    assert profile.care_reminders_consent is True
    assert profile.marketing_consent is False


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"phone": "call me maybe"}, "valid phone number"),
        ({"phone": "", "preferred_channel": "whatsapp"}, "need a mobile number"),
        ({"date_of_birth": "1700-01-01"}, "check the year of birth"),
        ({"preferred_channel": "pigeon"}, "Select a valid choice"),
    ],
)
def test_bad_details_are_refused_next_to_the_field_and_nothing_changes(alice, overrides, message):
    response = client_for(alice).post(reverse("profile"), profile_data(**overrides))
    assert response.status_code == 400
    assert message in response.content.decode()
    profile = PatientProfile.objects.get(user=alice)
    assert profile.preferred_channel == "email"
    assert not profile.phone


def test_only_the_patient_edits_their_profile(client, receptionist):
    assert client.get(reverse("profile")).status_code == 302
    assert client_for(receptionist).get(reverse("profile")).status_code == 403


def test_the_profile_page_fills_the_date_of_birth_in_the_form_a_date_input_reads(alice):
    # <input type="date"> takes only YYYY-MM-DD; the local 10/01/1975 would show blank and
    # the profile could not be saved without typing the date again.
    alice.profile.date_of_birth = date(1975, 1, 10)
    alice.profile.save()
    page = client_for(alice).get(reverse("profile")).content.decode()
    assert 'type="date"' in page
    assert 'value="1975-01-10"' in page
    assert "10/01/1975" not in page


def test_profiles_in_a_language_the_clinic_no_longer_offers_become_english(alice, bob, charlie):
    # Written past the model's choices, as rows saved when French and Spanish were offered.
    PatientProfile.objects.filter(user=alice).update(language="fr")
    PatientProfile.objects.filter(user=bob).update(language="es")
    PatientProfile.objects.filter(user=charlie).update(language="ms")
    migration = import_module("clinic.migrations.0012_languages_the_clinic_ships")
    migration.no_language_without_a_catalogue(apps, None)
    languages = dict(PatientProfile.objects.values_list("user__email", "language"))
    assert languages == {alice.email: "en", bob.email: "en", charlie.email: "ms"}


def test_the_photo_consents_are_offered_in_the_patients_language(alice):
    alice.profile.language = "ms"
    alice.profile.save()
    page = client_for(alice).get(reverse("profile")).content.decode()
    assert "Gambar klinikal untuk rekod perubatan saya" in page
