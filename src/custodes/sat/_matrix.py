"""The national picture: which principles each body meets, as its assessments stood on a day.

A body's *current* assessments are, for each of its systems, the latest assessment of that
system on or before the as-of day (a newer one replaces the older; on the same day the one
recorded later wins). Per principle a body counts once, under the worst rating of its current
assessments (a principle an assessment leaves out is "not assessed"). A body in scope with no
current assessment is ``not_disclosed``, never "not met". An assessment older than 12 months
at the as-of day is ``stale``: flagged, still counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from custodes.sat._model import NOT_DISCLOSED, Rating, Source, worst
from custodes.sat._schema import Framework

STALE_AFTER_MONTHS = 12


@dataclass(frozen=True)
class AssessmentRecord:
    """One completed assessment as pure data. ``sequence`` orders assessments recorded on the
    same day (higher = later); ``evidence`` counts evidence items per principle."""

    sequence: int
    body: str
    framework: str
    version: str
    systems: frozenset[str]
    assessed_on: dt.date
    source: Source
    published_url: str | None
    ratings: Mapping[int, Rating]
    evidence: Mapping[int, int] = field(default_factory=dict)

    def rating(self, principle: int) -> Rating:
        """This assessment's rating of ``principle`` (not assessed when left out)."""
        return self.ratings.get(principle, Rating.NOT_ASSESSED)


def stale_before(as_of: dt.date) -> dt.date:
    """Assessments dated before this day are more than 12 months old at ``as_of``."""
    try:
        return as_of.replace(year=as_of.year - STALE_AFTER_MONTHS // 12)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - STALE_AFTER_MONTHS // 12, day=28)


def is_stale(assessed_on: dt.date, as_of: dt.date) -> bool:
    """Whether an assessment of ``assessed_on`` is older than 12 months at ``as_of``."""
    return assessed_on < stale_before(as_of)


@dataclass(frozen=True)
class CurrentAssessment:
    """An assessment that is current for some of its body's systems on the as-of day."""

    record: AssessmentRecord
    systems: tuple[str, ...]
    stale: bool


@dataclass(frozen=True)
class Cell:
    """A body's standing on one principle, with the assessment it comes from (if any)."""

    rating: str  # a Rating value, or NOT_DISCLOSED
    assessed_on: dt.date | None = None
    source: Source | None = None
    stale: bool = False


@dataclass(frozen=True)
class BodyRow:
    """One body of the matrix."""

    body: str
    current: tuple[CurrentAssessment, ...]
    cells: Mapping[int, Cell]

    @property
    def assessed(self) -> bool:
        return bool(self.current)

    @property
    def published(self) -> bool:
        return any(c.record.published_url for c in self.current)


@dataclass(frozen=True)
class PrincipleCount:
    """Bodies per rating for one principle; the five counts add up to the bodies in scope."""

    principle: int
    title: str
    met: int
    partly: int
    not_met: int
    not_assessed: int
    not_disclosed: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "principle": self.principle,
            "title": self.title,
            "met": self.met,
            "partly": self.partly,
            "not_met": self.not_met,
            "not_assessed": self.not_assessed,
            "not_disclosed": self.not_disclosed,
        }


