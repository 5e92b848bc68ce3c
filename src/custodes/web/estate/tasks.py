"""The register's background work: capture analyses, register imports, and the scheduled
sweeps of orphaned uploads and expired agent tokens."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from custodes.web.estate.captures import (
    ANALYSE_JOB,
    analyse_capture,
    fail_analysis,
    remove_orphaned_captures,
)
from custodes.web.estate.models import AgentToken, CaptureAnalysis
from custodes.web.estate.register_uploads import IMPORT_JOB, remove_orphaned_registers, run_import
from custodes.web.jobs.models import Job
from custodes.web.jobs.registry import JobFailed, job_kind
from custodes.web.jobs.runner import JobRun
from custodes.web.surveys.choices import Action
from custodes.web.surveys.models import Activity
from custodes.web.surveys.sending import EXPIRY_ACTOR

__all__ = ["expire_agent_tokens", "sweep_expired_agent_tokens", "sweep_orphaned_uploads"]

ORPHAN_AGE = timedelta(hours=1)

logger = logging.getLogger(__name__)


def _capture_failed(job: Job) -> None:
    fail_analysis(int(job.arguments["analysis"]), job.error)


@job_kind(ANALYSE_JOB, "Capture analysis", on_failure=_capture_failed)
def analyse(run: JobRun) -> dict[str, Any]:
    """Analyses the capture (from the start again if an earlier run was interrupted)."""
    analysis_id = int(run.arguments["analysis"])
    size = CaptureAnalysis.objects.filter(pk=analysis_id).values_list("size", flat=True).first()
    if size is None:
        raise JobFailed(f"capture analysis {analysis_id} no longer exists")
    done = analyse_capture(
        analysis_id, lambda read: run.progress(read, size, f"{read:,} of {size:,} bytes read")
    )
    return {"analysis": done.pk, "devices": len(done.result), "problems": len(done.problems)}


job_kind(IMPORT_JOB, "Register import")(run_import)


@db_periodic_task(crontab(minute="*/10"))
def sweep_orphaned_uploads() -> None:
    """Every ten minutes: deletes uploads over an hour old that nothing waits for."""
    removed = remove_orphaned_captures(ORPHAN_AGE) + remove_orphaned_registers(ORPHAN_AGE)
    if removed:
        logger.warning("removed %s orphaned upload(s)", len(removed))


def expire_agent_tokens() -> int:
    """Revokes agent tokens past their expiry date and records each in the activity log.
    Returns how many; running it again revokes nothing twice."""
    now = timezone.now()
    count = 0
    expired = AgentToken.objects.filter(revoked_at__isnull=True, expires_at__lte=now)
    for token in expired.select_related("body"):
        with transaction.atomic():
            if not AgentToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
                revoked_at=now, revoked_by=EXPIRY_ACTOR
            ):
                continue  # revoked meanwhile
            Activity.objects.create(
                actor=EXPIRY_ACTOR,
                action=Action.LINK_EXPIRED,
                body=token.body,
                message=f"Agent token {token.pk} ({token.label or 'no label'}) expired "
                f"{token.expires_at:%Y-%m-%d}: revoked",
                detail={"agent_token": token.pk},
            )
        count += 1
    return count


@db_periodic_task(crontab(minute="5"))
def sweep_expired_agent_tokens() -> None:
    """Hourly: revokes expired agent tokens."""
    expire_agent_tokens()
