"""A small benchmark harness for `make bench`.

Each app may have a `benchmarks` module whose functions are registered with `@benchmark`. A
registered function sets up its data and returns the callable to time; the harness times it
`runs` times, counts its SQL queries on one extra run, and reports median and p95. A benchmark
of other processes (a worker) skips the query count (`count_queries=False`), and its callable
may return a dict of its own figures (messages per second, say), added to the report.

A setup that must leave the database as it found it (its own clinic made active for a while, the
bookings of a load test taken away) is a generator: it yields the callable, and the code after
the yield runs once the timing is done, whatever happened. A benchmark too slow for every run
(`explicit=True`) runs only when named (`make bench BENCH=load`).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

Timed = Callable[[], object]
Setup = Callable[[], Timed] | Callable[[], Generator[Timed, None, None]]


@dataclass(frozen=True)
class Benchmark:
    name: str
    setup: Setup
    runs: int
    warmup: int
    # Another benchmark's name: the report gives this one's median as a multiple of that one's.
    compare_to: str | None = None
    count_queries: bool = True
    explicit: bool = False  # only when asked for by name: too slow for every `make bench`


REGISTRY: dict[str, Benchmark] = {}


def benchmark(
    name: str,
    *,
    runs: int = 200,
    warmup: int = 5,
    compare_to: str | None = None,
    count_queries: bool = True,
    explicit: bool = False,
) -> Callable[[Setup], Setup]:
    def register(setup: Setup) -> Setup:
        if name in REGISTRY:
            raise ValueError(f"Two benchmarks are named {name!r}.")
        REGISTRY[name] = Benchmark(
            name=name,
            setup=setup,
            runs=runs,
            warmup=warmup,
            compare_to=compare_to,
            count_queries=count_queries,
            explicit=explicit,
        )
        return setup

    return register


def selected(prefixes: list[str]) -> list[Benchmark]:
    """The benchmarks whose names start with one of the prefixes, by name; with none, every
    one but those that run only when named (explicit)."""
    return [
        bench
        for name, bench in sorted(REGISTRY.items())
        if any(name.startswith(prefix) for prefix in prefixes)
        or (not prefixes and not bench.explicit)
    ]


def expect_ok(client: Client, url: str) -> Timed:
    """A timed GET that fails the benchmark when the page does not answer 200."""

    def get() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise AssertionError(f"GET {url} answered {response.status_code}, not 200.")
        return response

    return get


def percentile(samples: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest sample with `fraction` of samples at or below."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * fraction // 1))  # ceil without float surprises
    return ordered[int(rank) - 1]


def run_benchmark(bench: Benchmark) -> dict[str, Any]:
    made = bench.setup()
    if not isinstance(made, Generator):
        return _measure(bench, made)
    try:
        result = _measure(bench, next(made))
    except BaseException:
        made.close()  # a `finally` or `with` in the setup still cleans up
        raise
    for _ in made:  # the setup's code after its yield
        pass
    return result


def _measure(bench: Benchmark, timed: Timed) -> dict[str, Any]:
    for _ in range(bench.warmup):
        timed()
    query_count = None
    if bench.count_queries:
        with CaptureQueriesContext(connection) as queries:
            timed()
        # Read now: the next request clears the connection's query log the slice points into.
        query_count = len(queries.captured_queries)
    samples_ms = []
    figures: dict[str, Any] = {}
    for _ in range(bench.runs):
        start = time.perf_counter()
        outcome = timed()
        samples_ms.append((time.perf_counter() - start) * 1000)
        if isinstance(outcome, dict):
            figures = outcome
    return {
        "name": bench.name,
        "median_ms": round(statistics.median(samples_ms), 3),
        "p95_ms": round(percentile(samples_ms, 0.95), 3),
        "min_ms": round(min(samples_ms), 3),
        "queries": query_count,
        "runs": bench.runs,
        **figures,
    }


def add_ratios(results: list[dict[str, Any]]) -> None:
    """Give each compared benchmark `ratio`: its median over the other's."""
    medians = {row["name"]: row["median_ms"] for row in results}
    for row in results:
        other = REGISTRY[row["name"]].compare_to
        if other and medians.get(other):
            row["compared_to"] = other
            row["ratio"] = round(row["median_ms"] / medians[other], 1)
