"""Running one job: claim its row, keep a heartbeat, record progress and the outcome.

The claim is a compare-and-set on the row (``queued`` → ``running``, one more attempt), so two
deliveries of the same job (a re-enqueue by the sweep racing the original, a duplicate on the
queue) never run it twice at once: the second finds nothing to claim and returns. Every later
write is conditional on the attempt that claimed it, so a run that lost its job to the sweep
(its heartbeat went stale) cannot overwrite the newer run's outcome.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone

from custodes.web.jobs.models import Job
from custodes.web.jobs.registry import JobFailed, UnknownJobKind, lookup

__all__ = [
    "RETRY_BACKOFF",
    "RETRY_DELAY_SECONDS",
    "JobRun",
    "RetryLater",
    "execute",
    "heartbeat_seconds",
    "stale_after",
]

RETRY_DELAY_SECONDS = 5.0
RETRY_BACKOFF = 2.0
PROGRESS_INTERVAL_SECONDS = 0.5
STALE_HEARTBEATS = 6  # a running job whose heartbeat is this many beats old has lost its worker
MAX_ERROR_CHARS = 4_000

logger = logging.getLogger(__name__)


class RetryLater(Exception):
    """Raised by :func:`execute` when a failed attempt will be retried (Huey schedules it)."""


def heartbeat_seconds() -> float:
    """How often a running job's worker writes its heartbeat (setting JOB_HEARTBEAT_SECONDS)."""
    return float(getattr(settings, "JOB_HEARTBEAT_SECONDS", 10.0))


def stale_after() -> timedelta:
    """How old a running job's heartbeat may get before the job is taken to be orphaned."""
    return timedelta(seconds=heartbeat_seconds() * STALE_HEARTBEATS)


def retry_delay(attempt: int) -> float:
    """Seconds before retrying after failed attempt ``attempt`` (1-based), as Huey computes
    them from the task's ``retry_delay`` and ``retry_backoff``."""
    return RETRY_DELAY_SECONDS * RETRY_BACKOFF ** max(0, attempt - 1)


class JobRun:
    """A claimed job while its handler runs: progress, checkpoint, and who still owns it."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self.attempt = job.attempts
        self._last_progress = 0.0

    def _mine(self):
        return Job.objects.filter(pk=self.job.pk, state=Job.State.RUNNING, attempts=self.attempt)

    @property
    def arguments(self) -> dict[str, Any]:
        return self.job.arguments

    @property
    def checkpoint(self) -> dict[str, Any]:
        """What earlier runs recorded as done (a copy: change it with ``save_checkpoint``)."""
        return dict(self.job.checkpoint)

    def save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Records what is done now, so a rerun after a crash skips it."""
        self.job.checkpoint = checkpoint
        self._mine().update(checkpoint=checkpoint, heartbeat_at=timezone.now())

    def progress(
        self, done: int, total: int | None = None, message: str | None = None, *, force=False
    ) -> None:
        """Records progress (at most twice a second unless ``force``)."""
        now = time.monotonic()
        if not force and now - self._last_progress < PROGRESS_INTERVAL_SECONDS:
            return
        self._last_progress = now
        values: dict[str, Any] = {"progress_done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            values["progress_total"] = total
        if message is not None:
            values["progress_message"] = message[:300]
        self._mine().update(**values)

    def beat(self) -> bool:
        """Writes the heartbeat; False when this run no longer owns the job."""
        return bool(self._mine().update(heartbeat_at=timezone.now()))


class _Heartbeat(threading.Thread):
    """Beats for a run every ``heartbeat_seconds()`` until stopped, on its own connection."""

    def __init__(self, run: JobRun) -> None:
        super().__init__(name=f"job-{run.job.pk}-heartbeat", daemon=True)
        self.run_ = run
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(heartbeat_seconds()):
                try:
                    if not self.run_.beat():
                        return
                except DatabaseError:  # busy database: beat again next time
                    logger.warning("job %s: heartbeat not written", self.run_.job.pk)
        finally:
            connection.close()


def _claim(job_id: int) -> Job | None:
    """Takes a queued job for this worker; None when it is not queued (taken or finished)."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, attempts=F("attempts") + 1, heartbeat_at=now
    )
    if not claimed:
        return None
    job = Job.objects.get(pk=job_id)
    if job.started_at is None:
        Job.objects.filter(pk=job_id).update(started_at=now)
    return job


def _finish(run: JobRun, state: str, **values: Any) -> bool:
    return bool(run._mine().update(state=state, finished_at=timezone.now(), **values))


def _fail(run: JobRun, message: str, result: dict[str, Any] | None = None) -> None:
    if _finish(run, Job.State.FAILED, error=message[:MAX_ERROR_CHARS], result=result or {}):
        run.job.refresh_from_db()
        try:
            on_failure = lookup(run.job.kind).on_failure
        except UnknownJobKind:
            return
        if on_failure is not None:
            on_failure(run.job)


def execute(job_id: int) -> None:
    """Runs the job once if it is waiting. Raises :class:`RetryLater` when the attempt failed
    and another is allowed (the caller's queue retries it with back-off)."""
    job = _claim(job_id)
    if job is None:
        logger.info("job %s: nothing to run (already taken or finished)", job_id)
        return
    run = JobRun(job)
    if job.attempts > job.max_attempts:
        _fail(run, f"Gave up after {job.max_attempts} attempts: {job.error or 'worker stopped'}")
        return
    try:
        kind = lookup(job.kind)
    except UnknownJobKind as exc:
        _fail(run, str(exc))
        return
    heartbeat = _Heartbeat(run)
    heartbeat.start()
    try:
        result = kind.handler(run)
    except JobFailed as exc:
        _fail(run, str(exc), exc.result)
    except Exception as exc:
        message = f"{type(exc).__name__}: {exc}"
        if run.attempt >= job.max_attempts:
            logger.exception("job %s (%s) failed for good", job.pk, job.kind)
            _fail(run, f"Failed {run.attempt} times; last error: {message}")
            return
        delay = retry_delay(run.attempt)
        run._mine().update(
            state=Job.State.QUEUED,
            error=message[:MAX_ERROR_CHARS],
            queued_at=timezone.now() + timedelta(seconds=delay),
        )
        raise RetryLater(f"job {job.pk} attempt {run.attempt} failed: {message}") from exc
    else:
        _finish(
            run,
            Job.State.SUCCEEDED,
            result=result or {},
            error="",
            progress_done=Coalesce(F("progress_total"), F("progress_done")),
        )
    finally:
        heartbeat.stopped.set()
        heartbeat.join()
