"""A campaign's findings, counting refusals, "not held" and silence honestly.

A refusal, NCND, not held, cost refusal or silence is never a "no": every finding keeps the
bodies that withheld the answer and those that have not replied beside its bounds, and
``at_most`` (``None`` where no honest bound exists) says how high the figure could be if every
unknown went the other way. :func:`campaign_findings` computes the whole JSON object printed by
``custodes foi findings --json`` from the requests' statuses as of one moment.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from custodes.foi.request import (
    FoiRequest,
    ManufacturerShareFinding,
    TotalFinding,
    YesFinding,
)
from custodes.foi.states import Status
from custodes.foi.values import REFUSALS

__all__ = [
    "FindingResult",
    "MakerOf",
    "campaign_findings",
    "compute_finding",
    "coordinated_groups",
    "knowledge_maker",
    "question_status",
]

#: Maps a make-and-model text to the manufacturer it resolves to, or ``None`` (not confident).
MakerOf = Callable[[str], str | None]

ANSWERED, WITHHELD, NOT_HELD, NOT_STATED, NOT_REPLIED = (
    "answered",
    "withheld",
    "not_held",
    "not_stated",
    "not_replied",
)
WORDING_OUTCOMES = REFUSALS | {"partial", "not_held"}


@dataclass(frozen=True)
class FindingResult:
    """One finding's figures; :meth:`to_dict` is the public JSON shape."""

    id: str
    title: str
    at_least: int
    at_most: int | None
    denominator: int | None
    denominator_label: str
    bodies_reporting: int
    bodies_withheld: int
    bodies_not_replied: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "at_least": self.at_least,
            "at_most": self.at_most,
            "denominator": self.denominator,
            "denominator_label": self.denominator_label,
            "bodies_reporting": self.bodies_reporting,
            "bodies_withheld": self.bodies_withheld,
            "bodies_not_replied": self.bodies_not_replied,
        }


def knowledge_maker() -> MakerOf:
    """The vendor knowledge base's resolver as a :data:`MakerOf`: a make and model gives its
    manufacturer only on a confident match (a weak one is "maker not stated")."""
    from functools import lru_cache

    from custodes.intel import default_resolver

    resolver = default_resolver()

    @lru_cache(maxsize=4096)
    def maker_of(text: str) -> str | None:
        resolution = resolver.resolve(text)
        return None if resolution.weak else resolution.manufacturer

    return maker_of


def question_status(status: Status, qid: str) -> tuple[str, Any]:
    """What a body's current reply says about one question: ``(answered, value)``,
    ``withheld``, ``not_held``, ``not_stated`` (a reply silent on it) or ``not_replied``."""
    reply = status.reply if status.replied else None
    if reply is None:
        return NOT_REPLIED, None
    answer = reply.answers.get(qid)
    if answer is not None:
        if answer.outcome == WITHHELD or (answer.exemptions and answer.value is None):
            return WITHHELD, None
        if answer.outcome == NOT_HELD:
            return NOT_HELD, None
        if answer.value is not None:
            return ANSWERED, answer.value
    if reply.outcome in REFUSALS:
        return WITHHELD, None
    if reply.outcome == "not_held":
        return NOT_HELD, None
    return NOT_STATED, None


def _units(status: Status, count_q: str | None, counts_q: str | None) -> tuple[str, int | None]:
    """A body's number of units: the count question, else the breakdown's sum."""
    count_state, count = question_status(status, count_q) if count_q else (NOT_STATED, None)
    if count_state == ANSWERED:
        return ANSWERED, int(count)
    if counts_q:
        counts_state, entries = question_status(status, counts_q)
        if counts_state == ANSWERED:
            return ANSWERED, sum(int(n) for _name, n in entries)
        if WITHHELD in (count_state, counts_state):
            return WITHHELD, None
        if count_state == NOT_STATED:
            return counts_state, None
    return count_state, None


def _asked(statuses: Sequence[Status]) -> list[Status]:
    return [s for s in statuses if s.state != "not_sent"]


def _not_replied(statuses: Sequence[Status]) -> int:
    return sum(1 for s in _asked(statuses) if s.outstanding)


def _total(spec: TotalFinding, statuses: Sequence[Status]) -> FindingResult:
    at_least = reporting = withheld = unknown = 0
    for status in _asked(statuses):
        if status.state == "withdrawn":
            continue
        state, units = _units(status, spec.question, spec.counts_by)
        if state == ANSWERED and units is not None:
            at_least += units
            reporting += units > 0
        elif state == WITHHELD:
            withheld += 1
        elif state != NOT_REPLIED:
            unknown += 1
    not_replied = _not_replied(statuses)
    exact = withheld == 0 and unknown == 0 and not_replied == 0
    return FindingResult(
        spec.id,
        spec.title,
        at_least,
        at_least if exact else None,
        None,
        spec.denominator_label,
        reporting,
        withheld,
        not_replied,
    )


