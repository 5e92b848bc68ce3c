"""Returns received on paper or by email: a CSV or XLSX file, one row per body, all or nothing."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodes import questionnaire as qcore
from custodes import roster as roster_core
from custodes.web.bodies.models import Body
from custodes.web.bodies.services import body_finder
from custodes.web.surveys.choices import Action, Channel
from custodes.web.surveys.lifecycle import (
    COVERS_QUESTION,
    covered_codes,
    definition_of,
    lock_returns,
    submit_return,
)
from custodes.web.surveys.models import Activity, Return, Round

__all__ = ["ImportProblem", "ImportResult", "ResponsesImportError", "import_responses", "read_rows"]

BODY_COLUMN = "body"
SUBMITTED_COLUMN = "submitted_at"
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with the file, by row (as a spreadsheet numbers it) and column."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column!r}" if self.column else "")
        return f"{where}: {self.message}"


class ResponsesImportError(Exception):
    """The file was refused; nothing was imported. ``problems`` lists every error found."""

    def __init__(self, path: Path, problems: list[ImportProblem]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:MAX_PROBLEMS_SHOWN])
        more = len(problems) - MAX_PROBLEMS_SHOWN
        super().__init__(
            f"{path.name}: {len(problems)} problem(s), nothing imported:\n{shown}"
            + (f"\n  … and {more} more" if more > 0 else "")
        )


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)  # body codes

    @property
    def count(self) -> int:
        return len(self.imported)


def _cell_text(value: Any) -> str:
    """A spreadsheet cell as the text a person would have typed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def read_rows(path: Path) -> Iterator[list[str]]:
    """Rows of cell texts from a CSV (UTF-8, with or without BOM) or XLSX/ODS first sheet."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(newline="", encoding="utf-8-sig") as handle:
            for row in csv.reader(handle):
                yield [cell.strip() for cell in row]
    elif suffix in {".xlsx", ".xlsm", ".xls", ".ods"}:
        from python_calamine import CalamineWorkbook

        workbook = CalamineWorkbook.from_path(str(path))
        for row in workbook.get_sheet_by_index(0).to_python(skip_empty_area=False):
            yield [_cell_text(cell) for cell in row]
    else:
        raise ResponsesImportError(
            path, [ImportProblem(0, None, "unsupported file type: use .csv or .xlsx")]
        )


def parse_submitted_at(text: str) -> datetime:
    """An ISO date or date-time; naive values are read in the site's time zone."""
    text = text.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"{text!r} is not an ISO date or date-time (e.g. 2022-09-30 or 2022-09-30T14:00)"
        ) from None
    if len(text) == 10:  # a date alone: the start of that day
        parsed = datetime.combine(parsed.date(), time.min)
    if timezone.is_naive(parsed):
        parsed = parsed.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
    return parsed


