"""A survey round as the findings see it: recipients, closing time and returns with events."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from custodes.findings._errors import InvalidRoundError
from custodes.findings._events import AnswerEvent, Submission, check_events, require_aware

T = TypeVar("T")


@dataclass(frozen=True)
class Recipient:
    """A body the round was sent to, by stable code and display name."""

    code: str
    name: str

    def __post_init__(self) -> None:
        if not isinstance(self.code, str) or not self.code:
            raise InvalidRoundError("Recipient.code must be a non-empty string")
        if not isinstance(self.name, str) or not self.name:
            raise InvalidRoundError(f"Recipient {self.code!r}: name must be a non-empty string")


@dataclass(frozen=True)
class ReturnRecord:
    """One return: the responding (lead) body, other bodies it answers for, and its events."""

    body: str
    covers: frozenset[str]
    events: tuple[AnswerEvent, ...]

    def __post_init__(self) -> None:
        if not isinstance(self.body, str) or not self.body:
            raise InvalidRoundError("ReturnRecord.body must be a non-empty string")
        if isinstance(self.covers, str):
            raise InvalidRoundError(
                f"return of {self.body!r}: covers must be a set of codes, not a string"
            )
        covers = frozenset(self.covers)
        if not all(isinstance(code, str) and code for code in covers):
            raise InvalidRoundError(
                f"return of {self.body!r}: covers must hold non-empty string codes"
            )
        object.__setattr__(self, "covers", covers)
        try:
            events = check_events(self.events)
        except InvalidRoundError as error:
            raise InvalidRoundError(f"return of {self.body!r}: {error}") from None
        object.__setattr__(self, "events", events)

    def first_submission_at(self, as_of: datetime | None) -> datetime | None:
        """Time of the earliest submission at or before ``as_of`` (None: no cut-off)."""
        times = (
            event.at
            for event in self.events
            if isinstance(event, Submission) and (as_of is None or event.at <= as_of)
        )
        return min(times, default=None)

    def codes(self) -> frozenset[str]:
        """Every body this return answers for: the lead body and the bodies it covers."""
        return self.covers | {self.body}


@dataclass(frozen=True)
class RoundData:
    """Everything needed to compute a round's findings at any point in time."""

    round: str
    closes_at: datetime
    recipients: tuple[Recipient, ...]
    returns: tuple[ReturnRecord, ...]

    def __post_init__(self) -> None:
        require_aware(self.closes_at, f"round {self.round!r}: closes_at")
        object.__setattr__(self, "recipients", _checked(self.recipients, Recipient, self.round))
        object.__setattr__(self, "returns", _checked(self.returns, ReturnRecord, self.round))
        _reject_duplicates((r.code for r in self.recipients), "recipient code", self.round)
        _reject_duplicates((r.body for r in self.returns), "return body", self.round)


def _checked(items: Iterable[object], kind: type[T], round_id: str) -> tuple[T, ...]:
    """Return ``items`` as a tuple, raising if any item is not a ``kind``."""
    checked: list[T] = []
    for index, item in enumerate(items):
        if not isinstance(item, kind):
            raise InvalidRoundError(
                f"round {round_id!r}: item {index} must be a {kind.__name__}, "
                f"got {type(item).__name__}"
            )
        checked.append(item)
    return tuple(checked)


def _reject_duplicates(codes: Iterable[str], what: str, round_id: str) -> None:
    """Raise :class:`InvalidRoundError` naming the first code that appears twice."""
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise InvalidRoundError(f"round {round_id!r}: duplicate {what} {code!r}")
        seen.add(code)
