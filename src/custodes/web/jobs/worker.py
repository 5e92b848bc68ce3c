"""Running the Huey consumer: ``custodes worker``, and the worker ``custodes serve`` starts."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

__all__ = ["background_worker", "consumer_options", "queue_description", "run_worker"]

STOP_GRACE_SECONDS = 5
PARENT_POLL_SECONDS = 1.0


def consumer_options(workers: int | None = None, periodic: bool = True) -> dict[str, Any]:
    """Huey consumer options from the settings, with the command line's overrides."""
    options = dict(settings.HUEY.get("consumer", {}))
    if workers is not None:
        options["workers"] = workers
    options["periodic"] = periodic
    return options


def queue_description() -> str:
    """Where the queue is, for people: the SQLite file, or the Redis server (no password)."""
    from huey.contrib.djhuey import HUEY

    storage = HUEY.storage
    if hasattr(storage, "filename"):
        return f"SQLite file {storage.filename}"
    kwargs = storage.conn.connection_pool.connection_kwargs
    where = kwargs.get("path") or f"{kwargs.get('host')}:{kwargs.get('port')}"
    return f"Redis {where} db {kwargs.get('db', 0)}, queue {HUEY.name!r}"


def _stop_with_parent(parent_pid: int) -> None:
    """Stops this worker gracefully (SIGINT) once the process that started it has gone."""

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(PARENT_POLL_SECONDS)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def run_worker(
    workers: int | None = None, periodic: bool = True, parent_pid: int | None = None
) -> None:
    """Runs the consumer in this process until SIGINT (finish running jobs, up to the
    shutdown timeout) or SIGTERM (stop now; running jobs go back on the queue). With
    ``parent_pid``, also stops when that process has gone."""
    from huey.consumer_options import ConsumerConfig
    from huey.contrib.djhuey import HUEY

    from custodes.web.jobs.tasks import recover_jobs

    config = ConsumerConfig(**consumer_options(workers, periodic))
    config.validate()
    consumer = HUEY.create_consumer(**config.values)
    if parent_pid is not None:
        _stop_with_parent(parent_pid)
    # Jobs left waiting or orphaned while no worker ran go back on the queue now.
    recovered = recover_jobs(everything_waiting=True)
    if recovered:
        logging.getLogger("huey").info("%s waiting or orphaned job(s) queued again", recovered)
    consumer.run()


@contextmanager
def background_worker(enabled: bool = True) -> Iterator[subprocess.Popen | None]:
    """Runs ``custodes worker`` as a child process for the duration of the block (the web
    server's embedded worker), and stops it gracefully afterwards."""
    if not enabled:
        yield None
        return
    # Its own session, so that Ctrl-C at the terminal reaches only the server, which then
    # stops the worker with a single graceful signal.
    child = subprocess.Popen(
        [sys.executable, "-m", "custodes", "worker", "--quiet", "--parent", str(os.getpid())],
        env={**os.environ, "CUSTODES_DATA_DIR": str(settings.DATA_DIR)},
        start_new_session=True,
    )
    try:
        yield child
    finally:
        stop_worker(child)


def stop_worker(child: subprocess.Popen) -> None:
    """Asks the worker to finish its running jobs (SIGINT), then stops it harder."""
    if child.poll() is not None:
        return
    timeout = float(settings.HUEY.get("consumer", {}).get("shutdown_timeout") or 30)
    child.send_signal(signal.SIGINT)
    try:
        child.wait(timeout + STOP_GRACE_SECONDS)
    except subprocess.TimeoutExpired:
        child.terminate()
        try:
            child.wait(STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
