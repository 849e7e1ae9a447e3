"""Clinical photos in Chromium (issue 16): a doctor uploads a real JPEG, taken with a phone's
EXIF and GPS, through the visit's photo panel, and sees its thumbnail; a PDF renamed .jpg is
refused with a sentence and nothing is stored; a course's photos are compared side by side.

The panel (templates/visits/_photos.html) is the one the visit record page includes.

Set PHOTO_SHOTS to a folder to keep screenshots at 1366 and 390 px wide.
"""

from __future__ import annotations

import io
import os
import random
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from PIL import Image, ImageDraw, ImageFilter
from playwright.sync_api import Browser, Page, expect

from bookings.models import ClinicalPhoto
from bookings.visits.photos import photo_add
from clinic.models import ConsentMethod, PhotoScope
from clinic.photo_consent import photo_consent_give
from tests.bookings.clinics import make_clinic
from tests.bookings.visits.photographs import (
    MAKE,
    phone_jpeg,
    stored_files,
    uploaded,
    use_photo_dir,
)
from tests.bookings.waitlists import BOOKED_ON, FIRST, approved_plan, book_course
from tests.browser.test_login import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SHOTS = os.environ.get("PHOTO_SHOTS", "")
DURING_THE_FIRST = FIRST + timedelta(minutes=20)


@pytest.fixture(autouse=True)
def photo_dir(tmp_path, monkeypatch, settings):
    return use_photo_dir(tmp_path, monkeypatch, settings)


