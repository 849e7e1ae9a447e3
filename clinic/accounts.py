"""Django's account views, answering 400 when a form is refused (the brief: bad input is a 4xx)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponse


class RefusedFormIs400:
    def form_invalid(self, form: Any) -> HttpResponse:
        response: HttpResponse = super().form_invalid(form)  # type: ignore[misc]
        response.status_code = 400
        return response


class LoginView(RefusedFormIs400, auth_views.LoginView):
    pass


class PasswordResetView(RefusedFormIs400, auth_views.PasswordResetView):
    extra_email_context = {"clinic_name": settings.CLINIC_NAME}


class PasswordResetConfirmView(RefusedFormIs400, auth_views.PasswordResetConfirmView):
    pass


class PasswordChangeView(RefusedFormIs400, auth_views.PasswordChangeView):
    pass
