"""A patient's consent to clinical photographs, given and withdrawn (issue 16).

Kept apart from the treatment consent, scope by scope (clinic.models.PhotoScope): a patient may
agree to treatment and refuse photos, or agree to photos for their record and refuse any use
beyond it. The patient gives it online from their profile, or in person in front of staff, who
record it. Withdrawing stops new photos (or their wider use) from then on; the photos already in
the record stay there, as the record does.

Imports: clinic only (bookings reads PhotoConsent to decide whether a photo may be taken).
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from clinic.models import ConsentMethod, PhotoConsent, PhotoScope, User
from clinic.roles import Role, has_role

# Who may record a consent given in front of them.
WITNESSES = (Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER)


def photo_consent_in_force(*, patient: User, scope: str) -> PhotoConsent | None:
    return PhotoConsent.objects.in_force().filter(patient=patient, scope=scope).first()


def _may_act_for(patient: User, by: User, method: str) -> None:
    if method == ConsentMethod.ONLINE:
        if by.pk != patient.pk:
            raise PermissionDenied("Only the patient gives their consent online.")
    elif method == ConsentMethod.IN_PERSON:
        if not has_role(by, *WITNESSES):
            raise PermissionDenied("Only the clinic's staff record a consent given in person.")
    else:
        raise ValidationError(f"Unknown way of giving consent: {method!r}.")


def photo_consent_give(*, patient: User, scope: str, by: User, method: str) -> PhotoConsent:
    """Record the patient's consent to photographs for `scope`. Giving it again while it is in
    force changes nothing (a double click, two devices): the consent in force is returned."""
    if scope not in PhotoScope.values:
        raise ValidationError(f"Unknown kind of photo consent: {scope!r}.")
    if not has_role(patient, Role.PATIENT):
        raise ValidationError("Only a patient gives consent to clinical photographs.")
    _may_act_for(patient, by, method)
    existing = photo_consent_in_force(patient=patient, scope=scope)
    if existing is not None:
        return existing
    try:
        # The savepoint keeps an outer transaction usable if a concurrent request won the race
        # for the one consent in force per scope (a unique constraint).
        with transaction.atomic():
            return PhotoConsent.objects.create(
                patient=patient, scope=scope, method=method, recorded_by=by
            )
    except IntegrityError:
        winner = photo_consent_in_force(patient=patient, scope=scope)
        if winner is None:
            raise
        return winner


def photo_consent_withdraw(
    *, consent: PhotoConsent, by: User, now: datetime | None = None
) -> PhotoConsent:
    """Withdraw a consent: the patient themselves, or staff on the patient's word. Withdrawing
    one already withdrawn changes nothing."""
    if by.pk != consent.patient_id and not has_role(by, *WITNESSES):
        raise PermissionDenied("Only the patient or the clinic's staff withdraw a consent.")
    now = now or timezone.now()
    # Conditional, so that two withdrawals at once keep the first one's time and author.
    PhotoConsent.objects.filter(pk=consent.pk, withdrawn_at__isnull=True).update(
        withdrawn_at=now, withdrawn_by=by
    )
    consent.refresh_from_db()
    return consent
