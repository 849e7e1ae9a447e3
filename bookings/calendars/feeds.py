"""A patient's private calendar subscription: a secret link (clinic.models.CalendarFeed) that a
calendar app fetches now and then, listing the patient's visits from a few months back onwards,
so a moved session moves there too (the events keep their UIDs: ics.py).

No login: the token is the key, so an unknown or revoked one is a plain 404 that tells nothing.
A patient has no link until they ask for one on their home page (a POST); asking again replaces
it, and the old one stops working at once. The feed says when and where, never what is treated:
a calendar service reads it."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from bookings.calendars.ics import calendar_file
from bookings.models import Appointment
from clinic.languages import language_of
from clinic.models import CalendarFeed, User
from clinic.roles import Role, role_required

# Visits this far back stay in the feed, so last month's session is still in the calendar.
FEED_HISTORY = timedelta(days=92)
# 192 random bits, as 32 URL-safe characters.
TOKEN_BYTES = 24


def calendar_feed_current(*, patient: User) -> CalendarFeed:
    """The patient's live feed, made on first use."""
    feed = CalendarFeed.objects.live().filter(patient=patient).first()
    if feed is not None:
        return feed
    try:
        with transaction.atomic():
            return CalendarFeed.objects.create(
                patient=patient, token=secrets.token_urlsafe(TOKEN_BYTES)
            )
    except IntegrityError:  # another request of theirs made it first
        return CalendarFeed.objects.live().get(patient=patient)


@transaction.atomic
def calendar_feed_renew(*, patient: User, now: datetime | None = None) -> CalendarFeed:
    """Revoke the patient's link, if any, and make a new one: whoever had the old link reads no
    more. Two at once (a double tap) take turns on the patient's row, so each revokes the link
    the other made rather than both making one."""
    User.objects.select_for_update().filter(pk=patient.pk).values_list("pk").first()
    CalendarFeed.objects.live().filter(patient=patient).update(revoked_at=now or timezone.now())
    return CalendarFeed.objects.create(patient=patient, token=secrets.token_urlsafe(TOKEN_BYTES))


def feed_visits(patient: User, *, now: datetime) -> list[Appointment]:
    """What the feed lists: the patient's visits, but cancelled ones, from FEED_HISTORY ago on."""
    return list(
        Appointment.objects.active()
        .filter(patient=patient, starts_at__gte=now - FEED_HISTORY)
        .select_related("treatment_type", "plan")
        .order_by("starts_at")
    )


@require_safe  # HEAD too: a calendar service may check the link before fetching it
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    feed = (
        CalendarFeed.objects.live().select_related("patient__profile").filter(token=token).first()
    )
    if feed is None or not feed.patient.is_active:
        raise Http404("No such calendar.")
    visits = feed_visits(feed.patient, now=timezone.now())
    # In the patient's language: the calendar service that fetches it says nothing of theirs.
    with translation.override(language_of(getattr(feed.patient, "profile", None))):
        name = _("My visits at %(clinic)s") % {"clinic": settings.CLINIC_NAME}
        body = calendar_file(visits, feed_name=name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # Inline, not an attachment: a calendar app subscribes to it rather than a browser saving it.
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_POST
@role_required(Role.PATIENT)
def calendar_feed_revoke(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)
    had_one = CalendarFeed.objects.live().filter(patient=user).exists()
    calendar_feed_renew(patient=user)
    if had_one:
        messages.success(
            request,
            _(
                "Your old calendar link no longer works. Here is a new one: subscribe to it "
                "again in your calendar app."
            ),
        )
    else:
        messages.success(
            request, _("Here is your private calendar link: subscribe to it in your calendar app.")
        )
    return redirect(reverse("patient-home") + "#feed-title")
