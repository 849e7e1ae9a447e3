"""Calendar files (RFC 5545, with the icalendar library) for an appointment, a whole course, or a
patient's private subscription (bookings/calendars/feeds.py).

Each event keeps the same UID for the life of the appointment, so a calendar that imports the
file again updates the event (a moved session moves, a cancelled one shows as cancelled)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext
from icalendar import Calendar, Event

from bookings.models import Appointment, AppointmentStatus, TreatmentKind

# How often a subscribed calendar should fetch the feed again (calendars may wait longer).
FEED_REFRESH = timedelta(hours=1)


def _uid(appointment: Appointment) -> str:
    host = (settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".") or "localhost"
    return f"appointment-{appointment.pk}@{host}"


def _summary(appointment: Appointment, *, of: int | None, private: bool) -> str:
    """The event's title, in the active language. A subscription's (`private`) names no
    treatment: the calendar service that reads it need not learn what the patient has treated."""
    clinic = settings.CLINIC_NAME
    number = appointment.session_number
    if private:
        if appointment.treatment_type.kind == TreatmentKind.CONSULTATION:
            return gettext("Consultation at %(clinic)s") % {"clinic": clinic}
        if number and of:
            return gettext("Session %(number)s of %(of)s at %(clinic)s") % {
                "number": number,
                "of": of,
                "clinic": clinic,
            }
        return gettext("Visit at %(clinic)s") % {"clinic": clinic}
    what = str(appointment.treatment_type)
    if number and of:
        return gettext("Session %(number)s of %(of)s: %(what)s at %(clinic)s") % {
            "number": number,
            "of": of,
            "what": what,
            "clinic": clinic,
        }
    return gettext("%(what)s at %(clinic)s") % {"what": what, "clinic": clinic}


def calendar_file(
    appointments: Iterable[Appointment],
    *,
    sessions: int | None = None,
    feed_name: str = "",
) -> bytes:
    """The appointments as one calendar. `sessions` numbers a course's sessions ("Session 2 of
    4") for every appointment; with `feed_name` the file is a subscription: it is named, asks
    to be fetched again hourly, numbers each session from its own plan (select_related("plan")
    keeps that one query), and leaves out the treatment, the doctor and the room: a subscription
    is read by a calendar service, so it says only what the patient needs to turn up. Titles
    are in the active language."""
    calendar = Calendar()
    calendar.add("prodid", f"-//{settings.CLINIC_NAME}//Pico courses//EN")
    calendar.add("version", "2.0")
    if feed_name:
        calendar.add("x-wr-calname", feed_name)
        calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", FEED_REFRESH)
    for appointment in appointments:
        event = Event()
        event.add("uid", _uid(appointment))
        event.add("dtstamp", appointment.updated_at)
        event.add("dtstart", appointment.starts_at)
        event.add("dtend", appointment.ends_at)
        of = appointment.plan.sessions if feed_name and appointment.plan else sessions
        event.add("summary", _summary(appointment, of=of, private=bool(feed_name)))
        where = (
            f"{settings.CLINIC_NAME}, {appointment.room}"
            if not feed_name and appointment.room
            else settings.CLINIC_NAME
        )
        event.add("location", where)
        if not feed_name:
            event.add(
                "description",
                gettext(
                    "With %(doctor)s. Come without make-up; no tanning or unprotected sun before "
                    "your session, and no retinoid creams or acid peels in the week before."
                )
                % {"doctor": appointment.doctor},
            )
        cancelled = appointment.status == AppointmentStatus.CANCELLED
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    content: bytes = calendar.to_ical()
    return content
