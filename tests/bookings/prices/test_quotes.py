"""Quotes before booking: a consultation, and a course by its package or its sessions."""

import pytest
from django.utils import translation

from bookings.models import CoursePackage, TreatmentKind, TreatmentType
from bookings.prices.quotes import Quote, consultation_quote, course_quote
from planner.models import TreatmentPlan
from planner.rules import Area, Concern
from planner.services import plan_create
from tests.planner.intakes import intake


@pytest.fixture
def types(db):
    consultation = TreatmentType.objects.create(
        name="Consultation", kind=TreatmentKind.CONSULTATION, duration_minutes=30
    )
    session = TreatmentType.objects.create(
        name="Pico: pigmentation",
        kind=TreatmentKind.SESSION,
        concern=Concern.PIGMENTATION.value,
        duration_minutes=45,
        price_minor=45000,
    )
    return consultation, session


def course(patient, sessions=6, concern=Concern.PIGMENTATION, area=Area.SMALL):
    plan = plan_create(patient=patient, intake=intake(concern=concern, area=area))
    TreatmentPlan.objects.filter(pk=plan.pk).update(
        sessions=sessions, sessions_min=2, sessions_max=10
    )
    plan.refresh_from_db()
    return plan


def test_a_consultation_is_quoted_at_its_price(types):
    consultation, _ = types
    consultation.price_minor = 8000
    consultation.save()
    with translation.override("en-gb"):
        assert consultation_quote() == Quote(8000, "MYR", "Consultation")


def test_an_unpriced_consultation_has_no_quote(types):
    assert consultation_quote() is None


def test_a_course_without_a_package_is_its_sessions_times_the_price(types, alice):
    with translation.override("en-gb"):
        quote = course_quote(course(alice, sessions=6))
    assert quote == Quote(270000, "MYR", "6 sessions \N{MULTIPLICATION SIGN} RM450.00")


def test_a_session_made_for_the_area_sets_the_price(types, alice):
    TreatmentType.objects.create(
        name="Pico: pigmentation, large",
        kind=TreatmentKind.SESSION,
        concern=Concern.PIGMENTATION.value,
        area=Area.LARGE.value,
        duration_minutes=75,
        price_minor=70000,
    )
    assert course_quote(course(alice, sessions=4, area=Area.LARGE)).amount_minor == 280000
    assert course_quote(course(alice, sessions=4, area=Area.SMALL)).amount_minor == 180000


def test_a_package_that_covers_the_course_wins(types, alice):
    CoursePackage.objects.create(concern="pigmentation", price_minor=240000, sessions=6)
    with translation.override("en-gb"):
        quote = course_quote(course(alice, sessions=6))
    assert quote == Quote(240000, "MYR", "Course package for pigmentation, up to 6 sessions")


def test_a_longer_course_than_the_package_covers_is_quoted_per_session(types, alice):
    CoursePackage.objects.create(concern="pigmentation", price_minor=240000, sessions=6)
    assert course_quote(course(alice, sessions=7)).amount_minor == 7 * 45000


def test_a_package_dearer_than_the_sessions_is_never_quoted(types, alice):
    CoursePackage.objects.create(concern="pigmentation", price_minor=240000, sessions=6)
    # Three sessions cost 1,350.00 one by one: the patient is quoted that, not 2,400.00.
    assert course_quote(course(alice, sessions=3)).amount_minor == 135000


def test_a_package_without_a_session_count_covers_any_course(types, alice):
    CoursePackage.objects.create(concern="pigmentation", price_minor=240000)
    with translation.override("en-gb"):
        quote = course_quote(course(alice, sessions=6))
    assert quote == Quote(240000, "MYR", "Course package for pigmentation")


def test_a_package_is_the_quote_when_sessions_are_unpriced(types, alice):
    _, session = types
    session.price_minor = None
    session.save()
    CoursePackage.objects.create(concern="pigmentation", price_minor=240000, sessions=6)
    assert course_quote(course(alice, sessions=6)).amount_minor == 240000


def test_a_package_no_longer_offered_is_not_quoted(types, alice):
    CoursePackage.objects.create(
        concern="pigmentation", price_minor=240000, sessions=6, active=False
    )
    assert course_quote(course(alice, sessions=6)).amount_minor == 270000


def test_an_unpriced_course_has_no_quote(types, alice):
    _, session = types
    session.price_minor = None
    session.save()
    assert course_quote(course(alice)) is None


def test_a_concern_the_clinic_does_not_treat_has_no_quote(types, alice):
    assert course_quote(course(alice, concern=Concern.MELASMA)) is None


def test_the_quote_is_in_the_currency_the_clinic_set(types, alice, settings):
    settings.CLINIC_CURRENCY = "GBP"
    with translation.override("en-gb"):
        quote = course_quote(course(alice, sessions=2))
    assert quote == Quote(90000, "GBP", "2 sessions \N{MULTIPLICATION SIGN} £450.00")


def test_the_plan_page_shows_the_courses_price_before_booking(types, alice):
    from django.urls import reverse

    from tests.conftest import client_for

    plan = course(alice, sessions=6)
    page = client_for(alice).get(reverse("plan-detail", args=[plan.pk])).content.decode()
    assert "Book your sessions" in page
    assert "Price of this course: <strong>RM2,700.00</strong>" in page
    assert "6 sessions \N{MULTIPLICATION SIGN} " in page
