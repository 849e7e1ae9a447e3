"""A NUL character anywhere in what a person sends is refused with a 400 that says why, before
any view runs, so nothing is stored (PostgreSQL cannot store NUL in text)."""

import json

import pytest
from django.test import RequestFactory
from django.urls import reverse

from clinic.middleware import NUL_REFUSED, RefuseNulMiddleware
from clinic.models import User
from tests.clinic.test_signup import signup_data
from tests.conftest import client_for


def test_a_nul_in_the_staff_patient_search_is_a_clear_400(receptionist, alice):
    response = client_for(receptionist).get(reverse("patient-list"), {"q": "Ali\x00ce"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    # The same search without it works.
    assert client_for(receptionist).get(reverse("patient-list"), {"q": "Alice"}).status_code == 200


@pytest.mark.parametrize("field", ["first_name", "last_name", "email"])
def test_a_nul_in_a_posted_form_creates_nothing(client, db, field):
    data = signup_data()
    data[field] = data[field][:2] + "\x00" + data[field][2:]
    response = client.post(reverse("signup"), data)
    assert response.status_code == 400
    assert response.content.decode() == NUL_REFUSED
    assert not User.objects.exists()


def test_a_nul_in_a_json_body_is_refused(client, db):
    body = json.dumps({"concern": "pigmentation", "area": "face\x00"})
    response = client.post("/api/plans/preview", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_an_uploaded_file_may_hold_nul_bytes_but_its_text_fields_may_not():
    seen = []
    middleware = RefuseNulMiddleware(lambda request: seen.append(request) or "passed")
    factory = RequestFactory()
    upload = factory.post("/", {"photo": _file(b"\x89PNG\x00\x00binary"), "note": "fine"})
    assert middleware(upload) == "passed"
    text = factory.post("/", {"photo": _file(b"\x00"), "note": "bad\x00"})
    assert middleware(text).status_code == 400
    assert len(seen) == 1


def _file(content: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("photo.png", content, content_type="image/png")
