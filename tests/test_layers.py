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
}


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
        if relative in WIRING or "/migrations/" in relative:
            continue
        assert not imported_apps(path) & later, f"{relative} imports a later layer"
