"""The benchmark harness: setups that clean up after themselves, benchmarks that run only when
named, and the load client's figures."""

import pytest

from clinic import bench
from clinic.bench import Benchmark, run_benchmark, selected
from clinic.loadtest import Answer, Request, drive


def test_a_setup_that_yields_cleans_up_after_the_timing(db):
    done = []

    def setup():
        yield lambda: None
        done.append("cleaned")

    result = run_benchmark(Benchmark(name="tidy", setup=setup, runs=3, warmup=1))
    assert result["runs"] == 3
    assert done == ["cleaned"]


def test_a_setup_that_yields_cleans_up_even_when_the_timed_code_fails(db):
    done = []

    def setup():
        try:
            yield lambda: 1 / 0
        finally:
            done.append("cleaned")

    with pytest.raises(ZeroDivisionError):
        run_benchmark(Benchmark(name="broken", setup=setup, runs=1, warmup=0))
    assert done == ["cleaned"]


def test_a_slow_benchmark_runs_only_when_named(monkeypatch):
    quick = Benchmark("quick", lambda: lambda: None, runs=1, warmup=0)
    slow = Benchmark("load.booking", lambda: lambda: None, runs=1, warmup=0, explicit=True)
    monkeypatch.setattr(bench, "REGISTRY", {"quick": quick, "load.booking": slow})
    assert selected([]) == [quick]
    assert selected(["load"]) == [slow]
    assert selected(["q", "load"]) == [slow, quick]


class Server:
    """Answers every request at once: a 302 to a visit, but for every fifth, a 409."""

    def __init__(self):
        self.count = 0

    def request(self, request):
        self.count += 1
        if self.count % 5 == 0:
            return Answer(409, "", b"taken")
        return Answer(302, "/appointments/1/", b"")


def test_the_load_client_counts_every_answer_and_times_the_recorded_ones():
    def requests():
        while True:
            yield Request("POST", "/book/consultation/")

    result = drive(Server(), [requests() for _ in range(4)], seconds=0.2, warmup=0.05)
    figures = result.figures()
    assert figures["answered"] == sum(result.statuses.values()) > figures["requests"] > 0
    assert figures["5xx"] == figures["no_answer"] == 0
    assert result.statuses[409] == figures["answered"] // 5
    assert 0 <= figures["latency_p50_ms"] <= figures["latency_p95_ms"]


def test_a_client_whose_requests_run_out_stops():
    result = drive(Server(), [iter([Request("GET", "/")] * 3)], seconds=5)
    assert result.statuses[302] + result.statuses[409] == 3
    assert result.seconds < 5
