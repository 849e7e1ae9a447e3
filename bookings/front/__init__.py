"""The public front page's read: the treatments and what each course usually takes (from the
planning policy), their prices, the clinic's opening hours, closures coming up, its address and
phone, and the next free consultation times.

Imports: bookings.models, bookings.calendars, bookings.prices, planner. Imported by the wiring
(clinic/home.py) only.
"""
