"""What a reminder says, and the channels that carry it.

Email goes through Django's email backend (HTML and text, with the visit's .ics). SMS and
WhatsApp go through a text backend chosen by SMS_BACKEND and WHATSAPP_BACKEND: `console` and
`file` for a laptop, `locmem` for tests (bookings.reminders.messages.outbox), `twilio` for
production (TWILIO_* settings). A backend that cannot deliver raises MessageError, and the
reminder is tried again later.
"""

from __future__ import annotations

import base64
import json
import logging
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import dateformat, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from bookings.calendars.ics import calendar_file
from bookings.models import (
    BEFORE_VISIT,
    Appointment,
    AppointmentStatus,
    Reminder,
    ReminderChannel,
    ReminderKind,
)
from bookings.reminders.links import link_make
from clinic.languages import language_of

logger = logging.getLogger(__name__)


class MessageError(Exception):
    """The channel did not take the message; it may be tried again."""


@dataclass(frozen=True)
class TextMessage:
    channel: str
    to: str
    body: str


class TextBackend(Protocol):
    def send(self, message: TextMessage) -> None: ...


class ConsoleText:
    def send(self, message: TextMessage) -> None:
        logger.info("%s to %s: %s", message.channel, message.to, message.body)


class FileText:
    """One JSON line per message in MESSAGES_FILE_PATH/<channel>.jsonl."""

    def send(self, message: TextMessage) -> None:
        folder = Path(settings.MESSAGES_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"to": message.to, "body": message.body, "at": timezone.now().isoformat()}
        )
        with (folder / f"{message.channel}.jsonl").open("a", encoding="utf-8") as file:
            file.write(line + "\n")


outbox: list[TextMessage] = []


class LocmemText:
    def send(self, message: TextMessage) -> None:
        outbox.append(message)


class TwilioText:
    """Twilio's Messages API: SMS from TWILIO_SMS_FROM, WhatsApp from TWILIO_WHATSAPP_FROM."""

    URL = "https://api.twilio.com/2010-04-01/Accounts/{sid}/Messages.json"

    def send(self, message: TextMessage) -> None:
        whatsapp = message.channel == ReminderChannel.WHATSAPP
        sender = settings.TWILIO_WHATSAPP_FROM if whatsapp else settings.TWILIO_SMS_FROM
        prefix = "whatsapp:" if whatsapp else ""
        data = urllib.parse.urlencode(
            {"From": prefix + sender, "To": prefix + message.to, "Body": message.body}
        ).encode()
        request = urllib.request.Request(
            self.URL.format(sid=settings.TWILIO_ACCOUNT_SID), data=data, method="POST"
        )
        secret = f"{settings.TWILIO_ACCOUNT_SID}:{settings.TWILIO_AUTH_TOKEN}"
        request.add_header("Authorization", "Basic " + base64.b64encode(secret.encode()).decode())
        try:
            with urllib.request.urlopen(request, timeout=20) as response:
                response.read()
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise MessageError(f"Twilio refused or could not be reached: {error}") from error


TEXT_BACKENDS: dict[str, type[TextBackend]] = {
    "console": ConsoleText,
    "file": FileText,
    "locmem": LocmemText,
    "twilio": TwilioText,
}


# The signed links each kind of message carries (bookings/reminders/links.py).
LINKS = {
    ReminderKind.CONFIRMATION: ("reschedule", "cancel"),
    ReminderKind.PRE_CARE: ("confirm", "reschedule", "cancel"),
}


def _offer_context(reminder: Reminder) -> dict[str, object]:
    offer = reminder.offer
    assert offer is not None
    entry = offer.entry
    return {
        "reminder": reminder,
        "patient": reminder.patient,
        "offer": offer,
        "entry": entry,
        "session": _session(entry.session_number, entry.plan.sessions),
        "when": timezone.localtime(offer.starts_at),
        "until": timezone.localtime(offer.expires_at),
        "clinic_name": settings.CLINIC_NAME,
        "link": settings.SITE_URL + reverse("waitlist-offer", args=[offer.pk]),
    }


