"""A patient's data: everything the clinic holds about one patient, given to them (export.py),
and their personal details erased at their request, keeping what the clinic must keep until it
is purged (erasure.py); the pages for both (views.py).

Project wiring, like home.py and reception.py (tests/test_layers.py, WIRING): a patient's data
spans every layer, from the intake to the reminders sent, so these modules may import clinic,
planner and bookings. They change the calendars only through the bookings services (a visit is
cancelled by appointment_cancel, a waitlist place closed by waitlist_leave).

Imports: clinic, planner, bookings. Imported by: clinic.urls, clinic.tasks.
"""
