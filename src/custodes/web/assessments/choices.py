"""Choice sets of the assessments app, taken from :mod:`custodes.sat` (one vocabulary)."""

from __future__ import annotations

from django.db.models import TextChoices

from custodes import sat

SYSTEM_CHOICES = [(s.code, s.label) for s in sat.systems()]
SOURCE_CHOICES = [(s.value, sat.SOURCE_LABELS[s]) for s in sat.Source]
RATING_CHOICES = [(r.value, sat.RATING_LABELS[r]) for r in reversed(sat.RATING_ORDER)]
ANSWER_CHOICES = [
    ("yes", "Yes"),
    ("partly", "Partly"),
    ("no", "No"),
    ("not_applicable", "Does not apply"),
]


class Status(TextChoices):
    DRAFT = "draft", "Draft"
    COMPLETED = "completed", "Completed"
    PUBLISHED = "published", "Published"


class ActionStatus(TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"
    CARRIED_OVER = "carried_over", "Carried over to a later assessment"


#: Statuses of an item still to be done (carried over to the next assessment).
OPEN_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)
