"""Per-question summaries of counted returns for the report's block tables.

Pure Python over a typed questionnaire and plain answer mappings. Questions marked
``personal`` are never summarised, and free-text answers are only counted, never shown.
A question that does not apply to a return (its block's system is not operated) counts as
"not applicable"; a blank answer, or one whose applicability cannot be known, as "no answer".
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from custodes import questionnaire as qcore

__all__ = ["BlockSummary", "Figure", "QuestionSummary", "summarise_blocks"]

YES_NO_UNSURE_LABELS: tuple[tuple[str, str], ...] = (
    (qcore.YES, "Yes"),
    (qcore.NO, "No"),
    (qcore.UNSURE, "Unsure"),
)
OTHER_VALUE_LABEL = "Other value"
FREE_TEXT_NOTE = "Free text, not summarised (in responses.csv)"


@dataclass(frozen=True)
class Figure:
    """One labelled figure of a summary, already formatted for reading."""

    label: str
    value: str


@dataclass(frozen=True)
class QuestionSummary:
    """How the counted returns answered one question."""

    question_id: str
    text: str
    answer_type: str
    answered: int
    unanswered: int
    not_applicable: int
    figures: tuple[Figure, ...]
    note: str = ""


@dataclass(frozen=True)
class BlockSummary:
    """The summaries of one questionnaire block, in questionnaire order."""

    block_id: str
    title: str
    description: str
    questions: tuple[QuestionSummary, ...]


def _is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def _number(value: int | float) -> str:
    """Thousands separators; at most one decimal place, none for whole numbers."""
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}"
    return f"{int(value):,}"


def _option_figures(question: qcore.Question, answers: Sequence[Any]) -> tuple[Figure, ...]:
    """Returns choosing each option (a multi-select return counts once per option chosen)."""
    counts = {option.value: 0 for option in question.options}
    other = 0
    for answer in answers:
        chosen = answer if isinstance(answer, list | tuple) else [answer]
        for value in {item for item in chosen if isinstance(item, str)}:
            if value in counts:
                counts[value] += 1
            else:
                other += 1
    figures = [Figure(option.label, _number(counts[option.value])) for option in question.options]
    if other:
        figures.append(Figure(OTHER_VALUE_LABEL, _number(other)))
    return tuple(figures)


def _yes_no_figures(answers: Sequence[Any]) -> tuple[Figure, ...]:
    counts = {value: 0 for value, _ in YES_NO_UNSURE_LABELS}
    other = 0
    for answer in answers:
        key = answer.strip().casefold() if isinstance(answer, str) else None
        if key in counts:
            counts[key] += 1
        else:
            other += 1
    figures = [Figure(label, _number(counts[value])) for value, label in YES_NO_UNSURE_LABELS]
    if other:
        figures.append(Figure(OTHER_VALUE_LABEL, _number(other)))
    return tuple(figures)


def _count_figures(answers: Sequence[Any]) -> tuple[Figure, ...]:
    numbers = [a for a in answers if isinstance(a, int) and not isinstance(a, bool)]
    if not numbers:
        return ()
    return (
        Figure("Total", _number(sum(numbers))),
        Figure("Median", _number(statistics.median(numbers))),
        Figure("Smallest", _number(min(numbers))),
        Figure("Largest", _number(max(numbers))),
    )


def _manufacturer_figures(answers: Sequence[Any]) -> tuple[Figure, ...]:
    """Returns naming each manufacturer, names grouped ignoring case and spacing.

    Each group shows the spelling first seen; most-named first, then alphabetically.
    """
    shown: dict[str, str] = {}
    counts: dict[str, int] = {}
    for answer in answers:
        names = answer if isinstance(answer, list | tuple) else [answer]
        keys = set()
        for name in names:
            if not isinstance(name, str) or not name.strip():
                continue
            key = " ".join(name.split()).casefold()
            shown.setdefault(key, " ".join(name.split()))
            keys.add(key)
        for key in keys:
            counts[key] = counts.get(key, 0) + 1
    ordered = sorted(counts, key=lambda key: (-counts[key], key))
    return tuple(Figure(shown[key], _number(counts[key])) for key in ordered)


def _figures(question: qcore.Question, answers: Sequence[Any]) -> tuple[Figure, ...]:
    match question.type:
        case qcore.AnswerType.YES_NO_UNSURE:
            return _yes_no_figures(answers)
        case qcore.AnswerType.COUNT:
            return _count_figures(answers)
        case qcore.AnswerType.MANUFACTURERS:
            return _manufacturer_figures(answers)
        case qcore.AnswerType.TEXT:
            return ()
        case _:
            return _option_figures(question, answers)


def _summarise(
    question: qcore.Question,
    returns: Sequence[Mapping[str, Any]],
    applicability: Sequence[Mapping[str, bool | None]],
) -> QuestionSummary:
    given: list[Any] = []
    unanswered = not_applicable = 0
    for answers, applies in zip(returns, applicability, strict=True):
        decided = applies.get(question.id)
        value = answers.get(question.id)
        if decided is False:
            not_applicable += 1
        elif decided is None or _is_blank(value):
            unanswered += 1
        else:
            given.append(value)
    return QuestionSummary(
        question_id=question.id,
        text=question.text,
        answer_type=str(question.type),
        answered=len(given),
        unanswered=unanswered,
        not_applicable=not_applicable,
        figures=_figures(question, given),
        note=FREE_TEXT_NOTE if question.type is qcore.AnswerType.TEXT else "",
    )


def summarise_blocks(
    definition: qcore.Questionnaire, returns: Sequence[Mapping[str, Any]]
) -> tuple[BlockSummary, ...]:
    """Every block's question summaries over ``returns`` (each a return's answers)."""
    applicability = [definition.applicability_map(answers) for answers in returns]
    return tuple(
        BlockSummary(
            block_id=block.id,
            title=block.title,
            description=block.description or "",
            questions=tuple(
                _summarise(question, returns, applicability)
                for question in block.questions
                if not question.personal
            ),
        )
        for block in definition.blocks
    )
