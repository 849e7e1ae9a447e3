"""Confirming the email signs the patient in, in the browser that signed up, and only there."""

import re
from datetime import timedelta

import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.http import urlencode

from clinic.accounts import SIGNED_UP_HERE
from clinic.models import User
from tests.clinic.test_signup import signup_data


def sign_up(client, committed, **overrides) -> str:
    with committed():
        assert client.post(reverse("signup"), signup_data(**overrides)).status_code == 302
    return re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)


def signed_in(client) -> int | None:
    pk = client.session.get(SESSION_KEY)
    return int(pk) if pk is not None else None


def test_the_link_opened_in_the_browser_that_signed_up_signs_in_and_goes_to_the_intake(
    db, committed
):
    browser = Client()
    link = sign_up(browser, committed)
    response = browser.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("intake-start")
    dana = User.objects.get(email="dana.k@example.com")
    assert dana.is_active
    assert dana.profile.email_confirmed_at is not None
    assert signed_in(browser) == dana.pk
    # Straight on to the questionnaire's first section: no log-in page between.
    questions = browser.get(reverse("intake-start"), follow=True)
    assert questions.status_code == 200
    assert questions.redirect_chain[-1][0].startswith("/intake/")


def test_the_link_opened_in_another_browser_only_confirms_and_asks_to_log_in(db, committed):
    link = sign_up(Client(), committed)
    elsewhere = Client()
    response = elsewhere.get(link)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert signed_in(elsewhere) is None
    assert User.objects.get(email="dana.k@example.com").is_active
    assert elsewhere.get(reverse("patient-home")).status_code == 302  # to log in


def test_a_link_opened_again_after_logging_out_does_not_sign_in_again(db, committed):
    browser = Client()
    link = sign_up(browser, committed)
    browser.get(link)
    browser.post(reverse("logout"))
    response = browser.get(link)
    assert response["Location"] == reverse("login")
    assert signed_in(browser) is None


def test_a_link_opened_again_while_signed_in_just_goes_home(db, committed):
    browser = Client()
    link = sign_up(browser, committed)
    browser.get(link)
    response = browser.get(link)
    assert response["Location"] == reverse("home")
    assert SIGNED_UP_HERE not in browser.session


def test_a_browser_that_signed_up_someone_else_is_not_signed_in_by_their_link(db, committed):
    """Two sign-ups in one browser: only the last one's link signs in there."""
    browser = Client()
    first = sign_up(browser, committed)
    sign_up(browser, committed, email="other@example.com")
    response = browser.get(first)
    assert response["Location"] == reverse("login")
    assert signed_in(browser) is None


def test_signing_up_with_an_address_that_has_an_account_marks_no_browser(alice, db, committed):
    browser = Client()
    with committed():
        browser.post(reverse("signup"), signup_data(email=alice.email))
    assert SIGNED_UP_HERE not in browser.session


def test_a_forged_link_is_refused_clearly_signs_no_one_in_and_changes_nothing(db, committed):
    browser = Client()
    link = sign_up(browser, committed)
    response = browser.get(link[:-4] + "abcd/")
    assert response.status_code == 400
    assert b"This link is not valid" in response.content
    assert signed_in(browser) is None
    assert not User.objects.get(email="dana.k@example.com").is_active
    assert browser.session[SIGNED_UP_HERE]  # the real link still signs in here


def test_an_expired_link_is_refused_clearly_and_signs_no_one_in(db, committed):
    browser = Client()
    link = sign_up(browser, committed)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        response = browser.get(link)
    assert response.status_code == 400
    assert b"expired" in response.content
    assert signed_in(browser) is None
    assert not User.objects.get(email="dana.k@example.com").is_active


CHOSEN = "/book/consultation/?starts_at=2027-03-01T09%3A00%3A00%2B00%3A00"


def test_a_visitor_who_chose_a_time_first_comes_back_to_its_review_signed_in(db, committed):
    browser = Client()
    # The front page's time leads through the login page to the sign-up, with the time.
    login = browser.get(reverse("login"), {"next": CHOSEN}).content.decode()
    assert f'href="{reverse("signup")}?{urlencode({"next": CHOSEN})}"' in login
    form = browser.get(reverse("signup"), {"next": CHOSEN}).content.decode()
    assert f'name="next" value="{escape(CHOSEN)}"' in form
    with committed():
        assert browser.post(reverse("signup"), signup_data(next=CHOSEN)).status_code == 302
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    response = browser.get(link)
    assert response["Location"] == CHOSEN
    assert signed_in(browser) == User.objects.get(email="dana.k@example.com").pk


def test_the_link_with_a_time_opened_elsewhere_logs_in_and_then_comes_back_to_it(db, committed):
    with committed():
        Client().post(reverse("signup"), signup_data(next=CHOSEN))
    link = re.search(r"http://testserver(/\S+)", mail.outbox[-1].body).group(1)
    response = Client().get(link)
    assert response["Location"] == f"{reverse('login')}?{urlencode({'next': CHOSEN})}"


def test_a_link_altered_to_lead_elsewhere_goes_to_the_questionnaire_instead(db, committed):
    browser = Client()
    link = sign_up(browser, committed)
    response = browser.get(link, {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("intake-start")


def test_a_link_confirmed_in_another_browser_no_longer_signs_in_where_it_was_asked_for(
    db, committed
):
    browser = Client()
    link = sign_up(browser, committed)
    Client().get(link)  # confirmed on the phone's mail app
    response = browser.get(link)
    assert response["Location"] == reverse("login")
    assert signed_in(browser) is None
    assert SIGNED_UP_HERE not in browser.session


def test_an_old_link_does_not_reopen_an_account_the_clinic_closed(db, committed):
    browser = Client()
    link = sign_up(browser, committed)
    Client().get(link)
    dana = User.objects.get(email="dana.k@example.com")
    dana.is_active = False  # the clinic closed it
    dana.save()
    response = browser.get(link)
    assert response.status_code == 400
    assert b"This account is closed" in response.content
    assert signed_in(browser) is None
    assert not User.objects.get(pk=dana.pk).is_active
