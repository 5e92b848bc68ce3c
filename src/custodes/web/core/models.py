"""What the core app keeps in the database: failed look-ups of guessed secrets; and the
shape every stored definition file (questionnaire, FOI request) shares."""

from __future__ import annotations

from typing import Any, Self, TypeVar

from django.db import models
from django.utils import timezone
from pydantic import BaseModel

__all__ = ["FailedLookups", "StoredDefinition"]

Typed = TypeVar("Typed", bound=BaseModel)
# Typed definitions by (schema, slug, fingerprint), validated once per process.
_TYPED: dict[tuple[type[BaseModel], str, str], Any] = {}


class StoredDefinition(models.Model):
    """A definition file as loaded, frozen so that whatever uses it stays reproducible. Its
    fingerprint is part of its identity, so a stored row never changes."""

    slug = models.SlugField("identifier", max_length=100)
    version = models.CharField("version", max_length=50)
    title = models.CharField("title", max_length=300)
    fingerprint = models.CharField("fingerprint", max_length=64)
    definition = models.JSONField("definition")
    loaded_at = models.DateTimeField("loaded", default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["slug", "-loaded_at"]

    def __str__(self) -> str:
        return f"{self.slug} v{self.version}"

    @classmethod
    def store(cls, definition: Any) -> Self:
        """The row of a typed definition (with ``id``, ``version``, ``title`` and
        ``fingerprint``), stored on first use; idempotent."""
        row, _ = cls.objects.get_or_create(
            slug=definition.id,
            fingerprint=definition.fingerprint,
            defaults={
                "version": definition.version,
                "title": definition.title,
                "definition": definition.model_dump(mode="json", by_alias=True),
            },
        )
        return row

    def typed(self, schema: type[Typed]) -> Typed:
        """The typed definition this row was made from. Each process validates it once: a
        stored definition never changes, and validating one can cost as much as a request."""
        key = (schema, self.slug, self.fingerprint)
        found = _TYPED.get(key)
        if found is None:
            found = _TYPED[key] = schema.model_validate(self.definition)
        return found


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
