"""The series proposal: the whole course on free resources, every gap inside its window."""

from datetime import date, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bookings.calendars.availability import free_slots
from bookings.courses.search import Band, Preferences, SeriesFailure, SeriesProposal, propose_series
from bookings.models import Appointment, BookingPolicy, Unavailability
from clinic.models import User
from planner.rules import Window
from tests.bookings.clinics import local, make_clinic, utc

MONDAY = date(2027, 3, 1)
NOW = utc(2027, 2, 20, 12)
LONDON = ZoneInfo("Europe/London")
STANDARD = Window(14, 28, 42)


def local_times(proposal):
    return [s.starts_at.astimezone(LONDON) for s in proposal.sessions]


def test_a_course_on_an_empty_calendar_keeps_the_ideal_gap_and_the_same_time(db):
    clinic = make_clinic()
    proposal = propose_series(
        treatment_type=clinic.session,
        sessions=6,
        window=STANDARD,
        first_start=local(MONDAY, 10),
        now=NOW,
    )
    assert isinstance(proposal, SeriesProposal)
    times = local_times(proposal)
    assert [t.strftime("%a %H:%M") for t in times] == ["Mon 10:00"] * 6
    assert [s.gap_days for s in proposal.sessions] == [None, 28, 28, 28, 28, 28]
    assert len({s.doctor_id for s in proposal.sessions}) == 1


def test_earliest_starts_at_the_first_free_slot_after_the_notice(db):
    clinic = make_clinic()
    proposal = propose_series(
        treatment_type=clinic.session, sessions=2, window=STANDARD, now=local(MONDAY, 10, 5)
    )
    assert local_times(proposal)[0] == local(MONDAY, 12, 15)  # two hours' notice, 15-minute step


def test_a_busy_ideal_day_moves_the_session_to_the_nearest_free_day(db):
    clinic = make_clinic()
    ideal = MONDAY + timedelta(days=28)
    Unavailability.objects.create(
        resource=clinic.doctors[0],
        starts_at=local(ideal, 0),
        ends_at=local(ideal, 23),
        reason="Leave",
    )
    proposal = propose_series(
        treatment_type=clinic.session,
        sessions=2,
        window=STANDARD,
        first_start=local(MONDAY, 10),
        now=NOW,
    )
    second = proposal.sessions[1]
    assert second.gap_days in (27, 29)
    assert second.starts_at.astimezone(LONDON).time() == time(10)


def test_preferences_for_days_and_times_are_kept(db):
    clinic = make_clinic(hours=[(d, time(8), time(20)) for d in range(6)])
    wishes = Preferences(weekdays=frozenset({1, 3}), bands=frozenset({Band.EVENING}))
    proposal = propose_series(
        treatment_type=clinic.session, sessions=4, window=STANDARD, preferences=wishes, now=NOW
    )
    for moment in local_times(proposal):
        assert moment.weekday() in (1, 3)
        assert moment.time() >= time(17)


def test_the_same_doctor_throughout_unless_the_patient_does_not_mind(db):
    clinic = make_clinic(doctors=2, rooms=2)
    Unavailability.objects.create(
        resource=clinic.doctors[0],
        starts_at=local(MONDAY + timedelta(days=14), 0),
        ends_at=local(MONDAY + timedelta(days=43), 0),
        reason="A month away",
    )
    kept = propose_series(
        treatment_type=clinic.session,
        sessions=2,
        window=STANDARD,
        first_start=local(MONDAY, 10),
        now=NOW,
        preferences=Preferences(doctor_id=clinic.doctors[0].pk),
    )
    assert isinstance(kept, SeriesFailure)
    assert kept.session == 2
    assert "with that doctor" in kept.reason
    labels = [label for label, _ in kept.alternatives]
    assert "with any doctor" in labels
    anyone = dict(kept.alternatives)["with any doctor"]
    assert anyone.sessions[1].doctor_id == clinic.doctors[1].pk


def test_a_first_time_that_is_not_free_fails_session_one_and_offers_the_earliest(db):
    clinic = make_clinic()
    patient = User.objects.create_user("p@example.com")
    Appointment.objects.create(
        patient=patient,
        treatment_type=clinic.session,
        doctor=clinic.doctors[0],
        device=clinic.devices[0],
        room=clinic.rooms[0],
        starts_at=local(MONDAY, 10),
        ends_at=local(MONDAY, 10, 45),
        reserved_until=local(MONDAY, 11),
        created_by=patient,
    )
    result = propose_series(
        treatment_type=clinic.session,
        sessions=3,
        window=STANDARD,
        first_start=local(MONDAY, 10),
        now=NOW,
    )
    assert isinstance(result, SeriesFailure)
    assert result.session == 1
    assert "from the earliest free time" in dict(result.alternatives)


def test_a_series_across_the_clocks_change_keeps_its_local_time(db):
    clinic = make_clinic()
    proposal = propose_series(
        treatment_type=clinic.session,
        sessions=3,
        window=Window(14, 21, 28),
        first_start=local(date(2027, 3, 15), 10),
        now=NOW,
    )
    times = local_times(proposal)
    assert [t.strftime("%H:%M") for t in times] == ["10:00"] * 3
    assert len({t.utcoffset() for t in times}) == 2  # GMT, then BST


