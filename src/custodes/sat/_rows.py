"""Checking rows of an assessment spreadsheet: one row per body and system.

Columns: ``body``, ``system``, ``assessed_on``, ``published_url``, ``p1`` … ``pN`` (a rating
each), optional ``p<N>.rationale`` and ``p<N>.actions``, optional ``source``. Actions are
separated by ``;``; each is ``description | owner role | due date`` (the last two optional).
Problems name the row (as a spreadsheet numbers it) and the column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from custodes.sat._model import Rating, Source, parse_rating, parse_source, parse_system
from custodes.sat._schema import Framework
from custodes.tabular import RowProblem

BODY, SYSTEM, ASSESSED_ON, PUBLISHED_URL, SOURCE = (
    "body",
    "system",
    "assessed_on",
    "published_url",
    "source",
)
FIXED = (BODY, SYSTEM, ASSESSED_ON, PUBLISHED_URL)
_PRINCIPLE_COLUMN = re.compile(r"^p([1-9][0-9]*)(?:\.(rationale|actions))?$")
_URL = re.compile(r"^https?://[^\s/]+[^\s]*$")
MAX_TEXT = 10_000


@dataclass(frozen=True)
class ActionSpec:
    """An action-plan item as written in a cell."""

    description: str
    owner_role: str = ""
    due_on: dt.date | None = None


@dataclass(frozen=True)
class AssessmentRow:
    """One valid row."""

    row: int
    body: str
    system: str
    assessed_on: dt.date
    published_url: str
    source: Source
    ratings: dict[int, Rating]
    rationales: dict[int, str] = field(default_factory=dict)
    actions: dict[int, tuple[ActionSpec, ...]] = field(default_factory=dict)


def check_header(header: Sequence[str], framework: Framework, row: int) -> list[RowProblem]:
    """Problems with the header row: missing, unknown or repeated columns."""
    problems = []
    names = [h for h in header if h]
    numbers = set(framework.numbers)
    for required in (*FIXED, *(f"p{n}" for n in framework.numbers)):
        if required not in names:
            problems.append(RowProblem(row, required, "missing column"))
    for name in names:
        match = _PRINCIPLE_COLUMN.match(name)
        if name in (*FIXED, SOURCE):
            continue
        if match is None:
            problems.append(
                RowProblem(
                    row,
                    name,
                    "unknown column (body, system, assessed_on, published_url, source, p<N>, "
                    "p<N>.rationale, p<N>.actions)",
                )
            )
        elif int(match.group(1)) not in numbers:
            problems.append(
                RowProblem(row, name, f"{framework.id} has no principle {match.group(1)}")
            )
    repeated = sorted({n for n in names if names.count(n) > 1})
    for name in repeated:
        problems.append(RowProblem(row, name, "column given more than once"))
    return problems


def parse_actions(text: str) -> tuple[ActionSpec, ...]:
    """Action items from a cell: ``description | owner role | due date`` separated by ``;``."""
    items = []
    for part in text.split(";"):
        if not part.strip():
            continue
        pieces = [p.strip() for p in part.split("|")]
        if len(pieces) > 3:
            raise ValueError(f"{part.strip()!r}: at most description | owner role | due date")
        description = pieces[0]
        if not description:
            raise ValueError(f"{part.strip()!r}: an action needs a description")
        owner = pieces[1] if len(pieces) > 1 else ""
        due = None
        if len(pieces) > 2 and pieces[2]:
            try:
                due = dt.date.fromisoformat(pieces[2])
            except ValueError:
                raise ValueError(f"{pieces[2]!r} is not an ISO date (2026-06-30)") from None
        items.append(ActionSpec(description[:1000], owner[:100], due))
    return tuple(items)


def parse_row(
    number: int,
    cells: dict[str, str],
    framework: Framework,
    find_body: Callable[[str], str],
    today: dt.date,
    problems: list[RowProblem],
) -> AssessmentRow | None:
    """One row as an :class:`AssessmentRow`, or None with its problems appended.

    ``find_body`` turns the ``body`` cell into a body code or raises ``LookupError`` saying
    why."""
    before = len(problems)

    def problem(column: str, message: str) -> None:
        problems.append(RowProblem(number, column, message))

    body = system = None
    if not (text := cells.get(BODY, "").strip()):
        problem(BODY, "empty: name the body")
    else:
        try:
            body = find_body(text)
        except LookupError as exc:
            problem(BODY, str(exc))
    if not (text := cells.get(SYSTEM, "").strip()):
        problem(SYSTEM, "empty: name the system (ext_cctv, anpr, bwv …)")
    else:
        try:
            system = parse_system(text)
        except ValueError as exc:
            problem(SYSTEM, str(exc))
    assessed_on = None
    text = cells.get(ASSESSED_ON, "").strip()
    try:
        assessed_on = dt.date.fromisoformat(text[:10]) if text else None
    except ValueError:
        problem(ASSESSED_ON, f"{text!r} is not an ISO date (2026-03-31)")
    else:
        if assessed_on is None:
            problem(ASSESSED_ON, "empty: give the date of the assessment")
        elif assessed_on > today:
            problem(ASSESSED_ON, f"{text!r} is in the future")
        elif framework.edition_on(assessed_on) is None:
            problem(
                ASSESSED_ON,
                f"{framework.id} was not in force on {assessed_on.isoformat()} (editions: "
                + ", ".join(f"{e.version} from {e.in_force_from}" for e in framework.editions)
                + ")",
            )
    url = cells.get(PUBLISHED_URL, "").strip()
    if url and (len(url) > 2000 or not _URL.match(url)):
        problem(PUBLISHED_URL, f"{url[:80]!r} is not a web address (https://…)")
    source = Source.SELF_ASSESSED
    if text := cells.get(SOURCE, "").strip():
        try:
            source = parse_source(text)
        except ValueError as exc:
            problem(SOURCE, str(exc))
    ratings: dict[int, Rating] = {}
    rationales: dict[int, str] = {}
    actions: dict[int, tuple[ActionSpec, ...]] = {}
    for n in framework.numbers:
        column = f"p{n}"
        text = cells.get(column, "")
        if not text.strip():
            problem(column, "empty: give a rating (met, partly, not met or not assessed)")
        else:
            try:
                ratings[n] = parse_rating(text)
            except ValueError as exc:
                problem(column, str(exc))
        if rationale := cells.get(f"{column}.rationale", "").strip():
            if len(rationale) > MAX_TEXT:
                problem(f"{column}.rationale", f"longer than {MAX_TEXT:,} characters")
            rationales[n] = rationale
        if written := cells.get(f"{column}.actions", "").strip():
            try:
                actions[n] = parse_actions(written)
            except ValueError as exc:
                problem(f"{column}.actions", str(exc))
    if len(problems) > before or body is None or system is None or assessed_on is None:
        return None
    return AssessmentRow(
        number, body, system, assessed_on, url, source, ratings, rationales, actions
    )
