"""The report's open-data files: findings.json, findings.csv and responses.csv.

``findings.json`` is exactly ``RoundFindings.to_dict()`` (what ``custodes findings --json``
prints) plus a ``"report"`` entry of provenance metadata. ``responses.csv`` has one row per
counted return and one column per question, except questions marked ``personal``. Text cells
that a spreadsheet would run as a formula (starting ``=``, ``+``, ``-``, ``@``, tab or carriage
return) are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from custodes.web.reports.data import CorrectionNote, ReportData

__all__ = [
    "FORMULA_PREFIXES",
    "LIST_SEPARATOR",
    "RESPONSE_COLUMNS",
    "findings_csv",
    "findings_document",
    "findings_json",
    "report_metadata",
    "responses_csv",
]

LIST_SEPARATOR = ";"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
RESPONSE_COLUMNS = ("body", "body_name", "covers", "submitted_at", "late", "channel")
FINDING_CONTEXT_COLUMNS = ("round", "as_of")


def _cell(value: Any) -> str:
    """A CSV cell: lists joined with ``;``, None blank, formula-like text defused."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        value = LIST_SEPARATOR.join(_cell(item) for item in value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_cell(name) for name in header])
    writer.writerows([_cell(value) for value in row] for row in rows)
    return buffer.getvalue()


def _update(note: CorrectionNote) -> dict[str, Any]:
    return {
        "at": note.at.isoformat(),
        "body": note.body_code,
        "body_name": note.body_name,
        "question_id": note.question_id,
        "old": note.old_text,
        "new": note.new_text,
        "reason": note.reason,
        "findings_changed": [change.finding_id for change in note.changes],
    }


def report_metadata(data: ReportData) -> dict[str, Any]:
    """Provenance of the report: when, as of when, from which questionnaire and knowledge."""
    knowledge = data.knowledge
    return {
        "generated_at": data.generated_at.isoformat(),
        "as_of": data.as_of.isoformat(),
        "round_title": data.round_title,
        "closes_at": data.closes_at.isoformat(),
        "synthetic": data.synthetic,
        "questionnaire": {
            "id": data.definition.id,
            "version": data.definition.version,
            "title": data.definition.title,
            "fingerprint": data.questionnaire_fingerprint,
        },
        "custodes_version": data.custodes_version,
        "knowledge": None
        if knowledge is None
        else {"version": knowledge.version, "date": knowledge.date},
        "personal_data": "excluded: questions marked personal and officials' names",
        "updates": [_update(note) for note in data.corrections],
        "follow_up": [note.to_dict() for note in data.follow_ups],
        "register_discrepancies": [note.to_dict() for note in data.register_notes],
        "enquiries": [enquiry.to_dict() for enquiry in data.enquiries],
    }


def findings_document(data: ReportData) -> dict[str, Any]:
    """``RoundFindings.to_dict()`` plus the ``"report"`` metadata."""
    document = data.findings.to_dict()
    document["report"] = report_metadata(data)
    return document


def findings_json(data: ReportData) -> str:
    """``findings.json``: the findings document, indented, UTF-8 text."""
    return json.dumps(findings_document(data), indent=2, ensure_ascii=False) + "\n"


def findings_csv(data: ReportData) -> str:
    """``findings.csv``: one row per finding with every field of its JSON object."""
    rows = [finding.to_dict() for finding in data.findings.findings]
    fields = list(rows[0]) if rows else []
    context = [data.findings.round, data.findings.as_of.isoformat()]
    return _csv(
        [*FINDING_CONTEXT_COLUMNS, *fields],
        [[*context, *(row[field] for field in fields)] for row in rows],
    )


def responses_csv(data: ReportData) -> str:
    """``responses.csv``: one row per counted return, answers after corrections."""
    questions = [question.id for question in data.publishable_questions()]
    rows = [
        [
            record.body_code,
            record.body_name,
            [code for code, _ in record.covers],
            record.first_submitted_at.isoformat(),
            record.late,
            record.channel,
            *(record.answers.get(qid) for qid in questions),
        ]
        for record in data.returns
    ]
    return _csv([*RESPONSE_COLUMNS, *questions], rows)
