"""The calendars: when each resource (doctor, laser device, room) is free.

Owns the free-time computation (availability), the one SQL statement that reads working hours,
absences, closures and bookings (sql), interval arithmetic (intervals), the database objects
that refuse a double booking on SQLite (schema), the .ics file a patient takes away (ics) and their
private calendar subscription (feeds, feed_urls).

Imports: bookings.models, and clinic for the feed (its token and the patient role). Imported by
every other sub-package.
"""