def import_responses(
    round_: Round, path: Path, *, actor: str, replace: bool = False, progress=None
) -> ImportResult:
    """Validates every row, then imports all of them in one transaction, or none.

    Errors name the row (1 = the header row) and column: unknown body, body not a recipient,
    duplicate body, unknown question column, invalid value, bad ``submitted_at``, and a body
    that already has a submitted return (unless ``replace``).
    """
    path = Path(path)
    definition = definition_of(round_.questionnaire)
    finder = body_finder()
    recipients = set(round_.recipient_list.bodies.values_list("code", flat=True))
    already = set(
        Return.objects.filter(round=round_, submissions__isnull=False).values_list(
            "body__code", flat=True
        )
    )
    problems: list[ImportProblem] = []
    rows = iter(read_rows(path))
    header = next(rows, None)
    if not header or not any(header):
        raise ResponsesImportError(path, [ImportProblem(1, None, "the file is empty")])
    columns = [h.strip() for h in header]
    if BODY_COLUMN not in columns:
        problems.append(ImportProblem(1, None, f"no {BODY_COLUMN!r} column"))
    questions: dict[int, qcore.Question] = {}
    for index, name in enumerate(columns):
        if name in {BODY_COLUMN, SUBMITTED_COLUMN} or not name:
            continue
        try:
            questions[index] = definition.question(name)
        except KeyError:
            problems.append(
                ImportProblem(
                    1, name, f"not a question of {definition.id} (columns are question ids)"
                )
            )
    if len(set(columns)) != len(columns):
        duplicates = sorted({c for c in columns if columns.count(c) > 1 and c})
        problems.append(ImportProblem(1, None, f"duplicate columns: {', '.join(duplicates)}"))
    if problems:
        raise ResponsesImportError(path, problems)

    parsed: list[tuple[int, str, dict[str, Any], datetime | None]] = []
    seen: dict[str, int] = {}
    for row_number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = dict(zip(columns, row + [""] * (len(columns) - len(row)), strict=False))
        body_text = cells.get(BODY_COLUMN, "")
        code = _body_code(body_text, finder, row_number, problems)
        if code is not None:
            if code not in recipients:
                problems.append(
                    ImportProblem(
                        row_number, BODY_COLUMN, f"{body_text!r} is not a recipient of this round"
                    )
                )
            elif code in seen:
                problems.append(
                    ImportProblem(
                        row_number,
                        BODY_COLUMN,
                        f"{body_text!r} appears twice (first on row {seen[code]})",
                    )
                )
            elif code in already and not replace:
                problems.append(
                    ImportProblem(
                        row_number,
                        BODY_COLUMN,
                        f"{body_text!r} already has a submitted return (use --replace to record "
                        "this as a resubmission, or correct single answers)",
                    )
                )
            seen.setdefault(code, row_number)
        submitted_at = None
        if cells.get(SUBMITTED_COLUMN, "").strip():
            try:
                submitted_at = parse_submitted_at(cells[SUBMITTED_COLUMN])
            except ValueError as exc:
                problems.append(ImportProblem(row_number, SUBMITTED_COLUMN, str(exc)))
        answers: dict[str, Any] = {}
        for index, question in questions.items():
            raw = row[index] if index < len(row) else ""
            if not raw.strip():
                continue
            try:
                answers[question.id] = qcore.parse_answer(question, raw)
            except qcore.AnswerError as exc:
                problems.append(ImportProblem(row_number, question.id, exc.message))
        for problem in qcore.check_submission(definition, answers, final=False):
            problems.append(ImportProblem(row_number, problem.question_id, problem.message))
        if code is not None:
            _, unknown = covered_codes(answers, finder, code)
            if unknown:
                problems.append(
                    ImportProblem(
                        row_number,
                        COVERS_QUESTION,
                        "not recognised as bodies: " + "; ".join(unknown),
                    )
                )
            parsed.append((row_number, code, answers, submitted_at))
    if problems:
        raise ResponsesImportError(path, problems)
    if not parsed:
        raise ResponsesImportError(path, [ImportProblem(2, None, "no rows to import")])

    result = ImportResult()
    bodies = Body.objects.filter(code__in=[p[1] for p in parsed])
    with transaction.atomic():
        # Every return in the file is locked (in a stable order) for the whole import: a
        # respondent's save or submission waits, then finds its return submitted, and cannot
        # overwrite it. Whether a body has submitted is checked again under the lock, since a
        # submission may have arrived while the file was being checked.
        records = lock_returns(round_, bodies)
        if not replace:
            arrived = [
                ImportProblem(
                    row,
                    BODY_COLUMN,
                    f"{records[code].body.name} submitted a return while "
                    "this file was being checked (use --replace to record this row as a "
                    "resubmission)",
                )
                for row, code, _, _ in parsed
                if records[code].submissions.exists()
            ]
            if arrived:
                raise ResponsesImportError(path, arrived)
        for _, code, answers, submitted_at in parsed:
            submit_return(
                records[code],
                answers,
                actor=actor,
                channel=Channel.IMPORT,
                submitted_at=submitted_at,
                final=False,
                finder=finder,
            )
            result.imported.append(code)
            if progress is not None:
                progress()
        Activity.objects.create(
            actor=actor,
            action=Action.RETURNS_IMPORTED,
            round=round_,
            message=f"{result.count} return(s) imported from {path.name}",
        )
    return result


def _body_code(
    text: str, finder: roster_core.Roster, row: int, problems: list[ImportProblem]
) -> str | None:
    if not text.strip():
        problems.append(ImportProblem(row, BODY_COLUMN, "empty: name the body"))
        return None
    try:
        return finder.get(text).code
    except roster_core.RosterError as exc:
        problems.append(ImportProblem(row, BODY_COLUMN, str(exc)))
        return None