def test_a_proposal_with_room_on_every_ideal_day_reads_the_calendars_twice(
    db, django_assert_num_queries
):
    # The first few days, then the days around each later session's ideal day in one query:
    # however long the horizon and however many appointments it holds.
    clinic = make_clinic()
    policy = BookingPolicy.current()
    patient = User.objects.create_user("busy@example.com")
    Appointment.objects.bulk_create(
        Appointment(
            patient=patient,
            treatment_type=clinic.consultation,
            doctor=clinic.doctors[0],
            room=clinic.rooms[0],
            starts_at=local(MONDAY + timedelta(days=day), 16),
            ends_at=local(MONDAY + timedelta(days=day), 16, 30),
            reserved_until=local(MONDAY + timedelta(days=day), 16, 30),
            created_by=patient,
        )
        for day in range(400)
    )
    with django_assert_num_queries(2):
        proposal = propose_series(
            treatment_type=clinic.session, sessions=10, window=STANDARD, now=NOW, policy=policy
        )
    assert isinstance(proposal, SeriesProposal)
    assert [s.gap_days for s in proposal.sessions[1:]] == [28] * 9


def test_a_full_ideal_week_reads_the_rest_of_that_window_and_still_finds_the_nearest_day(
    db, django_assert_max_num_queries
):
    clinic = make_clinic()
    first = local(MONDAY, 10)
    ideal = MONDAY + timedelta(days=28)
    for day in range(-3, 4):  # the doctor is away the whole week around the ideal day
        Unavailability.objects.create(
            resource=clinic.doctors[0],
            starts_at=local(ideal + timedelta(days=day), 0),
            ends_at=local(ideal + timedelta(days=day + 1), 0),
            reason="leave",
        )
    # The policy, the first day, the ideal path, the rest of session 2's window, and the path
    # from where session 2 landed.
    with django_assert_max_num_queries(5):
        proposal = propose_series(
            treatment_type=clinic.session, sessions=3, window=STANDARD, first_start=first, now=NOW
        )
    assert isinstance(proposal, SeriesProposal)
    # The nearest free working day to the ideal: the Friday before it (Mon + 28 - 3 = Fri).
    assert proposal.sessions[1].gap_days == 24
    assert proposal.sessions[2].gap_days == 28


busy = st.lists(
    st.tuples(st.integers(0, 120), st.integers(9 * 4, 16 * 4), st.integers(2, 8)), max_size=25
)


@pytest.mark.django_db
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    booked=busy,
    sessions=st.integers(2, 6),
    window=st.tuples(st.integers(14, 28), st.integers(0, 14), st.integers(0, 14)),
)
def test_every_proposed_course_is_really_bookable(booked, sessions, window):
    window = Window(window[0], window[0] + window[1], window[0] + window[1] + window[2])
    with transaction.atomic():
        clinic = make_clinic(doctors=2, rooms=1, devices=1)
        patient = User.objects.create_user("p@example.com")
        for day, quarter, length in booked:
            start = local(MONDAY + timedelta(days=day), 0) + timedelta(minutes=15 * quarter)
            try:
                with transaction.atomic():
                    Appointment.objects.create(
                        patient=patient,
                        treatment_type=clinic.session,
                        doctor=clinic.doctors[day % 2],
                        room=clinic.rooms[0],
                        starts_at=start,
                        ends_at=start + timedelta(minutes=15 * length),
                        reserved_until=start + timedelta(minutes=15 * length),
                        created_by=patient,
                    )
            except IntegrityError:
                pass
        result = propose_series(
            treatment_type=clinic.session,
            sessions=sessions,
            window=window,
            now=NOW,
            alternatives=False,
        )
        if isinstance(result, SeriesProposal):
            assert len(result.sessions) == sessions
            for before, after in zip(result.sessions, result.sessions[1:], strict=False):
                gap = (
                    after.starts_at.astimezone(LONDON).date()
                    - before.starts_at.astimezone(LONDON).date()
                ).days
                assert window.min_days <= gap <= window.max_days
                assert after.gap_days == gap
            for session in result.sessions:
                day = session.starts_at.astimezone(LONDON).date()
                assert session.starts_at in free_slots(
                    clinic.session, first_day=day, last_day=day, now=NOW
                )
                # The database accepts the whole course: no overlap with anything, or itself.
                Appointment.objects.create(
                    patient=patient,
                    treatment_type=clinic.session,
                    doctor_id=session.doctor_id,
                    device_id=session.device_id,
                    room_id=session.room_id,
                    starts_at=session.starts_at,
                    ends_at=session.starts_at + clinic.session.duration,
                    reserved_until=session.starts_at + clinic.session.reserved,
                    created_by=patient,
                )
        else:
            assert 1 <= result.session <= sessions
        transaction.set_rollback(True)


@pytest.mark.parametrize("sessions", [0, -1, 21])
def test_the_search_refuses_a_course_of_no_sessions_or_too_many(db, sessions):
    # Zero sessions once recursed until Python's recursion limit, minutes of full CPU.
    clinic = make_clinic()
    with pytest.raises(ValueError, match="1 to 20 sessions"):
        propose_series(treatment_type=clinic.session, sessions=sessions, window=STANDARD, now=NOW)


def test_the_search_and_its_alternatives_stop_when_their_time_is_spent(db, monkeypatch):
    import bookings.courses.search as search

    clinic = make_clinic()
    # Sundays only (the clinic is closed), and no time left to look: it gives up at once.
    monkeypatch.setattr(search, "SEARCH_SECONDS", 0.0)
    result = propose_series(
        treatment_type=clinic.session,
        sessions=10,
        window=STANDARD,
        preferences=Preferences(doctor_id=clinic.doctors[0].pk, weekdays=frozenset({6})),
        now=NOW,
    )
    assert isinstance(result, SeriesFailure)
    assert "could not be placed in time" in result.reason
    assert result.alternatives == ()  # none looked for once the time was spent
