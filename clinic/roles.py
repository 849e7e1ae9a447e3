"""Roles are Django groups; this module names them and checks them on every request."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase


class Role(StrEnum):
    PATIENT = "Patient"
    RECEPTIONIST = "Receptionist"
    DOCTOR = "Doctor"
    MANAGER = "Manager"


# Where each role lands after logging in. A person with several roles lands on the first.
HOME_URL_NAMES: dict[Role, str] = {
    Role.MANAGER: "manager-home",
    Role.DOCTOR: "doctor-home",
    Role.RECEPTIONIST: "reception-home",
    Role.PATIENT: "patient-home",
}

# The apps whose models managers administer through Django's admin.
MANAGED_APPS = ("clinic", "planner", "bookings")


def roles_of(user: Any) -> frozenset[Role]:
    """The user's roles, read once per request and kept on the user object."""
    if not user.is_authenticated or not user.is_active:
        return frozenset()
    cached: frozenset[Role] | None = getattr(user, "_clinic_roles", None)
    if cached is None:
        names = set(user.groups.values_list("name", flat=True))
        cached = frozenset(role for role in Role if role.value in names)
        if user.is_superuser:
            cached |= {Role.MANAGER}
        user._clinic_roles = cached
    return cached


def has_role(user: Any, *roles: Role) -> bool:
    return not roles_of(user).isdisjoint(roles)


def home_url_name(user: Any) -> str | None:
    roles = roles_of(user)
    return next((name for role, name in HOME_URL_NAMES.items() if role in roles), None)


ViewFunc = Callable[..., HttpResponseBase]


def role_required(*roles: Role) -> Callable[[ViewFunc], ViewFunc]:
    """Send anonymous visitors to log in; refuse logged-in people without one of `roles`."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not has_role(request.user, *roles):
                raise PermissionDenied("Your role does not give access to this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def ensure_role_groups(sender: Any, using: str = "default", **kwargs: Any) -> None:
    """After every migrate (post_migrate): the four role groups exist, and Manager holds every
    permission on the clinic's own models.

    The groups are first made by a data migration; this puts back one that was deleted, and
    restores them after a test database is flushed. Models that must never be edited through
    the application (the audit log) declare only the "view" permission, so there is nothing to
    exclude here.
    """
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        Group.objects.using(using).get_or_create(name=role.value)
    manager = Group.objects.using(using).get(name=Role.MANAGER.value)
    permissions = Permission.objects.using(using).filter(
        content_type__app_label__in=MANAGED_APPS
    ) | Permission.objects.using(using).filter(
        content_type__app_label="auth", codename__in=["view_group"]
    )
    manager.permissions.add(*permissions)
