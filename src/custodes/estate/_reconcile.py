"""Reconciling a body's survey return with its register.

A discrepancy is a block of the return that says "no" (no equipment of concern, or no such
system at all) while the register holds in-service devices of concern of that block's kinds.
Recorders belong to the block of the cameras at their site (the most devices, when several),
else to the kind's own block. Manufacturers named in the return are compared with those in
the register, block by block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from custodes.estate._model import AssetKind
from custodes.estate._vocab import Vocabulary, load_vocabulary, normalise

__all__ = [
    "Discrepancy",
    "Holding",
    "ManufacturerComparison",
    "Reconciliation",
    "blocks_of",
    "reconcile",
]

NO = "no"
SITE_BOUND_KINDS = frozenset({AssetKind.RECORDER})


@dataclass(frozen=True)
class Holding:
    """In-service devices of one kind, site and manufacturer in a body's register."""

    kind: AssetKind
    site: str
    manufacturer: str
    concern: bool
    devices: int


@dataclass(frozen=True)
class Discrepancy:
    """A return's "no" contradicted by the register."""

    body: str
    block: str
    question: str
    answer: str
    devices_of_concern: int
    manufacturers: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "block": self.block,
            "question": self.question,
            "answer": self.answer,
            "devices_of_concern": self.devices_of_concern,
            "manufacturers": list(self.manufacturers),
        }


@dataclass(frozen=True)
class ManufacturerComparison:
    """Manufacturers a return names for a block against those its register holds."""

    body: str
    block: str
    in_return: tuple[str, ...]
    in_register: tuple[str, ...]

    @property
    def only_in_return(self) -> tuple[str, ...]:
        return tuple(m for m in self.in_return if m not in self.in_register)

    @property
    def only_in_register(self) -> tuple[str, ...]:
        return tuple(m for m in self.in_register if m not in self.in_return)

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.body,
            "block": self.block,
            "in_return": list(self.in_return),
            "in_register": list(self.in_register),
            "only_in_return": list(self.only_in_return),
            "only_in_register": list(self.only_in_register),
        }


@dataclass(frozen=True)
class Reconciliation:
    body: str
    discrepancies: tuple[Discrepancy, ...]
    manufacturers: tuple[ManufacturerComparison, ...]


def blocks_of(
    holdings: Iterable[Holding], vocabulary: Vocabulary | None = None
) -> dict[str, list[Holding]]:
    """Holdings grouped by questionnaire block, recorders following their site's cameras."""
    vocabulary = vocabulary or load_vocabulary()
    holdings = list(holdings)
    site_blocks: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for holding in holdings:
        if holding.kind not in SITE_BOUND_KINDS and holding.site:
            site_blocks[normalise(holding.site)][vocabulary.kind_blocks[holding.kind]] += (
                holding.devices
            )
    grouped: dict[str, list[Holding]] = defaultdict(list)
    for holding in holdings:
        block = vocabulary.kind_blocks[holding.kind]
        if holding.kind in SITE_BOUND_KINDS and holding.site:
            at_site = site_blocks.get(normalise(holding.site))
            if at_site:
                block = max(sorted(at_site), key=lambda b: at_site[b])
        grouped[block].append(holding)
    return dict(grouped)


def reconcile(
    body: str,
    answers: Mapping[str, Any],
    holdings: Iterable[Holding],
    canonical: Callable[[str], str],
    vocabulary: Vocabulary | None = None,
) -> Reconciliation:
    """Compares one body's answers with its register holdings.

    ``canonical`` turns a manufacturer name from the return into the name the register uses
    (the resolver's manufacturer), so "HIK VISION" in a return matches Hikvision devices.
    """
    discrepancies: list[Discrepancy] = []
    comparisons: list[ManufacturerComparison] = []
    for block, held in sorted(blocks_of(holdings, vocabulary).items()):
        of_concern = [h for h in held if h.concern and h.devices > 0]
        concern_devices = sum(h.devices for h in of_concern)
        concern_makers = tuple(sorted({h.manufacturer for h in of_concern if h.manufacturer}))
        for question in (f"{block}.operates", f"{block}.concerns"):
            if concern_devices and str(answers.get(question, "")).casefold() == NO:
                discrepancies.append(
                    Discrepancy(body, block, question, NO, concern_devices, concern_makers)
                )
                break
        named = answers.get(f"{block}.manufacturers")
        if isinstance(named, list) or any(h.devices for h in held):
            in_return = tuple(sorted({canonical(str(n)) for n in named or () if str(n).strip()}))
            in_register = tuple(
                sorted({h.manufacturer for h in held if h.manufacturer and h.devices})
            )
            comparisons.append(ManufacturerComparison(body, block, in_return, in_register))
    return Reconciliation(body, tuple(discrepancies), tuple(comparisons))
