"""What the core app keeps in the database: failed look-ups of guessed secrets."""

from __future__ import annotations

from django.db import models

__all__ = ["FailedLookups"]


class FailedLookups(models.Model):
    """Failed look-ups of one kind of secret (``scope``) from one client address in its current
    window. The address is kept only as a hash; ``core.throttle`` is the only writer."""

    scope = models.CharField(max_length=40)
    address_hash = models.CharField(max_length=64)
    window_started = models.DateTimeField()
    failures = models.PositiveIntegerField()

    class Meta:
        verbose_name = "failed look-ups"
        verbose_name_plural = "failed look-ups"
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "address_hash"], name="core_failedlookups_one_per_address"
            )
        ]
        indexes = [models.Index(fields=["scope", "window_started"])]

    def __str__(self) -> str:
        return f"{self.scope}: {self.failures} since {self.window_started:%Y-%m-%d %H:%M}"
