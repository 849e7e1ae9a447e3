"""Everything a visitor sees before signing up, read in a fixed number of queries (the test
counts them): the calendar is read once, and its answer kept for a minute, because every
visitor asks the same question."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.core.cache import cache
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from bookings.calendars.availability import clinic_zone, free_slots
from bookings.models import (
    ClinicContact,
    Closure,
    CoursePackage,
    ResourceKind,
    TreatmentKind,
    TreatmentType,
    Weekday,
    WorkingHours,
)
from bookings.prices.quotes import Quote, package_quote
from planner.rules import POLICY, Concern
from planner.rules.intake import Severity

# What each concern is, as a visitor would say it; the planner's names are its own.
TREATMENTS: dict[Concern, tuple[Promise, Promise]] = {
    Concern.PIGMENTATION: (_("Pigmentation"), _("Sun spots, age spots and uneven skin tone.")),
    Concern.MELASMA: (_("Melasma"), _("Patches of brown or grey-brown skin, gently lightened.")),
    Concern.ACNE_SCARS: (_("Acne scars"), _("Pitted and rolling scars, smoothed over time.")),
    Concern.FINE_LINES: (_("Fine lines"), _("Softer fine lines around the eyes and mouth.")),
    Concern.WRINKLES: (_("Wrinkles"), _("Deeper lines, with collagen built up again.")),
    Concern.SKIN_LAXITY: (_("Skin laxity"), _("Firmer, tighter-looking skin.")),
    Concern.TATTOO: (_("Tattoo removal"), _("Ink broken up and cleared by the body.")),
}

# How far ahead the front page looks for a consultation time, and how many it shows.
FREE_TIMES_DAYS = 14
FREE_TIMES_SHOWN = 6
FREE_TIMES_CACHE_SECONDS = 60
# Closures are announced this far ahead.
CLOSURES_AHEAD_DAYS = 60


@dataclass(frozen=True)
class Treatment:
    concern: str
    name: Promise
    about: Promise
    sessions_from: int
    sessions_to: int
    sessions_most: int  # the most any course of it plans (marked, large areas)
    weeks_from: int
    weeks_to: int
    slower_weeks_to: int  # sensitive or darker skin waits longer between sessions
    results_from_weeks: int
    results_to_weeks: int
    session_price: int | None  # minor units; the lowest of the concern's session types
    price_varies: bool  # another area size costs more: "from ..."
    package: Quote | None


@dataclass(frozen=True)
class OpeningDay:
    weekday: Weekday
    on: date  # the next such day, for its name in the visitor's language
    spans: tuple[tuple[time, time], ...]  # empty: closed


@dataclass(frozen=True)
class FrontPage:
    treatments: list[Treatment]
    consultation_price: int | None
    hours: list[OpeningDay]
    closures: list[Closure]
    contact: ClinicContact | None
    free_times: list[datetime]  # UTC; the template shows them in the clinic's zone
    consultations_online: bool


def _weeks(days: int) -> int:
    return max(1, round(days / 7))


def treatments(types: list[TreatmentType], packages: dict[str, CoursePackage]) -> list[Treatment]:
    """Each concern's course in the policy's numbers: the sessions a moderate case plans, the
    most any plans, the spacing, when results show, and the prices."""
    found = []
    for concern, (name, about) in TREATMENTS.items():
        rule = POLICY.concerns[concern]
        usual = rule.by_severity[Severity.MODERATE]
        most = max(r.maximum for r in rule.by_severity.values()) + rule.large_area_extra
        prices = [
            t.price_minor for t in types if t.concern == concern and t.price_minor is not None
        ]
        package = packages.get(concern)
        found.append(
            Treatment(
                concern=concern.value,
                name=name,
                about=about,
                sessions_from=usual.minimum,
                sessions_to=usual.maximum,
                sessions_most=most,
                weeks_from=_weeks(POLICY.standard_window.min_days),
                weeks_to=_weeks(POLICY.standard_window.max_days),
                slower_weeks_to=_weeks(POLICY.slowest_window.max_days),
                results_from_weeks=POLICY.first_results_weeks[0],
                results_to_weeks=POLICY.first_results_weeks[1],
                session_price=min(prices) if prices else None,
                price_varies=len(set(prices)) > 1,
                package=package_quote(package) if package else None,
            )
        )
    return found


def opening_hours(rows: list[tuple[int, time, time]], *, today: date) -> list[OpeningDay]:
    """The clinic is open while a doctor works: each day's doctors' spans, merged."""
    by_day: dict[int, list[tuple[time, time]]] = {}
    for weekday, starts, ends in sorted(rows):
        spans = by_day.setdefault(weekday, [])
        if spans and starts <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(ends, spans[-1][1]))
        else:
            spans.append((starts, ends))
    return [
        OpeningDay(
            day,
            today + timedelta(days=(day.value - today.weekday()) % 7),
            tuple(by_day.get(day.value, ())),
        )
        for day in Weekday
    ]


def spread_times(slots: list[datetime], shown: int = FREE_TIMES_SHOWN) -> list[datetime]:
    """The first free time of each morning, afternoon and evening, soonest first: six
    choices across days rather than six neighbouring quarter hours of one morning."""
    zone = clinic_zone()
    chosen: dict[tuple[date, int], datetime] = {}
    for slot in slots:
        local = slot.astimezone(zone)
        part = 0 if local.hour < 12 else 1 if local.hour < 17 else 2
        chosen.setdefault((local.date(), part), slot)
        if len(chosen) == shown:
            break
    return sorted(chosen.values())


def next_free_consultations(consultation: TreatmentType, *, now: datetime) -> list[datetime]:
    """The next free consultation times, from one calendar read kept for a minute: a time
    booked meanwhile is refused, in words, by the booking page."""
    key = f"front:free-consultations:{consultation.pk}"
    cached: list[str] | None = cache.get(key)
    if cached is None:
        today = now.astimezone(clinic_zone()).date()
        slots = free_slots(
            consultation,
            first_day=today,
            last_day=today + timedelta(days=FREE_TIMES_DAYS - 1),
            now=now,
        )
        cached = [moment.isoformat() for moment in spread_times(slots)]
        cache.set(key, cached, FREE_TIMES_CACHE_SECONDS)
    return [datetime.fromisoformat(moment) for moment in cached]


def front_page(*, now: datetime) -> FrontPage:
    types = list(TreatmentType.objects.filter(active=True))
    consultation = min(
        (t for t in types if t.kind == TreatmentKind.CONSULTATION),
        key=lambda t: t.pk,
        default=None,
    )
    packages = {p.concern: p for p in CoursePackage.objects.offered()}
    today = now.astimezone(clinic_zone()).date()
    hours = opening_hours(
        list(
            WorkingHours.objects.filter(
                resource__kind=ResourceKind.DOCTOR, resource__active=True
            ).values_list("weekday", "starts", "ends")
        ),
        today=today,
    )
    closures = list(
        Closure.objects.filter(
            ends_on__gte=today, starts_on__lte=today + timedelta(days=CLOSURES_AHEAD_DAYS)
        )
    )
    return FrontPage(
        treatments=treatments([t for t in types if t.kind == TreatmentKind.SESSION], packages),
        consultation_price=consultation.price_minor if consultation else None,
        hours=hours,
        closures=closures,
        contact=ClinicContact.objects.filter(pk=1).first(),
        free_times=next_free_consultations(consultation, now=now) if consultation else [],
        consultations_online=consultation is not None,
    )
