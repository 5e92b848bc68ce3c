"""Answer events (submissions and corrections) and folding them into answers as of a time."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import MappingProxyType
from typing import Any

from custodes.findings._errors import InvalidRoundError, NaiveDatetimeError


def require_aware(value: datetime, what: str) -> None:
    """Raise :class:`NaiveDatetimeError` unless ``value`` is a timezone-aware datetime."""
    if not isinstance(value, datetime):
        raise NaiveDatetimeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(f"{what} must be timezone-aware, got naive {value.isoformat()}")


@dataclass(frozen=True)
class Submission:
    """A body's (re)submitted return: replaces every answer given before it."""

    at: datetime
    answers: Mapping[str, Any]
    channel: str = "web"

    def __post_init__(self) -> None:
        require_aware(self.at, "Submission.at")
        if not isinstance(self.answers, Mapping):
            raise InvalidRoundError(
                f"Submission.answers must be a mapping, got {type(self.answers).__name__}"
            )
        object.__setattr__(self, "answers", MappingProxyType(dict(self.answers)))


@dataclass(frozen=True)
class Correction:
    """An audited change to one answer after follow-up (``new_value`` None removes it)."""

    at: datetime
    question_id: str
    old_value: Any
    new_value: Any
    reason: str
    by: str
    id: int | None = None
    """The stored correction's id: orders corrections made at the same instant."""

    def __post_init__(self) -> None:
        require_aware(self.at, "Correction.at")
        if not isinstance(self.question_id, str) or not self.question_id:
            raise InvalidRoundError("Correction.question_id must be a non-empty string")


AnswerEvent = Submission | Correction


def check_events(events: Iterable[object]) -> tuple[AnswerEvent, ...]:
    """Return ``events`` as a tuple, raising :class:`InvalidRoundError` on a foreign object."""
    checked: list[AnswerEvent] = []
    for index, event in enumerate(events):
        if not isinstance(event, Submission | Correction):
            raise InvalidRoundError(
                f"answer event {index} must be a Submission or Correction, "
                f"got {type(event).__name__}"
            )
        checked.append(event)
    return tuple(checked)


def _event_order(event: AnswerEvent) -> tuple[datetime, int]:
    """Sort key: by time, submissions before corrections at the same instant."""
    return (event.at, 0 if isinstance(event, Submission) else 1)


def answers_as_of(events: Iterable[AnswerEvent], as_of: datetime | None) -> dict[str, Any] | None:
    """Fold ``events`` up to and including ``as_of`` into the answers standing at that time.

    Events are applied in time order; for equal times a submission comes before a correction
    and otherwise input order is kept (the sort is stable). A submission replaces all answers;
    a correction sets one question, or removes it when ``new_value`` is None. A correction
    before the first submission has nothing to correct and is dropped by that submission.
    ``as_of=None`` folds every event. Returns None when no submission existed by ``as_of``.
    """
    if as_of is not None:
        require_aware(as_of, "as_of")
    answers: dict[str, Any] | None = None
    for event in sorted(check_events(events), key=_event_order):
        if as_of is not None and event.at > as_of:
            break
        if isinstance(event, Submission):
            answers = dict(event.answers)
        elif answers is not None:
            if event.new_value is None:
                answers.pop(event.question_id, None)
            else:
                answers[event.question_id] = event.new_value
    return answers
