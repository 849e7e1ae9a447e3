"""The manager sets prices in the clinic's settings (the admin): a treatment type's price, a
course package per concern, and the address and phone the front page shows. Only a manager;
a price typed wrong is refused in a sentence and nothing changes."""

import pytest
from django.urls import reverse

from bookings.models import ClinicContact, CoursePackage, TreatmentKind, TreatmentType
from tests.conftest import client_for


@pytest.fixture
def session(db):
    return TreatmentType.objects.create(
        name="Pico session: pigmentation",
        kind=TreatmentKind.SESSION,
        concern="pigmentation",
        duration_minutes=45,
        buffer_minutes=15,
        price_minor=45000,
    )


def treatment_post(treatment, **fields):
    return {
        "name": treatment.name,
        "kind": treatment.kind,
        "concern": treatment.concern,
        "area": treatment.area,
        "duration_minutes": treatment.duration_minutes,
        "buffer_minutes": treatment.buffer_minutes,
        "needs_device": "on",
        "needs_room": "on",
        "active": "on",
        "price_minor": "450.00",
    } | fields


def change_url(treatment):
    return reverse("admin:bookings_treatmenttype_change", args=[treatment.pk])


def test_the_price_shows_in_major_units_and_the_list_shows_it_formatted(manager, session):
    client = client_for(manager)
    html = client.get(change_url(session)).content.decode()
    assert 'value="450.00"' in html
    assert "In MYR, such as 450.00." in html
    listing = client.get(reverse("admin:bookings_treatmenttype_changelist")).content.decode()
    assert "RM450.00" in listing


@pytest.mark.parametrize(
    ("typed", "stored"), [("480", 48000), ("1,250.50", 125050), ("", None), ("0", 0)]
)
def test_a_manager_sets_a_price_in_major_units_and_it_is_kept_in_sen(
    manager, session, typed, stored
):
    response = client_for(manager).post(
        change_url(session), treatment_post(session, price_minor=typed)
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.price_minor == stored


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("-450", "A price cannot be negative."),
        ("four hundred", "Give the price as a number, such as 450.00."),
        ("4500000", "That price is over 1,000,000.00: check for an extra zero."),
        ("450.505", "Give the price to at most 2 decimal places."),
    ],
)
def test_a_wrong_price_is_refused_in_a_sentence_and_nothing_changes(
    manager, session, typed, sentence
):
    response = client_for(manager).post(
        change_url(session), treatment_post(session, price_minor=typed)
    )
    assert response.status_code == 200
    assert sentence in response.content.decode()
    session.refresh_from_db()
    assert session.price_minor == 45000


@pytest.mark.parametrize("who", ["alice", "receptionist", "doctor"])
def test_only_a_manager_may_change_a_price(request, session, who):
    client = client_for(request.getfixturevalue(who))
    response = client.post(change_url(session), treatment_post(session, price_minor="1.00"))
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert "/login/" in response["Location"]
    for url in (reverse("admin:bookings_coursepackage_add"), change_url(session)):
        page = client.get(url)
        assert page.status_code in (302, 403)
    session.refresh_from_db()
    assert session.price_minor == 45000


def test_an_anonymous_visitor_is_sent_to_log_in_and_changes_nothing(client, session):
    response = client.post(change_url(session), treatment_post(session, price_minor="1.00"))
    assert response.status_code == 302
    assert "login" in response["Location"]
    session.refresh_from_db()
    assert session.price_minor == 45000


def test_a_manager_adds_a_course_package(manager, db):
    response = client_for(manager).post(
        reverse("admin:bookings_coursepackage_add"),
        {"concern": "pigmentation", "price_minor": "2,400", "sessions": "6", "active": "on"},
    )
    assert response.status_code == 302
    package = CoursePackage.objects.get()
    assert (package.concern, package.price_minor, package.sessions) == ("pigmentation", 240000, 6)
    listing = client_for(manager).get(reverse("admin:bookings_coursepackage_changelist"))
    assert "RM2,400.00" in listing.content.decode()
    assert "Up to 6" in listing.content.decode()


@pytest.mark.parametrize(
    ("fields", "sentence"),
    [
        ({"price_minor": ""}, "This field is required."),
        ({"price_minor": "abc"}, "Give the price as a number, such as 450.00."),
        ({"sessions": "0"}, "A package covers at least 1 session."),
        ({"price_minor": "-1"}, "A price cannot be negative."),
    ],
)
def test_a_wrong_package_is_refused_in_a_sentence(manager, db, fields, sentence):
    post = {"concern": "pigmentation", "price_minor": "2400", "sessions": "6", "active": "on"}
    response = client_for(manager).post(reverse("admin:bookings_coursepackage_add"), post | fields)
    assert response.status_code == 200
    assert sentence in response.content.decode()
    assert not CoursePackage.objects.exists()


def test_a_second_package_for_a_concern_is_refused_in_a_sentence(manager, db):
    CoursePackage.objects.create(concern="pigmentation", price_minor=240000, sessions=6)
    response = client_for(manager).post(
        reverse("admin:bookings_coursepackage_add"),
        {"concern": "pigmentation", "price_minor": "2000", "sessions": "", "active": "on"},
    )
    assert response.status_code == 200
    assert "This concern has a package already: change that one." in response.content.decode()
    assert CoursePackage.objects.get().price_minor == 240000


def test_a_manager_sets_the_address_and_phone(manager, db, settings):
    settings.PHONENUMBER_DEFAULT_REGION = "MY"
    client = client_for(manager)
    response = client.get(reverse("admin:bookings_cliniccontact_changelist"))
    assert response.status_code == 302
    response = client.post(
        response["Location"],
        {"address": "18 Jalan Ampang\n50450 Kuala Lumpur", "phone": "03-2161 0000"},
    )
    assert response.status_code == 302
    contact = ClinicContact.current()
    assert contact.address.startswith("18 Jalan Ampang")
    assert contact.phone.as_e164 == "+60321610000"


def test_a_phone_number_that_is_not_one_is_refused(manager, db):
    contact = ClinicContact.current()
    response = client_for(manager).post(
        reverse("admin:bookings_cliniccontact_change", args=[contact.pk]),
        {"address": "Somewhere", "phone": "call us"},
    )
    assert response.status_code == 200
    assert "Enter a valid phone number" in response.content.decode()
    contact.refresh_from_db()
    assert contact.address == ""
