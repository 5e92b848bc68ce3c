"""Replies coded in a spreadsheet: CSV, XLSX or ODS, one row per body, all or nothing.

Columns: ``body``, ``received_at``, ``outcome``, ``exemptions``, optional ``summary`` and
``referred_to``, and per question ``<qid>`` (the value), ``<qid>.outcome`` and
``<qid>.exemptions``. Every problem is reported by row and column and nothing is written unless
the whole file is valid. Files are read by :mod:`custodes.tabular` within ``REPLIES_LIMITS``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from custodes import roster as roster_core
from custodes.foi.request import FoiRequest
from custodes.foi.states import local_date
from custodes.foi.values import (
    ValueProblem,
    parse_citations,
    parse_outcome,
    parse_question_outcome,
    parse_value,
)
from custodes.tabular import FileRefused, Limits, RowProblem, TableError, open_with_header
from custodes.web.bodies.services import body_finder
from custodes.web.foi.choices import Channel
from custodes.web.foi.models import Campaign, Event, Reply, Request
from custodes.web.foi.services import CampaignError, definition_of, record_reply
from custodes.web.surveys.imports import parse_submitted_at

__all__ = ["REPLIES_LIMITS", "RepliesImportError", "import_replies"]

BODY, RECEIVED, OUTCOME, EXEMPTIONS, SUMMARY, REFERRED = (
    "body",
    "received_at",
    "outcome",
    "exemptions",
    "summary",
    "referred_to",
)
REPLY_COLUMNS = (BODY, RECEIVED, OUTCOME, EXEMPTIONS, SUMMARY, REFERRED)
REQUIRED = (BODY, RECEIVED, OUTCOME)
REPLIES_LIMITS = Limits(rows=100_000, columns=1_000)


class RepliesImportError(FileRefused):
    """The replies file was refused; nothing was imported. ``problems`` lists every error."""


@dataclass
class _Row:
    number: int
    code: str
    received_at: datetime
    outcome: str
    exemptions: list[str]
    summary: str
    referred_to: str
    answers: dict[str, dict[str, Any]]


@dataclass
class _Context:
    definition: FoiRequest
    finder: roster_core.Roster
    requests: dict[str, Request]
    sent: dict[str, datetime]
    replied: set[tuple[str, datetime]]
    columns: list[str]
    problems: list[RowProblem] = field(default_factory=list)
    seen: dict[str, int] = field(default_factory=dict)


def _column_target(definition: FoiRequest, name: str) -> tuple[str, str] | None:
    """``(qid, part)`` for a question column (``part`` value/outcome/exemptions), else None."""
    for part in ("outcome", "exemptions"):
        if name.endswith(f".{part}"):
            qid = name.removesuffix(f".{part}")
            try:
                definition.question(qid)
            except KeyError:
                return None
            return qid, part
    try:
        definition.question(name)
    except KeyError:
        return None
    return name, "value"


def _check_header(context: _Context, row: int) -> None:
    for name in REQUIRED:
        if name not in context.columns:
            context.problems.append(RowProblem(row, None, f"no {name!r} column"))
    for name in context.columns:
        if name and name not in REPLY_COLUMNS and _column_target(context.definition, name) is None:
            context.problems.append(
                RowProblem(
                    row,
                    name,
                    f"not a column of replies to {context.definition.id} (body, received_at, "
                    "outcome, exemptions, summary, referred_to, <question id>, "
                    "<question id>.outcome, <question id>.exemptions)",
                )
            )
    duplicates = sorted(n for n, c in Counter(context.columns).items() if n and c > 1)
    if duplicates:
        context.problems.append(
            RowProblem(row, None, f"duplicate columns: {', '.join(duplicates)}")
        )


def _parse_row(
    context: _Context, number: int, row: list[str], formulas: tuple[int, ...]
) -> _Row | None:
    problems = context.problems
    before = len(problems)
    columns = context.columns
    row += [""] * (len(columns) - len(row))
    cells = {name: value.strip() for name, value in zip(columns, row, strict=False) if name}
    for index in formulas:
        if index < len(columns) and columns[index]:
            problems.append(
                RowProblem(number, columns[index], "a formula with no saved value: paste values")
            )
    code = _body_code(context, number, cells.get(BODY, ""))
    received_at = None
    text = cells.get(RECEIVED, "")
    if not text:
        problems.append(RowProblem(number, RECEIVED, "empty: give the date the reply came"))
    else:
        try:
            received_at = parse_submitted_at(text)
        except ValueError as exc:
            problems.append(RowProblem(number, RECEIVED, str(exc)))
        else:
            sent = context.sent.get(code or "")
            if received_at > timezone.now():
                problems.append(RowProblem(number, RECEIVED, f"{text!r} is in the future"))
            elif code is not None and sent is None:
                problems.append(
                    RowProblem(number, BODY, "the request to this body is not recorded as sent")
                )
            elif (code, received_at) in context.replied:
                problems.append(
                    RowProblem(
                        number,
                        RECEIVED,
                        f"{text!r}: this body's reply of that moment is already recorded "
                        "(correct single values with foi replies correct)",
                    )
                )
            elif sent is not None and local_date(received_at) < local_date(sent):
                problems.append(
                    RowProblem(
                        number,
                        RECEIVED,
                        f"{text!r} is before the request was sent ({local_date(sent)})",
                    )
                )
    outcome = None
    try:
        outcome = parse_outcome(cells.get(OUTCOME, ""))
    except ValueProblem as exc:
        problems.append(RowProblem(number, OUTCOME, str(exc)))
    exemptions: list[str] = []
    try:
        exemptions = [str(c) for c in parse_citations(cells.get(EXEMPTIONS, ""))]
    except ValueProblem as exc:
        problems.append(RowProblem(number, EXEMPTIONS, str(exc)))
    answers: dict[str, dict[str, Any]] = {}
    for name, text in cells.items():
        target = _column_target(context.definition, name) if name not in REPLY_COLUMNS else None
        if target is None or not text:
            continue
        qid, part = target
        entry = answers.setdefault(qid, {"value": None, "outcome": None, "exemptions": []})
        try:
            if part == "value":
                entry["value"] = parse_value(context.definition.question(qid).type, text)
            elif part == "outcome":
                entry["outcome"] = parse_question_outcome(text)
            else:
                entry["exemptions"] = [str(c) for c in parse_citations(text)]
        except ValueProblem as exc:
            problems.append(RowProblem(number, name, str(exc)))
    for qid, entry in answers.items():
        if entry["outcome"] in {"withheld", "not_held"} and entry["value"] is not None:
            problems.append(
                RowProblem(
                    number,
                    f"{qid}.outcome",
                    f"{entry['outcome']} but {qid} has a value: leave one of them empty",
                )
            )
    if len(problems) > before or code is None or received_at is None or outcome is None:
        return None
    return _Row(
        number,
        code,
        received_at,
        outcome,
        exemptions,
        cells.get(SUMMARY, ""),
        cells.get(REFERRED, ""),
        answers,
    )


def _body_code(context: _Context, number: int, text: str) -> str | None:
    problems = context.problems
    if not text:
        problems.append(RowProblem(number, BODY, "empty: name the body"))
        return None
    try:
        code = context.finder.get(text).code
    except roster_core.RosterError as exc:
        problems.append(RowProblem(number, BODY, str(exc)))
        return None
    if code not in context.requests:
        problems.append(RowProblem(number, BODY, f"{text!r} was not asked in this campaign"))
        return None
    if code in context.seen:
        problems.append(
            RowProblem(number, BODY, f"{text!r} appears twice (first on row {context.seen[code]})")
        )
        return None
    context.seen[code] = number
    return code


def import_replies(campaign: Campaign, path: Path, *, actor: str) -> list[str]:
    """Validates every row, then records every reply in one transaction, or none. Returns
    the body codes imported."""
    path = Path(path)
    table, header_row, header = open_with_header(
        path, limits=REPLIES_LIMITS, refused=RepliesImportError
    )
    definition = definition_of(campaign.definition)
    context = _Context(
        definition=definition,
        finder=body_finder(),
        requests={r.body.code: r for r in campaign.requests.select_related("body", "campaign")},
        sent={
            code: at
            for code, at in Event.objects.filter(request__campaign=campaign, kind="sent")
            .order_by("-at")
            .values_list("request__body__code", "at")
        },
        replied=set(
            Reply.objects.filter(request__campaign=campaign).values_list(
                "request__body__code", "received_at"
            )
        ),
        columns=[name.strip() for name in header],
    )
    _check_header(context, header_row)
    if context.problems:
        raise RepliesImportError(path, context.problems)
    rows: list[_Row] = []
    try:
        for number, cells in table:
            if any(cells):
                parsed = _parse_row(context, number, list(cells), table.formulas_without_value)
                if parsed is not None:
                    rows.append(parsed)
    except TableError as exc:
        context.problems.append(RowProblem.from_table_error(exc, context.columns))
    if context.problems:
        raise RepliesImportError(path, context.problems)
    if not rows:
        raise RepliesImportError(path, [RowProblem(2, None, "no rows to import")])
    with transaction.atomic():
        for row in rows:
            try:
                record_reply(
                    context.requests[row.code],
                    received_at=row.received_at,
                    outcome=row.outcome,
                    exemptions=row.exemptions,
                    summary=row.summary,
                    referred_to=row.referred_to,
                    answers=row.answers,
                    actor=actor,
                    channel=Channel.IMPORT,
                )
            except CampaignError as exc:  # changed since the file was checked
                context.problems.append(RowProblem(row.number, BODY, str(exc)))
        if context.problems:
            transaction.set_rollback(True)
    if context.problems:
        raise RepliesImportError(path, context.problems)
    return [row.code for row in rows]
