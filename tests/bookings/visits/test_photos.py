"""Clinical photos (issue 16): taken by a doctor at a visit with the patient's consent to
photographs, checked and stripped of their metadata, kept in the private storage, served only
to those who may see them, with the audit log written; a course's photos compared by area."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from PIL import Image

from bookings.appointments.services import appointment_cancel
from bookings.models import AppointmentStatus, ClinicalPhoto, SessionRecord
from bookings.visits.photo_images import MAX_PIXELS
from bookings.visits.photo_views import visit_page
from bookings.visits.photos import (
    compare_pair,
    course_photos,
    photo_add,
    photo_comparison,
    photo_remove,
)
from clinic.models import AuditEntry, ConsentMethod, PhotoConsent, PhotoScope
from clinic.photo_consent import photo_consent_give, photo_consent_withdraw
from tests.bookings.visits.photographs import (
    BLUE,
    MAKE,
    MODEL,
    RED,
    phone_jpeg,
    png_bytes,
    stored_files,
    uploaded,
    use_photo_dir,
)
from tests.bookings.waitlists import FIRST
from tests.conftest import client_for

DURING_THE_FIRST = FIRST + timedelta(minutes=20)
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def photo_dir(tmp_path, monkeypatch, settings):
    return use_photo_dir(tmp_path, monkeypatch, settings)


@pytest.fixture(autouse=True)
def _at_the_first_session():
    with time_machine.travel(DURING_THE_FIRST, tick=False):
        yield


@pytest.fixture
def visit(alice_course):
    return alice_course[0]


@pytest.fixture
def consented(alice, receptionist):
    return photo_consent_give(
        patient=alice,
        scope=PhotoScope.MEDICAL_RECORD,
        by=receptionist,
        method=ConsentMethod.IN_PERSON,
    )


def add(visit, doctor, *, content=None, area="Left cheek", label="before", name="IMG.jpg"):
    return photo_add(
        appointment=visit,
        area=area,
        label=label,
        upload=uploaded(phone_jpeg() if content is None else content, name),
        by=doctor,
    )


@pytest.fixture
def photo(visit, doctor, consented):
    return add(visit, doctor)


def sign(visit, doctor):
    return SessionRecord.objects.create(
        appointment=visit,
        created_by=doctor,
        status="signed",
        signed_by=doctor,
        signed_at=DURING_THE_FIRST,
    )


# --- What is stored -------------------------------------------------------------------------


def test_a_phones_jpeg_is_kept_without_its_exif_or_gps_and_with_its_pixels(
    visit, doctor, consented, photo_dir
):
    original = phone_jpeg()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # it had a location
    photo = add(visit, doctor, content=original)
    kept = (photo_dir / photo.image.name).read_bytes()
    image = Image.open(io.BytesIO(kept))
    assert image.format == "JPEG"
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert "icc_profile" not in image.info
    assert b"Exif" not in kept
    assert MAKE.encode() not in kept
    assert MODEL.encode() not in kept
    assert (image.width, image.height) == (400, 200) == (photo.width, photo.height)
    assert _near(image.getpixel((50, 100)), RED)
    assert _near(image.getpixel((350, 100)), BLUE)
    assert photo.content_type == "image/jpeg"
    assert photo.size_bytes == len(kept)
    assert photo.patient == visit.patient
    assert photo.area == "Left cheek"


def _near(pixel, colour, within=12):
    return all(abs(a - b) <= within for a, b in zip(pixel, colour, strict=False))


def test_a_photo_is_turned_upright_by_its_exif_orientation(visit, doctor, consented, photo_dir):
    # Orientation 6: the camera was held on its side; the picture's left edge is its top.
    photo = add(visit, doctor, content=phone_jpeg((400, 200), orientation=6))
    image = Image.open(photo_dir / photo.image.name)
    assert image.size == (200, 400)
    assert _near(image.getpixel((100, 50)), RED)
    assert _near(image.getpixel((100, 350)), BLUE)
    assert len(image.getexif()) == 0


def test_a_thumbnail_is_made_beside_it_under_random_names_in_the_patients_folder(
    visit, doctor, consented, photo_dir
):
    photo = add(visit, doctor, content=phone_jpeg((1600, 1200)))
    thumbnail = Image.open(photo_dir / photo.thumbnail.name)
    assert thumbnail.format == "JPEG"
    assert max(thumbnail.size) == 320
    assert len(thumbnail.getexif()) == 0
    folder, name = photo.image.name.split("/")
    assert folder == f"patient-{visit.patient_id}"
    assert len(name.split(".")[0]) == 32
    assert "IMG" not in name
    assert photo.thumbnail.name.startswith(f"{folder}/")
    assert stored_files(photo_dir) == sorted(
        [photo_dir / photo.image.name, photo_dir / photo.thumbnail.name]
    )


def test_a_png_stays_a_png(visit, doctor, consented, photo_dir):
    photo = add(visit, doctor, content=png_bytes(), name="scan.png")
    assert photo.content_type == "image/png"
    assert Image.open(photo_dir / photo.image.name).format == "PNG"


# --- What is refused, with nothing stored ---------------------------------------------------

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"
BAD_FILES = {
    "a PDF renamed .jpg": (PDF, "not a photo"),
    "a truncated JPEG": (phone_jpeg((800, 600))[:3000], "damaged or incomplete"),
    "an empty file": (b"", "empty"),
    "text": (b"hello, this is not an image at all", "not a photo"),
    # Found by fuzzing: an EXIF orientation rational Pillow's exif_transpose cannot read.
    "a JPEG with malformed EXIF": (
        (Path(__file__).parent / "files" / "malformed-exif.jpg").read_bytes(),
        "damaged or incomplete",
    ),
    "a HEIC photo": (
        b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 200,
        "Send it as JPEG",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_sentence_and_nothing_is_stored(
    kind, visit, doctor, consented, photo_dir
):
    content, message = BAD_FILES[kind]
    with pytest.raises(ValidationError, match=message):
        add(visit, doctor, content=content)
    assert not ClinicalPhoto.objects.exists()
    assert stored_files(photo_dir) == []


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    visit, doctor, consented, settings, photo_dir
):
    settings.CLINICAL_PHOTO_MAX_BYTES = 1024 * 1024
    upload = Unreadable(b"")
    upload.size = 1024 * 1024 + 1
    with pytest.raises(ValidationError, match="largest the clinic accepts is 1 MB"):
        photo_add(appointment=visit, area="Chin", label="before", upload=upload, by=doctor)
    assert stored_files(photo_dir) == []


class Unreadable(ContentFile):
    """An upload that fails the test if anything reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the upload was read")


