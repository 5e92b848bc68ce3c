"""The campaign report: headline findings with their denominators, every body's dates, state,
outcome and exemptions, each request's timeline and publishable documents, open data and the
methodology. Written by ``custodes foi report`` as a self-contained ``index.html`` (the survey
report's stylesheet inlined, allowed by hash) with ``findings.json``, ``requests.csv``,
``requests.json`` and ``replies.csv``.

Officials' personal data stay out: event notes and who recorded them, email addresses and the
text of emails are not published, nor any attachment marked as holding personal data.
"""

from __future__ import annotations

import base64
import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from custodes import __version__
from custodes.foi.findings import question_status
from custodes.foi.states import Status
from custodes.web.foi.attachments import attachments_dir
from custodes.web.foi.choices import EVENT_LABELS, OUTCOME_LABELS, STATE_LABELS
from custodes.web.foi.models import Attachment, Campaign, Request
from custodes.web.foi.services import (
    campaign_findings,
    campaign_statuses,
    definition_of,
    value_cell,
)
from custodes.web.reports.build import stylesheet_text

__all__ = [
    "REPORT_FILES",
    "finding_sentence",
    "report_context",
    "request_rows",
    "timeline_rows",
    "write_report",
]

REPORT_FILES = ("index.html", "findings.json", "requests.csv", "requests.json", "replies.csv")
STATE_ORDER = {"very_overdue": 0, "overdue": 1, "clarification": 2, "awaiting": 3}


def finding_sentence(finding: dict[str, Any], result: dict[str, Any]) -> str:
    """A finding as prose: at least N (of D); up to M if every unknown goes that way; who
    withheld and who has not replied; out of how many asked and replied."""
    text = f"at least {finding['at_least']}"
    if finding["denominator"] is not None:
        text += f" of {finding['denominator']} {finding['denominator_label']}"
        if finding["denominator"]:
            text += f" ({100 * finding['at_least'] / finding['denominator']:.0f}%)"
    if finding["at_most"] is None:
        text += "; no upper bound (bodies withheld the figure, hold none or have not replied)"
    elif finding["at_most"] != finding["at_least"]:
        text += f"; up to {finding['at_most']} if every undisclosed case counts"
    text += (
        f". {finding['bodies_reporting']} bodies reporting, {finding['bodies_withheld']} "
        f"withheld, {finding['bodies_not_replied']} not replied; {result['asked']} asked, "
        f"{result['replied']} replied"
    )
    return text


def timeline_rows(
    request: Request, *, personal: bool, as_of: datetime | None = None
) -> list[dict[str, Any]]:
    """The request's events in order (those that had happened by ``as_of``, if given);
    without ``personal``, who recorded them, the notes and the emails' recipients and texts
    are left out (they may name officials)."""
    rows = []
    events = request.events.select_related("reply").order_by("at", "id")
    if as_of is not None:
        events = events.filter(at__lte=as_of)
    for event in events:
        row: dict[str, Any] = {
            "at": event.at.isoformat(),
            "kind": event.kind,
            "label": EVENT_LABELS.get(event.kind, event.kind),
            "recorded_at": event.recorded_at.isoformat(),
        }
        if event.reply is not None:
            row["outcome"] = event.reply.outcome
        if event.kind == "correction":
            row["correction"] = {k: event.data.get(k) for k in ("question", "field", "old", "new")}
            row["reason"] = event.note  # a correction's reason is published, as for surveys
        if event.kind == "extension":
            row["extra_days"] = event.data.get("extra_days")
        if personal:
            row["note"] = event.note
            row["by"] = event.by
            row["data"] = event.data
        rows.append(row)
    return rows


def request_rows(campaign: Campaign, statuses: list[Status]) -> list[dict[str, Any]]:
    """One row per body: dates, state, outcome, exemptions, referral and coded values."""
    definition = definition_of(campaign.definition)
    rows = []
    for status in statuses:
        row = status.to_dict()
        row["state_label"] = STATE_LABELS[status.state]
        row["outcome_label"] = OUTCOME_LABELS.get(row["outcome"] or "", "")
        row["referred_to"] = status.reply.referred_to if status.reply else ""
        row["summary"] = status.reply.summary if status.reply else ""
        answers = {}
        for question in definition.questions:
            state, value = question_status(status, question.id)
            answer = status.reply.answers.get(question.id) if status.reply else None
            answers[question.id] = {
                "status": state,
                "value": value_cell(definition, question.id, value) if value is not None else "",
                "exemptions": list(answer.exemptions) if answer else [],
            }
        row["answers"] = answers
        row.pop("note")
        rows.append(row)
    return rows


