"""A load test of the real web server: gunicorn on the database under test, driven over
127.0.0.1 by a bounded client (a fixed number of clients, each sending its next request when
the last one answered, for a fixed time), in threads over the standard library's http.client.

It knows nothing of the clinic: the caller gives each client its requests (`Request`) and reads
the answers' statuses back (`LoadResult`). bookings/benchmarks.py drives the booking page with it
(`make bench BENCH=load`).
"""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from clinic.bench import percentile
from clinic.processes import ROOT, database_url, free_port, wait_for


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    status: int
    location: str
    body: bytes


@dataclass
class LoadResult:
    seconds: float  # recorded: from the end of the warm-up to the last answer
    latencies_ms: list[float]  # of the requests recorded
    statuses: Counter[int]  # of every request, the warm-up's too
    outcomes: Counter[str]  # of every request, as the caller's `outcome` names them
    failures: int  # requests with no answer at all (refused, dropped, timed out)

    @property
    def requests(self) -> int:
        return len(self.latencies_ms)

    def figures(self) -> dict[str, Any]:
        """Requests per second and latency over the recorded time; the answers of them all."""
        ordered = self.latencies_ms or [0.0]
        return {
            "requests": self.requests,
            "per_second": round(self.requests / self.seconds, 1),
            "latency_p50_ms": round(percentile(ordered, 0.5), 1),
            "latency_p95_ms": round(percentile(ordered, 0.95), 1),
            "answered": sum(self.statuses.values()),
            "5xx": sum(n for status, n in self.statuses.items() if status >= 500),
            "no_answer": self.failures,
        }


class Gunicorn:
    """`gunicorn clinic.wsgi` with `workers` sync workers on a free local port, on the database
    Django uses now (the benchmark's test database) and `env` on top, as in production:
    DEBUG off, static files collected once under VAR_DIR/bench/static."""

    def __init__(self, *, workers: int = 4, env: Mapping[str, str] | None = None) -> None:
        self.port = free_port()
        self.secret_key = uuid.uuid4().hex * 2
        folder = Path(settings.VAR_DIR) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        self.log_path = folder / "gunicorn.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DATABASE_URL": database_url(),
            "DEBUG": "false",
            "SECRET_KEY": self.secret_key,
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "STATIC_ROOT": str(folder / "static"),
            "LOG_LEVEL": "WARNING",
            **(env or {}),
        }
        self.command = [sys.executable, "-m", "gunicorn", "clinic.wsgi:application"]
        self.command += ["--bind", f"127.0.0.1:{self.port}", "--workers", str(workers)]
        self.command += ["--log-level", "warning"]
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[Any] | None = None

    def start(self) -> Gunicorn:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
            cwd=ROOT,
            env=self.env,
            check=True,
        )
        self._log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        wait_for(self.answers, timeout=60, what=f"gunicorn on port {self.port}")
        return self

    def answers(self) -> bool:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start:\n{self.log()[-3000:]}")
        try:
            return self.request(Request("GET", "/healthz")).status == 200
        except OSError:
            return False

    def request(self, request: Request, *, timeout: float = 10) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(
                request.method, request.path, body=request.body, headers=dict(request.headers)
            )
            response = connection.getresponse()
            return Answer(response.status, response.getheader("Location", ""), response.read())
        finally:
            connection.close()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()  # gunicorn's graceful stop: workers finish their request
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self.process = None
        if self._log is not None:
            self._log.close()
            self._log = None


def drive(
    server: Gunicorn,
    clients: list[Iterator[Request]],
    *,
    seconds: float,
    warmup: float = 0.0,
    outcome: Callable[[Answer], str] = lambda answer: str(answer.status),
) -> LoadResult:
    """Each client in its own thread sends its requests one after the other: `warmup` seconds
    with their latency unrecorded (workers load their code and open their connections), then
    `seconds` recorded. Every answer's status is counted. A client whose requests run out stops
    early."""
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: Counter[int] = Counter()
    outcomes: Counter[str] = Counter()
    failures = 0
    start = time.monotonic()
    recording_from = start + warmup
    until = recording_from + seconds

    def client(requests: Iterator[Request]) -> None:
        nonlocal failures
        for request in requests:
            began = time.monotonic()
            if began >= until:
                return
            try:
                answer: Answer | None = server.request(request)
            except OSError:
                answer = None
            took = (time.monotonic() - began) * 1000
            named = outcome(answer) if answer is not None else ""
            with lock:
                if answer is None:
                    failures += 1
                    continue
                statuses[answer.status] += 1
                outcomes[named] += 1
                if began >= recording_from:
                    latencies.append(took)

    threads = [threading.Thread(target=client, args=(requests,)) for requests in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(
        seconds=time.monotonic() - recording_from,
        latencies_ms=latencies,
        statuses=statuses,
        outcomes=outcomes,
        failures=failures,
    )
