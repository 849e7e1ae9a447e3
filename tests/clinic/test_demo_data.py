from datetime import date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from bookings.models import Appointment, AppointmentStatus, Reminder, WaitlistEntry
from clinic.demo.people import DEMO_PASSWORD, DEMO_PEOPLE
from clinic.models import User
from clinic.roles import Role, roles_of
from planner.models import PlanStatus, TreatmentPlan
from tests.conftest import client_for

LONDON = ZoneInfo("Europe/London")
WEDNESDAY = date(2027, 3, 3)
LATE_MORNING = datetime.combine(WEDNESDAY, time(11, 20), tzinfo=LONDON)


def demo_at(moment, capsys=None):
    with time_machine.travel(moment, tick=False):
        call_command("demo_data")
    return capsys.readouterr().out if capsys else None


def visits_on(day):
    start = datetime.combine(day, time(0), tzinfo=LONDON)
    return Appointment.objects.filter(starts_at__gte=start, starts_at__lt=start + timedelta(1))


def states(visits):
    return {
        "confirmed" if v.status == AppointmentStatus.BOOKED and v.confirmed_at else v.status
        for v in visits
    }


EVERY_STATE = {"booked", "confirmed", "checked_in", "completed", "no_show"}


def test_demo_data_gives_a_login_for_every_role_and_prints_it(db, capsys, settings):
    settings.DEBUG = True
    call_command("demo_data")
    printed = capsys.readouterr().out
    assert DEMO_PASSWORD in printed
    for role in Role:
        assert role.value in printed
        logins = User.objects.filter(email__in=[person.email for person in DEMO_PEOPLE])
        login = next(u for u in logins if role in roles_of(u))
        assert login.email in printed
        assert login.check_password(DEMO_PASSWORD)


def test_demo_data_run_twice_changes_nothing(db, settings):
    settings.DEBUG = True
    models = (User, Appointment, Reminder, TreatmentPlan, WaitlistEntry)

    def counts():
        return [model.objects.count() for model in models]

    demo_at(LATE_MORNING)
    before = counts()
    demo_at(LATE_MORNING)
    assert counts() == before
    demo_at(LATE_MORNING + timedelta(hours=4))  # later the same day: the days are full
    assert counts() == before


def test_every_demo_login_is_printed_with_its_role(db, settings, capsys):
    settings.DEBUG = True
    lines = demo_at(LATE_MORNING, capsys).splitlines()
    for person in DEMO_PEOPLE:
        assert any(person.role.value in line and person.email in line for line in lines), person


def test_today_the_desk_and_the_doctor_see_visits_in_every_state(db, settings):
    settings.DEBUG = True
    demo_at(LATE_MORNING)
    today = list(visits_on(WEDNESDAY))
    assert states(today) >= EVERY_STATE
    for visit in today:
        if visit.status in (AppointmentStatus.COMPLETED, AppointmentStatus.NO_SHOW):
            assert visit.ends_at <= LATE_MORNING
        if visit.status == AppointmentStatus.COMPLETED:
            assert visit.checked_in_at <= visit.completed_at <= LATE_MORNING
        if visit.status == AppointmentStatus.CHECKED_IN:
            assert visit.starts_at - timedelta(hours=1) <= visit.checked_in_at <= LATE_MORNING
        if visit.status == AppointmentStatus.BOOKED:
            assert visit.starts_at > LATE_MORNING
    with time_machine.travel(LATE_MORNING, tick=False):
        desk = client_for(User.objects.get(email="reception@example.com"))
        page = desk.get(reverse("reception-home")).content.decode()
        doctor = client_for(User.objects.get(email="doctor@example.com"))
        own = doctor.get(reverse("doctor-home")).content.decode()
    for shown in ("Completed", "No-show", "Checked in", "Booked", "confirmed"):
        assert shown in page
    assert "No appointment today" not in own