def test_a_decompression_bomb_is_refused_from_its_header(visit, doctor, consented, photo_dir):
    # A few kilobytes that would decode to 60 million pixels.
    bomb = png_bytes((10_000, 6_000), mode="1")
    assert len(bomb) < 200_000
    assert MAX_PIXELS < 10_000 * 6_000
    with pytest.raises(ValidationError, match="megapixels"):
        add(visit, doctor, content=bomb, name="bomb.png")
    assert stored_files(photo_dir) == []


def test_if_saving_the_row_fails_the_files_written_are_deleted(
    visit, doctor, consented, photo_dir, monkeypatch
):
    def broken(self, *args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(ClinicalPhoto, "save", broken)
    with pytest.raises(RuntimeError):
        add(visit, doctor)
    assert stored_files(photo_dir) == []


def test_without_the_patients_photo_consent_no_photo_is_taken(visit, doctor, photo_dir):
    with pytest.raises(ValidationError, match="not consented to clinical photographs"):
        add(visit, doctor)
    assert stored_files(photo_dir) == []


def test_consent_beyond_the_record_alone_is_not_enough(visit, doctor, alice, photo_dir):
    photo_consent_give(
        patient=alice, scope=PhotoScope.BEYOND_RECORD, by=alice, method=ConsentMethod.ONLINE
    )
    with pytest.raises(ValidationError, match="medical record"):
        add(visit, doctor)


def test_a_withdrawn_consent_stops_new_photos(visit, doctor, alice, consented, photo_dir):
    add(visit, doctor)
    photo_consent_withdraw(consent=consented, by=alice)
    with pytest.raises(ValidationError, match="not consented"):
        add(visit, doctor, label="after")
    assert ClinicalPhoto.objects.count() == 1  # the one taken before stays in the record


def test_a_signed_record_refuses_new_photos_and_removals(visit, doctor, consented, photo_dir):
    photo = add(visit, doctor)
    sign(visit, doctor)
    with pytest.raises(ValidationError, match=r"signed.*add an addendum"):
        add(visit, doctor, label="after")
    with pytest.raises(ValidationError, match="signed"):
        photo_remove(photo=photo, by=doctor)
    assert ClinicalPhoto.objects.count() == 1
    assert len(stored_files(photo_dir)) == 2


def test_photos_wait_for_the_visit_to_begin(alice_course, doctor, consented):
    with (
        time_machine.travel(alice_course[1].starts_at - timedelta(hours=2), tick=False),
        pytest.raises(ValidationError, match="an hour before"),
    ):
        add(alice_course[1], doctor)
    with time_machine.travel(alice_course[1].starts_at - timedelta(minutes=50), tick=False):
        add(alice_course[1], doctor)


def test_a_cancelled_visit_takes_no_photos(alice_course, doctor, receptionist, consented):
    later = alice_course[2]
    appointment_cancel(appointment=later, by=receptionist, reason="Ill", override=True)
    later.refresh_from_db()
    assert later.status == AppointmentStatus.CANCELLED
    with (
        time_machine.travel(later.starts_at, tick=False),
        pytest.raises(ValidationError, match="cancelled"),
    ):
        add(later, doctor)


@pytest.mark.parametrize("who", ["manager", "receptionist", "alice"])
def test_only_doctors_add_photos(who, request, visit, consented):
    with pytest.raises(PermissionDenied):
        add(visit, request.getfixturevalue(who))


def test_removing_a_photo_deletes_both_files(photo, doctor, photo_dir, committed):
    assert len(stored_files(photo_dir)) == 2
    with committed():
        photo_remove(photo=photo, by=doctor)
    assert not ClinicalPhoto.objects.exists()
    assert stored_files(photo_dir) == []


# --- Consent ----------------------------------------------------------------------------------


def test_a_patient_gives_their_own_consent_online_and_staff_record_one_in_person(
    alice, receptionist
):
    online = photo_consent_give(
        patient=alice, scope=PhotoScope.MEDICAL_RECORD, by=alice, method=ConsentMethod.ONLINE
    )
    assert online.recorded_by == alice
    assert online.method == ConsentMethod.ONLINE
    again = photo_consent_give(
        patient=alice,
        scope=PhotoScope.MEDICAL_RECORD,
        by=receptionist,
        method=ConsentMethod.IN_PERSON,
    )
    assert again == online  # in force already: nothing new
    with pytest.raises(PermissionDenied):
        photo_consent_give(
            patient=alice,
            scope=PhotoScope.BEYOND_RECORD,
            by=receptionist,
            method=ConsentMethod.ONLINE,
        )


def test_another_patient_cannot_give_or_withdraw_alices_consent(alice, bob, consented):
    with pytest.raises(PermissionDenied):
        photo_consent_give(
            patient=alice, scope=PhotoScope.BEYOND_RECORD, by=bob, method=ConsentMethod.IN_PERSON
        )
    with pytest.raises(PermissionDenied):
        photo_consent_withdraw(consent=consented, by=bob)


def test_the_consent_views_record_and_withdraw_and_are_audited(alice, receptionist):
    url = reverse("photo-consent", args=[alice.pk])
    give = {"scope": "medical_record", "action": "give", "next": "/patients/"}
    response = client_for(receptionist).post(url, give)
    assert response.status_code == 302
    assert response["Location"] == "/patients/"
    consent = PhotoConsent.objects.in_force().get(patient=alice)
    assert consent.method == ConsentMethod.IN_PERSON
    assert consent.recorded_by == receptionist
    assert AuditEntry.objects.filter(actor=receptionist, action="recorded photo consent").exists()
    withdraw = {"scope": "medical_record", "action": "withdraw", "next": "https://evil.test/"}
    response = client_for(receptionist).post(url, withdraw)
    assert response["Location"] == reverse("patient-detail", args=[alice.pk])  # not elsewhere
    assert not PhotoConsent.objects.in_force().exists()
    bad = client_for(receptionist).post(url, {"scope": "everything", "action": "give"})
    assert bad.status_code == 400


def test_the_patient_gives_and_withdraws_from_their_profile(alice):
    url = reverse("photo-my-consent")
    response = client_for(alice).post(url, {"scope": "beyond_record", "action": "give"})
    assert response["Location"] == reverse("profile")
    consent = PhotoConsent.objects.get(patient=alice)
    assert consent.method == ConsentMethod.ONLINE
    assert consent.scope == "beyond_record"
    client_for(alice).post(url, {"scope": "beyond_record", "action": "withdraw"})
    consent.refresh_from_db()
    assert consent.withdrawn_at is not None
    assert consent.withdrawn_by == alice
    assert not AuditEntry.objects.exists()  # a patient's own doings are not the staff log


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("bob", 403), ("alice", 403)])
def test_consent_for_a_patient_is_recorded_by_staff_only(who, status, request, alice, client):
    browser = client if who == "anonymous" else client_for(request.getfixturevalue(who))
    response = browser.post(
        reverse("photo-consent", args=[alice.pk]), {"scope": "medical_record", "action": "give"}
    )
    assert response.status_code == status
    assert not PhotoConsent.objects.exists()


