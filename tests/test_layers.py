"""Data flows one way: clinic -> planner -> bookings (DESIGN.md). A layer may import the one
before it, never the one after; only the project's wiring sees them all.

planner.rules is the exception that proves it: a standalone library of the standard library
only (like healthchecks' cronsim), with no data and no Django, so the intake may ask its
questions (the screening list, the skin-type questionnaire) without depending on the planner's
models or services."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LAYERS = ["clinic", "planner", "bookings"]
# The project's wiring: settings, URL configuration, the API router, the role home pages and
# the demo data, which fills every layer.
WIRING = {
    "clinic/settings.py",
    "clinic/urls.py",
    "clinic/api.py",
    "clinic/home.py",
    "clinic/reception.py",
    "clinic/management/commands/demo_data.py",
    # A patient's data, exported or erased, spans every layer (clinic/patient_data/__init__.py).
    "clinic/patient_data/export.py",
    "clinic/patient_data/erasure.py",
    "clinic/patient_data/views.py",
}
WIRING_PACKAGES = ("clinic/demo/",)  # the demo clinic, which fills every layer


def imported_apps(path: Path) -> set[str]:
    apps = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        apps |= {name.split(".")[0] for name in names if not name.startswith("planner.rules")}
    return apps


@pytest.mark.parametrize("layer", LAYERS)
def test_no_layer_imports_a_later_one(layer):
    later = set(LAYERS[LAYERS.index(layer) + 1 :])
    for path in (ROOT / layer).rglob("*.py"):
        relative = path.relative_to(ROOT).as_posix()
        if relative in WIRING or relative.startswith(WIRING_PACKAGES) or "/migrations/" in relative:
            continue
        assert not imported_apps(path) & later, f"{relative} imports a later layer"


# Inside bookings the same holds, by sub-domain (bookings/__init__.py): each sub-package may
# import those before it in this list, never one after it. The models import none of them; the
# app's wiring (api, urls, admin, apps, benchmarks) may import them all.
SUBDOMAINS = [
    "calendars",
    "prices",
    "reminders",
    "appointments",
    "courses",
    "waitlist",
    "visits",
    "desk",
    "reports",
    "front",
]
BOOKINGS_WIRING = {"api.py", "urls.py", "admin.py", "apps.py", "benchmarks.py", "__init__.py"}


def imported_subdomains(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "bookings" and len(parts) > 1 and parts[1] in SUBDOMAINS:
                found.add(parts[1])
    return found


@pytest.mark.parametrize("subdomain", [*SUBDOMAINS, "models"])
def test_no_bookings_subdomain_imports_a_later_one(subdomain):
    allowed = (
        set(SUBDOMAINS[: SUBDOMAINS.index(subdomain) + 1]) if subdomain in SUBDOMAINS else set()
    )
    paths = list((ROOT / "bookings" / subdomain).rglob("*.py"))
    assert paths, f"bookings/{subdomain} has no modules"
    for path in paths:
        relative = path.relative_to(ROOT).as_posix()
        assert not imported_subdomains(path) - allowed, f"{relative} imports a later sub-domain"


def test_bookings_has_no_loose_modules():
    """Logic lives in a sub-package; only the app's wiring sits at the top of bookings/."""
    loose = {p.name for p in (ROOT / "bookings").glob("*.py")} - BOOKINGS_WIRING
    assert not loose, f"move {sorted(loose)} into a sub-package of bookings/"


@pytest.mark.parametrize("subdomain", SUBDOMAINS)
def test_every_bookings_subpackage_says_what_it_owns_and_may_import(subdomain):
    doc = ast.get_docstring(ast.parse((ROOT / "bookings" / subdomain / "__init__.py").read_text()))
    assert doc, f"bookings/{subdomain}/__init__.py needs its docstring"
    assert "Imports:" in doc
