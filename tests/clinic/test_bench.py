import pytest
from django.test import Client

from clinic.bench import Benchmark, expect_ok, percentile, run_benchmark


def test_percentile_takes_the_nearest_rank():
    samples = [float(n) for n in range(1, 101)]
    assert percentile(samples, 0.95) == 95.0
    assert percentile(samples, 0.5) == 50.0
    assert percentile([3.0], 0.95) == 3.0


def test_a_benchmark_reports_its_timings_and_query_count(db):
    result = run_benchmark(
        Benchmark(name="health", setup=lambda: expect_ok(Client(), "/healthz"), runs=5, warmup=1)
    )
    assert result["name"] == "health"
    assert result["runs"] == 5
    assert result["queries"] == 1
    assert 0 < result["median_ms"] <= result["p95_ms"]


def test_a_benchmark_of_a_failing_page_fails_instead_of_measuring_it(db):
    bench = Benchmark(name="missing", setup=lambda: expect_ok(Client(), "/nope"), runs=1, warmup=0)
    with pytest.raises(AssertionError, match="answered 404"):
        run_benchmark(bench)


def test_a_benchmark_of_other_processes_reports_its_own_figures_and_no_query_count(db):
    result = run_benchmark(
        Benchmark(
            name="throughput",
            setup=lambda: lambda: {"per_second": 12.5, "duplicates": 0},
            runs=1,
            warmup=0,
            count_queries=False,
        )
    )
    assert result["queries"] is None
    assert (result["per_second"], result["duplicates"]) == (12.5, 0)
