"""Returns received on paper or by email: a CSV, XLSX or ODS file, one row per body, all or
nothing. Files are read by :mod:`custodes.tabular` within ``RESPONSES_LIMITS``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from custodes import questionnaire as qcore
from custodes import roster as roster_core
from custodes.tabular import FileRefused, Limits, RowProblem, TableError, open_with_header
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

__all__ = [
    "RESPONSES_LIMITS",
    "ImportResult",
    "ResponsesImportError",
    "implausible_submission",
    "import_responses",
    "parse_submitted_at",
]

BODY_COLUMN = "body"
SUBMITTED_COLUMN = "submitted_at"
RESPONSES_LIMITS = Limits(rows=100_000, columns=1_000)  # a row per body, a column per question


class ResponsesImportError(FileRefused):
    """The returns file was refused; nothing was imported. ``problems`` lists every error."""


@dataclass
class ImportResult:
    imported: list[str] = field(default_factory=list)  # body codes

    @property
    def count(self) -> int:
        return len(self.imported)


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
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is out of range") from None


def implausible_submission(submitted_at: datetime, round_: Round, text: str) -> str | None:
    """Why ``submitted_at`` cannot be when the return was sent: before the round opened (its
    opening day counts, as a date alone means midnight) or in the future. None if plausible."""
    local = ZoneInfo(settings.TIME_ZONE)
    opened = round_.opens_at.astimezone(local)
    if submitted_at < datetime.combine(opened.date(), time.min, tzinfo=local):
        return f"{text!r} is before the round opened ({opened:%Y-%m-%d %H:%M})"
    if submitted_at > timezone.now():
        return f"{text!r} is in the future"
    return None


@dataclass
class _Context:
    """What every row is checked against."""

    round: Round
    definition: qcore.Questionnaire
    finder: roster_core.Roster
    recipients: set[str]
    already: set[str]
    replace: bool
    columns: list[str]
    questions: dict[int, qcore.Question]
    problems: list[RowProblem] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)


def import_responses(
    round_: Round, path: Path, *, actor: str, replace: bool = False, progress=None
) -> ImportResult:
    """Validates every row, then imports all of them in one transaction, or none.

    Errors name the row (1 = the header row) and column: unknown body, body not a recipient,
    duplicate body, unknown question column, invalid value, bad or implausible
    ``submitted_at``, a body that already has a submitted return (unless ``replace``), and
    whatever the file reader refuses (see ``RESPONSES_LIMITS``).
    """
    path = Path(path)
    table, header_row, header = open_with_header(
        path, limits=RESPONSES_LIMITS, refused=ResponsesImportError
    )
    definition = definition_of(round_.questionnaire)
    context = _Context(
        round=round_,
        definition=definition,
        finder=body_finder(),
        recipients=set(round_.recipient_list.bodies.values_list("code", flat=True)),
        already=set(
            Return.objects.filter(round=round_, submissions__isnull=False).values_list(
                "body__code", flat=True
            )
        ),
        replace=replace,
        columns=list(header),
        questions={},
    )
    _check_header(context, header_row)
    if context.problems:
        raise ResponsesImportError(path, context.problems)

    parsed: list[tuple[int, str, dict[str, Any], datetime | None]] = []
    try:
        for row_number, cells in table:
            if any(cells):
                row = _parse_row(context, row_number, list(cells), table.formulas_without_value)
                if row is not None:
                    parsed.append(row)
    except TableError as exc:
        context.problems.append(RowProblem.from_table_error(exc, context.columns))
    if context.problems:
        raise ResponsesImportError(path, context.problems)
    if not parsed:
        raise ResponsesImportError(path, [RowProblem(2, None, "no rows to import")])

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
                RowProblem(
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
                finder=context.finder,
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


def _check_header(context: _Context, row: int) -> None:
    """Every named column is ``body``, ``submitted_at`` or a question id, once (blank header
    cells are passed over)."""
    if BODY_COLUMN not in context.columns:
        context.problems.append(RowProblem(row, None, f"no {BODY_COLUMN!r} column"))
    for index, name in enumerate(context.columns):
        if name in {BODY_COLUMN, SUBMITTED_COLUMN} or not name:
            continue
        try:
            context.questions[index] = context.definition.question(name)
        except KeyError:
            context.problems.append(
                RowProblem(
                    row,
                    name,
                    f"not a question of {context.definition.id} (columns are question ids)",
                )
            )
    duplicates = sorted(
        name for name, count in Counter(context.columns).items() if name and count > 1
    )
    if duplicates:
        context.problems.append(
            RowProblem(row, None, f"duplicate columns: {', '.join(duplicates)}")
        )


def _parse_row(
    context: _Context, number: int, row: list[str], formulas: tuple[int, ...]
) -> tuple[int, str, dict[str, Any], datetime | None] | None:
    """One row's body code, answers and submission time; None (problems noted) if invalid."""
    problems = context.problems
    before = len(problems)
    columns = context.columns
    row += [""] * (len(columns) - len(row))
    cells = dict(zip(columns, row, strict=False))
    for index in formulas:
        if index < len(columns) and columns[index]:
            problems.append(
                RowProblem(
                    number,
                    columns[index],
                    "a formula with no saved value (the file was written by a program that does "
                    "not calculate): open and save it in a spreadsheet program, or paste values",
                )
            )
    code = _body_code(cells.get(BODY_COLUMN, ""), context, number)
    submitted_at = None
    if text := cells.get(SUBMITTED_COLUMN, ""):
        try:
            submitted_at = parse_submitted_at(text)
        except ValueError as exc:
            problems.append(RowProblem(number, SUBMITTED_COLUMN, str(exc)))
        else:
            if why := implausible_submission(submitted_at, context.round, text):
                problems.append(RowProblem(number, SUBMITTED_COLUMN, why))
    answers: dict[str, Any] = {}
    for index, question in context.questions.items():
        if not row[index]:
            continue
        try:
            answers[question.id] = qcore.parse_answer(question, row[index])
        except qcore.AnswerError as exc:
            problems.append(RowProblem(number, question.id, exc.message))
    for problem in qcore.check_submission(context.definition, answers, final=False):
        problems.append(RowProblem(number, problem.question_id, problem.message))
    if code is None:
        return None
    _, unknown = covered_codes(answers, context.finder, code)
    if unknown:
        problems.append(
            RowProblem(number, COVERS_QUESTION, "not recognised as bodies: " + "; ".join(unknown))
        )
    if len(problems) > before:
        return None
    return number, code, answers, submitted_at


def _body_code(text: str, context: _Context, row: int) -> str | None:
    """The row's body code, if it names a recipient not already imported or submitted."""
    problems = context.problems
    if not text:
        problems.append(RowProblem(row, BODY_COLUMN, "empty: name the body"))
        return None
    try:
        code = context.finder.get(text).code
    except roster_core.RosterError as exc:
        problems.append(RowProblem(row, BODY_COLUMN, str(exc)))
        return None
    if code not in context.recipients:
        problems.append(RowProblem(row, BODY_COLUMN, f"{text!r} is not a recipient of this round"))
    elif code in context.seen:
        problems.append(
            RowProblem(
                row, BODY_COLUMN, f"{text!r} appears twice (first on row {context.seen[code]})"
            )
        )
    elif code in context.already and not context.replace:
        problems.append(
            RowProblem(
                row,
                BODY_COLUMN,
                f"{text!r} already has a submitted return (use --replace to record this as a "
                "resubmission, or correct single answers)",
            )
        )
    context.seen.setdefault(code, row)
    return code
