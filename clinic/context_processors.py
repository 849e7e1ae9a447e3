from typing import Any

from django.conf import settings
from django.http import HttpRequest

from clinic.roles import Role, roles_of


def clinic(request: HttpRequest) -> dict[str, Any]:
    roles = roles_of(request.user) if hasattr(request, "user") else frozenset()
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_time_zone": settings.CLINIC_TIME_ZONE,
        # Each named in itself, never translated: a reader looks for their own language's name.
        "site_languages": settings.LANGUAGES,
        "user_roles": {role.name.lower(): role in roles for role in Role},
    }