@pytest.mark.parametrize("who", ["receptionist", "doctor", "manager"])
def test_staff_do_not_give_consent_as_if_online(who, request):
    response = client_for(request.getfixturevalue(who)).post(
        reverse("photo-my-consent"), {"scope": "medical_record", "action": "give"}
    )
    assert response.status_code == 403


# --- Who sees what ----------------------------------------------------------------------------

SEE = {
    # who: (status with PATIENTS_SEE_PHOTOS off, status with it on)
    "anonymous": (302, 302),
    "alice": (403, 200),
    "bob": (404, 404),
    "receptionist": (403, 403),
    "doctor": (200, 200),
    "manager": (200, 200),
}


def _browser(who, request, client):
    return client if who == "anonymous" else client_for(request.getfixturevalue(who))


@pytest.mark.parametrize("patients_see", [False, True])
@pytest.mark.parametrize("who", list(SEE))
@pytest.mark.parametrize("url_name", ["photo-image", "photo-thumb", "photo-compare"])
def test_who_sees_a_photo(url_name, who, patients_see, request, client, settings, photo):
    settings.PATIENTS_SEE_PHOTOS = patients_see
    target = photo.appointment.plan_id if url_name == "photo-compare" else photo.pk
    response = _browser(who, request, client).get(reverse(url_name, args=[target]))
    assert response.status_code == SEE[who][patients_see]
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.status_code != 200:
        assert b"\xff\xd8" not in body  # no JPEG
    if who != "alice":
        assert (b"Alice" in body) == (who in ("doctor", "manager") and url_name == "photo-compare")
    staff_view = who in ("doctor", "manager")
    assert AuditEntry.objects.filter(patient=photo.patient).exists() == staff_view


