"""A patient's clinical records, made directly: a signed session record with an adverse event,
its proposal and an addendum, a photo consent, a test patch and a photo (with its files)."""

import io
from datetime import timedelta

from django.core.files.base import ContentFile
from PIL import Image

from bookings.models import (
    AdverseEvent,
    ClinicalPhoto,
    PlanProposal,
    RecordAddendum,
    SessionRecord,
    TestPatch,
)
from clinic.models import PhotoConsent


def clinical_records(appointment, doctor):
    """A signed session record with an adverse event and its proposal, a test patch and a
    photo: the doctor's workspace's URLs take their ids."""
    signed_at = appointment.starts_at + timedelta(minutes=30)
    record = SessionRecord.objects.create(
        appointment=appointment, created_by=doctor, status="signed", signed_by=doctor,
        signed_at=signed_at, wavelength_nm=1064, fluence_j_cm2="2.00",
        treated_areas="Both cheeks", aftercare_given="SPF daily",
    )  # fmt: skip
    event = AdverseEvent.objects.create(record=record, kind="blistering", grade=1)
    RecordAddendum.objects.create(record=record, text="Spot 3 mm", reason="Slip", author=doctor)
    PhotoConsent.objects.create(
        patient=appointment.patient, scope="medical_record", method="in_person",
        recorded_by=doctor,
    )  # fmt: skip
    proposal = PlanProposal.objects.create(
        plan=appointment.plan, adverse_event=event, kind="pause", reason="Blistering."
    )
    patch = TestPatch.objects.create(
        patient=appointment.patient, device=appointment.device, area="jaw", fitzpatrick=2,
        applied_at=signed_at, applied_by=doctor, wavelength_nm=532, fluence_j_cm2="0.5",
    )  # fmt: skip
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(image, "JPEG")
    photo = ClinicalPhoto(
        appointment=appointment, patient=appointment.patient, area="cheek", label="before",
        content_type="image/jpeg", width=8, height=8, size_bytes=image.tell(),
        uploaded_by=doctor,
    )  # fmt: skip
    photo.image.save("walk.jpg", ContentFile(image.getvalue()), save=False)
    photo.thumbnail.save("walk-thumb.jpg", ContentFile(image.getvalue()), save=False)
    photo.save()
    return record, proposal, patch, photo
