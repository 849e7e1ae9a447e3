"""A small clinic, Alice's four-session course in it, and Bob's visit on a morning Alice would
rather come: the waitlist tests' world."""

from datetime import date

import time_machine
from django.db import transaction

from bookings.appointments.services import appointment_cancel
from bookings.courses.search import propose_series
from bookings.courses.services import series_book
from bookings.waitlist.services import waitlist_join
from clinic.models import User
from planner.rules import Window
from planner.services import plan_adjust, plan_approve, plan_create
from tests.bookings.clinics import local, utc
from tests.planner.intakes import intake

WINDOW = Window(14, 21, 28)
BOOKED_ON = utc(2027, 2, 20, 9)
FIRST = local(date(2027, 3, 1), 10)  # Monday; sessions then fall on 22 Mar, 12 Apr, 3 May
FREED = local(date(2027, 3, 16), 10)  # a Tuesday inside session 2's window, before 22 Mar
CANCELLED_ON = utc(2027, 3, 10, 9)


def approved_plan(patient: User, doctor: User, sessions: int = 4):
    plan = plan_create(patient=patient, intake=intake())
    plan = plan_adjust(
        plan=plan, doctor=doctor, reason="3-weekly", window=WINDOW, sessions=sessions
    )
    return plan_approve(plan=plan, doctor=doctor)


def book_course(clinic, plan, first=FIRST):
    proposal = propose_series(
        treatment_type=clinic.session, sessions=plan.sessions, window=WINDOW, first_start=first
    )
    return series_book(plan=plan, proposal=proposal, booked_by=plan.patient)


def join(course, number, by=None):
    appointment = course[number - 1]
    return waitlist_join(
        plan=appointment.plan, appointment=appointment, by=by or appointment.patient
    )


def cancel(appointment, on=CANCELLED_ON, by=None):
    with time_machine.travel(on, tick=False), transaction.atomic():
        appointment_cancel(
            appointment=appointment,
            by=by or appointment.patient,
            reason="Can't come",
            override=by is not None,
        )
