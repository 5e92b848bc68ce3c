"""Bodies (the roster), their contacts and versioned recipient lists."""

from __future__ import annotations

from django.db import models

from custodes.web.bodies.choices import BodyKind, ContactRole, FoiRegime

__all__ = ["Body", "Contact", "RecipientList"]


class Body(models.Model):
    """A public body that can be surveyed, identified by a stable code."""

    code = models.SlugField("code", max_length=64, unique=True)
    name = models.CharField("official name", max_length=200)
    aliases = models.JSONField("aliases", default=list, blank=True)
    kind = models.CharField("kind", max_length=20, choices=BodyKind.choices)
    country = models.CharField("country", max_length=100)
    # Where FOI requests go, synced from the roster file (which cites the source of each).
    foi_regime = models.CharField(
        "FOI regime", max_length=10, choices=FoiRegime.choices, default=FoiRegime.FOIA
    )
    foi_email = models.EmailField("FOI email", blank=True)
    foi_web_form = models.URLField("FOI web form", max_length=1000, blank=True)
    foi_disclosure_log = models.URLField("disclosure log", max_length=1000, blank=True)
    foi_whatdotheyknow = models.URLField("WhatDoTheyKnow page", max_length=1000, blank=True)
    foi_source = models.URLField("source of the FOI address", max_length=1000, blank=True)
    foi_date = models.DateField("FOI address as of", null=True, blank=True)
    foi_note = models.TextField("FOI address note", blank=True)
    languages = models.JSONField(
        "languages",
        default=list,
        blank=True,
        help_text="Languages the body works in (en, cy); Welsh bodies get the form and emails "
        "in Welsh too.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.name

    @property
    def welsh(self) -> bool:
        """True for a body that works in Welsh as well as English."""
        return "cy" in (self.languages or ())


class Contact(models.Model):
    """A person at a body who receives invitations. Personal data: never published."""

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField("name", max_length=200, blank=True)
    email = models.EmailField("email")
    role = models.CharField(
        "role", max_length=20, choices=ContactRole.choices, default=ContactRole.SRO
    )
    receives_invitations = models.BooleanField("receives invitations", default=True)

    class Meta:
        ordering = ["body__name", "role", "email"]
        constraints = [
            models.UniqueConstraint(fields=["body", "email"], name="bodies_contact_unique_email"),
        ]

    def __str__(self) -> str:
        return f"{self.name or self.email} ({self.body.code})"


class RecipientList(models.Model):
    """A named, versioned list of bodies: the recipients of a round (``police-ew`` v1 = 47)."""

    name = models.SlugField("name", max_length=100)
    version = models.PositiveIntegerField("version")
    title = models.CharField("title", max_length=200)
    description = models.TextField("description", blank=True)
    source = models.URLField("source", max_length=500, blank=True)
    date = models.DateField("date", null=True, blank=True)
    bodies = models.ManyToManyField(Body, related_name="recipient_lists")

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"], name="bodies_recipientlist_unique_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"
