"""Choice sets of the FOI app, from the pure core's vocabularies."""

from django.db.models import TextChoices

from custodes.foi.states import EVENT_KINDS, STATES
from custodes.foi.values import OUTCOMES

EVENT_LABELS = {
    "sent": "Request sent",
    "send_failed": "Sending failed",
    "acknowledged": "Acknowledged",
    "clarification_requested": "Clarification asked for",
    "clarification_answered": "Clarification given",
    "fee_notice": "Fees notice",
    "fee_paid": "Fee paid",
    "extension": "Public-interest extension",
    "chaser": "Chaser sent",
    "reply": "Reply received",
    "review_requested": "Internal review asked for",
    "review_answered": "Internal review answered",
    "complaint": "Complaint to the regulator (ICO or SIC)",
    "decision_notice": "Decision notice",
    "withdrawn": "Request withdrawn",
    "correction": "Coded value corrected",
    "note": "Note",
}
STATE_LABELS = {
    "not_sent": "Not sent",
    "awaiting": "Awaiting reply",
    "overdue": "Overdue",
    "very_overdue": "Very overdue",
    "clarification": "Clarification",
    "answered": "Answered",
    "partial": "Partly answered",
    "refused": "Refused",
    "not_held": "Not held",
    "internal_review": "Internal review",
    "with_regulator": "With the regulator",
    "withdrawn": "Withdrawn",
}
OUTCOME_LABELS = {
    "answered": "Answered",
    "partial": "Partly answered",
    "refused": "Refused (exemption)",
    "ncnd": "Neither confirm nor deny",
    "not_held": "Information not held",
    "cost": "Refused on cost",
    "vexatious": "Refused as vexatious or repeated",
    "withdrawn": "Withdrawn",
    "clarification_requested": "Clarification requested",
}
assert tuple(OUTCOME_LABELS) == OUTCOMES
assert tuple(STATE_LABELS) == STATES
assert set(EVENT_LABELS) == set(EVENT_KINDS)


class Channel(TextChoices):
    """How a reply reached the campaign."""

    WEB = "web", "Recorded in the web UI"
    IMPORT = "import", "Imported from a spreadsheet"
