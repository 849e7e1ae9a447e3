"""Course packages: one price for a whole course of a concern, where the clinic sells them.
A single session's price sits on its treatment type (calendars.TreatmentType.price_minor)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from planner.models import CONCERN_CHOICES


class CoursePackageQuerySet(models.QuerySet["CoursePackage"]):
    def offered(self) -> CoursePackageQuerySet:
        return self.filter(active=True)


class CoursePackage(models.Model):
    """A course of a concern sold at one price. With a session count it covers courses of up
    to that many sessions (a clinic sells "6 sessions for RM 2,400"); a longer course is quoted
    per session. Blank: it covers the course however many sessions the doctor plans."""

    concern = models.CharField(max_length=20, choices=CONCERN_CHOICES, unique=True)
    # In the minor unit of settings.CLINIC_CURRENCY, like a treatment type's price.
    price_minor = models.PositiveIntegerField()
    sessions = models.PositiveSmallIntegerField(null=True, blank=True)
    active = models.BooleanField(default=True)

    objects = CoursePackageQuerySet.as_manager()

    class Meta:
        ordering = ["concern"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sessions__isnull=True) | Q(sessions__gte=1),
                name="package_covers_a_session",
            )
        ]

    def __str__(self) -> str:
        return f"Course package: {self.get_concern_display()}"

    def covers(self, sessions: int) -> bool:
        return self.sessions is None or sessions <= self.sessions
