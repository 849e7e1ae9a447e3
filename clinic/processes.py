"""Real servers for the tests and benchmarks that are about them: a Redis server of their own
(to stop and start at will) and a Celery worker process on the database under test.

Nothing here is mocked: the worker is `celery -A clinic worker`, reading this project's settings
from its environment, and it sends mail through Django's file backend into a folder the caller
reads back (`mail_reminder_ids`).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for(check: Callable[[], bool], *, timeout: float, what: str, every: float = 0.1) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"Waited {timeout:.0f} s for {what}.")
        time.sleep(every)


class RedisServer:
    """A redis-server on a free local port, keeping nothing on disk."""

    def __init__(self) -> None:
        binary = shutil.which("redis-server")
        if binary is None:
            raise RuntimeError("These tests need redis-server: apt-get install redis-server")
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> RedisServer:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.answers, timeout=10, what=f"redis-server on port {self.port}")
        return self

    def answers(self) -> bool:
        try:
            return self.command("PING") == b"+PONG"
        except OSError:
            return False

    def command(self, line: str) -> bytes:
        """One inline command, its one-line reply (PING, LLEN ...)."""
        with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as conn:
            conn.sendall(line.encode() + b"\r\n")
            return conn.recv(64).split(b"\r\n")[0]

    def queued(self, queue: str = "celery") -> int:
        """How many task messages wait in a Celery queue."""
        return int(self.command(f"LLEN {queue}").lstrip(b":"))

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None


def database_url() -> str:
    """The URL of the database Django is using now (the test database, in a test)."""
    from django.db import connection

    config = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(config['NAME']).resolve()}"
    auth = config["USER"] or ""
    if config["PASSWORD"]:
        auth += f":{config['PASSWORD']}"
    host = config["HOST"] or "localhost"
    port = f":{config['PORT']}" if config["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{config['NAME']}"


class CeleryWorker:
    """`celery -A clinic worker --pool solo` on `broker_url` and the current database, sending
    mail to files under `folder`; with `beat`, it also runs beat, dispatching every second."""

    def __init__(
        self, broker_url: str, folder: Path, *, beat: bool = False, lease_seconds: int = 600
    ) -> None:
        self.folder = folder
        self.mail = folder / "mail"
        self.log_path = folder / f"worker-{uuid.uuid4().hex[:8]}.log"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "clinic.settings",
            "DATABASE_URL": database_url(),
            "REDIS_URL": broker_url,
            "EMAIL_BACKEND": "file",
            "EMAIL_FILE_PATH": str(self.mail),
            "MESSAGES_FILE_PATH": str(folder / "messages"),
            "REMINDER_DISPATCH_SECONDS": "1",
            "REMINDER_LEASE_SECONDS": str(lease_seconds),
            "SITE_URL": settings.SITE_URL,
        }
        self.command = [sys.executable, "-m", "celery", "--app", "clinic", "worker"]
        self.command += ["--pool", "solo", "--loglevel", "INFO", "--hostname", self.log_path.stem]
        self.command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
        if beat:
            self.command += ["--beat", "--schedule", str(folder / f"{self.log_path.stem}-beat")]
        self.process: subprocess.Popen[bytes] | None = None
        self._log: IO[Any] | None = None

    def start(self, *, ready: bool = True) -> CeleryWorker:
        self.mail.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self.process = subprocess.Popen(
            self.command, cwd=ROOT, env=self.env, stdout=self._log, stderr=subprocess.STDOUT
        )
        if ready:
            wait_for(
                lambda: " ready." in self.log() or self.process is None or self.exited(),
                timeout=60,
                what="the Celery worker to be ready",
            )
            if self.exited():
                raise RuntimeError(f"The worker stopped at start:\n{self.log()[-3000:]}")
        return self

    def exited(self) -> bool:
        return self.process is not None and self.process.poll() is not None

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def kill(self) -> None:
        """SIGKILL: the worker stops at once, wherever it is, as when a machine dies."""
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self._log is not None:
            self._log.close()
            self._log = None


HEADER = re.compile(rb"^X-Clinic-Reminder: (\d+)\r?$", re.MULTILINE)


def mail_reminder_ids(folder: Path) -> Counter[int]:
    """How many emails each reminder has in a file-backend folder."""
    found: Counter[int] = Counter()
    for path in folder.glob("*.log"):
        found.update(int(number) for number in HEADER.findall(path.read_bytes()))
    return found


def publish(broker_url: str, task: str, *args: object) -> None:
    """Send a task by name to the broker, as beat or a web process would."""
    from celery import Celery

    producer = Celery(broker=broker_url)
    try:
        producer.send_task(task, args=list(args))
    finally:
        producer.close()
