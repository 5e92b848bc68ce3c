"""Real workers for the job tests: ``custodes worker`` subprocesses on this test database,
with the queue shared with the test process."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

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
