"""What the desk changes on the calendars, and every reason it is refused in words."""

from datetime import date, time, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from bookings.appointments.services import SlotUnavailable
from bookings.calendars.availability import free_slots
from bookings.courses.services import course_session_book
from bookings.desk.services import Move, NoticeNeeded, ReflowNeeded, desk_block, desk_move
from bookings.models import Appointment, Closure, Reminder, Unavailability
from tests.bookings.clinics import local, resource, weekly
from tests.bookings.waitlists import BOOKED_ON, approved_plan

ON = local(date(2027, 3, 10), 9)  # a Wednesday: session 2 (Mon 22 Mar) still to come


def move(course, number, starts_at, **extra):
    visit = Appointment.objects.get(pk=course[number - 1].pk)
    return Move(appointment=visit, starts_at=starts_at, version=visit.updated_at, **extra)


def test_a_session_dragged_to_another_day_inside_its_window_moves_and_its_reminders_follow(
    consenting, course, receptionist
):
    to = local(date(2027, 3, 24), 11)
    with time_machine.travel(ON, tick=False):
        desk_move(move=move(course, 2, to), by=receptionist)
    moved = Appointment.objects.get(pk=course[1].pk)
    assert moved.starts_at == to
    soon = Reminder.objects.get(appointment=moved, kind="soon", status="pending")
    assert soon.due_at == to - timedelta(hours=2)


def test_a_session_dragged_outside_its_window_is_refused_with_the_window(course, receptionist):
    with time_machine.travel(ON, tick=False), pytest.raises(ValidationError, match="must fall"):
        desk_move(move=move(course, 2, local(date(2027, 4, 5), 10)), by=receptionist)
    assert Appointment.objects.get(pk=course[1].pk).starts_at == course[1].starts_at


def test_dragged_across_device_columns_it_changes_the_laser_and_keeps_the_doctor(
    course, clinic, receptionist
):
    visit = course[1]
    other = next(d for d in clinic.devices if d.pk != visit.device_id)
    with time_machine.travel(ON, tick=False):
        desk_move(move=move(course, 2, visit.starts_at, resource=other), by=receptionist)
    moved = Appointment.objects.get(pk=visit.pk)
    assert (moved.device_id, moved.doctor_id, moved.starts_at) == (
        other.pk,
        visit.doctor_id,
        visit.starts_at,
    )


def test_a_drop_onto_a_taken_column_says_who_holds_it(course, clinic, receptionist, bob):
    from bookings.appointments.services import appointment_book

    visit = course[1]
    other_doctor = next(d for d in clinic.doctors if d.pk != visit.doctor_id)
    with time_machine.travel(BOOKED_ON, tick=False):
        appointment_book(
            patient=bob,
            treatment_type=clinic.consultation,
            starts_at=visit.starts_at,
            booked_by=bob,
            doctor=other_doctor,
        )
    with (
        time_machine.travel(ON, tick=False),
        pytest.raises(SlotUnavailable, match=f"{other_doctor.name} is booked from 10:00"),
    ):
        desk_move(move=move(course, 2, visit.starts_at, resource=other_doctor), by=receptionist)
    assert Appointment.objects.get(pk=visit.pk).doctor_id == visit.doctor_id


def test_outside_a_doctors_hours_the_reason_gives_the_hours(course, clinic, receptionist):
    with (
        time_machine.travel(ON, tick=False),
        pytest.raises(SlotUnavailable, match="works 09:00-17:00 on Wednesdays"),
    ):
        desk_move(move=move(course, 2, local(date(2027, 3, 24), 18)), by=receptionist)


def test_on_a_closure_the_reason_names_it(course, receptionist):
    Closure.objects.create(starts_on=date(2027, 3, 24), ends_on=date(2027, 3, 24), reason="Refit")
    with (
        time_machine.travel(ON, tick=False),
        pytest.raises(SlotUnavailable, match="closed on Wed 24 Mar: Refit"),
    ):
        desk_move(move=move(course, 2, local(date(2027, 3, 24), 11)), by=receptionist)


def test_a_move_that_pushes_the_next_session_out_asks_for_the_reflow_then_applies_it(
    course, receptionist
):
    late = local(date(2027, 3, 29), 10)  # session 3 (12 Apr) would be 14 days later: fine
    later = local(date(2027, 3, 29), 10) + timedelta(days=0)
    with time_machine.travel(ON, tick=False):
        desk_move(move=move(course, 2, late), by=receptionist)
        # Session 3 on 12 Apr; moving it to 26 Apr puts session 4 (3 May) 7 days after it.
        with pytest.raises(ReflowNeeded) as asked:
            desk_move(move=move(course, 3, local(date(2027, 4, 26), 10)), by=receptionist)
        assert asked.value.effects[0].session == 4
        assert not asked.value.effects[0].in_window
        moved = desk_move(
            move=move(course, 3, local(date(2027, 4, 26), 10), reflow=True), by=receptionist
        )
    assert [a.session_number for a in moved] == [3, 4]
    fourth = Appointment.objects.get(pk=course[3].pk)
    assert (fourth.starts_at.date() - date(2027, 4, 26)).days >= 14
    assert later == late


