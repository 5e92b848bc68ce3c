"""A request's evidence bundle, for an internal review, a complaint to the ICO or SIC, or the
newsroom's lawyer: one zip with the letter as sent, every event (who recorded it, notes and the
emails' texts included), each reply as received and as corrected, and every document.

It holds personal data (officials' names in emails and documents): it is for the watchdog, not
for publication.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import PurePosixPath
from typing import IO, Any

from django.utils import timezone

from custodes.foi.states import corrected
from custodes.web.foi.attachments import attachment_path
from custodes.web.foi.models import Request
from custodes.web.foi.report import timeline_rows
from custodes.web.foi.services import definition_of, request_facts

__all__ = ["write_evidence"]


def _json(data: Any) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"


def write_evidence(request: Request, handle: IO[bytes]) -> list[str]:
    """Writes the request's evidence zip to ``handle``; returns the names it holds."""
    definition = definition_of(request.campaign.definition)
    facts = request_facts(request)
    now = timezone.now()
    replies = []
    for reply in request.replies.order_by("received_at", "id"):
        core = next(r for r in facts.replies if r.key == reply.pk)
        current = corrected(core, facts.corrections, now)
        replies.append(
            {
                "received_at": reply.received_at.isoformat(),
                "recorded_by": reply.recorded_by,
                "channel": reply.channel,
                "as_received": {
                    "outcome": reply.outcome,
                    "exemptions": reply.exemptions,
                    "summary": reply.summary,
                    "referred_to": reply.referred_to,
                    "answers": reply.answers,
                },
                "as_corrected": {
                    "outcome": current.outcome,
                    "exemptions": list(current.exemptions),
                    "referred_to": current.referred_to,
                    "answers": {
                        qid: {
                            "value": a.value,
                            "outcome": a.outcome,
                            "exemptions": list(a.exemptions),
                            "source": a.source,
                        }
                        for qid, a in current.answers.items()
                    },
                },
            }
        )
    names: list[str] = []
    with zipfile.ZipFile(handle, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, text: str) -> None:
            archive.writestr(name, text)
            names.append(name)

        add(
            "README.txt",
            f"Evidence for FOI request {request.reference} to {request.body.name}\n"
            f"Campaign {request.campaign.name}: {request.campaign.title}\n"
            f"Request {definition.id} version {definition.version}; regime {request.regime}\n"
            f"Bundled {now:%Y-%m-%d %H:%M %Z}. Holds personal data: do not publish.\n",
        )
        add(
            "letter.txt",
            definition.letter(body_name=request.body.name, reference=request.reference),
        )
        add("timeline.json", _json(timeline_rows(request, personal=True)))
        add("replies.json", _json(replies))
        listing = []
        for document in request.attachments.order_by("uploaded_at", "id"):
            name = f"documents/{document.pk}-{PurePosixPath(document.name).name}"
            archive.write(attachment_path(document), name)
            names.append(name)
            listing.append(
                {
                    "file": name,
                    "sha256": document.sha256,
                    "size": document.size,
                    "uploaded_at": document.uploaded_at.isoformat(),
                    "uploaded_by": document.uploaded_by,
                    "personal_data": document.personal_data,
                }
            )
        add("documents.json", _json(listing))
    return names
