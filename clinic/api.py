"""The JSON API router: project wiring that mounts each app's router (DESIGN.md)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError

from bookings.api import router as bookings_router
from bookings.courses.api import router as courses_router
from bookings.visits.api import router as records_router
from clinic.api_auth import UNAUTHENTICATED
from planner.api import router as plans_router

# static/vendor/ (its README says where each library comes from).
SWAGGER_UI = "vendor/swagger-ui-5.35.0"


class OfflineSwagger(Swagger):
    """Swagger UI from the project's own static files: ninja's page loads it from a CDN unless
    "ninja" is an installed app, and then from the copy inside the ninja package."""

    template = "ninja/swagger.html"

    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        # No validator badge: Swagger UI would send the schema to validator.swagger.io.
        page_settings = self.settings | {
            "url": self.get_openapi_url(api, kwargs),
            "validatorUrl": None,
        }
        context = {"api": api, "swagger_settings": page_settings, "swagger_ui": SWAGGER_UI}
        return render(request, self.template, context)


api = NinjaAPI(
    title="Pico Clinic API",
    version="1",
    description="Plan pico-laser courses and book them. Times are UTC (ISO 8601).",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs=OfflineSwagger(),
    docs_url="/docs",
)
api.add_router("/plans", plans_router, tags=["plans"])
api.add_router("/", bookings_router, tags=["calendars"])
api.add_router("/", courses_router, tags=["courses"])
api.add_router("/", records_router, tags=["session records"])


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = api.create_response(request, {"detail": UNAUTHENTICATED}, status=401)
    response["WWW-Authenticate"] = "Bearer"  # RFC 9110: a 401 names the scheme to use
    return response
