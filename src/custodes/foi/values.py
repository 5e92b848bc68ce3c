"""Coded values of FOI replies: outcomes, exemption citations and typed answers.

Everything here parses text as a newsroom types it into a spreadsheet and raises
:class:`ValueProblem` with a message fit to show beside the row and column it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from custodes.foi.request import QuestionType

__all__ = [
    "OUTCOMES",
    "QUESTION_OUTCOMES",
    "REFUSALS",
    "Citation",
    "ValueProblem",
    "format_counts",
    "parse_citation",
    "parse_citations",
    "parse_counts",
    "parse_outcome",
    "parse_question_outcome",
    "parse_value",
]

#: What a reply did, as a whole (the issue's list, in its order).
OUTCOMES: tuple[str, ...] = (
    "answered",
    "partial",
    "refused",
    "ncnd",
    "not_held",
    "cost",
    "vexatious",
    "withdrawn",
    "clarification_requested",
)
#: Reply outcomes that withhold the information (never read as "no").
REFUSALS = frozenset({"refused", "ncnd", "cost", "vexatious"})
#: What a reply did with one question.
QUESTION_OUTCOMES: tuple[str, ...] = ("answered", "withheld", "not_held")
_OUTCOME_WORDS = {
    "neither confirm nor deny": "ncnd",
    "nor confirm nor deny": "ncnd",
    "not held": "not_held",
    "information not held": "not_held",
    "cost limit": "cost",
    "s.12": "cost",
    "clarification": "clarification_requested",
    "clarification requested": "clarification_requested",
    "partially answered": "partial",
    "part answered": "partial",
    "refusal": "refused",
    "exempt": "withheld",
}
MAX_COUNT = 10_000_000
_SEPARATOR = re.compile(r"[;\n]+")
_LIST_SEPARATOR = re.compile(r"[;\n]+")


class ValueProblem(ValueError):
    """A coded value cannot be read; the message says why, for the person who typed it."""


def _word(text: str) -> str:
    return re.sub(r"[\s-]+", " ", text.strip().casefold())


def parse_outcome(text: str) -> str:
    """A reply's outcome: one of :data:`OUTCOMES` (``not held``, ``NCND`` accepted)."""
    word = _word(text)
    value = _OUTCOME_WORDS.get(word, word.replace(" ", "_"))
    if value not in OUTCOMES:
        raise ValueProblem(f"{text!r} is not an outcome (one of {', '.join(OUTCOMES)})")
    return value


def parse_question_outcome(text: str) -> str:
    """One question's outcome: answered, withheld or not_held."""
    word = _word(text)
    value = _OUTCOME_WORDS.get(word, word.replace(" ", "_"))
    if value in {"refused", "ncnd", "cost", "vexatious"}:
        value = "withheld"
    if value not in QUESTION_OUTCOMES:
        raise ValueProblem(
            f"{text!r} is not a question outcome (one of {', '.join(QUESTION_OUTCOMES)})"
        )
    return value


# --- exemption citations ----------------------------------------------------------------------

