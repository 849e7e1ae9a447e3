"""The course's own messages: first results after session 1, "book your next session" when its
window opens and a nudge before it closes, and the invitation to the doctor's review."""

from datetime import date, timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail

from bookings.models import Reminder, ReminderPolicy, ReminderStatus
from bookings.reminders import messages
from bookings.visits.services import appointment_complete
from planner.services import (
    plan_adjust,
    plan_approve,
    plan_complete,
    plan_create,
    plan_start,
    plan_stop,
)
from tests.bookings.clinics import local
from tests.bookings.reminding import kinds, run_due
from tests.bookings.waitlists import BOOKED_ON, WINDOW, approved_plan, book_course, cancel
from tests.planner.intakes import intake

# Alice's four sessions (tests/bookings/waitlists.py), 10:00 each.
DAYS = [date(2027, 3, 1), date(2027, 3, 22), date(2027, 4, 12), date(2027, 5, 3)]


@pytest.fixture
def course(clinic, consenting, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        return book_course(clinic, approved_plan(consenting, doctor))


def live(plan, kind):
    return Reminder.objects.filter(appointment__plan=plan, kind=kind, status="pending")


def sent_at(at, kind):
    """Run everything due by `at`; the email of the `kind` sent then (exactly one)."""
    mail.outbox.clear()
    run_due(at)
    (email,) = [m for m in mail.outbox if m.extra_headers["X-Clinic-Reminder"] in ids(kind)]
    return email


def ids(kind):
    return {
        str(pk)
        for pk in Reminder.objects.filter(kind=kind, status="sent").values_list("pk", flat=True)
    }


def test_a_booked_course_expects_first_results_and_invites_to_the_review(course):
    plan = course[0].plan
    assert plan.first_results_from_weeks == 2
    (first_results,) = live(plan, "first_results")
    assert first_results.appointment == course[0]
    assert first_results.due_at == local(DAYS[0] + timedelta(weeks=2), 10)
    (review,) = live(plan, "review")
    assert review.appointment.session_number == plan.review_after_session
    assert review.due_at == local(DAYS[plan.review_after_session - 1] + timedelta(days=7), 10)
    # Every session is booked: nothing to nudge about.
    assert not live(plan, "book_next").exists()
    assert not live(plan, "window_closing").exists()


def test_mature_skin_expects_first_results_later(clinic, consenting, doctor):
    with time_machine.travel(BOOKED_ON, tick=False):
        plan = plan_create(patient=consenting, intake=intake(age=62))
        plan = plan_adjust(plan=plan, doctor=doctor, reason="3-weekly", window=WINDOW, sessions=4)
        book_course(clinic, plan_approve(plan=plan, doctor=doctor))
    assert (plan.first_results_from_weeks, plan.first_results_to_weeks) == (3, 4)
    (first_results,) = live(plan, "first_results")
    assert first_results.due_at == local(DAYS[0] + timedelta(weeks=3), 10)
    assert "3 to 4 weeks after a session" in sent_at(first_results.due_at, "first_results").body


def test_an_unbooked_next_session_is_asked_for_as_its_window_opens_and_before_it_closes(course):
    plan = course[0].plan
    cancel(course[3])
    (book_next,) = live(plan, "book_next")
    assert book_next.appointment == course[2]  # session 4 hangs on session 3
    assert book_next.due_at == local(DAYS[2] + timedelta(days=14), 10)
    cancel(course[2])
    # Session 3 is now the one to book: its window runs 14 to 28 days after session 2.
    (book_next,) = live(plan, "book_next")
    assert book_next.appointment == course[1]
    assert book_next.due_at == local(DAYS[1] + timedelta(days=14), 10)
    (closing,) = live(plan, "window_closing")
    assert closing.due_at == local(DAYS[1] + timedelta(days=28 - 7), 10)
    # The review after session 3 (if that is the plan's) went with it.
    assert all(r.appointment.status == "booked" for r in live(plan, "review"))


def test_the_book_next_message_names_the_session_and_links_to_booking(course):
    plan = course[0].plan
    cancel(course[3])
    cancel(course[2])
    email = sent_at(local(DAYS[1] + timedelta(days=14), 10), "book_next")
    assert email.subject == f"{settings.CLINIC_NAME}: Time to book your session 3 of 4"
    assert "from Monday 5 April to Monday 19 April" in email.body
    assert f"/courses/{plan.pk}/book/" in email.body
    assert "Book your next session" in email.alternatives[0][0]
    assert not email.attachments  # no visit to add to a calendar
    closing = sent_at(local(DAYS[1] + timedelta(days=21), 10), "window_closing")
    assert closing.subject == f"{settings.CLINIC_NAME}: Book your session 3 of 4 by Mon 19 Apr"
    assert "closes on Monday 19 April" in closing.body


def test_no_nudge_once_the_course_is_stopped(course, doctor):
    plan = course[0].plan
    cancel(course[3])
    with time_machine.travel(local(DAYS[2], 12), tick=False):
        plan_stop(plan=plan, doctor=doctor, reason="Patient moved away")
    (nudge,) = live(plan, "book_next")
    # The doctor stopped the course after the nudge was written: it does not go.
    run_due(local(DAYS[2] + timedelta(days=14), 10))
    nudge.refresh_from_db()
    assert nudge.status == ReminderStatus.WITHDRAWN
    assert not ids("book_next")


def test_first_results_and_review_messages_say_which_session(course):
    plan = course[0].plan
    results = sent_at(local(DAYS[0] + timedelta(weeks=2), 10), "first_results")
    assert results.subject == f"{settings.CLINIC_NAME}: Your first results after session 1 of 4"
    assert "2 to 3 weeks after a session" in results.body
    review_day = DAYS[plan.review_after_session - 1] + timedelta(days=7)
    review = sent_at(local(review_day, 10), "review")
    n = plan.review_after_session
    assert (
        review.subject
        == f"{settings.CLINIC_NAME}: Your review with the doctor after session {n} of 4"
    )
    assert "/book/consultation/" in review.body


def test_aftercare_still_goes_when_the_visit_was_marked_done(course, doctor):
    first = course[0]
    with time_machine.travel(local(DAYS[0], 11), tick=False):
        appointment_complete(appointment=first, by=doctor)
    assert "aftercare" in kinds(first)
    email = sent_at(local(DAYS[0] + timedelta(days=1), 9), "aftercare")
    assert email.subject == f"{settings.CLINIC_NAME}: Looking after your skin after session 1 of 4"


def test_a_clinic_can_turn_course_messages_off(clinic, consenting, doctor):
    policy = ReminderPolicy.current()
    policy.send_first_results = False
    policy.send_review = False
    policy.send_book_next = False
    policy.window_closing_days = 0
    policy.save()
    with time_machine.travel(BOOKED_ON, tick=False):
        course = book_course(clinic, approved_plan(consenting, doctor))
    cancel(course[3])
    kinds_written = set(
        Reminder.objects.filter(appointment__plan=course[0].plan).values_list("kind", flat=True)
    )
    # The visits' own messages, and the cancellation notice: no course message.
    assert kinds_written == {"confirmation", "pre_care", "soon", "aftercare", "cancelled"}


def test_text_messages_for_course_kinds_fit_the_channel(course):
    plan = course[0].plan
    cancel(course[3])
    for reminder in Reminder.objects.filter(appointment__plan=plan, status=ReminderStatus.PENDING):
        text = messages.render_text(reminder)
        assert settings.CLINIC_NAME in text
        assert "{{" not in text


def test_the_review_invitation_still_goes_when_the_course_was_completed_meanwhile(course, doctor):
    plan = course[0].plan
    review_day = DAYS[plan.review_after_session - 1] + timedelta(days=7)
    with time_machine.travel(local(review_day, 9), tick=False):
        plan_complete(plan=plan_start(plan=plan, author=doctor), author=doctor)
    email = sent_at(local(review_day, 10), "review")
    assert "/book/consultation/" in email.body