def _context(reminder: Reminder) -> dict[str, object]:
    if reminder.offer_id is not None:
        return _offer_context(reminder)
    appointment = reminder.appointment
    assert appointment is not None
    plan = appointment.plan
    session = ""
    if plan is not None and appointment.session_number:
        session = _session(appointment.session_number, plan.sessions)
    course: list[Appointment] = []
    if reminder.kind == ReminderKind.CANCELLED and plan is not None:
        # The sessions cancelled with this one (the rest of a course cancelled at once).
        course = list(
            Appointment.objects.filter(
                plan=plan,
                status=AppointmentStatus.CANCELLED,
                cancelled_at=appointment.cancelled_at,
            ).order_by("starts_at")
        )
    if reminder.kind == ReminderKind.CONFIRMATION and plan is not None:
        course = list(
            Appointment.objects.filter(plan=plan, status=AppointmentStatus.BOOKED)
            .select_related("doctor")
            .order_by("starts_at")
        )
    when = timezone.localtime(appointment.starts_at)
    # The treatment type's name is the clinic's own word, in the clinic's language.
    what = session or str(appointment.treatment_type).lower()
    context: dict[str, object] = {
        "what": what,
        # Pre-care is for laser sessions: the visit is called so when it is not in a course.
        "laser_visit": session or _("laser session"),
        "course": course if len(course) > 1 else [],
        "reminder": reminder,
        "patient": reminder.patient,
        "appointment": appointment,
        "plan": plan,
        "session": session,
        "when": when,
        "clinic_name": settings.CLINIC_NAME,
        "link": settings.SITE_URL + reverse("appointment-detail", args=[appointment.pk]),
    }
    for action in LINKS.get(ReminderKind(reminder.kind), ()):
        context[f"{action}_link"] = link_make(appointment, action)
    if plan is not None and reminder.kind in (ReminderKind.BOOK_NEXT, ReminderKind.WINDOW_CLOSING):
        following = (appointment.session_number or 0) + 1
        context["next_session"] = _session(following, plan.sessions)
        context["opens"] = when.date() + timedelta(days=plan.interval_min_days)
        context["closes"] = when.date() + timedelta(days=plan.interval_max_days)
        context["book_link"] = settings.SITE_URL + reverse("course-book", args=[plan.pk])
    if reminder.kind == ReminderKind.REVIEW:
        context["review_link"] = settings.SITE_URL + reverse("consultation-book")
    if reminder.kind == ReminderKind.CANCELLED:
        context["book_link"] = settings.SITE_URL + (
            reverse("course-detail", args=[plan.pk])
            if plan is not None
            else reverse("consultation-book")
        )
    return context


def _session(number: int, sessions: int) -> str:
    return _("session %(number)s of %(sessions)s") % {"number": number, "sessions": sessions}


# A subject's dates are formatted with the date filter's format characters (the names of days
# and months come out in the message's language), each format a translatable string.
SUBJECTS = {
    ReminderKind.CONFIRMATION: gettext_lazy("Booked: %(what)s on %(day)s at %(time)s"),
    ReminderKind.PRE_CARE: gettext_lazy("Getting ready for %(what)s on %(day)s"),
    ReminderKind.SOON: gettext_lazy("See you at %(time)s today"),
    ReminderKind.AFTERCARE: gettext_lazy("Looking after your skin after %(what)s"),
    ReminderKind.FIRST_RESULTS: gettext_lazy("Your first results after %(what)s"),
    ReminderKind.BOOK_NEXT: gettext_lazy("Time to book your %(next_session)s"),
    ReminderKind.WINDOW_CLOSING: gettext_lazy("Book your %(next_session)s by %(closes)s"),
    ReminderKind.REVIEW: gettext_lazy("Your review with the doctor after %(what)s"),
    ReminderKind.WAITLIST_OFFER: gettext_lazy(
        "A sooner time for your %(what)s: %(day)s at %(time)s"
    ),
    ReminderKind.CANCELLED: gettext_lazy("Cancelled: %(what)s on %(day)s at %(time)s"),
}
# The button under an email's text: its label and the context's link it opens.
BUTTONS = {
    ReminderKind.CONFIRMATION: (gettext_lazy("See your appointment"), "link"),
    ReminderKind.PRE_CARE: (gettext_lazy("Yes, I will come"), "confirm_link"),
    ReminderKind.SOON: (gettext_lazy("See your appointment"), "link"),
    ReminderKind.BOOK_NEXT: (gettext_lazy("Book your next session"), "book_link"),
    ReminderKind.WINDOW_CLOSING: (gettext_lazy("Book your next session"), "book_link"),
    ReminderKind.REVIEW: (gettext_lazy("Book your review"), "review_link"),
    ReminderKind.WAITLIST_OFFER: (gettext_lazy("See the time and take it"), "link"),
    ReminderKind.CANCELLED: (gettext_lazy("Book another time"), "book_link"),
}


