"""The JSON API router: project wiring that mounts each app's router (DESIGN.md)."""

from ninja import NinjaAPI

from bookings.api import router as bookings_router
from bookings.courses.api import router as courses_router
from planner.api import router as plans_router

api = NinjaAPI(
    title="Pico Clinic API",
    version="1",
    description="Plan pico-laser courses and book them. Times are UTC (ISO 8601).",
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)
api.add_router("/plans", plans_router, tags=["plans"])
api.add_router("/", bookings_router, tags=["calendars"])
api.add_router("/", courses_router, tags=["courses"])
