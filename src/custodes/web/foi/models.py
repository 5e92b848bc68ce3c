"""FOI campaigns: one request (frozen as loaded) sent to a versioned recipient list.

Each body's :class:`Request` keeps every :class:`Event` (who recorded it, when it happened,
when it was recorded), each :class:`Reply` as received and the :class:`Attachment` files that
came with it. Replies are never edited: a coded value changed later is a ``correction`` event
with the reason, so states and findings can be recomputed as the data stood on any date.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from custodes.foi.states import EVENT_KINDS
from custodes.web.bodies.models import Body, RecipientList
from custodes.web.core.models import StoredDefinition
from custodes.web.foi.choices import EVENT_LABELS, OUTCOME_LABELS, Channel

__all__ = ["Attachment", "Campaign", "Event", "Reply", "Request", "RequestDefinition"]

DEFAULT_REQUEST_SUBJECT = "Freedom of Information request: {title} (our ref. {reference})"
DEFAULT_CHASER_SUBJECT = "Overdue FOI request: {title} (our ref. {reference})"
DEFAULT_CHASER_BODY = """Dear {body_name},

On {sent} I made the request below (our reference {reference}). The statutory time for
compliance ended on {due} and I have not yet received a reply. Please reply promptly, or tell
me when I can expect one.

{letter}"""
DEFAULT_REVIEW_SUBJECT = "Request for internal review: {title} (our ref. {reference})"
DEFAULT_REVIEW_BODY = """Dear {body_name},

Please pass this on to the person who conducts Freedom of Information reviews.

I am writing to request an internal review of {body_name}'s handling of my request of {sent}
(our reference {reference}), answered on {replied} ({outcome}).

{reasons}

A record of the request is below.

{letter}"""


class RequestDefinition(StoredDefinition):
    """A request file as loaded, frozen so that a campaign stays reproducible."""

    class Meta(StoredDefinition.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "fingerprint"], name="foi_requestdefinition_unique"
            ),
        ]


class Campaign(models.Model):
    """One request sent to every body of a recipient list (pinned at its version)."""

    name = models.SlugField("name", max_length=100, unique=True)
    title = models.CharField("title", max_length=300)
    definition = models.ForeignKey(
        RequestDefinition, on_delete=models.PROTECT, related_name="campaigns"
    )
    recipient_list = models.ForeignKey(
        RecipientList, on_delete=models.PROTECT, related_name="foi_campaigns"
    )
    request_subject = models.CharField(max_length=300, default=DEFAULT_REQUEST_SUBJECT)
    chaser_subject = models.CharField(max_length=300, default=DEFAULT_CHASER_SUBJECT)
    chaser_body = models.TextField(default=DEFAULT_CHASER_BODY)
    review_subject = models.CharField(max_length=300, default=DEFAULT_REVIEW_SUBJECT)
    review_body = models.TextField(default=DEFAULT_REVIEW_BODY)
    created_at = models.DateTimeField("created", default=timezone.now)
    created_by = models.CharField("created by", max_length=150)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Request(models.Model):
    """One body's copy of the campaign's request, with its own reference."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="requests")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="foi_requests")
    reference = models.CharField("our reference", max_length=40, unique=True)
    regime = models.CharField("regime", max_length=10)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["campaign", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "body"], name="foi_request_one_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign.name}/{self.body.code}"


class Reply(models.Model):
    """A reply as received: its outcome, exemptions, wording and per-question coded values
    (``answers``: ``{qid: {"value", "outcome", "exemptions", "source"}}``). Never edited."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="replies")
    received_at = models.DateTimeField("received", db_index=True)
    outcome = models.CharField(max_length=30, choices=list(OUTCOME_LABELS.items()))
    exemptions = models.JSONField(default=list, blank=True)
    summary = models.TextField("wording or summary", blank=True)
    referred_to = models.CharField("referred to", max_length=300, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    review = models.BooleanField("internal review's answer", default=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    recorded_at = models.DateTimeField(default=timezone.now)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["received_at", "id"]
        verbose_name_plural = "replies"

    def __str__(self) -> str:
        return f"{self.request} reply {self.received_at:%Y-%m-%d}"


class Event(models.Model):
    """Something that happened to a request: ``at`` when it happened, ``recorded_at`` when we
    wrote it down, ``by`` who did. ``data`` holds the kind's details (a correction's question,
    field, old and new values; an extension's working days; a sent email's recipients)."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=[(k, EVENT_LABELS[k]) for k in EVENT_KINDS])
    at = models.DateTimeField("happened", db_index=True)
    recorded_at = models.DateTimeField("recorded", default=timezone.now)
    by = models.CharField(max_length=150)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["request", "at"])]

    def __str__(self) -> str:
        return f"{self.request} {self.kind} {self.at:%Y-%m-%d}"


class Attachment(models.Model):
    """A document that came with a reply (or the request's correspondence), stored by hash.

    ``personal_data``: holds officials' names or contact details, so never published (every
    email is); the report lists only the others."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="attachments")
    reply = models.ForeignKey(
        Reply, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    personal_data = models.BooleanField("holds personal data", default=True)
    uploaded_at = models.DateTimeField(default=timezone.now)
    uploaded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.name
