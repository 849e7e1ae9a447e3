"""The calendars' JSON API: GET /api/availability."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.throttling import UserRateThrottle

from bookings.calendars.availability import clinic_zone, free_slots
from bookings.models import BOOKING_HORIZON_DAYS, Resource, ResourceKind, TreatmentType
from clinic.api_auth import refusals

router = Router()

MAX_DAYS = 186  # six months and a little


class AvailabilityThrottle(UserRateThrottle):
    scope = "availability"


class AvailabilityQuery(Schema):
    treatment_type: int = Field(description="A treatment type's id (GET /api/treatment-types).")
    from_: date = Field(alias="from", description="First local date (YYYY-MM-DD), from today.")
    to: date = Field(
        description="Last local date, inclusive; at most 186 days after `from`, and at most "
        f"{BOOKING_HORIZON_DAYS} days from today (bookings open a year ahead)."
    )
    doctor: int | None = Field(None, description="Only this doctor (a resource id).")


class SlotOut(Schema):
    starts_at: datetime = Field(description="UTC")
    ends_at: datetime = Field(description="UTC")
    local_start: str = Field(description="The same instant in the clinic's time zone.")


class AvailabilityOut(Schema):
    treatment_type: int
    time_zone: str
    slots: list[SlotOut]


class TreatmentTypeOut(Schema):
    id: int
    name: str
    kind: str
    concern: str
    area: str
    duration_minutes: int
    buffer_minutes: int


@router.get(
    "/availability",
    response={200: AvailabilityOut, **refusals(404, 422, 429)},
    auth=None,
    throttle=[AvailabilityThrottle("60/m")],
    summary="Free start times for a treatment over a range of dates",
)
def availability(request: HttpRequest, query: Query[AvailabilityQuery]) -> dict[str, object]:
    # The same span as the booking pages (the picker); it also keeps year 1 and year 9999
    # away from the calendars' date arithmetic.
    today = timezone.localdate()
    last = today + timedelta(days=BOOKING_HORIZON_DAYS)
    if query.from_ < today:
        raise HttpError(422, f"`from` must be today ({today}) or later.")
    if query.to > last:
        raise HttpError(422, f"Bookings open up to a year ahead: `to` must be {last} or earlier.")
    if query.to < query.from_:
        raise HttpError(422, "`to` must not be before `from`.")
    if (query.to - query.from_).days > MAX_DAYS:
        raise HttpError(422, f"Ask for at most {MAX_DAYS} days at a time.")
    treatment_type = get_object_or_404(TreatmentType, pk=query.treatment_type, active=True)
    doctor = None
    if query.doctor is not None:
        doctor = get_object_or_404(Resource, pk=query.doctor, kind=ResourceKind.DOCTOR, active=True)
    zone = clinic_zone()
    slots = free_slots(treatment_type, first_day=query.from_, last_day=query.to, doctor=doctor)
    return {
        "treatment_type": treatment_type.pk,
        "time_zone": zone.key,
        "slots": [
            {
                "starts_at": start,
                "ends_at": start + treatment_type.duration,
                "local_start": start.astimezone(zone).isoformat(),
            }
            for start in slots
        ],
    }


@router.get("/treatment-types", response=list[TreatmentTypeOut], auth=None)
def treatment_types(request: HttpRequest) -> list[TreatmentType]:
    return list(TreatmentType.objects.filter(active=True))
