"""Writes with side effects on accounts (HackSoft style: <entity>_<action>, keyword-only)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from clinic.models import User
from clinic.roles import Role


@transaction.atomic
def user_create(
    *,
    email: str,
    role: Role,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
) -> User:
    """Create a person with one role. Managers also get Django admin access (is_staff)."""
    user = User.objects.create_user(
        email,
        password,
        first_name=first_name,
        last_name=last_name,
        is_staff=role is Role.MANAGER,
    )
    user.groups.add(Group.objects.get(name=role.value))
    return user