@dataclass(frozen=True)
class Matrix:
    """Body × principle as the assessments stood on ``as_of``."""

    framework: Framework
    as_of: dt.date
    rows: tuple[BodyRow, ...]
    principles: tuple[PrincipleCount, ...]

    @property
    def bodies_in_scope(self) -> int:
        return len(self.rows)

    @property
    def bodies_assessed(self) -> int:
        return sum(row.assessed for row in self.rows)

    @property
    def bodies_published(self) -> int:
        return sum(row.published for row in self.rows)

    def current(self) -> list[CurrentAssessment]:
        """Every current assessment, by body then date."""
        return [c for row in self.rows for c in row.current]

    def to_dict(self) -> dict[str, Any]:
        """The ``custodes sat matrix --json`` document."""
        numbers = self.framework.numbers
        return {
            "framework": self.framework.id,
            "as_of": self.as_of.isoformat(),
            "bodies_in_scope": self.bodies_in_scope,
            "bodies_assessed": self.bodies_assessed,
            "bodies_published": self.bodies_published,
            "assessments": [
                {
                    "body": c.record.body,
                    "systems": list(c.systems),
                    "assessed_on": c.record.assessed_on.isoformat(),
                    "source": c.record.source.value,
                    "published_url": c.record.published_url or None,
                    "stale": c.stale,
                    "ratings": {str(n): c.record.rating(n).value for n in numbers},
                }
                for c in self.current()
            ],
            "principles": [p.to_dict() for p in self.principles],
        }


def current_assessments(
    records: Iterable[AssessmentRecord], as_of: dt.date
) -> tuple[CurrentAssessment, ...]:
    """One body's current assessments on ``as_of``: the latest per system, on or before it."""
    latest: dict[str, AssessmentRecord] = {}
    for record in records:
        if record.assessed_on > as_of:
            continue
        for system in record.systems:
            held = latest.get(system)
            if held is None or (record.assessed_on, record.sequence) > (
                held.assessed_on,
                held.sequence,
            ):
                latest[system] = record
    systems_of: dict[int, list[str]] = {}
    chosen: dict[int, AssessmentRecord] = {}
    for system, record in latest.items():
        systems_of.setdefault(record.sequence, []).append(system)
        chosen[record.sequence] = record
    ordered = sorted(chosen.values(), key=lambda r: (r.assessed_on, r.sequence))
    return tuple(
        CurrentAssessment(
            record=r,
            systems=tuple(sorted(systems_of[r.sequence], key=_system_order)),
            stale=is_stale(r.assessed_on, as_of),
        )
        for r in ordered
    )


def _system_order(code: str) -> tuple[int, str]:
    from custodes.sat._model import systems

    codes = [s.code for s in systems()]
    return (codes.index(code) if code in codes else len(codes), code)


def compute_matrix(
    framework: Framework,
    scope: Iterable[str],
    records: Iterable[AssessmentRecord],
    as_of: dt.date,
) -> Matrix:
    """The matrix of ``framework`` for the bodies in ``scope`` (codes) on ``as_of``.

    Records of other frameworks, of bodies outside the scope, or dated after ``as_of`` are
    left out.
    """
    in_scope = list(dict.fromkeys(scope))
    wanted = set(in_scope)
    by_body: dict[str, list[AssessmentRecord]] = {code: [] for code in in_scope}
    for record in records:
        if record.framework == framework.id and record.body in wanted:
            by_body[record.body].append(record)
    rows = []
    for code in in_scope:
        current = current_assessments(by_body[code], as_of)
        cells: dict[int, Cell] = {}
        for number in framework.numbers:
            if not current:
                cells[number] = Cell(NOT_DISCLOSED)
                continue
            rating = worst(c.record.rating(number) for c in current)
            origin = next(c for c in current if c.record.rating(number) is rating)
            cells[number] = Cell(
                rating.value, origin.record.assessed_on, origin.record.source, origin.stale
            )
        rows.append(BodyRow(code, current, cells))
    counts = []
    for principle in framework.principles:
        tally = {rating.value: 0 for rating in Rating} | {NOT_DISCLOSED: 0}
        for row in rows:
            tally[row.cells[principle.number].rating] += 1
        counts.append(
            PrincipleCount(
                principle=principle.number,
                title=principle.title,
                met=tally[Rating.MET.value],
                partly=tally[Rating.PARTLY.value],
                not_met=tally[Rating.NOT_MET.value],
                not_assessed=tally[Rating.NOT_ASSESSED.value],
                not_disclosed=tally[NOT_DISCLOSED],
            )
        )
    return Matrix(framework, as_of, tuple(rows), tuple(counts))
