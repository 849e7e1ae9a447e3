"""Every message a patient receives is in the language on their profile: the words, and the
names of days and months, in the clinic's time zone. A patient whose profile holds a language
the clinic does not ship is written to in the clinic's language."""

import re
from datetime import date

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from bookings.appointments.services import appointment_book
from bookings.reminders import messages
from bookings.reminders.services import reminders_dispatch, reminders_send
from clinic.models import PatientProfile
from clinic.roles import Role
from clinic.services import patient_register
from tests.bookings.clinics import local
from tests.bookings.reminding import run_due
from tests.bookings.waitlists import BOOKED_ON
from tests.factories import UserFactory

# Wednesday 10 March 2027, 10:00 in the clinic's zone (Europe/London, GMT then): 10:00 UTC.
VISIT = local(date(2027, 3, 10), 10)

# language: (words of the email's subject, its body, the day in the body, the text message)
EXPECTED = {
    "en": (
        "Booked: pico session: pigmentation on Wed 10 Mar at 10:00",
        "is booked at Pico Clinic",
        "Wednesday 10 March 2027 at 10:00",
        "Pico Clinic: your pico session: pigmentation is booked for Wed 10 Mar at 10:00.",
    ),
    "ms": (
        "Ditempah: pico session: pigmentation pada Rab, 10 Mac, jam 10:00",
        "telah ditempah di Pico Clinic",
        "Rabu, 10 Mac 2027, jam 10:00",
        "Pico Clinic: pico session: pigmentation anda telah ditempah pada Rab, 10 Mac, jam 10:00.",
    ),
    "zh-hans": (
        "已预约：3月10日 周三 10:00的pico session: pigmentation",  # noqa: RUF001 (Chinese punctuation)
        "您已在Pico Clinic预约pico session: pigmentation",
        "2027年3月10日 星期三 10:00",
        "Pico Clinic：您的pico session: pigmentation已预约在3月10日 周三 10:00。",  # noqa: RUF001
    ),
}


@pytest.fixture(autouse=True)
def _texts_in_memory(settings):
    settings.SMS_BACKEND = settings.WHATSAPP_BACKEND = "locmem"
    messages.outbox.clear()


def speaking(language, **fields):
    """A patient who agreed to care reminders and reads `language`."""
    patient = UserFactory(role=Role.PATIENT, **fields)
    PatientProfile.objects.filter(user=patient).update(
        language=language, care_reminders_consent=True
    )
    patient.refresh_from_db()
    return patient


def book(clinic, patient, starts_at=VISIT):
    with time_machine.travel(BOOKED_ON, tick=False):
        return appointment_book(
            patient=patient, treatment_type=clinic.session, starts_at=starts_at, booked_by=patient
        )


@pytest.mark.parametrize("language", ["en", "ms", "zh-hans"])
def test_the_booking_email_is_in_the_patients_language(clinic, language):
    subject, words, day, _text = EXPECTED[language]
    patient = speaking(language, email=f"{language}@example.com", first_name="Mei")
    book(clinic, patient)
    assert run_due(BOOKED_ON) == ["sent"]
    (email,) = mail.outbox
    assert email.subject == f"Pico Clinic: {subject}"
    assert words in email.body
    assert day in email.body
    html = email.alternatives[0][0]
    assert f'<html lang="{"en-gb" if language == "en" else language}">' in html
    assert day in html


@pytest.mark.parametrize("language", ["en", "ms", "zh-hans"])
def test_the_booking_text_message_is_in_the_patients_language(clinic, receptionist, language):
    with time_machine.travel(BOOKED_ON, tick=False):
        hana = patient_register(
            by=receptionist,
            email=None,
            first_name="Hana",
            last_name="Okafor",
            date_of_birth=date(1984, 6, 2),
            phone="+447400654321",
            preferred_channel="sms",
            care_reminders_consent=True,
            base_url="http://testserver",
        )
    PatientProfile.objects.filter(user=hana).update(language=language)
    book(clinic, hana)
    assert run_due(BOOKED_ON) == ["sent"]
    (text,) = messages.outbox
    assert text.body.startswith(EXPECTED[language][3])


def test_the_pre_care_email_says_its_advice_in_malay(clinic):
    patient = speaking("ms", email="siti@example.com", first_name="Siti")
    book(clinic, patient)
    run_due(BOOKED_ON)
    mail.outbox.clear()
    run_due(local(date(2027, 3, 8), 10))
    (email,) = [m for m in mail.outbox if "Bersedia untuk" in m.subject]
    assert (
        email.subject == "Pico Clinic: Bersedia untuk pico session: pigmentation pada Rab, 10 Mac"
    )
    assert "Datang tanpa solekan pada kawasan yang akan dirawat." in email.body
    assert "Ya, saya akan datang" in email.alternatives[0][0]


def test_a_language_the_clinic_does_not_ship_is_written_in_english(clinic):
    patient = speaking("fr", email="amelie@example.com", first_name="Amélie")
    book(clinic, patient)
    run_due(BOOKED_ON)
    (email,) = mail.outbox
    assert email.subject.startswith("Pico Clinic: Booked: ")
    assert "Hello Amélie," in email.body


def test_a_message_leaves_the_senders_language_as_it_was(clinic):
    book(clinic, speaking("zh-hans", email="li@example.com"))
    with translation.override("en-gb"):
        run_due(BOOKED_ON)
        assert translation.get_language() == "en-gb"
    assert "已预约" in mail.outbox[0].subject


def test_a_batch_in_three_languages_costs_the_queries_of_a_batch_in_one(clinic):
    """The profile comes with the reminder (one query for the batch): no query per message
    for the patient's language."""

    def batch(languages, hour):
        for n, language in enumerate(languages):
            book(
                clinic,
                speaking(language, email=f"p{hour}{n}@example.com"),
                local(date(2027, 3, 10 + n), hour),
            )
        with time_machine.travel(BOOKED_ON, tick=False):
            ids = reminders_dispatch()
            with CaptureQueriesContext(connection) as queries:
                assert reminders_send(ids)["sent"] == len(languages)
        return len(queries)

    one_language = batch(["en", "en", "en"], 10)
    mail.outbox.clear()
    assert batch(["en", "ms", "zh-hans"], 14) == one_language
    assert {m.subject.split(": ")[1][:2] for m in mail.outbox} == {"Bo", "Di", "已预"}


@pytest.mark.parametrize("language", ["en", "ms", "zh-hans"])
def test_every_link_in_the_html_email_can_be_tapped_in_every_language(clinic, language):
    """Chinese puts a full-width colon before a link; the link is still a link."""
    patient = speaking(language, email=f"{language}@example.com")
    book(clinic, patient)
    assert run_due(BOOKED_ON) == ["sent"]
    (email,) = mail.outbox
    links = re.findall(r"https?://\S+", email.body)
    assert links
    html = email.alternatives[0][0]
    for link in links:
        assert f'href="{link}"' in html
