"""The ``queue`` fixture: a fresh job queue on a SQLite file in a fresh data directory, or on
Redis when ``CUSTODES_TEST_QUEUE_URL`` is set (``.ci/run`` sets redis://127.0.0.1:6379/5)."""

from __future__ import annotations

import os
import signal
import uuid
from collections.abc import Iterator

import pytest
from job_workers import Queue, stop


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
