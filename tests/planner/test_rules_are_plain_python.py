"""The planner's rules import nothing but the standard library (CONVENTIONS.md, 1)."""

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "planner" / "rules"


def test_importing_the_rules_loads_no_django():
    script = (
        "import sys, planner.rules as r\n"
        "r.recommend\n"
        "top = {m.split('.')[0] for m in sys.modules}\n"
        "bad = sorted(top & {'django', 'clinic', 'bookings'})\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_rules_import_only_the_standard_library_and_themselves():
    allowed = set(sys.stdlib_module_names) | {"planner"}
    for path in RULES.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                assert top in allowed, f"{path.name} imports {name}"
                if top == "planner":
                    assert name.startswith("planner.rules"), f"{path.name} imports {name}"
