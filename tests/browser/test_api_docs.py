"""The API's docs page works with no network beyond the clinic's own server."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_render_offline(page: Page, live_server):
    own = urlsplit(live_server.url).netloc
    elsewhere: list[str] = []

    def offline(route: Route) -> None:
        if urlsplit(route.request.url).netloc == own:
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", offline)
    page.goto("/api/docs")
    expect(page.get_by_text("Pico Clinic API").first).to_be_visible()
    expect(page.get_by_text("Propose the whole course on the calendars").first).to_be_visible()
    assert elsewhere == []
