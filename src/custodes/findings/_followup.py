"""Follow-up enquiries: bodies whose declared answer and named manufacturers disagree.

The 2022 body-worn-video figure was withdrawn because returns said one thing and the facts
another. A named-concern finding (``compare_with`` another finding) is checked body by body
against the finding it names; a body is listed when its named manufacturers carry a concern
but it did not declare one, or when it declared one but every maker it names is known and
carries none.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from custodes.findings._compute import FindingResult, RoundFindings

YES, NO = "yes", "no"


@dataclass(frozen=True)
class Disagreement:
    """One body whose two findings in a block disagree."""

    block: str
    body: str
    finding: str
    compared_with: str
    declared: str
    """The body's standing in the compared (self-declared) finding: yes/no/unsure/unanswered."""
    named: str
    """Its standing in the named-concern finding."""

    def to_dict(self) -> dict[str, str]:
        return {
            "block": self.block,
            "body": self.body,
            "finding": self.finding,
            "compared_with": self.compared_with,
            "declared": self.declared,
            "named": self.named,
        }


def _standing(result: FindingResult) -> dict[str, str]:
    standing = {body: YES for body in result.yes_bodies}
    standing.update({body: "unsure" for body in result.unsure_bodies})
    standing.update({body: "unanswered" for body in result.unanswered_bodies})
    standing.update({body: NO for body in result.no_bodies})
    return standing


def disagreements(specs: Sequence[Any], findings: RoundFindings) -> tuple[Disagreement, ...]:
    """Every disagreement between findings paired by ``compare_with`` in ``specs``."""
    results = {result.id: result for result in findings.findings}
    found: list[Disagreement] = []
    for spec in specs:
        other = getattr(spec, "compare_with", None)
        if other is None or spec.id not in results or other not in results:
            continue
        named, declared = _standing(results[spec.id]), _standing(results[other])
        for body, named_as in named.items():
            declared_as = declared.get(body)
            if declared_as is None:
                continue
            if (named_as == YES and declared_as != YES) or (declared_as == YES and named_as == NO):
                found.append(
                    Disagreement(
                        block=spec.block,
                        body=body,
                        finding=spec.id,
                        compared_with=other,
                        declared=declared_as,
                        named=named_as,
                    )
                )
    return tuple(found)
