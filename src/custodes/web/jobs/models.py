"""A background job as the database keeps it: what to do, for whom, and how far it got.

Huey removes a task from its queue when a worker takes it, so a worker killed mid-task would
lose it. The ``Job`` row is the durable record: written in the same transaction as the action
that starts it, claimed by the worker that runs it (``attempts`` counts the claims), kept alive
by a heartbeat, and put back on the queue by the sweep when its worker stops beating.
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

__all__ = ["Job"]

DEFAULT_MAX_ATTEMPTS = 4


class JobQuerySet(models.QuerySet):
    def for_object(self, obj: models.Model) -> JobQuerySet:
        """Jobs concerning ``obj`` (a capture, a round, a body…)."""
        return self.filter(
            subject_type=ContentType.objects.get_for_model(obj), subject_id=str(obj.pk)
        )

    def active(self) -> JobQuerySet:
        return self.filter(state__in=[Job.State.QUEUED, Job.State.RUNNING])


class Job(models.Model):
    """One piece of background work: its kind, arguments, state, progress and outcome."""

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Finished"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=60, db_index=True)
    arguments = models.JSONField(default=dict, blank=True)
    idempotency_key = models.CharField(
        max_length=200,
        null=True,
        blank=True,
        unique=True,
        help_text="Starting a job with a key already used returns the existing job.",
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField(default=DEFAULT_MAX_ATTEMPTS)
    progress_done = models.BigIntegerField(default=0)
    progress_total = models.BigIntegerField(null=True, blank=True)
    progress_message = models.CharField(max_length=300, blank=True)
    checkpoint = models.JSONField(
        default=dict, blank=True, help_text="What the handler has already done, kept across runs."
    )
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    queued_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.CharField(max_length=150)
    subject_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject_id = models.CharField(max_length=64, blank=True)
    subject = GenericForeignKey("subject_type", "subject_id")

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"], name="jobs_job_subject"),
            models.Index(fields=["state", "heartbeat_at"], name="jobs_job_state_heartbeat"),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} ({self.state})"

    @property
    def finished(self) -> bool:
        return self.state in (self.State.SUCCEEDED, self.State.FAILED)

    @property
    def percent(self) -> int | None:
        """Share done, 0-100, when the total is known."""
        if not self.progress_total:
            return None
        return max(0, min(100, self.progress_done * 100 // self.progress_total))

    @property
    def label(self) -> str:
        """What the job does, in words (from its registered kind)."""
        from custodes.web.jobs.registry import kind_label

        return kind_label(self.kind)
