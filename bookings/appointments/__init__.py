"""One visit: book it, cancel it, the rules every booking checks, and its pages (the consultation
booking, the appointment's page, its .ics, the page a link in a message opens), and the time
picker those pages and the course pages share (picker).

Also what the calendar's writers announce (events): a freed time, a visit withdrawn, for the
waitlist above to act on without the writers importing it.

Imports: calendars, reminders. Imported by courses, waitlist, visits.
"""
