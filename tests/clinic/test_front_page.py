"""The public front page: what a visitor learns before signing up (treatments and what their
courses take, prices, opening hours, where the clinic is) and the next free consultation
times, in the clinic's zone, each leading through the login to its booking review."""

from datetime import UTC, date, datetime, time
from urllib.parse import parse_qs

import pytest
import time_machine
from django.core.cache import cache
from django.urls import reverse

from bookings.models import (
    ClinicContact,
    Closure,
    CoursePackage,
    TreatmentType,
    Unavailability,
)
from tests.bookings.clinics import make_clinic, weekly
from tests.conftest import client_for

ZONE = "Asia/Kuala_Lumpur"
DASH = "\N{EN DASH}"  # ranges are printed with an en dash, as in 2 to 6
# Monday 1 March 2027, 08:00 in Kuala Lumpur (UTC+8).
NOW = datetime(2027, 3, 1, 0, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _in_kuala_lumpur(settings):
    settings.TIME_ZONE = ZONE
    settings.CLINIC_TIME_ZONE = ZONE
    settings.PHONENUMBER_DEFAULT_REGION = "MY"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def clinic(db):
    clinic = make_clinic(hours=[*weekly(time(9), time(18)), (5, time(9), time(13))])
    clinic.consultation.price_minor = 8000
    clinic.consultation.save()
    clinic.session.price_minor = 45000
    clinic.session.save()
    TreatmentType.objects.create(
        name="Pico session: pigmentation, large",
        kind="session",
        concern="pigmentation",
        area="large",
        duration_minutes=75,
        price_minor=70000,
    )
    CoursePackage.objects.create(concern="pigmentation", price_minor=240000, sessions=6)
    ClinicContact.objects.create(
        pk=1, address="Level 3, Wisma Cahaya\n18 Jalan Ampang", phone="+60321610000"
    )
    Closure.objects.create(starts_on=date(2027, 3, 10), ends_on=date(2027, 3, 10), reason="Nyepi")
    return clinic


def front(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_a_visitor_sees_the_treatments_and_what_their_courses_take(client, clinic):
    html = front(client)
    for words in ("Pigmentation", "Melasma", "Tattoo removal", "Sun spots, age spots"):
        assert words in html
    # From the planning policy: a moderate pigmentation course, the standard spacing.
    assert f"Usually 3{DASH}4 sessions" in html
    assert f"2{DASH}6 weeks apart (up to 8 for sensitive or darker skin)" in html
    assert f"First results after 2{DASH}3 weeks" in html


def test_a_visitor_sees_the_prices(client, clinic):
    html = front(client)
    assert "A first consultation with a doctor costs RM80.00" in html
    # The large-area session costs more: the general one is the "from" price.
    assert "From RM450.00 a session" in html
    assert "Course package for pigmentation, up to 6 sessions: RM2,400.00" in html
    # A concern without a priced session says so rather than showing nothing.
    assert "Priced at your consultation" in html


def test_a_visitor_sees_the_opening_hours_closures_address_and_phone(client, clinic):
    html = front(client)
    assert '<th scope="row">Monday</th>' in html
    assert f"09:00{DASH}18:00" in html
    assert f"09:00{DASH}13:00" in html  # Saturday
    assert '<th scope="row">Sunday</th>\n              <td>Closed</td>' in html
    assert "Nyepi" in html
    assert "Level 3, Wisma Cahaya<br>18 Jalan Ampang" in html
    assert 'href="tel:+60321610000"' in html


def test_the_next_free_times_are_in_the_clinics_zone_and_lead_to_their_review(client, clinic):
    html = front(client)
    # 08:00 in Kuala Lumpur with two hours' notice: the first free time is 10:00 local,
    # 02:00 UTC; then the first of that afternoon and evening, then the next day's.
    assert "Mon 1 Mar" in html
    assert '<span class="fw-semibold">10:00</span>' in html
    assert '<span class="fw-semibold">12:00</span>' in html
    assert '<span class="fw-semibold">17:00</span>' in html
    response = client.get(reverse("home"))
    [first, *_] = response.context["free_times"]
    moment, query = first
    assert moment == datetime(2027, 3, 1, 2, 0, tzinfo=UTC)
    after_login = parse_qs(query)["next"][0]
    path, _, booking = after_login.partition("?")
    assert path == reverse("consultation-book")
    assert parse_qs(booking)["starts_at"] == ["2027-03-01T02:00:00+00:00"]
    assert len(response.context["free_times"]) == 6


def test_an_empty_calendar_says_so_in_words(client, clinic):
    for doctor in clinic.doctors:
        Unavailability.objects.create(
            resource=doctor,
            starts_at=datetime(2027, 2, 28, tzinfo=UTC),
            ends_at=datetime(2027, 4, 1, tzinfo=UTC),
            reason="Conference",
        )
    html = front(client)
    assert "There is no free consultation time online in the next two weeks." in html
    assert "Please call us on 03-2161 0000" in html


def test_the_free_times_are_kept_for_a_minute(client, clinic):
    front(client)
    cache_key = f"front:free-consultations:{clinic.consultation.pk}"
    assert cache.get(cache_key)
    cache.set(cache_key, [], 60)  # as if the calendar had filled since
    assert "There is no free consultation time online" in front(client)


def test_the_front_page_takes_a_fixed_number_of_queries(
    client, clinic, django_assert_max_num_queries
):
    for n in range(5):
        TreatmentType.objects.create(
            name=f"Tattoo {n}", kind="session", concern="tattoo", duration_minutes=30
        )
        CoursePackage.objects.create(
            concern=["melasma", "tattoo", "wrinkles", "fine_lines", "acne_scars"][n],
            price_minor=100000,
        )
    with django_assert_max_num_queries(8):
        front(client)


def test_without_prices_or_an_address_the_page_still_reads_well(client, db):
    make_clinic()
    html = front(client)
    assert "A first consultation with a doctor: your skin" in html
    assert "a session" not in html
    assert "Find us" not in html


@pytest.mark.parametrize("who", ["alice", "receptionist", "doctor", "manager"])
def test_someone_logged_in_goes_to_their_own_home(request, clinic, who):
    response = client_for(request.getfixturevalue(who)).get(reverse("home"))
    assert response.status_code == 302
    assert "Next free consultation times" not in response.content.decode()


@pytest.mark.parametrize(
    ("language", "monday", "price"),
    [("en-gb", "Monday", "RM80.00"), ("ms", "Isnin", "RM80.00"), ("zh-hans", "星期一", "MYR80.00")],
)
def test_days_and_prices_are_in_the_visitors_language(client, clinic, language, monday, price):
    client.cookies["django_language"] = language
    html = front(client)
    assert f'<th scope="row">{monday}</th>' in html
    assert price in html
