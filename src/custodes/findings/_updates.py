"""What each correction changed: the findings just before and just after it alone.

Corrections made at the same instant (a batch of follow-up results entered together) are
applied one at a time, in the order they were recorded, so a change in the figures is
attributed to exactly one correction and never counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from custodes.findings._compute import (
    FindingResult,
    NamesJudge,
    QuestionnaireLike,
    RoundFindings,
    compute_findings,
)
from custodes.findings._events import AnswerEvent, Correction, require_aware
from custodes.findings._round import RoundData

__all__ = ["CorrectionEffect", "correction_effects"]

_StepKey = tuple[datetime, int, int, int]


@dataclass(frozen=True)
class CorrectionEffect:
    """One correction with the round's findings without it and with it."""

    body: str
    correction: Correction
    before: RoundFindings
    after: RoundFindings

    def changed(self) -> tuple[tuple[FindingResult, FindingResult], ...]:
        """(before, after) of each finding whose figures this correction moved."""
        return tuple(
            (old, new)
            for old, new in zip(self.before.findings, self.after.findings, strict=True)
            if (old.at_least, old.at_most, old.denominator)
            != (new.at_least, new.at_most, new.denominator)
        )


def _key(event: Correction, record: int, position: int) -> _StepKey:
    """Application order: time, then stored id, then return and position in its events."""
    return (event.at, -1 if event.id is None else event.id, record, position)


def _through(
    data: RoundData, keys: dict[int, _StepKey], limit: _StepKey, inclusive: bool
) -> RoundData:
    """``data`` keeping only the corrections up to ``limit`` (and submissions unchanged)."""

    def kept(event: AnswerEvent) -> bool:
        if not isinstance(event, Correction):
            return True
        key = keys[id(event)]
        return key <= limit if inclusive else key < limit

    returns = tuple(
        replace(record, events=tuple(e for e in record.events if kept(e)))
        for record in data.returns
    )
    return replace(data, returns=returns)


def correction_effects(
    questionnaire: QuestionnaireLike,
    data: RoundData,
    *,
    as_of: datetime,
    judge_names: NamesJudge | None = None,
) -> tuple[CorrectionEffect, ...]:
    """Every correction made by ``as_of``, in the order applied, with the findings as they
    stood at its moment without it (but with every earlier one) and with it."""
    require_aware(as_of, "as_of")
    keys: dict[int, _StepKey] = {}
    steps: list[tuple[_StepKey, str, Correction]] = []
    for record_index, record in enumerate(data.returns):
        for position, event in enumerate(record.events):
            if isinstance(event, Correction):
                key = _key(event, record_index, position)
                keys[id(event)] = key
                if event.at <= as_of:
                    steps.append((key, record.body, event))
    steps.sort(key=lambda step: step[0])
    effects: list[CorrectionEffect] = []
    previous: tuple[_StepKey, RoundFindings] | None = None
    for key, body, event in steps:
        if previous is not None and previous[0][0] == event.at:
            before = previous[1]  # nothing else happened in between: the previous "after"
        else:
            before = compute_findings(
                questionnaire,
                _through(data, keys, key, inclusive=False),
                as_of=event.at,
                judge_names=judge_names,
            )
        after = compute_findings(
            questionnaire,
            _through(data, keys, key, inclusive=True),
            as_of=event.at,
            judge_names=judge_names,
        )
        effects.append(CorrectionEffect(body=body, correction=event, before=before, after=after))
        previous = (key, after)
    return tuple(effects)