def test_a_photo_is_streamed_as_an_image_never_cached_never_sniffed(photo, doctor, photo_dir):
    response = client_for(doctor).get(reverse("photo-image", args=[photo.pk]))
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert body == (photo_dir / photo.image.name).read_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    cache = response["Cache-Control"]
    assert "private" in cache
    assert "no-store" in cache
    thumb = client_for(doctor).get(reverse("photo-thumb", args=[photo.pk]))
    assert Image.open(io.BytesIO(b"".join(thumb.streaming_content))).format == "JPEG"


def test_each_staff_view_of_a_photo_is_audited(photo, manager):
    browser = client_for(manager)
    browser.get(reverse("photo-image", args=[photo.pk]))
    browser.get(reverse("photo-image", args=[photo.pk]))
    entries = AuditEntry.objects.filter(actor=manager, patient=photo.patient, action="viewed photo")
    assert entries.count() == 2
    assert f"photo {photo.pk}" in entries.first().detail


def test_thumbnails_are_audited_without_flooding_the_log(photo, doctor):
    browser = client_for(doctor)
    for _ in range(5):
        assert browser.get(reverse("photo-thumb", args=[photo.pk])).status_code == 200
    thumbnails = AuditEntry.objects.filter(
        actor=doctor, patient=photo.patient, action="viewed photo thumbnails"
    )
    assert thumbnails.count() == 1
    with time_machine.travel(DURING_THE_FIRST + timedelta(minutes=11), tick=False):
        browser.get(reverse("photo-thumb", args=[photo.pk]))
    assert thumbnails.count() == 2


def test_a_patient_seeing_their_own_photo_is_not_audited(photo, alice, settings):
    settings.PATIENTS_SEE_PHOTOS = True
    assert client_for(alice).get(reverse("photo-image", args=[photo.pk])).status_code == 200
    assert not AuditEntry.objects.exists()


def test_a_photo_whose_file_is_gone_is_a_404_not_a_500(photo, doctor, photo_dir):
    (photo_dir / photo.image.name).unlink()
    assert client_for(doctor).get(reverse("photo-image", args=[photo.pk])).status_code == 404


