"""The demo clinic's clinical records: a protocol per laser device and concern, and signed
session records (with a before and after photo) for the sessions that took place, so the
doctor's workspace opens on a course with history: settings stepping up, one mild reaction."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from bookings.models import (
    AdverseEvent,
    Appointment,
    AppointmentStatus,
    ClinicalPhoto,
    Protocol,
    Resource,
    ResourceKind,
    SessionRecord,
)
from clinic.models import ConsentMethod, PhotoConsent, PhotoScope, User
from planner.models import CONCERN_CHOICES

# (wavelength nm, spot mm, fluence J/cm2, pulse width ps): typical picosecond starting points.
STARTS = {
    "pigmentation": (532, "3.0", "0.60", 450),
    "melasma": (1064, "8.0", "0.80", 450),
    "tattoo": (1064, "4.0", "2.00", 750),
}
FRACTIONAL = (1064, "6.0", "0.40", 450)  # fine lines, laxity, acne scars: a lens array


def demo_protocols() -> None:
    for device in Resource.objects.filter(kind=ResourceKind.DEVICE):
        for concern, _label in CONCERN_CHOICES:
            wavelength, spot, fluence, width = STARTS.get(concern, FRACTIONAL)
            Protocol.objects.get_or_create(
                device=device,
                concern=concern,
                defaults={
                    "handpiece": "Zoom" if concern in STARTS else "Resolve fractional",
                    "wavelength_nm": wavelength,
                    "spot_size_mm": Decimal(spot),
                    "fluence_j_cm2": Decimal(fluence),
                    "pulse_width_ps": width,
                    "repetition_rate_hz": Decimal("5.0"),
                    "passes": 2,
                },
            )


def _photo(colour: tuple[int, int, int], text: str) -> bytes:
    image = Image.new("RGB", (480, 360), colour)
    ImageDraw.Draw(image).text((20, 20), text, fill=(40, 40, 40))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


def demo_records(now: datetime) -> None:
    """A signed record for each course session that took place (before `now`), by its doctor."""
    demo_protocols()
    visits = (
        Appointment.objects.filter(
            plan__isnull=False,
            status=AppointmentStatus.COMPLETED,
            record__isnull=True,
            ends_at__lte=now,
        )
        .select_related("plan", "doctor__user", "patient")
        .order_by("plan_id", "session_number")
    )
    for visit in visits:
        doctor = visit.doctor.user
        if doctor is None or visit.device_id is None:
            continue
        protocol = Protocol.objects.filter(device_id=visit.device_id, concern=visit.plan.concern)
        start = protocol.first()
        step = Decimal("1.1") ** ((visit.session_number or 1) - 1)  # 10% up each session
        record = SessionRecord.objects.create(
            appointment=visit,
            created_by=doctor,
            status="signed",
            signed_by=doctor,
            signed_at=visit.ends_at,
            handpiece=start.handpiece if start else "",
            wavelength_nm=start.wavelength_nm if start else 1064,
            spot_size_mm=start.spot_size_mm if start else Decimal("4.0"),
            fluence_j_cm2=((start.fluence_j_cm2 if start else Decimal("1")) * step).quantize(
                Decimal("0.01")
            ),
            pulse_width_ps=start.pulse_width_ps if start else 450,
            repetition_rate_hz=Decimal("5.0"),
            passes=2,
            total_pulses=1800 + 150 * (visit.session_number or 1),
            treated_areas="Both cheeks and forehead",
            skin_cooling="air",
            endpoint="reached",
            endpoint_description="Mild erythema, pigment darkening",
            immediate_response="Mild redness, settled within the hour.",
            pain_score=3,
            aftercare_given="Cool compress tonight; SPF 50 every day; no retinoids for 5 days.",
        )
        if visit.session_number == 2:
            AdverseEvent.objects.create(
                record=record, kind="erythema", grade=1, note="Settled in two days"
            )
        _consent(visit.patient, doctor)
        for label, colour in (("before", (196, 150, 120)), ("after", (214, 160, 140))):
            photo = ClinicalPhoto(
                appointment=visit,
                patient=visit.patient,
                area="left cheek",
                label=label,
                content_type="image/jpeg",
                width=480,
                height=360,
                size_bytes=0,
                uploaded_by=doctor,
            )
            data = _photo(colour, f"Session {visit.session_number}, {label} (demo)")
            photo.size_bytes = len(data)
            photo.image.save(f"demo-{visit.pk}-{label}.jpg", ContentFile(data), save=False)
            photo.thumbnail.save(f"demo-{visit.pk}-{label}-t.jpg", ContentFile(data), save=False)
            photo.save()


def _consent(patient: User, doctor: User) -> None:
    if (
        not PhotoConsent.objects.in_force()
        .filter(patient=patient, scope=PhotoScope.MEDICAL_RECORD)
        .exists()
    ):
        PhotoConsent.objects.create(
            patient=patient,
            scope=PhotoScope.MEDICAL_RECORD,
            method=ConsentMethod.IN_PERSON,
            recorded_by=doctor,
        )
