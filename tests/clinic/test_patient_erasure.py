"""A manager erases a patient's personal details at their request: who they are goes, their visits
to come are cancelled and their messages withdrawn, while what the clinic must keep stays for
CLINICAL_RECORD_RETENTION_YEARS and is then purged by a daily task (issue 17)."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from bookings.calendars.feeds import calendar_feed_current
from bookings.models import (
    Appointment,
    AppointmentStatus,
    ClinicalPhoto,
    EntryStatus,
    OfferStatus,
    Reminder,
    ReminderStatus,
    SessionRecord,
    TestPatch,
    WaitlistEntry,
    WaitlistOffer,
)
from clinic.models import (
    AuditEntry,
    CalendarFeed,
    Consent,
    Intake,
    IntakeStatus,
    PatientProfile,
    PhotoConsent,
    User,
)
from clinic.patient_data.erasure import KEPT, patient_erase, patients_purge
from clinic.services import intake_current
from clinic.tasks import purge_erased_patients
from planner.models import PlanRevision, TreatmentPlan
from tests.bookings.clinics import utc
from tests.bookings.visits.clinical import clinical_records
from tests.bookings.visits.photographs import use_photo_dir
from tests.clinic.patient_records import ERASED_ON, alice_details, build
from tests.clinic.test_settings import start_up
from tests.conftest import PASSWORD, client_for

LIVE = [ReminderStatus.PENDING, ReminderStatus.QUEUED]


@pytest.fixture
def records(alice, doctor, receptionist, tmp_path, monkeypatch, settings):
    alice_details(alice)
    records = build(alice, doctor=doctor, staff=receptionist)
    # The doctor's records of her first visit: a signed record and its addendum, an adverse
    # event and its proposal, a photo consent, a test patch and a photo with its two files.
    photo_dir = use_photo_dir(tmp_path, monkeypatch, settings)
    visit = Appointment.objects.filter(patient=alice).order_by("starts_at").first()
    clinical_records(visit, doctor)
    records.photo_dir = photo_dir
    with time_machine.travel(ERASED_ON, tick=False):
        intake_current(patient=alice, by=alice)  # a questionnaire begun and never sent
    return records


@pytest.fixture
def on_the_day():
    with time_machine.travel(ERASED_ON, tick=False):
        yield


def erase(client, patient, name="Alice Moreau"):
    return client.post(reverse("patient-erase", args=[patient.pk]), {"confirmation": name})


def test_the_page_says_what_is_removed_and_what_is_kept_and_why_before_confirming(
    manager, alice, records, on_the_day
):
    response = client_for(manager).get(reverse("patient-erase", args=[alice.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    for words in (
        f"Erased patient #{alice.pk}",
        "3 visits still to come: cancelled",
        "1 place on the waitlist: closed",
        "1 questionnaire never sent: deleted",
        "Kept until 10 March 2035, then deleted",
        "1 submitted questionnaire, 1 treatment plan, 1 past appointment, 1 consent",
        "1 course still open stays as it is",
        "type the patient's name: <strong>Alice Moreau</strong>",
    ):
        assert words in page, words
    for what, why in KEPT:
        assert escape(what) in page
        assert escape(why) in page
    assert AuditEntry.objects.filter(actor=manager, patient=alice, action="viewed erasure").exists()
    # Looking changes nothing.
    assert User.objects.get(pk=alice.pk).email == "alice@example.com"


def test_a_manager_erases_a_patients_personal_details(manager, alice, records, on_the_day):
    alices_browser = client_for(alice)
    calendar_feed_current(patient=alice)  # her private calendar link
    course = records.courses[0]
    revisions = PlanRevision.objects.filter(plan__patient=alice).count()

    response = erase(client_for(manager), alice)

    assert response.status_code == 302
    assert response["Location"] == reverse("patient-detail", args=[alice.pk])
    alice = User.objects.get(pk=alice.pk)
    assert str(alice) == f"Erased patient #{alice.pk}"
    assert (alice.email, alice.is_active, alice.has_usable_password()) == (None, False, False)
    profile = PatientProfile.objects.get(user=alice)
    details = (profile.phone, profile.date_of_birth, profile.care_reminders_consent)
    assert details == ("", None, False)
    assert profile.erased_at == ERASED_ON
    # The visits to come are cancelled; the one that took place is kept.
    statuses = [a.status for a in Appointment.objects.filter(pk__in=[a.pk for a in course])]
    assert statuses == ["completed", "cancelled", "cancelled", "cancelled"]
    assert Appointment.objects.get(pk=course[1].pk).cancel_reason.startswith("The patient's")
    # No message will go to her, and no cancellation notice was written.
    assert not Reminder.objects.filter(patient=alice, status__in=LIVE).exists()
    assert not Reminder.objects.filter(patient=alice, kind="cancelled").exists()
    # Her place on the waitlist is closed, with its offer.
    entry = WaitlistEntry.objects.get(pk=records.entries[0].pk)
    assert entry.status == EntryStatus.LEFT
    assert not WaitlistOffer.objects.filter(entry=entry, status=OfferStatus.OPEN).exists()
    # Only the questionnaire never sent is gone.
    assert list(Intake.objects.filter(patient=alice).values_list("status", flat=True)) == [
        IntakeStatus.SUBMITTED
    ]
    # The clinical record, the consent as signed and the audit log are kept.
    assert TreatmentPlan.objects.filter(patient=alice).count() == 1
    assert PlanRevision.objects.filter(plan__patient=alice).count() == revisions
    assert Consent.objects.get(patient=alice).full_name == "Alice Moreau"
    assert AuditEntry.objects.filter(patient=alice, action="viewed patient").exists()
    erased = AuditEntry.objects.get(actor=manager, patient=alice, action="erased patient")
    assert "3 visits cancelled, 1 waitlist places closed" in erased.detail
    # She can no longer log in, and the session she had open has ended.
    assert not alices_browser.login(email="alice@example.com", password=PASSWORD)
    assert alices_browser.get(reverse("patient-home")).status_code == 302
    # Her private calendar link is gone with her.
    assert not CalendarFeed.objects.filter(patient=alice).exists()


def test_the_record_page_then_says_when_what_is_kept_is_purged(manager, alice, records, on_the_day):
    erase(client_for(manager), alice)

    page = client_for(manager).get(reverse("patient-detail", args=[alice.pk])).content.decode()
    assert "erased on 10 March 2027" in page
    assert "purged after 10 March 2035" in page
    assert f'<h1 class="h3">Erased patient #{alice.pk}</h1>' in page
    assert "alice@example.com" not in page
    assert "900123" not in page
    # The consent keeps the name it was signed with.
    assert "Alice Moreau, 19 Feb 2027" in page


def test_the_admins_history_no_longer_names_the_patient(manager, alice, records, on_the_day):
    visit = records.courses[0][1]
    LogEntry.objects.create(
        user=manager,
        content_type=ContentType.objects.get_for_model(Appointment),
        object_id=str(visit.pk),
        object_repr=str(visit),
        action_flag=CHANGE,
    )
    assert "Moreau" in LogEntry.objects.get().object_repr

    erase(client_for(manager), alice)

    assert LogEntry.objects.get().object_repr == f"appointment of Erased patient #{alice.pk}"


def test_the_typed_name_must_be_the_patients_and_nothing_changes_otherwise(
    manager, alice, records, on_the_day
):
    response = erase(client_for(manager), alice, name="Alice Smith")

    assert response.status_code == 400
    assert "Type the patient&#x27;s name as on their record: Alice Moreau" in (
        response.content.decode()
    )
    assert User.objects.get(pk=alice.pk).is_active
    assert Appointment.objects.filter(patient=alice, status=AppointmentStatus.BOOKED).count() == 3


def test_the_name_may_be_typed_in_any_case_and_spacing(manager, alice, records, on_the_day):
    assert erase(client_for(manager), alice, name="  alice   MOREAU ").status_code == 302
    assert PatientProfile.objects.get(user=alice).erased_at == ERASED_ON


def test_erasing_twice_is_refused_with_a_message(manager, alice, records, on_the_day):
    browser = client_for(manager)
    erase(browser, alice)

    for response in (
        browser.get(reverse("patient-erase", args=[alice.pk])),
        erase(browser, alice, name=f"Erased patient #{alice.pk}"),
    ):
        assert response.status_code == 400
        assert "were erased on 10 March 2027 already" in response.content.decode()
    assert AuditEntry.objects.filter(action="erased patient").count() == 1


@pytest.mark.parametrize("who", ["doctor", "receptionist", "manager"])
def test_erasing_a_member_of_staff_is_refused_with_a_message(request, manager, who, on_the_day):
    staff = request.getfixturevalue(who)
    name = staff.get_full_name()

    response = erase(client_for(manager), staff, name=name)

    assert response.status_code == 400
    assert "is a member of staff" in response.content.decode()
    staff.refresh_from_db()
    assert (staff.get_full_name(), staff.is_active) == (name, True)


@pytest.mark.parametrize("who", ["receptionist", "doctor", "bob"])
def test_only_a_manager_may_erase(request, alice, records, who, on_the_day):
    browser = client_for(request.getfixturevalue(who))
    assert browser.get(reverse("patient-erase", args=[alice.pk])).status_code == 403
    assert erase(browser, alice).status_code == 403
    assert User.objects.get(pk=alice.pk).is_active
    with pytest.raises(PermissionDenied):
        patient_erase(patient=alice, by=request.getfixturevalue(who))


def test_a_visitor_is_sent_to_log_in(client, alice, on_the_day):
    for response in (client.get(reverse("patient-erase", args=[alice.pk])), erase(client, alice)):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    assert User.objects.get(pk=alice.pk).is_active


def test_only_a_manager_sees_the_erase_button(manager, receptionist, alice):
    url = reverse("patient-erase", args=[alice.pk])
    for who, shown in ((manager, True), (receptionist, False)):
        page = client_for(who).get(reverse("patient-detail", args=[alice.pk])).content.decode()
        assert (url in page) is shown


def test_the_service_refuses_a_patient_erased_already(manager, alice, records, on_the_day):
    patient_erase(patient=alice, by=manager)
    with pytest.raises(ValidationError, match="erased on 10 March 2027 already"):
        patient_erase(patient=alice, by=manager)


# --- The purge -------------------------------------------------------------------------------


def alices_records(pk):
    return {
        "appointments": Appointment.objects.filter(patient_id=pk).count(),
        "plans": TreatmentPlan.objects.filter(patient_id=pk).count(),
        "revisions": PlanRevision.objects.filter(plan__patient_id=pk).count(),
        "intakes": Intake.objects.filter(patient_id=pk).count(),
        "consents": Consent.objects.filter(patient_id=pk).count(),
        "audit": AuditEntry.objects.filter(patient_id=pk).count(),
        "reminders": Reminder.objects.filter(patient_id=pk).count(),
        "waitlist": WaitlistEntry.objects.filter(patient_id=pk).count(),
        "offers": WaitlistOffer.objects.filter(entry__patient_id=pk).count(),
        "session records": SessionRecord.objects.filter(appointment__patient_id=pk).count(),
        "test patches": TestPatch.objects.filter(patient_id=pk).count(),
        "photos": ClinicalPhoto.objects.filter(patient_id=pk).count(),
        "photo consents": PhotoConsent.objects.filter(patient_id=pk).count(),
        "person": User.objects.filter(pk=pk).count(),
    }


@pytest.fixture
def erased(manager, alice, records):
    with time_machine.travel(ERASED_ON, tick=False):
        erase(client_for(manager), alice)
    return alice


def test_what_was_kept_is_purged_by_the_daily_task_once_the_retention_period_is_over(
    erased, records, bob, doctor, receptionist, django_capture_on_commit_callbacks
):
    # Bob's course, two hours after Alice's on the same days.
    bobs = build(bob, doctor=doctor, staff=receptionist, clinic=records.clinic, later=1)
    before = alices_records(erased.pk)
    assert all(before.values())

    with time_machine.travel(utc(2035, 3, 10, 8, 59), tick=False):  # a minute before 8 years
        assert purge_erased_patients() == 0
    assert alices_records(erased.pk) == before

    with (
        time_machine.travel(utc(2035, 3, 11, 3), tick=False),  # the next night's run
        django_capture_on_commit_callbacks(execute=True),  # the photos' files go on commit
    ):
        assert purge_erased_patients() == 1
    assert not any(alices_records(erased.pk).values())
    assert not [path for path in records.photo_dir.rglob("*") if path.is_file()]  # the files
    # Nothing of anyone else's is touched.
    assert Appointment.objects.filter(patient=bob).count() == len(bobs.courses[0])
    assert TreatmentPlan.objects.filter(patient=bob).exists()

    with time_machine.travel(utc(2035, 3, 12, 3), tick=False):  # and the next: nothing left
        assert purge_erased_patients() == 0


def test_the_retention_period_is_the_setting(erased, settings):
    settings.CLINICAL_RECORD_RETENTION_YEARS = 2
    with time_machine.travel(ERASED_ON + timedelta(days=365 * 2 - 1), tick=False):
        assert patients_purge() == []
    with time_machine.travel(ERASED_ON + timedelta(days=365 * 2 + 1), tick=False):
        assert patients_purge() == [erased.pk]


def test_a_patient_never_erased_is_never_purged(alice, doctor, receptionist):
    build(alice, doctor=doctor, staff=receptionist)
    with time_machine.travel(utc(2099, 1, 1), tick=False):
        assert patients_purge() == []
    assert User.objects.filter(pk=alice.pk).exists()


def test_the_purge_is_scheduled_every_day(settings):
    [entry] = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "clinic.tasks.purge_erased_patients"
    ]
    assert entry["schedule"] == 24 * 3600
    assert purge_erased_patients.name == "clinic.tasks.purge_erased_patients"


def test_a_retention_period_under_a_year_stops_the_start_up(tmp_path):
    result = start_up(tmp_path, CLINICAL_RECORD_RETENTION_YEARS="0")
    assert result.returncode != 0
    assert "CLINICAL_RECORD_RETENTION_YEARS must be at least 1" in result.stderr
