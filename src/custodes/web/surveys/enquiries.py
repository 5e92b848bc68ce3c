"""Follow-up enquiries of a round contributed by other apps, without this app importing them.

The round's own discrepancies (returns against registers, declared against named makers) are
computed where their data lives. An app higher up (Code of Practice assessments, say) adds its
own enquiries by registering a source in its ``AppConfig.ready``; the pages and commands that
list a round's follow-up call :func:`round_enquiries` and show them beside the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from custodes.web.surveys.models import Round

__all__ = [
    "Enquiry",
    "EnquirySource",
    "EnquiryVersion",
    "enquiries_version",
    "register_enquiry_source",
    "round_enquiries",
]


@dataclass(frozen=True)
class Enquiry:
    """One thing to ask a body about: the topic, what it concerns and what is wrong."""

    body_code: str
    body_name: str
    topic: str
    kind: str
    subject: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {
            "body": self.body_code,
            "body_name": self.body_name,
            "topic": self.topic,
            "kind": self.kind,
            "subject": self.subject,
            "detail": self.detail,
        }


#: ``source(round_, as_of)``: the enquiries it finds for the round as the data stood then.
EnquirySource = Callable[[Round, datetime | None], Iterable[Enquiry]]
#: ``version(round_)``: a cheap, JSON-serialisable stamp of the data a source reads (counts,
#: last ids, latest times), which changes whenever its enquiries might; lets a report computed
#: from the enquiries be cached.
EnquiryVersion = Callable[[Round], object]
_SOURCES: list[EnquirySource] = []
_VERSIONS: dict[EnquirySource, EnquiryVersion | None] = {}


def register_enquiry_source(
    source: EnquirySource, *, version: EnquiryVersion | None = None
) -> None:
    """Adds a source of enquiries (once, however often an app is made ready), with the stamp
    of its data when it can give one."""
    if source not in _SOURCES:
        _SOURCES.append(source)
    _VERSIONS[source] = version


def enquiries_version(round_: Round) -> list[object] | None:
    """Every source's stamp for the round, or None when a source cannot give one (then
    whatever is computed from the enquiries cannot be cached)."""
    stamps = []
    for source in _SOURCES:
        version = _VERSIONS.get(source)
        if version is None:
            return None
        stamps.append(version(round_))
    return stamps


def round_enquiries(round_: Round, as_of: datetime | None = None) -> list[Enquiry]:
    """Every registered source's enquiries for the round, by body then topic."""
    found = [enquiry for source in _SOURCES for enquiry in source(round_, as_of)]
    return sorted(found, key=lambda e: (e.body_name, e.topic, e.subject, e.kind))
