"""Run the benchmarks of every app on a throwaway test database and write the figures."""

import json
import platform
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import override_settings, setup_test_environment, teardown_test_environment
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from clinic.bench import REGISTRY, add_ratios, run_benchmark, selected

# Each benchmark gets an empty in-memory cache: rate limits and cached pages start afresh.
BENCH_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


class Command(BaseCommand):
    help = "Run the benchmarks (on a test database) and write var/bench/results.json."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("names", nargs="*", help="Only these benchmarks (prefixes work).")
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "bench" / "results.json"),
            help="Where to write the JSON results.",
        )

    def handle(self, *args: Any, names: list[str], output: str, **options: Any) -> None:
        autodiscover_modules("benchmarks")
        # A slow benchmark (explicit) runs only when a prefix names it: `make bench BENCH=load`.
        chosen = selected(names)
        if not chosen:
            raise CommandError(
                f"No benchmark matches {' '.join(names)}. Known: {', '.join(sorted(REGISTRY))}."
            )
        # The benchmarks fill their own clinic; the real database and cache are never touched.
        setup_test_environment()
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            results = []
            for bench in chosen:
                self.stderr.write(f"running {bench.name} ...")
                with override_settings(CACHES=BENCH_CACHES):
                    results.append(run_benchmark(bench))
        finally:
            connection.creation.destroy_test_db(old_name, verbosity=0)
            teardown_test_environment()
        add_ratios(results)
        report = {
            "database": connection.vendor,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "when": timezone.now().isoformat(),
            "benchmarks": results,
        }
        path = Path(output)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
        self.stdout.write(self._table(results))
        self.stdout.write(f"\n{connection.vendor}; written to {path}")

    @staticmethod
    def _table(results: list[dict[str, Any]]) -> str:
        header = f"{'benchmark':<28}{'median ms':>11}{'p95 ms':>10}{'queries':>9}{'runs':>7}"
        lines = [header, "-" * len(header)]
        known = {"name", "median_ms", "p95_ms", "min_ms", "queries", "runs"}
        for row in results:
            queries = "-" if row["queries"] is None else row["queries"]
            lines.append(
                f"{row['name']:<28}{row['median_ms']:>11.3f}{row['p95_ms']:>10.3f}"
                f"{queries:>9}{row['runs']:>7}"
            )
            extra = {k: v for k, v in row.items() if k not in known | {"ratio", "compared_to"}}
            if extra:
                lines.append("  " + ", ".join(f"{k}={v}" for k, v in extra.items()))
            if "ratio" in row:
                lines.append(f"  {row['ratio']}x the median of {row['compared_to']}")
        return "\n".join(lines)
