"""Browser tests: Playwright driving the machine's own Chromium against pytest-django's live server.

Chromium comes from Debian (`apt-get install chromium`); Playwright never downloads a browser.
"""

import os
import shutil
from collections.abc import Iterator

import pytest
from django.db import connections
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_PATHS = ("/usr/bin/chromium", "/usr/bin/chromium-browser")


def chromium_path() -> str:
    configured = os.environ.get("CHROMIUM_PATH")
    candidates = [configured] if configured else [*CHROMIUM_PATHS, shutil.which("chromium") or ""]
    for path in candidates:
        if path and os.access(path, os.X_OK):
            return path
    raise RuntimeError(
        "Chromium is not installed: `apt-get install chromium` (or set CHROMIUM_PATH)."
    )


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread while it lives; the ORM calls our
    # tests make between browser steps are still plain synchronous calls. The loop must not
    # outlive these tests: Django's connections are context-local, and tests run later under
    # the loop would open connections that nothing closes.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path(),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
        connections.close_all()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 800})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