_ACTS = {"foia": "FOIA", "foisa": "FOISA", "eir": "EIR", "dpa": "DPA"}
_CITATION = re.compile(
    r"""^\s*(?:(?P<act>foia|foisa|eir|dpa)\s*)?
        (?P<kind>s(?:ection|ect|ec)?|r(?:eg(?:ulation)?)?)\s*\.?\s*
        (?P<number>\d{1,3}[a-z]?)
        (?P<parts>(?:\s*\(\s*[0-9a-z]{1,6}\s*\))*)\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_PART = re.compile(r"\(\s*([0-9a-z]{1,6})\s*\)", re.IGNORECASE)


@dataclass(frozen=True, order=True)
class Citation:
    """A structured exemption citation: ``FOIA s.31(1)(a)`` is act FOIA, section 31, parts
    ``("1", "a")``. ``regulation`` marks an EIR regulation (``reg.12(5)(a)``)."""

    section: int
    suffix: str = ""
    parts: tuple[str, ...] = ()
    act: str | None = None
    regulation: bool = False

    def __str__(self) -> str:
        head = "reg." if self.regulation else "s."
        text = f"{head}{self.section}{self.suffix}" + "".join(f"({p})" for p in self.parts)
        return f"{self.act} {text}" if self.act else text

    def to_dict(self) -> dict[str, Any]:
        return {
            "citation": str(self),
            "act": self.act,
            "section": self.section,
            "suffix": self.suffix,
            "parts": list(self.parts),
            "regulation": self.regulation,
        }


def parse_citation(text: str) -> Citation:
    """One citation: ``s.24(1)``, ``section 31 (1)(a)``, ``FOISA s35``, ``reg 12(5)(a)``."""
    match = _CITATION.match(text)
    if match is None:
        raise ValueProblem(
            f"{text.strip()!r} is not an exemption citation (write e.g. s.24(1) or "
            "FOIA s.31(1)(a); separate several with ';')"
        )
    digits = re.match(r"\d+", match["number"])
    assert digits is not None
    act = match["act"]
    regulation = match["kind"].casefold().startswith("r")
    return Citation(
        section=int(digits.group()),
        suffix=match["number"][digits.end() :].casefold(),
        parts=tuple(part.casefold() for part in _PART.findall(match["parts"] or "")),
        act=_ACTS[act.casefold()] if act else ("EIR" if regulation else None),
        regulation=regulation,
    )


def parse_citations(text: str | None) -> list[Citation]:
    """Citations separated by ``;`` (or new lines), in order, duplicates dropped."""
    found: list[Citation] = []
    for piece in re.split(r"[;\n]+", text or ""):
        if piece.strip():
            citation = parse_citation(piece)
            if citation not in found:
                found.append(citation)
    return found


# --- typed answers -----------------------------------------------------------------------------


def parse_count(text: str) -> int:
    """A whole number of units (``1,200`` accepted), 0 or more."""
    cleaned = text.strip().replace(",", "").replace("\u00a0", "").replace(" ", "")
    if not re.fullmatch(r"\d{1,8}", cleaned):
        raise ValueProblem(f"{text.strip()!r} is not a whole number (0 or more)")
    value = int(cleaned)
    if value > MAX_COUNT:
        raise ValueProblem(f"{value} is more than {MAX_COUNT:,}")
    return value


_ENTRY = re.compile(r"^(?P<name>.*?)\s*(?:=|:)\s*(?P<count>[\d,]+)\s*$")


def parse_counts(text: str) -> list[tuple[str, int]]:
    """Counts by make and model: ``DJI Mavic 3=4; Parrot Anafi USA=1`` (names kept verbatim;
    the same name twice is added up)."""
    entries: dict[str, int] = {}
    for piece in _SEPARATOR.split(text):
        if not piece.strip():
            continue
        match = _ENTRY.match(piece.strip())
        if match is None or not match["name"].strip():
            raise ValueProblem(
                f"{piece.strip()!r} is not 'make and model=number' "
                "(e.g. DJI Mavic 3=4; Parrot Anafi USA=1)"
            )
        name = " ".join(match["name"].split())
        entries[name] = entries.get(name, 0) + parse_count(match["count"])
    return list(entries.items())


def format_counts(entries: list[tuple[str, int]] | list[list[Any]]) -> str:
    """The inverse of :func:`parse_counts`."""
    return "; ".join(f"{name}={count}" for name, count in entries)


_YES = {"yes", "y", "true"}
_NO = {"no", "n", "false"}


def parse_value(kind: QuestionType, text: str) -> Any:
    """A typed answer from its text; ``None`` for a blank cell. JSON-ready: counts by
    manufacturer are ``[[name, count], ...]``, a manufacturer list ``[name, ...]``."""
    if not text or not text.strip():
        return None
    if kind is QuestionType.COUNT:
        return parse_count(text)
    if kind is QuestionType.YES_NO:
        word = text.strip().casefold()
        if word in _YES:
            return "yes"
        if word in _NO:
            return "no"
        raise ValueProblem(f"{text.strip()!r} is not yes or no")
    if kind is QuestionType.COUNTS_BY_MANUFACTURER:
        return [[name, count] for name, count in parse_counts(text)]
    if kind is QuestionType.MANUFACTURER_LIST:
        names: list[str] = []
        for piece in _LIST_SEPARATOR.split(text):
            name = " ".join(piece.split())
            if name and name not in names:
                names.append(name)
        return names
    return text.strip()


def value_text(kind: QuestionType, value: Any) -> str:
    """How a stored value is written back in a spreadsheet or a report."""
    if value is None:
        return ""
    if kind is QuestionType.COUNTS_BY_MANUFACTURER:
        return format_counts(value)
    if kind is QuestionType.MANUFACTURER_LIST:
        return "; ".join(value)
    return str(value)
