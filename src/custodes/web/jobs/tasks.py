"""The Huey side of jobs: the task that runs a job, and the periodic sweep of lost ones.

Huey queues, schedules, retries (with back-off) and executes; the ``Job`` row remembers. A job
is put on the queue after the transaction that created it commits. The sweep (every minute,
and when a worker starts) puts back on the queue the jobs whose worker died (heartbeat stale)
and those waiting longer than they should (their queue message was lost with the queue).
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task, signal
from huey.signals import SIGNAL_INTERRUPTED

from custodes.web.jobs import runner
from custodes.web.jobs.models import DEFAULT_MAX_ATTEMPTS, Job

__all__ = ["enqueue", "recover_jobs", "release_interrupted", "run_job", "sweep_jobs"]

# A waiting job not picked up after this long is put on the queue again (duplicates are
# harmless: only one delivery can claim the job).
REQUEUE_WAITING_AFTER = timedelta(minutes=10)

logger = logging.getLogger(__name__)


@db_task(
    retries=DEFAULT_MAX_ATTEMPTS - 1,
    retry_delay=runner.RETRY_DELAY_SECONDS,
    retry_backoff=runner.RETRY_BACKOFF,
)
def run_job(job_id: int) -> None:
    """Runs job ``job_id``; a failed attempt raises, and Huey retries it later."""
    runner.execute(job_id)


def enqueue(job_id: int) -> None:
    """Puts the job on Huey's queue."""
    run_job(job_id)


def recover_jobs(*, everything_waiting: bool = False) -> int:
    """Re-enqueues orphaned jobs: running with a stale heartbeat (their worker died), or
    waiting too long (or, with ``everything_waiting``, waiting at all). Returns how many."""
    now = timezone.now()
    recovered = 0
    stale = Job.objects.filter(state=Job.State.RUNNING, heartbeat_at__lt=now - runner.stale_after())
    for job_id, heartbeat in stale.values_list("pk", "heartbeat_at"):
        # Conditional on the heartbeat read: a worker that beat meanwhile keeps its job.
        if Job.objects.filter(pk=job_id, state=Job.State.RUNNING, heartbeat_at=heartbeat).update(
            state=Job.State.QUEUED, queued_at=now, error="The worker stopped during the job."
        ):
            logger.warning("job %s: worker stopped (heartbeat %s); queued again", job_id, heartbeat)
            enqueue(job_id)
            recovered += 1
    waiting = Job.objects.filter(state=Job.State.QUEUED)
    if not everything_waiting:
        waiting = waiting.filter(queued_at__lt=now - REQUEUE_WAITING_AFTER)
    for job_id in waiting.values_list("pk", flat=True):
        Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(queued_at=now)
        enqueue(job_id)
        recovered += 1
    return recovered


@db_periodic_task(crontab(minute="*"))
def sweep_jobs() -> None:
    """Every minute: recover orphaned jobs."""
    recover_jobs()


@signal(SIGNAL_INTERRUPTED)
def release_interrupted(signal_name: str, task: object) -> None:
    """A worker stopping mid-job gives the job back at once (the next worker starts it)."""
    if not isinstance(task, run_job.task_class):
        return
    (job_id,) = task.args  # type: ignore[attr-defined]
    Job.objects.filter(pk=job_id, state=Job.State.RUNNING).update(
        state=Job.State.QUEUED, queued_at=timezone.now(), error="The worker was stopped."
    )