def test_inside_the_minimum_notice_staff_say_why(course, receptionist):
    visit = course[1]
    soon = visit.starts_at + timedelta(minutes=30)  # 90 minutes away: inside the 2 hours
    with time_machine.travel(visit.starts_at - timedelta(hours=1), tick=False):
        with pytest.raises(NoticeNeeded):
            desk_move(move=move(course, 2, soon), by=receptionist)
        desk_move(
            move=move(course, 2, soon, override="The patient is on the phone"), by=receptionist
        )
    assert Appointment.objects.get(pk=visit.pk).starts_at == soon


def test_a_drop_onto_a_visit_that_changed_meanwhile_is_refused(course, receptionist, manager):
    stale = move(course, 2, local(date(2027, 3, 24), 11))
    with time_machine.travel(ON, tick=False):
        desk_move(move=move(course, 2, local(date(2027, 3, 23), 11)), by=manager)
        with pytest.raises(SlotUnavailable, match="changed meanwhile"):
            desk_move(move=stale, by=receptionist)
    assert Appointment.objects.get(pk=course[1].pk).starts_at == local(date(2027, 3, 23), 11)


@pytest.mark.parametrize("who", ["alice", "doctor"])
def test_patients_and_doctors_do_not_move_visits_on_the_desk(course, request, who):
    with time_machine.travel(ON, tick=False), pytest.raises(PermissionDenied):
        desk_move(
            move=move(course, 2, local(date(2027, 3, 24), 11)), by=request.getfixturevalue(who)
        )


def test_a_block_is_an_absence_that_every_search_honours(clinic, receptionist):
    room = clinic.rooms[0]
    day = date(2027, 3, 24)
    with time_machine.travel(ON, tick=False):
        desk_block(
            resource=room,
            starts_at=local(day, 12),
            ends_at=local(day, 13),
            reason="Deep clean",
            by=receptionist,
        )
    assert Unavailability.objects.get().reason == "Deep clean"
    only_room = make_clinic_with_one_room(clinic)
    starts = {
        s.astimezone(local(day, 0).tzinfo).time()
        for s in free_slots(only_room, first_day=day, last_day=day)
    }
    assert time(12) not in starts
    assert time(11) in starts


def make_clinic_with_one_room(clinic):
    # The consultation needs a doctor and a room; with one room blocked, its time is not free
    # whatever the doctor.
    from bookings.models import Resource

    Resource.objects.filter(pk=clinic.rooms[1].pk).update(active=False)
    return clinic.consultation


def test_a_block_over_a_visit_is_refused_and_says_which(course, receptionist):
    visit = course[1]
    with (
        time_machine.travel(ON, tick=False),
        pytest.raises(ValidationError, match="Mon 22 Mar 10:00"),
    ):
        desk_block(
            resource=visit.room,
            starts_at=visit.starts_at - timedelta(minutes=30),
            ends_at=visit.starts_at + timedelta(minutes=30),
            reason="Maintenance",
            by=receptionist,
        )
    assert not Unavailability.objects.exists()


@pytest.mark.parametrize(
    ("hours", "reason", "message"),
    [(1, "", "Say why"), (-1, "Break", "end after"), (24 * 40, "Leave", "at most a month")],
)
def test_a_bad_block_is_refused_with_a_message(clinic, receptionist, hours, reason, message):
    start = local(date(2027, 3, 24), 12)
    with pytest.raises(ValidationError, match=message):
        desk_block(
            resource=clinic.rooms[0],
            starts_at=start,
            ends_at=start + timedelta(hours=hours),
            reason=reason,
            by=receptionist,
        )
    assert not Unavailability.objects.exists()


def test_a_course_session_is_booked_at_the_desk_only_inside_its_window(clinic, alice, doctor):
    plan = approved_plan(alice, doctor)
    with time_machine.travel(ON, tick=False):
        first = course_session_book(
            plan=plan, starts_at=local(date(2027, 3, 15), 10), booked_by=doctor
        )
        assert first.session_number == 1
        with pytest.raises(
            ValidationError, match="Session 2 must fall between Mon 29 Mar and Mon 12 Apr"
        ):
            course_session_book(plan=plan, starts_at=local(date(2027, 3, 22), 10), booked_by=doctor)
        second = course_session_book(
            plan=plan, starts_at=local(date(2027, 4, 5), 10), booked_by=doctor
        )
    assert second.session_number == 2


def test_hours_of_a_resource_that_works_only_mornings_are_in_the_reason(
    clinic, course, receptionist
):
    half = resource("room", "Small room", hours=weekly(time(9), time(12)))
    with (
        time_machine.travel(ON, tick=False),
        pytest.raises(SlotUnavailable, match="Small room works 09:00-12:00 on Mondays"),
    ):
        desk_move(
            move=move(course, 2, local(date(2027, 3, 22), 14), resource=half), by=receptionist
        )


def test_a_cancelled_middle_session_is_the_next_to_book_inside_both_its_neighbours(
    course, receptionist, alice
):
    from bookings.appointments.services import appointment_cancel
    from bookings.courses.services import course_next_session

    with time_machine.travel(ON, tick=False):
        appointment_cancel(appointment=course[1], by=alice, reason="Away")
        plan = course[0].plan
        number, days = course_next_session(plan)
        # After session 1 (1 Mar) and before session 3 (12 Apr), each gap 14 to 28 days.
        assert (number, days) == (2, (date(2027, 3, 15), date(2027, 3, 29)))
        again = course_session_book(
            plan=plan, starts_at=local(date(2027, 3, 24), 10), booked_by=receptionist
        )
    assert again.session_number == 2
