"""Assessments against a framework, per body and system: per-principle results, evidence,
action-plan items, certificates, and an append-only log of every change.

An assessment is a draft until completed; only completed (or published) assessments count in
the matrix. Publishing freezes a snapshot (``published_content``) served at a stable address
with its SHA-256. Action items still open when a body completes its next assessment of the
same system are carried over: copied into the new assessment (``carried_from``), the old one
marked ``carried_over``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from custodes import sat
from custodes.web.assessments.choices import (
    RATING_CHOICES,
    SOURCE_CHOICES,
    ActionStatus,
    Status,
)
from custodes.web.bodies.models import Body

__all__ = [
    "ActionItem",
    "Assessment",
    "AssessmentEvent",
    "Certification",
    "Evidence",
    "PrincipleResult",
]


class Assessment(models.Model):
    """A body's assessment of one or more of its systems against a framework version."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="assessments")
    framework = models.SlugField(max_length=64)
    framework_version = models.CharField(max_length=40)
    systems = models.JSONField(default=list, help_text="System codes (survey block ids).")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    assessed_on = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=SOURCE_CHOICES)
    published_url = models.URLField(max_length=2000, blank=True)
    author_role = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)
    completed_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    public_slug = models.SlugField(max_length=200, unique=True, null=True, blank=True)
    content_sha256 = models.CharField(max_length=64, blank=True)
    published_content = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["body__name", "-assessed_on", "-id"]
        indexes = [models.Index(fields=["framework", "status"], name="sat_assessment_fw_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft") | Q(assessed_on__isnull=False),
                name="sat_assessment_dated_when_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.code} {self.framework} {self.assessed_on or 'draft'} #{self.pk}"

    @property
    def system_names(self) -> list[str]:
        """The covered systems' labels, in order."""
        labels = sat.system_labels()
        return [labels.get(code, code) for code in self.systems]

    @property
    def counted(self) -> bool:
        """Whether the assessment counts in the matrix (completed or published)."""
        return self.status != Status.DRAFT


class PrincipleResult(models.Model):
    """One principle of an assessment: answers to its questions, a rating, a rationale."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    principle = models.PositiveSmallIntegerField()
    answers = models.JSONField(default=dict, blank=True)
    rating = models.CharField(max_length=16, choices=RATING_CHOICES, default="not_assessed")
    rationale = models.TextField(blank=True)
    saved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["assessment", "principle"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "principle"], name="sat_result_unique_principle"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} p{self.principle}: {self.rating}"


class Evidence(models.Model):
    """A document supporting a principle's rating: a file (kept by its SHA-256) or a URL."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence")
    principle = models.PositiveSmallIntegerField()
    evidence_type = models.SlugField(max_length=64)
    title = models.CharField(max_length=300)
    dated = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(default=0)
    public = models.BooleanField(default=False)
    added_at = models.DateTimeField(default=timezone.now)
    added_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["assessment", "principle", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(url="") | ~Q(sha256=""), name="sat_evidence_file_or_url"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} p{self.principle}: {self.title}"


class ActionItem(models.Model):
    """An action-plan item under a principle; carried over while open."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="actions")
    principle = models.PositiveSmallIntegerField()
    description = models.TextField()
    owner_role = models.CharField(max_length=100, blank=True)
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    closure_evidence = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["assessment", "principle", "due_on", "id"]

    def __str__(self) -> str:
        return f"{self.assessment} p{self.principle}: {self.description[:40]}"


class Certification(models.Model):
    """A certificate a body held under a certification scheme (data: ``data/sat``)."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="certifications")
    scheme = models.SlugField(max_length=64)
    step = models.SlugField(max_length=64)
    systems = models.JSONField(default=list)
    issued_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True)
    certifier = models.CharField("certification body", max_length=200, blank=True)
    reference = models.CharField(max_length=200, blank=True)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["body__name", "-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.body.code} {self.scheme}/{self.step} {self.issued_on}"

    def clean(self) -> None:
        """The scheme and step must be ones the shipped scheme data knows."""
        try:
            scheme = sat.certification_scheme(self.scheme)
        except KeyError:
            raise ValidationError({"scheme": f"no certification scheme {self.scheme!r}"}) from None
        if self.step not in {s.id for s in scheme.steps}:
            raise ValidationError({"step": f"{scheme.id} has no step {self.step!r}"})
        if self.expires_on is not None and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": "expires before it was issued"})


class AssessmentEvent(models.Model):
    """Who did what to which assessment, when: never edited or deleted."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=40)
    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="assessment_events")
    assessment = models.ForeignKey(
        Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="events"
    )
    message = models.CharField(max_length=500)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.body_id}"