def _share(
    spec: ManufacturerShareFinding, statuses: Sequence[Status], maker_of: MakerOf
) -> FindingResult:
    wanted = spec.manufacturer.casefold()
    at_least = unknown_units = denominator = reporting = withheld = 0
    for status in _asked(statuses):
        state, units = _units(status, spec.total, spec.question)
        if state != ANSWERED or not units:
            continue
        maker_state, entries = question_status(status, spec.question)
        listed = named = 0
        if maker_state == ANSWERED:
            for name, count in entries:
                listed += int(count)
                maker = maker_of(name)
                if maker is not None and maker.casefold() == wanted:
                    at_least += int(count)
                    named += int(count)
                elif maker is not None:
                    named += int(count)
        elif maker_state == WITHHELD:
            withheld += 1
        units = max(units, listed)
        denominator += units
        reporting += 1
        unknown_units += units - named
    return FindingResult(
        spec.id,
        spec.title,
        at_least,
        at_least + unknown_units,
        denominator,
        spec.denominator_label,
        reporting,
        withheld,
        _not_replied(statuses),
    )


def _yes(spec: YesFinding, statuses: Sequence[Status]) -> FindingResult:
    asked = [s for s in _asked(statuses) if s.state != "withdrawn"]
    yes = answered = withheld = 0
    for status in asked:
        state, value = question_status(status, spec.question)
        if state == ANSWERED:
            answered += 1
            yes += value == "yes"
        elif state == WITHHELD:
            withheld += 1
    no = answered - yes
    return FindingResult(
        spec.id,
        spec.title,
        yes,
        len(asked) - no,
        len(asked),
        spec.denominator_label,
        answered,
        withheld,
        _not_replied(statuses),
    )


def compute_finding(
    spec: TotalFinding | ManufacturerShareFinding | YesFinding,
    statuses: Sequence[Status],
    maker_of: MakerOf,
) -> FindingResult:
    """One declared finding over the requests' statuses."""
    if isinstance(spec, TotalFinding):
        return _total(spec, statuses)
    if isinstance(spec, ManufacturerShareFinding):
        return _share(spec, statuses, maker_of)
    return _yes(spec, statuses)


def _wording_key(text: str, names: Sequence[str]) -> str:
    """Reply wording compared without case, punctuation, spacing or the body's own name."""
    lowered = text.casefold()
    for name in sorted(names, key=len, reverse=True):
        if name:
            lowered = re.sub(rf"\b{re.escape(name.casefold())}\b", " ", lowered)
    return " ".join(re.sub(r"[^\w]+", " ", lowered).split())


def coordinated_groups(statuses: Sequence[Status]) -> list[dict[str, Any]]:
    """Replies that look like one decision: two or more bodies referred to the same unit
    (``referral``) or refusing in the same words (``wording``)."""
    by_referral: dict[str, list[Status]] = {}
    by_wording: dict[str, list[Status]] = {}
    shown: dict[str, str] = {}
    for status in statuses:
        reply = status.reply if status.replied else None
        if reply is None:
            continue
        if reply.referred_to.strip():
            key = " ".join(reply.referred_to.casefold().split())
            by_referral.setdefault(key, []).append(status)
            shown.setdefault(f"referral:{key}", " ".join(reply.referred_to.split()))
        if reply.outcome in WORDING_OUTCOMES and reply.summary.strip():
            key = _wording_key(reply.summary, [status.facts.name, status.facts.code])
            if len(key) >= 20:
                by_wording.setdefault(key, []).append(status)
                shown.setdefault(f"wording:{key}", " ".join(reply.summary.split()))
    groups = []
    for kind, table in (("referral", by_referral), ("wording", by_wording)):
        for key, members in table.items():
            if len(members) < 2:
                continue
            groups.append(
                {
                    "kind": kind,
                    "shared": shown[f"{kind}:{key}"],
                    "bodies": sorted(s.facts.name for s in members),
                    "outcomes": dict(
                        sorted(Counter(s.reply.outcome for s in members if s.reply).items())
                    ),
                }
            )
    groups.sort(key=lambda g: (-len(g["bodies"]), g["kind"], g["shared"]))
    return groups


def campaign_findings(
    campaign: str,
    request: FoiRequest,
    statuses: Sequence[Status],
    as_of: datetime,
    maker_of: MakerOf,
) -> dict[str, Any]:
    """The findings object of ``custodes foi findings --json``."""
    asked = _asked(statuses)
    replied = [s for s in asked if s.replied]
    outcomes = Counter(s.reply.outcome for s in replied if s.reply)
    exemptions: Counter[str] = Counter()
    for status in replied:
        assert status.reply is not None
        cited = set(status.reply.exemptions)
        for answer in status.reply.answers.values():
            cited.update(answer.exemptions)
        exemptions.update(cited)
    return {
        "campaign": campaign,
        "as_of": as_of.isoformat(),
        "asked": len(asked),
        "replied": len(replied),
        "outstanding": sum(1 for s in asked if s.outstanding),
        "overdue": sum(1 for s in asked if s.state in {"overdue", "very_overdue"}),
        "outcomes": dict(sorted(outcomes.items())),
        "exemptions": dict(sorted(exemptions.items())),
        "findings": [
            compute_finding(spec, statuses, maker_of).to_dict() for spec in request.findings
        ],
        "coordinated": coordinated_groups(asked),
    }