def _subject(kind: ReminderKind, context: dict[str, object]) -> str:
    when = context["when"]
    closes = context.get("closes")
    assert isinstance(when, datetime)
    assert closes is None or isinstance(closes, date)
    return SUBJECTS[kind] % {
        "what": context.get("what") or context["session"],
        "next_session": context.get("next_session", ""),
        # Translators: a short date in a message's subject, e.g. "Tue 08 Dec".
        "day": dateformat.format(when, _("D d M")),
        "time": dateformat.format(when, "H:i"),
        "closes": dateformat.format(closes, _("D d M")) if closes else "",
    }


def _language(reminder: Reminder) -> str:
    """The patient's language: their profile is read with the reminder (services.reminders_send
    selects it), so a message costs no query for it."""
    return language_of(getattr(reminder.patient, "profile", None))


def render_email(reminder: Reminder) -> EmailMultiAlternatives:
    address = reminder.patient.email
    if not address:
        raise MessageError("The patient has no email address.")
    with translation.override(_language(reminder)):
        context = _context(reminder)
        kind = ReminderKind(reminder.kind)
        subject = _subject(kind, context)
        text = render_to_string(f"bookings/reminders/{reminder.kind}.txt", context)
        button = BUTTONS.get(kind)
        html = render_to_string(
            "bookings/reminders/email.html",
            {
                **context,
                "text": text,
                "button": (str(button[0]), context[button[1]]) if button else None,
            },
        )
    email = EmailMultiAlternatives(f"{settings.CLINIC_NAME}: {subject}", text, None, [address])
    email.extra_headers["X-Clinic-Reminder"] = str(reminder.pk)
    email.attach_alternative(html, "text/html")
    if reminder.kind in BEFORE_VISIT and reminder.appointment is not None:
        plan = reminder.appointment.plan
        visits = context["course"] or [reminder.appointment]
        ics = calendar_file(visits, sessions=plan.sessions if plan else None)  # type: ignore[arg-type]
        email.attach("appointment.ics", ics, "text/calendar")
    return email


def render_text(reminder: Reminder) -> str:
    with translation.override(_language(reminder)):
        return render_to_string(f"bookings/reminders/{reminder.kind}_short.txt", _context(reminder))


def _route(reminder: Reminder) -> tuple[str, str]:
    """The channel and address the reminder goes to. A message written for email reaches a
    patient without an address (registered by phone) as a text on their channel instead.
    Raises MessageError, saying what to fix, when the patient cannot be reached."""
    patient = reminder.patient
    profile = getattr(patient, "profile", None)
    phone = str(profile.phone) if profile is not None and profile.phone else ""
    if reminder.channel == ReminderChannel.EMAIL and patient.email:
        return ReminderChannel.EMAIL, patient.email
    if not phone and not patient.email:
        raise MessageError(
            "The patient has no email address and no phone number on file: add one to their "
            "record, then send it again."
        )
    if not phone:
        raise MessageError("The patient has no phone number on file.")
    if reminder.channel == ReminderChannel.EMAIL:
        assert profile is not None
        whatsapp = profile.preferred_channel == ReminderChannel.WHATSAPP
        return (ReminderChannel.WHATSAPP if whatsapp else ReminderChannel.SMS), phone
    return str(reminder.channel), phone


def deliver(reminder: Reminder, *, mail: BaseEmailBackend | None = None) -> None:
    """Send the reminder on its channel (or the one the patient can be reached on), or raise
    MessageError. An email goes over `mail`, a connection a batch shares, when given."""
    channel, address = _route(reminder)
    if channel != reminder.channel:
        # Kept on the row, so the failed-messages page and the admin say how it went.
        reminder.channel = channel
        Reminder.objects.filter(pk=reminder.pk).update(channel=channel)
    if channel == ReminderChannel.EMAIL:
        email = render_email(reminder)
        email.connection = mail
        try:
            if mail is not None:
                mail.open()  # once: an open connection stays open for the next message
            try:
                email.send()
            except smtplib.SMTPServerDisconnected:
                if mail is None:
                    raise
                # Servers end a long session after so many messages: once more, on a new one.
                mail.close()
                mail.open()
                email.send()
        except (smtplib.SMTPException, OSError) as error:
            raise MessageError(f"The mail server did not take it: {error}") from error
        return
    backend_name = (
        settings.WHATSAPP_BACKEND if channel == ReminderChannel.WHATSAPP else settings.SMS_BACKEND
    )
    TEXT_BACKENDS[backend_name]().send(
        TextMessage(str(channel), address, render_text(reminder).strip())
    )