def report_context(campaign: Campaign, as_of: datetime) -> dict[str, Any]:
    """Everything the report shows, as of ``as_of``."""
    definition = definition_of(campaign.definition)
    statuses = campaign_statuses(campaign, as_of)
    result = campaign_findings(campaign, as_of)
    rows = request_rows(campaign, statuses)
    rows.sort(key=lambda r: (STATE_ORDER.get(r["state"], 9), r["body"]))
    requests = {r.reference: r for r in campaign.requests.select_related("body", "campaign")}
    documents: dict[str, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(
        request__campaign=campaign, personal_data=False, uploaded_at__lte=as_of
    ).select_related("request"):
        documents.setdefault(attachment.request.reference, []).append(attachment)
    for row in rows:
        request = requests[row["reference"]]
        row["timeline"] = timeline_rows(request, personal=False, as_of=as_of)
        row["documents"] = [
            {
                "name": a.name,
                "kind": a.kind,
                "size": a.size,
                "sha256": a.sha256,
                "file": f"documents/{a.sha256}.{a.kind}",
            }
            for a in documents.get(row["reference"], [])
        ]
    return {
        "campaign": campaign,
        "definition": definition,
        "questions": [
            {"number": n, "id": q.id, "type": q.type.value, "text": q.text}
            for n, q in enumerate(definition.questions, 1)
        ],
        "result": result,
        "findings": [{**f, "sentence": finding_sentence(f, result)} for f in result["findings"]],
        "outcomes": [
            {"outcome": k, "label": OUTCOME_LABELS[k], "bodies": v}
            for k, v in result["outcomes"].items()
        ],
        "rows": rows,
        "as_of": as_of,
        "generated_at": timezone.now(),
        "custodes_version": __version__,
        "letter": definition.letter(body_name="[name of the body]", reference="[our reference]"),
    }


def _csv(headings: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headings)
    for row in rows:
        writer.writerow(
            ["'" + c if isinstance(c, str) and c and c[0] in "=+-@" else c for c in row]
        )
    return buffer.getvalue()


def _files(context: dict[str, Any]) -> dict[str, str]:
    rows = context["rows"]
    questions = [q["id"] for q in context["questions"]]
    css = stylesheet_text()
    style_hash = "sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    html = render_to_string(
        "foi/report_standalone.html",
        {**context, "stylesheet": mark_safe(css), "style_hash": style_hash},
    )
    public_rows = [{k: v for k, v in row.items()} for row in rows]
    return {
        "index.html": html,
        "findings.json": json.dumps(context["result"], indent=2, ensure_ascii=False) + "\n",
        "requests.json": json.dumps(public_rows, indent=2, ensure_ascii=False, default=str) + "\n",
        "requests.csv": _csv(
            [
                "body",
                "code",
                "reference",
                "regime",
                "state",
                "sent",
                "due",
                "very_overdue_after",
                "replied",
                "outcome",
                "exemptions",
                "referred_to",
            ],
            [
                [
                    r["body"],
                    r["code"],
                    r["reference"],
                    r["regime"],
                    r["state"],
                    r["sent"],
                    r["due"],
                    r["very_overdue_after"],
                    r["replied"],
                    r["outcome"],
                    "; ".join(r["exemptions"]),
                    r["referred_to"],
                ]
                for r in rows
            ],
        ),
        "replies.csv": _csv(
            ["body", "received_at", "outcome", "exemptions", "summary", "referred_to"]
            + [h for q in questions for h in (q, f"{q}.outcome", f"{q}.exemptions")],
            [
                [
                    r["code"],
                    r["replied"],
                    r["outcome"],
                    "; ".join(r["exemptions"]),
                    r["summary"],
                    r["referred_to"],
                ]
                + [
                    cell
                    for q in questions
                    for cell in (
                        r["answers"][q]["value"],
                        r["answers"][q]["status"]
                        if r["answers"][q]["status"] in {"withheld", "not_held"}
                        else "",
                        "; ".join(r["answers"][q]["exemptions"]),
                    )
                ]
                for r in rows
                if r["replied"]
            ],
        ),
    }


def write_report(campaign: Campaign, out: Path, as_of: datetime) -> list[Path]:
    """Writes the report files into ``out`` (created if needed), each atomically, and copies
    the documents marked publishable into ``out/documents/<sha256>.<kind>``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    context = report_context(campaign, as_of)
    written = []
    for row in context["rows"]:
        for document in row["documents"]:
            target = out / document["file"]
            if not target.exists():
                target.parent.mkdir(exist_ok=True)
                shutil.copyfile(attachments_dir() / document["sha256"], target)
                written.append(target)
    for name, text in _files(context).items():
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=out, prefix=f".{name}.", delete=False
        ) as handle:
            handle.write(text)
        os.chmod(handle.name, 0o644)
        Path(handle.name).replace(out / name)
        written.append(out / name)
    return written
