"""Choice sets for the surveys app."""

from django.db.models import TextChoices


class ReturnStatus(TextChoices):
    """Where a body stands in a round, as shown on the watchdog's dashboard."""

    NOT_INVITED = "not_invited", "Not invited"
    INVITED = "invited", "Invited"
    OPENED = "opened", "Opened"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"
    LATE = "late", "Submitted late"
    COVERED = "covered", "Covered by another body's return"


class Channel(TextChoices):
    """How a submission reached the watchdog."""

    WEB = "web", "Online form"
    IMPORT = "import", "Imported (paper or email)"
    DEMO = "demo", "Synthetic demo data"


class Action(TextChoices):
    """Everything the activity log records."""

    ROUND_CREATED = "round.created", "Round created"
    ROUND_UPDATED = "round.updated", "Round updated"
    INVITATION_ISSUED = "invitation.issued", "Invitation link issued"
    INVITATION_REVOKED = "invitation.revoked", "Invitation link revoked"
    INVITATION_OPENED = "invitation.opened", "Invitation link opened"
    LINK_EXPIRED = "link.expired", "Expired link revoked"
    EMAIL_INVITATION = "email.invitation", "Invitation email sent"
    EMAIL_REMINDER = "email.reminder", "Reminder email sent"
    EMAIL_FAILED = "email.failed", "Email could not be sent"
    RETURN_SAVED = "return.saved", "Answers saved"
    RETURN_SUBMITTED = "return.submitted", "Return submitted"
    RETURN_REOPENED = "return.reopened", "Return reopened"
    RETURNS_IMPORTED = "returns.imported", "Returns imported"
    ANSWER_CORRECTED = "answer.corrected", "Answer corrected"
