"""Calendar files (RFC 5545, with the icalendar library) for an appointment or a whole course.

Each event keeps the same UID for the life of the appointment, so a calendar that imports the
file again updates the event (a moved session moves, a cancelled one shows as cancelled)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from icalendar import Calendar, Event

from bookings.models import Appointment, AppointmentStatus


def _uid(appointment: Appointment) -> str:
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".") or "localhost"
    return f"appointment-{appointment.pk}@{host}"


def calendar_file(appointments: Iterable[Appointment], *, sessions: int | None = None) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CLINIC_NAME}//Pico courses//EN")
    calendar.add("version", "2.0")
    for appointment in appointments:
        event = Event()
        event.add("uid", _uid(appointment))
        event.add("dtstamp", appointment.updated_at)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        title = str(appointment.treatment_type)
        if appointment.session_number and sessions:
            title = f"Session {appointment.session_number} of {sessions}: {title}"
        event.add("summary", f"{title} at {settings.CLINIC_NAME}")
        where = (
            f"{settings.CLINIC_NAME}, {appointment.room}"
            if appointment.room
            else settings.CLINIC_NAME
        )
        event.add("location", where)
        event.add(
            "description",
            f"With {appointment.doctor}. Come without make-up; no tanning or unprotected sun "
            "before your session, and no retinoid creams or acid peels in the week before.",
        )
        cancelled = appointment.status == AppointmentStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content
