"""What the pages show: ratings as text and colour, principle rows, matrix rows, open data."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from custodes import sat
from custodes.web.assessments.choices import OPEN_STATUSES, Status
from custodes.web.assessments.models import ActionItem, Assessment, Certification
from custodes.web.bodies.models import Body

__all__ = [
    "DENOMINATORS",
    "MatrixRow",
    "certificate_rows",
    "matrix_csv",
    "matrix_json",
    "matrix_rows",
    "overdue_actions",
    "principle_rows",
    "rating_label",
]

#: The denominators, named wherever a count is shown.
DENOMINATORS = {
    "bodies_in_scope": "bodies in scope (every body on record)",
    "bodies_assessed": "bodies with at least one current assessment",
    "bodies_published": "bodies with at least one current assessment published",
}


def rating_label(value: str) -> str:
    """Text of a rating or of "not disclosed"."""
    if value == sat.NOT_DISCLOSED:
        return sat.NOT_DISCLOSED_LABEL
    return sat.RATING_LABELS[sat.Rating(value)]


def principle_rows(assessment: Assessment) -> list[dict[str, Any]]:
    """Each principle of an assessment: its rating, whether saved, evidence and open items."""
    framework = sat.shipped_framework(assessment.framework)
    results = {r.principle: r for r in assessment.results.all()}
    evidence = Counter(e.principle for e in assessment.evidence.all())
    actions = Counter(a.principle for a in assessment.actions.all() if a.status in OPEN_STATUSES)
    rows = []
    for principle in framework.principles:
        result = results.get(principle.number)
        rating = result.rating if result else sat.Rating.NOT_ASSESSED.value
        rows.append(
            {
                "principle": principle,
                "rating": rating,
                "label": rating_label(rating),
                "saved": bool(result and result.saved_at),
                "evidence": evidence[principle.number],
                "open_actions": actions[principle.number],
            }
        )
    return rows


@dataclass(frozen=True)
class MatrixRow:
    """One body of the dashboard's matrix."""

    body: Body
    row: sat.BodyRow
    cells: list[tuple[int, sat.Cell, str, str]]  # number, cell, rating text, source text


def matrix_rows(matrix: sat.Matrix, bodies: dict[str, Body]) -> list[MatrixRow]:
    """The matrix's bodies with each cell's text."""
    return [
        MatrixRow(
            bodies[row.body],
            row,
            [
                (
                    n,
                    row.cells[n],
                    rating_label(row.cells[n].rating),
                    sat.SOURCE_LABELS[row.cells[n].source] if row.cells[n].source else "",
                )
                for n in matrix.framework.numbers
            ],
        )
        for row in matrix.rows
    ]


def matrix_json(matrix: sat.Matrix) -> dict[str, Any]:
    """The open-data JSON: the ``custodes sat matrix --json`` document and its denominators."""
    return {**matrix.to_dict(), "denominators": DENOMINATORS}


CSV_COLUMNS = (
    "body",
    "body_name",
    "principle",
    "title",
    "rating",
    "assessed_on",
    "source",
    "stale",
    "bodies_in_scope",
)


def matrix_csv(matrix: sat.Matrix, bodies: dict[str, Body]) -> str:
    """The open-data CSV: one row per body and principle (not disclosed rows included)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in matrix.rows:
        for principle in matrix.framework.principles:
            cell = row.cells[principle.number]
            writer.writerow(
                [
                    row.body,
                    bodies[row.body].name,
                    principle.number,
                    principle.title,
                    cell.rating,
                    cell.assessed_on.isoformat() if cell.assessed_on else "",
                    cell.source.value if cell.source else "",
                    "yes" if cell.stale else "no",
                    matrix.bodies_in_scope,
                ]
            )
    return out.getvalue()


def certificate_rows(certificates: list[Certification], day: date) -> list[dict[str, Any]]:
    """Certificates as they read on ``day``: "certified" only while the scheme stands."""
    rows = []
    for item in certificates:
        scheme = sat.certification_scheme(item.scheme)
        rows.append(
            {
                "certificate": item,
                "scheme": scheme,
                "state": sat.certificate_state(scheme, item.issued_on, item.expires_on, day),
                "wording": sat.certificate_wording(
                    scheme, item.step, item.issued_on, item.expires_on, day
                ),
            }
        )
    return rows


def overdue_actions(day: date):
    """Open action items of completed assessments due before ``day``."""
    return (
        ActionItem.objects.filter(status__in=OPEN_STATUSES, due_on__lt=day)
        .exclude(assessment__status=Status.DRAFT)
        .select_related("assessment__body")
        .order_by("due_on", "assessment__body__name", "pk")
    )
