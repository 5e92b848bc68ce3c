"""Real workers for the job tests: ``custodes worker`` subprocesses on this test database,
with the queue on a SQLite file in a fresh data directory, or on Redis when
``CUSTODES_TEST_QUEUE_URL`` is set (``.ci/run`` sets redis://127.0.0.1:6379/5)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
SRC = HERE.parents[2] / "src"
HEARTBEAT_SECONDS = 0.5  # a dead worker's job is stale after 3 s
WAIT_SECONDS = 90  # generous: CI runs two test workers on two cores


@dataclass
class Queue:
    """Where a test's jobs are queued, shared by this process and its worker subprocesses."""

    url: str
    name: str
    data_dir: Path
    workers: list[subprocess.Popen] = field(default_factory=list)

    def env(self, **extra: str) -> dict[str, str]:
        from django.conf import settings

        return {
            **os.environ,
            "DATABASE_URL": database_url(),
            "CUSTODES_DATA_DIR": str(self.data_dir),
            "CUSTODES_SECRET_KEY": settings.SECRET_KEY,
            "CUSTODES_QUEUE_URL": self.url,
            "CUSTODES_QUEUE_NAME": self.name,
            "CUSTODES_JOB_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
            "PYTHONPATH": os.pathsep.join([str(SRC), str(HERE)]),
            **extra,
        }

    def start_worker(self, **extra_env: str) -> subprocess.Popen:
        """``custodes worker`` on this queue and the test database; its output goes to a log
        file in the data directory."""
        log = (self.data_dir / f"worker-{len(self.workers)}.log").open("wb")
        worker = subprocess.Popen(
            [sys.executable, "-m", "custodes", "worker", "--workers", "1"],
            env=self.env(**extra_env),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.workers.append(worker)
        return worker

    def logs(self) -> str:
        return "\n".join(
            path.read_text(errors="replace") for path in sorted(self.data_dir.glob("worker-*.log"))
        )


def database_url() -> str:
    """The test database, as a URL for a subprocess."""
    from django.db import connection

    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def stop(worker: subprocess.Popen, sig: int = signal.SIGINT) -> int:
    if worker.poll() is None:
        worker.send_signal(sig)
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
    return worker.returncode


def wait_for(condition: Callable[[], object], what: str, queue: Queue | None = None) -> object:
    """Polls ``condition`` until it is truthy; fails with the workers' logs after a while."""
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.02)
    logs = queue.logs() if queue else ""
    raise AssertionError(f"{what}: not within {WAIT_SECONDS} s\n{logs[-4000:]}")


@pytest.fixture(params=["sqlite", "redis"])
def queue(request, settings, tmp_path, monkeypatch, transactional_db) -> Iterator[Queue]:
    """A fresh queue for the test, this process enqueueing into it; workers stop afterwards."""
    from huey.contrib.djhuey import HUEY
    from huey.storage import RedisStorage, SqliteStorage

    name = f"test-{uuid.uuid4().hex[:12]}"
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    settings.DATA_DIR = data_dir
    settings.KEEP_CAPTURES = False
    if request.param == "redis":
        url = os.environ.get("CUSTODES_TEST_QUEUE_URL", "")
        if not url:
            pytest.skip("CUSTODES_TEST_QUEUE_URL is not set (e.g. redis://127.0.0.1:6379/5)")
        storage = RedisStorage(name, url=url)
    else:
        url = ""
        storage = SqliteStorage(name, filename=str(data_dir / "queue.sqlite3"))
    monkeypatch.setattr(HUEY, "storage", storage)
    shared = Queue(url, name, data_dir)
    yield shared
    for worker in shared.workers:
        stop(worker, signal.SIGTERM)
    storage.flush_all()