# --- Uploading and removing through the pages -------------------------------------------------

UPLOADERS = {"anonymous": 302, "alice": 403, "bob": 403, "receptionist": 403, "manager": 403}


@pytest.mark.parametrize("who", list(UPLOADERS))
def test_only_a_doctor_uploads_or_removes_through_the_pages(
    who, request, client, visit, photo, photo_dir
):
    browser = _browser(who, request, client)
    upload = {"area": "Chin", "label": "after", "image": uploaded(phone_jpeg())}
    response = browser.post(reverse("photo-upload", args=[visit.pk]), upload)
    assert response.status_code == UPLOADERS[who]
    response = browser.post(reverse("photo-remove", args=[photo.pk]))
    assert response.status_code == UPLOADERS[who]
    assert ClinicalPhoto.objects.count() == 1
    assert len(stored_files(photo_dir)) == 2


def test_a_doctor_uploads_and_returns_to_the_page_they_were_on(visit, doctor, consented):
    response = client_for(doctor).post(
        reverse("photo-upload", args=[visit.pk]),
        {
            "area": " Left   cheek ",
            "label": "before",
            "image": uploaded(phone_jpeg()),
            "next": f"/appointments/{visit.pk}/?tab=photos",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == f"/appointments/{visit.pk}/?tab=photos"
    photo = ClinicalPhoto.objects.get()
    assert photo.area == "Left cheek"
    assert photo.uploaded_by == doctor
    assert AuditEntry.objects.filter(actor=doctor, action="added photo").exists()


def test_after_an_upload_an_unsafe_next_leads_to_the_visit_instead(visit, doctor, consented):
    response = client_for(doctor).post(
        reverse("photo-upload", args=[visit.pk]),
        {"area": "Chin", "label": "after", "image": uploaded(phone_jpeg()), "next": "//evil.test"},
    )
    assert response["Location"] == visit_page(visit.pk)


PAGE_REFUSALS = {
    "no file": ({"area": "Chin", "label": "before"}, "Choose a photo"),
    "a bad label": ({"area": "Chin", "label": "during", "image": "jpeg"}, "before or after"),
    "no area": ({"area": "", "label": "before", "image": "jpeg"}, "which area"),
    "a 50 MB file": ({"area": "Chin", "label": "before", "image": "50mb"}, "50.0 MB"),
    "a PDF renamed .jpg": ({"area": "Chin", "label": "before", "image": "pdf"}, "not a photo"),
    "a truncated image": (
        {"area": "Chin", "label": "before", "image": "truncated"},
        "damaged or incomplete",
    ),
    "an empty file": ({"area": "Chin", "label": "before", "image": "empty"}, "empty"),
}
CONTENTS = {
    "jpeg": lambda: phone_jpeg(),
    "50mb": lambda: b"\xff\xd8\xff" + b"\x00" * (50 * MB),
    "pdf": lambda: BAD_FILES["a PDF renamed .jpg"][0],
    "truncated": lambda: BAD_FILES["a truncated JPEG"][0],
    "empty": lambda: b"",
}


@pytest.mark.parametrize("case", list(PAGE_REFUSALS))
def test_bad_input_on_the_page_is_a_400_that_says_why_and_stores_nothing(
    case, visit, doctor, consented, photo_dir
):
    data, message = PAGE_REFUSALS[case]
    data = dict(data)
    if "image" in data:
        data["image"] = uploaded(CONTENTS[data["image"]]())
    response = client_for(doctor).post(reverse("photo-upload", args=[visit.pk]), data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ClinicalPhoto.objects.exists()
    assert stored_files(photo_dir) == []


def test_the_page_says_when_consent_is_missing(visit, doctor):
    response = client_for(doctor).post(
        reverse("photo-upload", args=[visit.pk]),
        {"area": "Chin", "label": "before", "image": uploaded(phone_jpeg())},
    )
    assert response.status_code == 400
    assert "not consented to clinical photographs" in response.content.decode()


def test_the_page_refuses_a_removal_once_the_record_is_signed(photo, doctor, photo_dir):
    sign(photo.appointment, doctor)
    response = client_for(doctor).post(reverse("photo-remove", args=[photo.pk]))
    assert response.status_code == 400
    assert "add an addendum" in response.content.decode()
    assert ClinicalPhoto.objects.count() == 1


def test_a_doctor_removes_a_photo_through_the_page(photo, doctor, photo_dir, committed):
    with committed():
        response = client_for(doctor).post(reverse("photo-remove", args=[photo.pk]))
    assert response.status_code == 302
    assert stored_files(photo_dir) == []
    assert AuditEntry.objects.filter(actor=doctor, action="removed photo").exists()


# --- A course's photos, compared --------------------------------------------------------------


@pytest.fixture
def course_shots(alice_course, doctor, consented):
    """Left cheek before and after at sessions 1 and 2, the chin at session 2."""
    first, second = alice_course[0], alice_course[1]
    shots = {
        "1 before": add(first, doctor, area="Left cheek", label="before"),
        "1 after": add(first, doctor, area="Left cheek", label="after"),
    }
    with time_machine.travel(second.starts_at + timedelta(minutes=5), tick=False):
        shots["2 after"] = add(second, doctor, area="left cheek", label="after")
        shots["2 before"] = add(second, doctor, area="Left cheek", label="before")
        shots["chin"] = add(second, doctor, area="Chin", label="before")
    return shots


def test_a_courses_photos_come_by_area_in_session_order_in_one_query(
    course_shots, alice_course, django_assert_num_queries
):
    with django_assert_num_queries(1):
        by_area = course_photos(alice_course[0].plan)
        order = [(p.appointment.session_number, p.label) for p in by_area["Left cheek"]]
    assert list(by_area) == ["Left cheek", "Chin"]  # the area as first written; case aside
    assert order == [(1, "before"), (1, "after"), (2, "before"), (2, "after")]


def test_by_default_the_first_sessions_photo_is_compared_with_the_latest(
    course_shots, alice_course
):
    pair = compare_pair(alice_course[0].plan, "left cheek", None, None)
    assert (pair.first, pair.second, pair.chosen) == (
        course_shots["1 before"],
        course_shots["2 after"],
        False,
    )
    only = compare_pair(alice_course[0].plan, "Chin", None, None)
    assert only.first == course_shots["chin"]
    assert only.second is None


def test_any_two_of_the_patients_photos_may_be_compared_but_not_another_patients(
    course_shots, alice_course, bob, bobs_visit, doctor
):
    plan = alice_course[0].plan
    a, b = course_shots["1 after"], course_shots["2 before"]
    pair = compare_pair(plan, "Left cheek", a.pk, b.pk)
    assert (pair.first, pair.second, pair.chosen) == (a, b, True)
    photo_consent_give(
        patient=bob, scope=PhotoScope.MEDICAL_RECORD, by=bob, method=ConsentMethod.ONLINE
    )
    with time_machine.travel(bobs_visit.starts_at, tick=False):
        bobs = add(bobs_visit, doctor)
    with pytest.raises(ValidationError, match="this course's patient"):
        compare_pair(plan, "Left cheek", a.pk, bobs.pk)
    comparison = photo_comparison(plan, {"area": "Left cheek", "a": str(a.pk), "b": str(bobs.pk)})
    assert comparison.error
    assert comparison.pair.first == course_shots["1 before"]


def test_the_compare_page_shows_the_pair_and_refuses_a_stranger_photo_with_a_400(
    course_shots, alice_course, doctor
):
    plan = alice_course[0].plan
    url = reverse("photo-compare", args=[plan.pk])
    page = client_for(doctor).get(url, {"area": "Chin"})
    assert page.status_code == 200
    text = page.content.decode()
    assert reverse("photo-image", args=[course_shots["chin"].pk]) in text
    bad = client_for(doctor).get(url, {"area": "Chin", "a": "1", "b": "999999"})
    assert bad.status_code == 400
    assert "Choose two photos of this course" in bad.content.decode()
    nonsense = client_for(doctor).get(url, {"a": "x' or 1=1", "b": "-3"})
    assert nonsense.status_code == 400
    assert AuditEntry.objects.filter(actor=doctor, action="compared photos").count() == 3


def test_choosing_another_area_shows_its_first_and_latest(course_shots, alice_course):
    plan = alice_course[0].plan
    a, b = course_shots["1 after"], course_shots["2 before"]
    comparison = photo_comparison(plan, {"area": "Chin", "a": str(a.pk), "b": str(b.pk)})
    assert not comparison.error
    assert comparison.area == "Chin"
    assert comparison.pair.first == course_shots["chin"]
