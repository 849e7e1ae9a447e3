"""What a patient will pay, quoted before they book: a consultation, and a course (its package
when the clinic sells one that covers the course and costs no more, otherwise its sessions
times the session's price). A quote is never stored: prices change, and taking payment is not
the booking system's work. Unpriced treatments give no quote, and the pages then show none."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from bookings.models import CoursePackage, TreatmentType
from bookings.prices.money import clinic_currency, format_money
from planner.models import CONCERN_LABELS, TreatmentPlan


@dataclass(frozen=True)
class Quote:
    amount_minor: int
    currency: str
    # How the amount is made, in the active language: "6 sessions x RM450.00".
    basis: str

    def __str__(self) -> str:
        return format_money(self.amount_minor, self.currency)


def consultation_quote(consultation: TreatmentType | None = None) -> Quote | None:
    """The consultation's price: of the one given (a page that has read it already, so no
    query), else of the clinic's consultation."""
    if consultation is None:
        consultation = TreatmentType.objects.consultation()
    if consultation is None or consultation.price_minor is None:
        return None
    return Quote(consultation.price_minor, clinic_currency(), gettext("Consultation"))


def sessions_quote(treatment_type: TreatmentType | None, sessions: int) -> Quote | None:
    """`sessions` sessions of a treatment type at its price, or None if it has none."""
    if treatment_type is None or treatment_type.price_minor is None:
        return None
    currency = clinic_currency()
    price = format_money(treatment_type.price_minor, currency)
    basis = ngettext(
        "%(count)d session × %(price)s",  # noqa: RUF001 (the sign a price list uses)
        "%(count)d sessions × %(price)s",  # noqa: RUF001
        sessions,
    ) % {"count": sessions, "price": price}
    return Quote(treatment_type.price_minor * sessions, currency, basis)


def package_quote(package: CoursePackage) -> Quote:
    concern = str(CONCERN_LABELS.get(package.concern, package.concern)).lower()
    if package.sessions is None:
        basis = gettext("Course package for %(concern)s") % {"concern": concern}
    else:
        basis = ngettext(
            "Course package for %(concern)s, up to %(count)d session",
            "Course package for %(concern)s, up to %(count)d sessions",
            package.sessions,
        ) % {"concern": concern, "count": package.sessions}
    return Quote(package.price_minor, clinic_currency(), basis)


def course_quote(plan: TreatmentPlan) -> Quote | None:
    """The plan's course: the concern's package when it covers the plan's sessions and is not
    dearer than paying per session (a clinic never charges more for a package); otherwise the
    sessions at the price of the session type booked for the plan's concern and area."""
    treatment_type = TreatmentType.objects.session_for(
        concern=plan.concern, area=plan.intake.get("area", "")
    )
    per_session = sessions_quote(treatment_type, plan.sessions)
    package = CoursePackage.objects.offered().filter(concern=plan.concern).first()
    if (
        package is not None
        and package.covers(plan.sessions)
        and (per_session is None or package.price_minor <= per_session.amount_minor)
    ):
        return package_quote(package)
    return per_session