@pytest.fixture
def course(alice, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        clinic = make_clinic()
        return book_course(clinic, approved_plan(alice, doctor))


@pytest.fixture
def consented(alice, receptionist):
    return photo_consent_give(
        patient=alice,
        scope=PhotoScope.MEDICAL_RECORD,
        by=receptionist,
        method=ConsentMethod.IN_PERSON,
    )


@pytest.fixture
def at_the_visit():
    with time_machine.travel(DURING_THE_FIRST, tick=True):
        yield


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_a_doctor_uploads_a_phone_photo_and_sees_its_thumbnail(
    page: Page, course, doctor, consented, at_the_visit, tmp_path, photo_dir
):
    taken = tmp_path / "IMG_4032.jpg"
    taken.write_bytes(phone_jpeg((1200, 900), orientation=6))
    log_in(page, doctor.email)
    page.goto(reverse("visit-record", args=[course[0].pk]))
    expect(page.locator("#photo-consents")).to_contain_text(
        "Photo consent for the medical record: given"
    )
    expect(page.get_by_text("No photos of this visit yet.")).to_be_visible()
    panel = page.locator("#photos")
    photo_input = panel.get_by_label("Photo", exact=True)
    assert photo_input.get_attribute("accept") == "image/*"
    assert photo_input.get_attribute("capture") == "environment"
    photo_input.set_input_files(str(taken))
    panel.get_by_label("Area", exact=True).fill("Left cheek")
    panel.get_by_label("Before").check()
    panel.get_by_role("button", name="Add photo").click()

    expect(page.get_by_text("Photo added: Left cheek, before.")).to_be_visible()
    thumbnail = page.get_by_role("img", name="Before the treatment: Left cheek")
    expect(thumbnail).to_be_visible()
    # Drawn, not a broken image: the browser decoded what the thumbnail view streamed.
    size = thumbnail.evaluate("img => [img.naturalWidth, img.naturalHeight]")
    assert size == [240, 320]  # upright (the phone was on its side), 320 px on its longest side

    photo = ClinicalPhoto.objects.get()
    assert (photo.width, photo.height) == (900, 1200)
    kept = (photo_dir / photo.image.name).read_bytes()
    assert len(Image.open(io.BytesIO(kept)).getexif()) == 0
    assert MAKE.encode() not in kept
    assert b"Exif" not in kept
    page.set_viewport_size({"width": 1366, "height": 900})
    shoot(page, "photos-panel-1366")
    if SHOTS:
        panel.screenshot(path=os.path.join(SHOTS, "photos-panel-1366-block.png"))


def test_a_pdf_renamed_jpg_is_refused_in_the_page_and_nothing_is_stored(
    page: Page, course, doctor, consented, at_the_visit, tmp_path, photo_dir
):
    fake = tmp_path / "photo.jpg"
    fake.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    log_in(page, doctor.email)
    page.goto(reverse("visit-record", args=[course[0].pk]))
    panel = page.locator("#photos")
    panel.get_by_label("Photo", exact=True).set_input_files(str(fake))
    panel.get_by_label("Area", exact=True).fill("Chin")
    with page.expect_response(lambda r: "/photos/upload/" in r.url) as answer:
        panel.get_by_role("button", name="Add photo").click()
    assert answer.value.status == 400
    expect(page.get_by_role("alert")).to_contain_text("not a photo the clinic can read")
    assert not ClinicalPhoto.objects.exists()
    assert stored_files(photo_dir) == []


def skin(spots: int, seed: int, size: tuple[int, int] = (1200, 900)) -> bytes:
    """A cheek as a phone photographs it, with `spots` brown marks (fewer as the course goes)."""
    chance = random.Random(seed)
    image = Image.new("RGB", size, (224, 180, 150))
    draw = ImageDraw.Draw(image)
    for _ in range(spots):
        x, y = chance.randrange(100, size[0] - 100), chance.randrange(100, size[1] - 100)
        r = chance.randrange(12, 40)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(150, 100, 70))
    image = image.filter(ImageFilter.GaussianBlur(6))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def test_a_courses_photos_are_compared_side_by_side(
    browser: Browser, live_server, course, doctor, consented
):
    first, second = course[0], course[1]
    with time_machine.travel(DURING_THE_FIRST, tick=False):
        before = photo_add(
            appointment=first,
            area="Left cheek",
            label="before",
            upload=uploaded(skin(40, 1)),
            by=doctor,
        )
        photo_add(
            appointment=first, area="Chin", label="before", upload=uploaded(skin(10, 2)), by=doctor
        )
    with time_machine.travel(second.starts_at + timedelta(minutes=30), tick=False):
        latest = photo_add(
            appointment=second,
            area="Left cheek",
            label="after",
            upload=uploaded(skin(12, 1)),
            by=doctor,
        )
    with time_machine.travel(second.starts_at + timedelta(minutes=40), tick=True):
        for width in (1366, 390):
            context = browser.new_context(
                base_url=live_server.url, viewport={"width": width, "height": 900}
            )
            page = context.new_page()
            log_in(page, doctor.email)
            page.goto(reverse("photo-compare", args=[first.plan_id]))
            expect(page.get_by_role("heading", name="Photos side by side")).to_be_visible()
            images = page.locator("#photo-compare figure img")
            expect(images).to_have_count(2)
            sources = [images.nth(i).get_attribute("src") for i in range(2)]
            assert sources == [
                reverse("photo-image", args=[before.pk]),
                reverse("photo-image", args=[latest.pk]),
            ]
            for i in range(2):
                assert images.nth(i).evaluate("img => img.complete && img.naturalWidth > 0")
            boxes = [images.nth(i).bounding_box() for i in range(2)]
            assert boxes[0]["x"] + boxes[0]["width"] <= boxes[1]["x"] + 1  # side by side
            assert boxes[1]["x"] + boxes[1]["width"] <= width
            shoot(page, f"photo-compare-{width}")
            if width == 390:
                page.goto(reverse("visit-record", args=[second.pk]))
                panel = page.locator("#photos")
                panel.scroll_into_view_if_needed()
                thumbnail = panel.get_by_role("img", name="After the treatment: Left cheek")
                expect(thumbnail).to_be_visible()
                page.wait_for_function(
                    "() => [...document.querySelectorAll('#photos img')]"
                    ".every(img => img.complete && img.naturalWidth > 0)"
                )
                shoot(page, "photos-panel-390")
                if SHOTS:
                    panel.screenshot(path=os.path.join(SHOTS, "photos-panel-390-block.png"))
            context.close()
