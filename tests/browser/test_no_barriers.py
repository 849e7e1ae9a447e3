"""No barriers and no page wider than the screen (issue 19): every page each role reaches, opened in
Chromium on a 360-pixel-wide phone, must not scroll sideways and must have no axe-core violation
of WCAG 2.1 A or AA.

"Every page" is the URL walk of tests/test_url_walk.py (every named URL pattern with the ids of
Alice's things filled in), so a new page is audited without anyone adding it here. A role
reaches a page when Django's test client, signed in as that role, gets HTML back from it: a
200, or the 403 and 404 pages themselves (one of each per role, since they share a template).
Redirects are not pages; their targets are walked in their own right. Files (CSV, PDF, .ics,
photos) are not pages either.

The Django admin is in: the manager reaches it from the menu. Its change lists and forms are
desktop tables; they are audited by axe like every page, and for width the admin's own
responsive stylesheet is what keeps them inside the screen.

The first page of each role (its home) is also audited at desktop width, where the menu's links
sit on the teal bar instead of behind the menu button.

A page another role was already shown, the same under the menu (a patient's record, read by a
receptionist and by the manager), is audited once: its menu is audited on each role's home.

Each role signs in once: the session cookie of a Django test client is handed to one browser
context, which then opens all of that role's pages. A failure lists every page with its
problems, rule by rule, with the elements axe names, so one run shows all that is left.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import time_machine
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import Browser, Page

from clinic.roles import Role
from tests.conftest import client_for
from tests.test_url_walk import ON, urls
from tests.test_url_walk import world as world  # the walk's fixture, reused

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE_WIDTH = 360
DESKTOP_WIDTH = 1366
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
AXE_OPTIONS = {"runOnly": {"type": "tag", "values": WCAG_21_AA}, "resultTypes": ["violations"]}
STAFF = [Role.RECEPTIONIST, Role.DOCTOR, Role.MANAGER]
HOMES = {
    Role.RECEPTIONIST: "reception-home",
    Role.DOCTOR: "doctor-home",
    Role.MANAGER: "manager-home",
}
# Pages the walk finds that are not the clinic's to audit: the API's documentation is Swagger
# UI's own page (tests/browser/test_api_docs.py covers it).
NOT_OURS = {"api:openapi-view", "api:openapi-json"}
# Error pages: one of each status per role is audited, since every 403 (and every 404) renders
# the same template.
ERROR_STATUSES = (403, 404)

MAIN = re.compile(rb"<main.*</main>", re.DOTALL)
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')

axe = Axe()


@pytest.fixture(autouse=True)
def _on_a_day_before_the_course() -> Iterator[None]:
    # The walk's world is set on this day; the live server's thread shares the clock. It ticks,
    # so that Playwright's own timers run.
    with time_machine.travel(ON, tick=True):
        yield


@dataclass
class Barrier:
    name: str
    url: str
    problems: list[str]

    def __str__(self) -> str:
        lines = "\n".join(f"    {line}" for line in self.problems)
        return f"  {self.name}  {self.url}\n{lines}"


def main_part(html: bytes) -> bytes:
    """What a page shows under the menu, without the form tokens that differ per session."""
    found = MAIN.search(html)
    return CSRF.sub(b"", found.group(0) if found else html)


def pages_for(client: Client, world: dict, seen: set[bytes], home: str) -> list[tuple[str, str]]:
    """The (name, url) of every HTML page this client reaches, its home first and always, the
    others unless another role was already shown the same page under its own menu."""
    found, seen_errors = [], set()
    for name, url in urls(world):
        if name in NOT_OURS:
            continue
        response = client.get(url)
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        if b"<html" not in response.content[:500]:
            continue  # a fragment the desk loads into its panel: audited inside the desk page
        if response.status_code in ERROR_STATUSES:
            if response.status_code in seen_errors:
                continue
            seen_errors.add(response.status_code)
        elif response.status_code != 200:
            continue
        shown = main_part(response.content)
        if name == home:
            found.insert(0, (name, url))
        elif shown not in seen:
            found.append((name, url))
        seen.add(shown)
    if 404 not in seen_errors:
        found.append(("page-not-found", "/no-such-page/"))
    assert found[0][0] == home, f"{home} is not among the pages reached: {found}"
    return found


def width_problem(page: Page) -> str | None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    if width <= PHONE_WIDTH:
        return None
    # Name the elements that stick out, outermost first, so the fix is easy to find.
    wide = page.evaluate(
        """limit => {
            const out = [];
            for (const el of document.body.querySelectorAll("*")) {
                const box = el.getBoundingClientRect();
                if (box.right > limit + 0.5 && !out.some(o => o.el.contains(el))) {
                    const tag = el.tagName.toLowerCase();
                    const id = el.id ? "#" + el.id : "";
                    const cls = el.classList.length ? "." + [...el.classList].join(".") : "";
                    out.push({el, text: `${tag}${id}${cls} (right edge ${Math.round(box.right)})`});
                }
            }
            return out.slice(0, 5).map(o => o.text);
        }""",
        PHONE_WIDTH,
    )
    return f"page is {width} px wide at {PHONE_WIDTH}: " + "; ".join(wide)


def contrast(node: dict) -> str:
    """The colours axe measured, for a contrast failure."""
    for check in node.get("any", []):
        data = check.get("data") or {}
        if isinstance(data, dict) and "contrastRatio" in data:
            return f" ({data['fgColor']} on {data['bgColor']}: {data['contrastRatio']}:1)"
    return ""


def axe_problems(page: Page) -> list[str]:
    results = axe.run(page, options=AXE_OPTIONS)
    problems = []
    for violation in results.response["violations"]:
        targets = [", ".join(node["target"]) + contrast(node) for node in violation["nodes"]]
        more = f"; and {len(targets) - 4} more" if len(targets) > 4 else ""
        shown = "; ".join(targets[:4]) + more
        problems.append(f"{violation['id']} ({violation['impact']}): {violation['help']} - {shown}")
    return problems


def audit(browser: Browser, base_url: str, client: Client, pages: list[tuple[str, str]]):
    context = browser.new_context(
        base_url=base_url, viewport={"width": PHONE_WIDTH, "height": 740}, locale="en-GB"
    )
    context.set_default_timeout(10_000)
    session = client.cookies.get("sessionid")
    if session is not None:
        context.add_cookies([{"name": "sessionid", "value": session.value, "url": base_url}])
    page = context.new_page()
    barriers = []
    try:
        for name, url in pages:
            page.goto(url, wait_until="load")
            problems = axe_problems(page)
            if (wide := width_problem(page)) is not None:
                problems.insert(0, wide)
            if problems:
                barriers.append(Barrier(name, url, problems))
        # On a phone the menu is folded away; on a desktop its links are on the teal bar. The
        # first page is the role's home.
        page.set_viewport_size({"width": DESKTOP_WIDTH, "height": 800})
        name, url = pages[0]
        page.goto(url, wait_until="load")
        if problems := axe_problems(page):
            barriers.append(Barrier(f"{name} at {DESKTOP_WIDTH} px", url, problems))
    finally:
        context.close()
    return barriers


def test_every_page_each_role_reaches_fits_a_phone_and_has_no_wcag_violation(
    browser, live_server, world
):
    clients = {
        "visitor": (Client(), "home"),
        "patient": (client_for(world["alice"]), "patient-home"),  # with a booked course
        **{str(role): (client_for(world["staff"][role]), HOMES[role]) for role in STAFF},
    }
    seen: set[bytes] = set()
    report, audited = [], 0
    for role, (client, home) in clients.items():
        pages = pages_for(client, world, seen, home)
        assert len(pages) > 3, f"{role} reaches almost nothing: {pages}"
        audited += len(pages)
        if barriers := audit(browser, live_server.url, client, pages):
            report.append(f"{role}, {len(barriers)} of {len(pages)} pages:")
            report.extend(str(barrier) for barrier in barriers)
    print(f"\nAudited {audited} pages at {PHONE_WIDTH} px for {len(clients)} roles")  # with -s
    assert not report, (
        f"Barriers on the pages of {audited} audited ({PHONE_WIDTH} px unless said):\n"
        + "\n".join(report)
    )
