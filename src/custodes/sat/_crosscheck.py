"""Survey returns and registers against assessments on record: enquiries to make.

* A return that says a block's system was assessed (``<block>.sat_completed`` = yes) or the
  assessment published (``<block>.sat_published`` = yes) while no assessment of that system is
  on record for the body.
* A return giving a published address (``<block>.sat_url``) that no recorded assessment of the
  system carries.
* A body whose register holds devices from makers of concern and whose current assessment
  rates principle 9 (security) as met with no evidence for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from custodes.sat._matrix import AssessmentRecord, CurrentAssessment
from custodes.sat._model import Rating, system_labels

SECURITY_PRINCIPLE = 9
YES = "yes"


@dataclass(frozen=True)
class CrossCheck:
    """One enquiry: the body, the system (block) or principle concerned, and what is wrong."""

    body: str
    kind: str  # "no_assessment", "url_differs", "security_unevidenced"
    subject: str  # a block id, or "principle 9"
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {
            "body": self.body,
            "kind": self.kind,
            "subject": self.subject,
            "detail": self.detail,
        }


def same_address(first: str, second: str) -> bool:
    """Whether two web addresses name the same page (scheme, host case, a trailing slash and
    a fragment ignored)."""
    a, b = urlsplit(first.strip()), urlsplit(second.strip())
    return (
        a.netloc.casefold().removeprefix("www.") == b.netloc.casefold().removeprefix("www.")
        and a.path.rstrip("/") == b.path.rstrip("/")
        and a.query == b.query
    )


def survey_cross_checks(
    body: str, answers: Mapping[str, Any], records: Iterable[AssessmentRecord]
) -> list[CrossCheck]:
    """Where ``body``'s return claims self-assessments that ``records`` (its assessments on
    record) do not bear out."""
    held = list(records)
    found: list[CrossCheck] = []
    for block, label in system_labels().items():
        completed = answers.get(f"{block}.sat_completed") == YES
        published = answers.get(f"{block}.sat_published") == YES
        url = answers.get(f"{block}.sat_url")
        url = url.strip() if isinstance(url, str) else ""
        covering = [r for r in held if block in r.systems]
        if (completed or published) and not covering:
            said = "completed and published" if published else "completed"
            found.append(
                CrossCheck(
                    body,
                    "no_assessment",
                    block,
                    f"The return says a self-assessment of {label} was {said}, "
                    "but none is on record.",
                )
            )
        elif url and not any(
            r.published_url and same_address(r.published_url, url) for r in covering
        ):
            on_record = sorted({r.published_url for r in covering if r.published_url})
            found.append(
                CrossCheck(
                    body,
                    "url_differs",
                    block,
                    f"The return gives {url} for the {label} self-assessment; on record: "
                    + ("; ".join(on_record) if on_record else "no published address"),
                )
            )
    return found


def unevidenced_security(current: Iterable[CurrentAssessment]) -> list[CurrentAssessment]:
    """Current assessments rating principle 9 (security) as met with no evidence for it."""
    return [
        c
        for c in current
        if c.record.rating(SECURITY_PRINCIPLE) is Rating.MET
        and not c.record.evidence.get(SECURITY_PRINCIPLE)
    ]


def security_cross_check(
    body: str, current: Iterable[CurrentAssessment], devices_of_concern: int
) -> CrossCheck | None:
    """The principle-9 enquiry, when the register holds devices of concern and a current
    assessment rates security as met without any evidence for it."""
    if devices_of_concern <= 0:
        return None
    unevidenced = unevidenced_security(current)
    if not unevidenced:
        return None
    dates = ", ".join(c.record.assessed_on.isoformat() for c in unevidenced)
    return CrossCheck(
        body,
        "security_unevidenced",
        f"principle {SECURITY_PRINCIPLE}",
        f"The register holds {devices_of_concern} device(s) from makers of concern, and the "
        f"assessment of {dates} rates principle {SECURITY_PRINCIPLE} (security) as met with no "
        "evidence.",
    )
