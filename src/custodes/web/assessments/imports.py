"""Assessments received as a spreadsheet (CSV or XLSX): one row per body and system, all or
nothing. Read by :mod:`custodes.tabular`; rows checked by :mod:`custodes.sat`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from custodes import roster as roster_core
from custodes import sat
from custodes.tabular import FileRefused, Limits, TableError, open_with_header
from custodes.web.assessments.choices import Status
from custodes.web.assessments.models import ActionItem, Assessment, PrincipleResult
from custodes.web.assessments.services import carry_over, lock_bodies, log_event
from custodes.web.bodies.models import Body
from custodes.web.bodies.services import body_finder

__all__ = ["ASSESSMENT_LIMITS", "AssessmentImportError", "ImportResult", "import_assessments"]

SUFFIXES = frozenset({".csv", ".xlsx", ".xlsm"})
ASSESSMENT_LIMITS = Limits(rows=100_000, columns=200)


class AssessmentImportError(FileRefused):
    """The assessments file was refused; nothing was imported. ``problems`` lists every
    problem found."""


@dataclass
class ImportResult:
    """What an import recorded."""

    assessments: list[int] = field(default_factory=list)
    carried_over: int = 0

    @property
    def count(self) -> int:
        return len(self.assessments)


def _finder():
    roster = body_finder()

    def find(text: str) -> str:
        try:
            return roster.get(text).code
        except roster_core.RosterError as exc:
            raise LookupError(str(exc)) from None

    return find


def import_assessments(path: Path, *, framework_id: str, actor: str) -> ImportResult:
    """Checks every row, then records all of them in one transaction, or none.

    Each row is a completed assessment of one system. Errors name the row (1 = the header)
    and the column: unknown body or system, bad date or rating, a body and system given twice,
    an assessment already on record (same body, system, date and source).
    """
    path = Path(path)
    framework = sat.shipped_framework(framework_id)
    table, header_row, header = open_with_header(
        path, limits=ASSESSMENT_LIMITS, refused=AssessmentImportError, suffixes=SUFFIXES
    )
    columns = [h.strip() for h in header]
    problems = sat.check_header(columns, framework, header_row)
    if problems:
        raise AssessmentImportError(path, problems)
    find = _finder()
    today = timezone.localdate()
    rows: list[sat.AssessmentRow] = []
    seen: dict[tuple[str, str, object], int] = {}
    try:
        for number, cells in table:
            if not any(cells):
                continue
            for index in table.formulas_without_value:
                if index < len(columns) and columns[index]:
                    problems.append(
                        sat.RowProblem(number, columns[index], "a formula with no saved value")
                    )
            values = dict(zip(columns, [*cells, *[""] * (len(columns) - len(cells))], strict=False))
            row = sat.parse_row(number, values, framework, find, today, problems)
            if row is None:
                continue
            key = (row.body, row.system, row.assessed_on)
            if key in seen:
                problems.append(
                    sat.RowProblem(
                        number, "system", f"same body, system and date as row {seen[key]}"
                    )
                )
                continue
            seen[key] = number
            rows.append(row)
    except TableError as exc:
        problems.append(sat.RowProblem.from_table_error(exc, columns))
    if problems:
        raise AssessmentImportError(path, problems)
    if not rows:
        raise AssessmentImportError(path, [sat.RowProblem(2, None, "no rows to import")])
    bodies = {b.code: b for b in Body.objects.filter(code__in={r.body for r in rows})}
    result = ImportResult()
    with transaction.atomic():
        lock_bodies(b.pk for b in bodies.values())
        already = _already_on_record(framework.id, rows, bodies)
        if already:
            raise AssessmentImportError(path, already)
        for row in sorted(rows, key=lambda r: (r.assessed_on, r.row)):
            assessment = _record_row(row, framework, bodies[row.body], actor, path.name)
            result.carried_over += carry_over(assessment, actor)
            result.assessments.append(assessment.pk)
    return result


def _already_on_record(
    framework_id: str, rows: list[sat.AssessmentRow], bodies: dict[str, Body]
) -> list[sat.RowProblem]:
    existing = {
        (a.body_id, a.assessed_on, a.source, system)
        for a in Assessment.objects.filter(
            framework=framework_id, body__in=list(bodies.values())
        ).exclude(status=Status.DRAFT)
        for system in a.systems
    }
    return [
        sat.RowProblem(
            row.row,
            "assessed_on",
            f"an assessment of {row.system} dated {row.assessed_on} ({row.source.value}) is "
            "already on record for this body",
        )
        for row in rows
        if (bodies[row.body].pk, row.assessed_on, row.source.value, row.system) in existing
    ]


def _record_row(
    row: sat.AssessmentRow, framework: sat.Framework, body: Body, actor: str, file_name: str
) -> Assessment:
    now = timezone.now()
    assessment = Assessment.objects.create(
        body=body,
        framework=framework.id,
        framework_version=framework.edition_on(row.assessed_on).version,
        systems=[row.system],
        assessed_on=row.assessed_on,
        source=row.source.value,
        published_url=row.published_url,
        status=Status.COMPLETED,
        created_by=actor,
        completed_at=now,
    )
    PrincipleResult.objects.bulk_create(
        PrincipleResult(
            assessment=assessment,
            principle=n,
            rating=row.ratings[n].value,
            rationale=row.rationales.get(n, ""),
            saved_at=now,
        )
        for n in framework.numbers
    )
    ActionItem.objects.bulk_create(
        ActionItem(
            assessment=assessment,
            principle=n,
            description=spec.description,
            owner_role=spec.owner_role,
            due_on=spec.due_on,
        )
        for n, specs in sorted(row.actions.items())
        for spec in specs
    )
    log_event(actor, "assessment.imported", assessment, f"imported from {file_name}, row {row.row}")
    return assessment
