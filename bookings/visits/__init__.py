"""What happens at a visit, recorded by staff: check-in, completed (which starts and completes
the plan), no-show (services), and the actions on the appointment's page (views).

Imports: calendars, reminders, appointments, courses. Imported by nothing but the wiring.
"""