@pytest.mark.parametrize(
    ("now", "next_open", "last_open"),
    [
        # A Sunday: the clinic opens on Monday; Saturday morning was worked.
        (datetime(2027, 3, 7, 10, tzinfo=LONDON), date(2027, 3, 8), date(2027, 3, 6)),
        # Christmas Day, a closure running into the weekend.
        (datetime(2026, 12, 25, 10, tzinfo=LONDON), date(2026, 12, 28), date(2026, 12, 24)),
    ],
)
def test_on_a_closed_day_the_next_working_day_is_booked_and_the_last_took_place(
    db, settings, now, next_open, last_open
):
    settings.DEBUG = True
    demo_at(now)
    assert not visits_on(now.date()).exists()
    assert {"booked", "confirmed"} <= states(visits_on(next_open))
    assert {"completed", "no_show"} <= states(visits_on(last_open))


def test_every_visit_is_inside_working_hours(db, settings):
    settings.DEBUG = True
    demo_at(LATE_MORNING)
    for visit in Appointment.objects.select_related("treatment_type"):
        starts, ends = visit.starts_at.astimezone(LONDON), visit.ends_at.astimezone(LONDON)
        closes = time(13) if starts.weekday() == 5 else time(18)
        assert starts.weekday() != 6, visit
        assert starts.time() >= time(9), visit
        assert ends.time() <= closes, visit
        assert (starts.month, starts.day) not in ((12, 25), (12, 26)), visit


def course_sessions(email):
    plan = TreatmentPlan.objects.get(patient__email=email)
    return plan, list(Appointment.objects.filter(plan=plan).order_by("session_number"))


def assert_inside_the_window(plan, sessions):
    assert [s.session_number for s in sessions] == list(range(1, plan.sessions + 1))
    for before, after in pairwise(sessions):
        gap = (
            after.starts_at.astimezone(LONDON).date() - before.starts_at.astimezone(LONDON).date()
        ).days
        assert plan.interval_min_days <= gap <= plan.interval_max_days


def test_the_completed_course_has_every_session_completed_in_the_past(db, settings):
    settings.DEBUG = True
    demo_at(LATE_MORNING)
    plan, sessions = course_sessions("eve@example.com")
    assert plan.status == PlanStatus.COMPLETED
    assert_inside_the_window(plan, sessions)
    for session in sessions:
        assert session.status == AppointmentStatus.COMPLETED
        assert session.starts_at < session.completed_at <= LATE_MORNING


def test_the_course_in_progress_has_its_first_sessions_done_and_the_rest_booked(db, settings):
    settings.DEBUG = True
    demo_at(LATE_MORNING)
    plan, sessions = course_sessions("dana@example.com")
    assert plan.status == PlanStatus.IN_PROGRESS
    assert_inside_the_window(plan, sessions)
    done = [s for s in sessions if s.status == AppointmentStatus.COMPLETED]
    to_come = [s for s in sessions if s.status == AppointmentStatus.BOOKED]
    assert done
    assert to_come
    assert len(done) + len(to_come) == plan.sessions
    assert all(s.completed_at <= LATE_MORNING for s in done)
    assert all(s.starts_at > LATE_MORNING for s in to_come)
    assert Reminder.objects.filter(appointment__in=to_come).exists()
    # She waits for a sooner time for one of them.
    assert WaitlistEntry.objects.filter(plan=plan, appointment__in=to_come).exists()


def test_demo_data_refuses_to_run_in_production(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="only runs with DEBUG on"):
        call_command("demo_data")
    assert not User.objects.exists()


def test_demo_data_has_a_course_in_every_state(db, settings):
    from planner.models import PlanStatus, TreatmentPlan

    settings.DEBUG = True
    call_command("demo_data")
    assert set(TreatmentPlan.objects.values_list("status", flat=True)) == set(PlanStatus.values)
    assert TreatmentPlan.objects.filter(requires_doctor_review=True, booking_blocked=False).exists()
    assert TreatmentPlan.objects.filter(booking_blocked=True).exists()


def test_demo_data_has_calendars_to_book_on(db, settings):
    from bookings.models import Appointment, Resource, ResourceKind, TreatmentType

    settings.DEBUG = True
    call_command("demo_data")
    kinds = set(Resource.objects.values_list("kind", flat=True))
    assert kinds == {ResourceKind.DOCTOR, ResourceKind.DEVICE, ResourceKind.ROOM}
    assert Resource.objects.get(user__email="doctor@example.com").kind == ResourceKind.DOCTOR
    assert TreatmentType.objects.consultation() is not None
    assert Appointment.objects.filter(patient__email="patient@example.com").exists()
