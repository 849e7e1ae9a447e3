"""The waitlist: patients who want a session sooner, offered freed times that fall inside their
window (services), accepting or declining an offer (offers), and its pages (views).

It listens to the writers' events (receivers) rather than being called by them.

Imports: calendars, reminders, appointments, courses. Imported by nothing but the wiring.
"""
