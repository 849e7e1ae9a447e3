"""A course of sessions on the calendars: the series search (search), the windows between
sessions (windows), booking the whole series and moving a session (services), keeping a course
valid when sessions are missed or the plan changes (keeping), the course pages (views) and the
course API (api).

Imports: calendars, reminders, appointments. Imported by waitlist and visits.
"""
