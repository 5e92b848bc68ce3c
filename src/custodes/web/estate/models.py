"""Each body's register of surveillance equipment, every change to it, and a running tally.

An ``Asset`` row may stand for many identical units (``quantity``). Its manufacturer is what
``custodes.intel`` resolved from the brand and model as recorded (with the evidence), unless a
person overrode it with a reason. Concerns are kept as dates (``concern_since``, ``kev_since``)
so that "of concern as of a day" is a comparison. ``kev_since`` is when a known exploited
vulnerability of the maker may affect the device (its model or firmware unknown, or the range
not recorded); ``kev_confirmed_since`` when one is known to, model and firmware in the range.
``AssetChange`` is append-only: who, when, why, and the fields before and after.
``ExposureTally`` counts the devices of every body × manufacturer × kind × flags combination;
it is rebuilt for a body whenever its register changes, so the national summary reads
thousands of tally rows instead of millions of assets.
"""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils import timezone

from custodes.estate import AssetKind, AssetStatus, Connectivity
from custodes.web.bodies.models import Body

__all__ = ["AgentToken", "Asset", "AssetChange", "CaptureAnalysis", "ExposureTally", "ScanUpload"]

KIND_CHOICES = [(k.value, k.value.replace("_", " ")) for k in AssetKind]
STATUS_CHOICES = [(s.value, s.value.replace("_", " ")) for s in AssetStatus]
CONNECTIVITY_CHOICES = [(c.value, c.value.replace("_", " ")) for c in Connectivity]


class AssetQuerySet(models.QuerySet):
    """Domain questions about assets."""

    def of_body(self, body: Body | None) -> AssetQuerySet:
        """One body's assets, or every body's when ``body`` is None."""
        return self.filter(body=body) if body is not None else self.all()

    def in_service_on(self, day: date) -> AssetQuerySet:
        """Assets in the register on ``day``: procured by then (or undated), not yet removed."""
        return self.filter(Q(procured_on__isnull=True) | Q(procured_on__lte=day)).exclude(
            status=AssetStatus.REMOVED, status_date__lte=day
        )


class Asset(models.Model):
    """One line of a body's register: equipment as recorded, resolved and located."""

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="assets")
    asset_id = models.CharField("asset id", max_length=64)
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    brand = models.CharField("brand as recorded", max_length=200, blank=True)
    model = models.CharField("model as recorded", max_length=200, blank=True)
    manufacturer = models.CharField("resolved manufacturer", max_length=200, blank=True)
    manufacturer_confidence = models.FloatField(default=0.0)
    manufacturer_evidence = models.JSONField(default=list, blank=True)
    manufacturer_override = models.CharField(max_length=200, blank=True)
    override_reason = models.TextField(blank=True)
    concern_since = models.DateField(null=True, blank=True)
    kev_since = models.DateField(null=True, blank=True)
    kev_confirmed_since = models.DateField(null=True, blank=True)
    quantity = models.PositiveIntegerField(default=1)
    firmware = models.CharField(max_length=100, blank=True)
    serial = models.CharField(max_length=100, blank=True)
    mac = models.CharField("MAC address", max_length=17, blank=True)
    ip = models.CharField("IP address", max_length=45, blank=True)
    site = models.CharField(max_length=200, blank=True)
    sensitive_site = models.BooleanField(default=False)
    connectivity = models.CharField(max_length=20, choices=CONNECTIVITY_CHOICES, blank=True)
    supplier = models.CharField("supplier or installer", max_length=200, blank=True)
    procured_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=STATUS_CHOICES, default="in_service")
    status_date = models.DateField(
        null=True, blank=True, help_text="Replace-by date, or the day it was removed."
    )
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AssetQuerySet.as_manager()

    class Meta:
        ordering = ["body__name", "asset_id"]
        constraints = [
            models.UniqueConstraint(fields=["body", "asset_id"], name="estate_asset_unique_id"),
        ]
        indexes = [models.Index(fields=["body", "kind"], name="estate_asset_body_kind")]

    def __str__(self) -> str:
        return f"{self.body.code}/{self.asset_id}"


class AssetChange(models.Model):
    """One change to an asset: never edited or deleted."""

    asset = models.ForeignKey(Asset, on_delete=models.PROTECT, related_name="changes")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    by = models.CharField(max_length=150)
    reason = models.TextField()
    action = models.CharField(max_length=20)
    before = models.JSONField(default=dict, blank=True)
    after = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.asset} {self.action} {self.at:%Y-%m-%d %H:%M}"


class ExposureTallyQuerySet(models.QuerySet):
    """Domain questions about tally rows."""

    def in_service_on(self, day: date) -> ExposureTallyQuerySet:
        """Rows of devices still in service on ``day`` (not removed by then)."""
        return self.filter(Q(removed_on__isnull=True) | Q(removed_on__gt=day))


class ExposureTally(models.Model):
    """Devices per body × manufacturer × kind × flags (derived; rebuilt on every change)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="+")
    manufacturer = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=32, choices=KIND_CHOICES)
    sensitive_site = models.BooleanField()
    concern_since = models.DateField(null=True)
    kev_since = models.DateField(null=True)
    kev_confirmed_since = models.DateField(null=True)
    removed_on = models.DateField(null=True)
    devices = models.BigIntegerField()

    objects = ExposureTallyQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["body"], name="estate_tally_body")]

    def __str__(self) -> str:
        return f"{self.body_id} {self.manufacturer} {self.kind}: {self.devices}"


class AgentToken(models.Model):
    """A bearer token with which ``custodes scan --upload`` agents send one body's scans.

    Only the keyed hash is stored; the token itself is shown once, when issued."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="agent_tokens")
    label = models.CharField(max_length=200, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.body.code} agent token {self.pk} ({self.label or 'no label'})"

    def is_usable(self) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > timezone.now()


class ScanUpload(models.Model):
    """One scan result sent by an agent for a body, as received (validated)."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="scan_uploads")
    token = models.ForeignKey(
        AgentToken, on_delete=models.SET_NULL, null=True, blank=True, related_name="uploads"
    )
    received_at = models.DateTimeField(default=timezone.now, db_index=True)
    scanner = models.CharField(max_length=200)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    targets = models.JSONField(default=list)
    devices = models.JSONField(default=list)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.body.code} scan {self.received_at:%Y-%m-%d %H:%M}"


class CaptureAnalysis(models.Model):
    """A packet capture uploaded for a body, its analysis by ``custodes.egress`` and the devices
    identified in it by ``custodes.discovery.passive``."""

    class Status(models.TextChoices):
        PENDING = "pending"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="capture_analyses")
    uploaded_at = models.DateTimeField(default=timezone.now, db_index=True)
    uploaded_by = models.CharField(max_length=150)
    file_name = models.CharField(max_length=255)
    size = models.BigIntegerField(default=0)
    stored_path = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    progress_bytes = models.BigIntegerField(default=0)
    result = models.JSONField(default=list, blank=True)
    # The local devices identified from what they sent (``custodes identify --capture``), each
    # in the shape of ``custodes scan --json``.
    devices = models.JSONField(default=list, blank=True)
    problems = models.JSONField(default=list, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.body.code} capture {self.file_name} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        """Share of the file read so far, 0-100."""
        return min(100, self.progress_bytes * 100 // self.size) if self.size else 0
