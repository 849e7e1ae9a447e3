"""The front desk calendar: the clinic's day and week by doctor, laser device and room, that
understands courses. Owns the calendar's feeds (feeds: visits, resources, hours, blocks,
closures; a stamp of what changed), what the desk changes from it (services: a drag to another
time or column with the window and the notice checked, booking from empty time, blocking a
resource's time, and the reason a time is refused) and its endpoints (views); and the doctor's
own schedule, the same calendar narrowed to their column, read-only (schedule).

Imports: calendars, reminders, appointments, courses, waitlist, visits. Imported by nothing but
the wiring (the receptionist's home page shows it; the doctor's links to its schedule).
"""
