"""Survey rounds and everything a round accumulates.

Returns are made of append-only facts: each ``Submission`` holds a whole set of answers as
submitted at a moment, and each ``Correction`` changes one answer later, with who and why. The
answers as they stood at any date are a fold over those facts (``custodes.findings``), so an
interim analysis can be reproduced exactly later. Drafts (saved, not submitted) live on the
``Return`` itself and never count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from custodes.web.bodies.models import Body, RecipientList
from custodes.web.core.models import StoredDefinition
from custodes.web.surveys.choices import Action, Channel

__all__ = [
    "Activity",
    "Correction",
    "Invitation",
    "Questionnaire",
    "Return",
    "Round",
    "Submission",
]

DEFAULT_INVITATION_SUBJECT = "{round_title}: survey for {body_name}"
DEFAULT_INVITATION_BODY = """Dear colleague,

{round_title}

You are asked to complete this survey on behalf of {body_name}. Please answer by {closes}.

Open your organisation's secure form here:
{link}

The link is personal to {body_name}: please do not forward it outside the people completing the
return. You can save your answers and come back later. The link expires on {expires}.

If anything is unclear, reply to this email.
"""
DEFAULT_REMINDER_SUBJECT = "Reminder: {round_title} ({body_name})"
DEFAULT_REMINDER_BODY = """Dear colleague,

This is a reminder that {body_name}'s return for {round_title} was due by {closes} and has not
yet been submitted.

Open your organisation's secure form here:
{link}

The link expires on {expires}. Thank you.
"""


class Questionnaire(StoredDefinition):
    """A questionnaire definition as loaded, frozen so that a round stays reproducible."""

    class Meta(StoredDefinition.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["slug", "fingerprint"], name="surveys_questionnaire_unique_definition"
            ),
        ]


class Round(models.Model):
    """One survey round: a questionnaire sent to a recipient list with a closing date."""

    name = models.SlugField("name", max_length=100, unique=True)
    title = models.CharField("title", max_length=300)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="rounds"
    )
    recipient_list = models.ForeignKey(
        RecipientList, on_delete=models.PROTECT, related_name="rounds"
    )
    opens_at = models.DateTimeField("opens", default=timezone.now)
    closes_at = models.DateTimeField("closes")
    synthetic = models.BooleanField(
        "synthetic data",
        default=False,
        help_text="Demo rounds hold made-up returns and say so everywhere.",
    )
    invitation_subject = models.CharField(max_length=300, default=DEFAULT_INVITATION_SUBJECT)
    invitation_body = models.TextField(default=DEFAULT_INVITATION_BODY)
    reminder_subject = models.CharField(max_length=300, default=DEFAULT_REMINDER_SUBJECT)
    reminder_body = models.TextField(default=DEFAULT_REMINDER_BODY)
    reminder_days_before_close = models.PositiveSmallIntegerField(
        "automatic reminder, days before closing",
        null=True,
        blank=True,
        help_text="Bodies invited that have not responded are reminded this many days before "
        "the round closes (once). Empty: no automatic reminder.",
    )
    created_at = models.DateTimeField("created", default=timezone.now)
    created_by = models.CharField("created by", max_length=150)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class Invitation(models.Model):
    """A body's secret link to its own return. Only a SHA-256 hash of the token is stored."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="invitations")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=150)
    expires_at = models.DateTimeField()
    answer_by = models.DateTimeField(
        "answer by",
        null=True,
        blank=True,
        help_text="The deadline given to the body when it was invited after the round closed "
        "(its emails say this date instead of the closing date). Empty: the closing date.",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_opened_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["round", "body__name", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "body"],
                condition=models.Q(revoked_at__isnull=True),
                name="surveys_invitation_one_active_per_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round.name}/{self.body.code} invitation"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and self.expires_at > now


class Return(models.Model):
    """A body's return in a round: its draft, and the append-only submissions and corrections."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="returns")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="returns")
    covers = models.ManyToManyField(
        Body,
        related_name="covered_by_returns",
        blank=True,
        help_text="Other bodies this (lead-body) return answers for, as of the latest answers.",
    )
    draft = models.JSONField("draft answers", default=dict, blank=True)
    draft_saved_at = models.DateTimeField(null=True, blank=True)
    sections_saved = models.JSONField(
        "sections saved",
        default=list,
        blank=True,
        help_text="Blocks the respondent has saved, even with nothing answered: such a block "
        "shows as in progress, not as not started.",
    )
    locked = models.BooleanField(
        "read-only",
        default=False,
        help_text="Set on submission; the watchdog can reopen a return for changes.",
    )
    reference = models.CharField("receipt reference", max_length=32, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["round", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "body"], name="surveys_return_unique_body"),
        ]

    def __str__(self) -> str:
        return f"{self.round.name}/{self.body.code}"


class Submission(models.Model):
    """A whole set of answers as submitted at one moment. Never changed or deleted."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="submissions")
    submitted_at = models.DateTimeField("submitted", db_index=True)
    recorded_at = models.DateTimeField("recorded", default=timezone.now)
    answers = models.JSONField("answers")
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.WEB)
    recorded_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["submitted_at", "id"]

    def __str__(self) -> str:
        return f"{self.return_record} submitted {self.submitted_at:%Y-%m-%d %H:%M}"


class Correction(models.Model):
    """A change to one answer after submission, with the original value, who, when and why."""

    return_record = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="corrections")
    question_id = models.CharField(max_length=200)
    old_value = models.JSONField(null=True, blank=True)
    new_value = models.JSONField(null=True, blank=True)
    reason = models.TextField()
    corrected_at = models.DateTimeField(default=timezone.now, db_index=True)
    corrected_by = models.CharField(max_length=150)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["corrected_at", "id"]

    def __str__(self) -> str:
        return f"{self.return_record} {self.question_id} corrected"


class Activity(models.Model):
    """The round's activity log: every invitation, email, save, submission and correction."""

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=40, choices=Action.choices)
    round = models.ForeignKey(
        Round, on_delete=models.CASCADE, related_name="activity", null=True, blank=True
    )
    body = models.ForeignKey(
        Body, on_delete=models.SET_NULL, related_name="activity", null=True, blank=True
    )
    message = models.CharField(max_length=500, blank=True)
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "activity"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"
