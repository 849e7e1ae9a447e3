"""The intake questionnaire's pages: the patient fills it section by section (a draft they can
leave and resume); a receptionist may fill it on the patient's behalf. Only the patient gives
consent: online, signing with their name (planner.views.intake_submit), or at the desk, in
front of a receptionist or manager who records it as witnessed (clinic.reception)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from clinic.audit import audit_record
from clinic.intake import (
    SECTION_NAMES,
    ConsentForm,
    ConsentInPersonForm,
    Section,
    first_unanswered,
    missing_sections,
    sections_for,
)
from clinic.models import ConsentText, Intake, PatientProfile, User
from clinic.roles import Role, has_role, role_required
from clinic.services import intake_current, intake_save_section

ON_BEHALF = (Role.RECEPTIONIST, Role.MANAGER)

# A section whose page also asks the next section's few questions: one "Save and continue"
# fewer on a phone. Each section's answers are still kept under its own name, and the joined
# section still has a page of its own (the list of sections links to it).
JOINED = {"skin": "sun", "screening": "history"}


def page_form(section: Section, data: QueryDict | None = None) -> type[Form]:
    """The form of the section's page: its own questions, and those of the one joined to it
    (unless `data`, the answers sent, has none of those: a client sending one section at a
    time, as before they were joined)."""
    joined = SECTION_NAMES.get(JOINED.get(section.name, ""))
    if joined is None:
        return section.form
    if data is not None and not any(name in data for name in joined.form.base_fields):
        return section.form
    theirs = list(joined.form.base_fields)

    class PageForm(section.form, joined.form):  # type: ignore[name-defined,misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            # The section's own questions first, then the joined section's.
            self.order_fields([n for n in self.fields if n not in theirs] + theirs)

    return PageForm


def _saved_per_section(
    section: Section, answers: dict[str, object]
) -> dict[str, dict[str, object]]:
    """The page's answers split by the section that keeps them."""
    joined = SECTION_NAMES.get(JOINED.get(section.name, ""))
    if joined is None:
        return {section.name: answers}
    theirs = set(joined.form.base_fields)
    if answers and not theirs & set(answers):
        return {section.name: answers}
    return {
        section.name: {k: v for k, v in answers.items() if k not in theirs},
        joined.name: {k: v for k, v in answers.items() if k in theirs},
    }


def intake_for(request: HttpRequest, intake_id: int) -> Intake:
    """The intake, if this person may fill it: its patient, or a receptionist or manager."""
    intake = get_object_or_404(Intake.objects.select_related("patient"), pk=intake_id)
    if intake.patient_id == request.user.pk or has_role(request.user, *ON_BEHALF):
        return intake
    raise Http404("No such intake.")


def render_section(
    request: HttpRequest, intake: Intake, section: Section, form: Form | None, status: int = 200
) -> HttpResponse:
    sections = sections_for(intake)
    on_behalf = intake.patient_id != request.user.pk
    context = {
        "intake": intake,
        "section": section,
        "sections": sections,
        "answered": set(intake.answers),
        "form": form,
        "on_behalf": on_behalf,
        "missing": missing_sections(intake),
    }
    if section.name == "consent":
        text = ConsentText.current()
        context["consent_text"] = text
        if on_behalf and form is None:
            # Staff see the form that records a consent given at the desk, never the patient's.
            context["form"] = ConsentInPersonForm(initial={"version": text.version})
    return render(request, "clinic/intake_section.html", context, status=status)


def _next(intake: Intake, section: Section) -> str:
    names = [s.name for s in sections_for(intake)]
    after = JOINED.get(section.name, section.name)
    return names[min(names.index(after) + 1, len(names) - 1)]


@role_required(Role.PATIENT)
def intake_start(request: HttpRequest) -> HttpResponse:
    profile = PatientProfile.objects.get(user=request.user)
    if profile.date_of_birth is None:
        messages.info(request, _("Please add your date of birth first: your course depends on it."))
        return redirect("profile")
    intake = intake_current(patient=request.user, by=request.user)
    return redirect("intake-section", intake_id=intake.pk, section=first_unanswered(intake).name)


@role_required(*ON_BEHALF)
def intake_start_for(request: HttpRequest, patient_id: int) -> HttpResponse:
    patient = get_object_or_404(User, pk=patient_id, groups__name=Role.PATIENT.value)
    intake = intake_current(patient=patient, by=request.user)
    audit_record(
        request=request, patient=patient, action="opened intake", detail=f"intake {intake.pk}"
    )
    return redirect("intake-section", intake_id=intake.pk, section=first_unanswered(intake).name)


@login_required
def intake_section(request: HttpRequest, intake_id: int, section: str) -> HttpResponse:
    intake = intake_for(request, intake_id)
    current = SECTION_NAMES.get(section)
    if current is None:
        raise Http404("No such section.")
    if not intake.is_draft:
        messages.info(request, _("This questionnaire is submitted."))
        plan = getattr(intake, "plan", None)
        return redirect("plan-detail", plan_id=plan.pk) if plan else redirect("home")
    if not current.applies_to(intake):
        return redirect(
            "intake-section", intake_id=intake.pk, section=first_unanswered(intake).name
        )
    on_behalf = intake.patient_id != request.user.pk
    if current.name == "consent":
        if on_behalf:
            audit_record(request=request, patient=intake.patient, action="viewed intake")
        form = None if on_behalf else ConsentForm()
        return render_section(request, intake, current, form)
    form_class = page_form(current)
    if request.method == "POST":
        sent = page_form(current, request.POST)(request.POST)
        if not sent.is_valid():
            return render_section(request, intake, current, sent, status=400)
        for name, answers in _saved_per_section(current, sent.cleaned_data).items():
            intake = intake_save_section(
                intake=intake, section=name, answers=answers, by=request.user
            )
        if on_behalf:
            audit_record(
                request=request, patient=intake.patient, action="saved intake", detail=current.name
            )
        if "leave" in request.POST:
            messages.success(request, _("Saved. You can come back and carry on at any time."))
            if on_behalf:
                return redirect("patient-detail", patient_id=intake.patient_id)
            return redirect("home")
        return redirect("intake-section", intake_id=intake.pk, section=_next(intake, current))
    if on_behalf:
        audit_record(request=request, patient=intake.patient, action="viewed intake")
    initial: dict[str, object] = {}
    for name in _saved_per_section(current, {}):
        initial |= intake.answers.get(name, {})
    return render_section(request, intake, current, form_class(initial=initial))
