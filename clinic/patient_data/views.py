"""The pages of a patient's data: their own download (JSON, and a page to read and print), the
same produced at the desk for a request made there, and a manager's erasure.

Producing a patient's data at the desk is an administrative act, for a receptionist or a
manager; a doctor reads the clinical record on its own pages and does not hand it out.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from clinic.audit import audit_record
from clinic.models import User
from clinic.patient_data.erasure import (
    KEPT,
    erased_name,
    erasure_preview,
    erasure_refusal,
    patient_erase,
    shown_day,
)
from clinic.patient_data.export import patient_export
from clinic.roles import Role, role_required

DESK = (Role.RECEPTIONIST, Role.MANAGER)


def _patients() -> QuerySet[User]:
    return User.objects.filter(groups__name=Role.PATIENT.value)


def _json(patient: User) -> HttpResponse:
    document = patient_export(patient=patient)
    response = HttpResponse(
        json.dumps(document, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    day = timezone.localdate(document["exported_at"])
    response["Content-Disposition"] = (
        f'attachment; filename="patient-{patient.pk}-data-{day:%Y-%m-%d}.json"'
    )
    return response


def _page(request: HttpRequest, patient: User, *, json_url: str) -> HttpResponse:
    context = {"data": patient_export(patient=patient), "patient": patient, "json_url": json_url}
    return render(request, "clinic/data/export.html", context)


@never_cache
@role_required(Role.PATIENT)
def my_data(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return _page(request, request.user, json_url="my-data-json")


@never_cache
@role_required(Role.PATIENT)
def my_data_json(request: HttpRequest) -> HttpResponse:
    assert isinstance(request.user, User)
    return _json(request.user)


@never_cache
@role_required(*DESK)
def patient_data(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(_patients(), pk=patient_id)
    audit_record(request=request, patient=patient, action="exported patient data", detail="page")
    return _page(request, patient, json_url="patient-data-json")


@never_cache
@role_required(*DESK)
def patient_data_json(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(_patients(), pk=patient_id)
    audit_record(request=request, patient=patient, action="exported patient data", detail="json")
    return _json(patient)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


class ErasureForm(forms.Form):
    """The manager types the patient's name: the erasure is of this patient, on purpose."""

    confirmation = forms.CharField(max_length=300, label="Type the patient's name to confirm")

    def __init__(self, *args: Any, phrase: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.phrase = phrase

    def clean_confirmation(self) -> str:
        typed: str = self.cleaned_data["confirmation"]
        if _key(typed) != _key(self.phrase):
            raise ValidationError(f"Type the patient's name as on their record: {self.phrase}.")
        return typed


def confirmation_phrase(patient: User) -> str:
    """What the manager types: the patient's name, or how to reach them if they have none."""
    return patient.get_full_name() or patient.contact


@never_cache
@role_required(Role.MANAGER)
def patient_erase_view(request: HttpRequest, patient_id: int) -> HttpResponse:
    """A page that says what an erasure removes and what it keeps, and why, then does it."""
    person = get_object_or_404(User, pk=patient_id)
    if refusal := erasure_refusal(person):
        return render(
            request,
            "clinic/data/erase.html",
            {"person": person, "refusal": refusal},
            status=400,
        )
    form = ErasureForm(request.POST or None, phrase=confirmation_phrase(person))
    if request.method == "POST" and form.is_valid():
        name = str(person)
        assert isinstance(request.user, User)
        try:
            with transaction.atomic():
                erasure = patient_erase(patient=person, by=request.user)
                audit_record(
                    request=request, patient=person, action="erased patient", detail=erasure.detail
                )
        except ValidationError as error:  # erased meanwhile, in another window
            messages.error(request, " ".join(error.messages))
            return redirect("patient-detail", patient_id=person.pk)
        messages.success(
            request,
            f"{name}'s personal details are erased: the record is now {erased_name(person.pk)}. "
            f"{erasure.visits_cancelled} visits cancelled, {erasure.waitlist_closed} waitlist "
            f"places closed. What the clinic keeps is purged after "
            f"{shown_day(erasure.kept_until)}.",
        )
        return redirect("patient-detail", patient_id=person.pk)
    audit_record(request=request, patient=person, action="viewed erasure")
    context = {
        "person": person,
        "form": form,
        "preview": erasure_preview(patient=person),
        "kept": KEPT,
        "phrase": confirmation_phrase(person),
        "retention_years": settings.CLINICAL_RECORD_RETENTION_YEARS,
    }
    return render(
        request, "clinic/data/erase.html", context, status=400 if request.method == "POST" else 200
    )
