"""Starting jobs and finding them: the only way the rest of Custodes talks to the queue."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction

from custodes.web.jobs import tasks
from custodes.web.jobs.models import DEFAULT_MAX_ATTEMPTS, Job
from custodes.web.jobs.registry import lookup

__all__ = ["latest_job", "start_job"]


def start_job(
    kind: str,
    arguments: dict[str, Any],
    *,
    actor: str,
    subject: models.Model | None = None,
    idempotency_key: str | None = None,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
) -> Job:
    """Records a job in the caller's transaction and queues it once that commits.

    With an ``idempotency_key`` already used, returns the job started with it and starts
    nothing (a form submitted twice, a schedule point reached again)."""
    lookup(kind)  # an unknown kind is a programming error: refuse it before writing
    if idempotency_key is not None:
        existing = Job.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            job = Job.objects.create(
                kind=kind,
                arguments=arguments,
                idempotency_key=idempotency_key,
                max_attempts=max_attempts,
                started_by=actor[:150],
                subject_type=ContentType.objects.get_for_model(subject) if subject else None,
                subject_id=str(subject.pk) if subject else "",
            )
    except IntegrityError:
        if idempotency_key is None:
            raise
        # Another request started it with the same key a moment ago.
        return Job.objects.get(idempotency_key=idempotency_key)
    transaction.on_commit(partial(tasks.enqueue, job.pk))
    return job


def latest_job(subject: models.Model, kinds: Iterable[str]) -> Job | None:
    """The most recent job of one of ``kinds`` concerning ``subject``."""
    return Job.objects.for_object(subject).filter(kind__in=list(kinds)).first()
