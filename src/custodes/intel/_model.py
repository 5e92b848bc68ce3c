"""Immutable domain objects of the vendor-intelligence knowledge base."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any


@dataclass(frozen=True)
class Concern:
    """A dated, sourced reason for concern about a manufacturer."""

    kind: str
    authority: str
    date: date
    summary: str
    source: str
    scope: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, str]:
        """JSON form used in resolver output."""
        return {
            "kind": self.kind,
            "authority": self.authority,
            "date": self.date.isoformat(),
            "summary": self.summary,
            "source": self.source,
        }


@dataclass(frozen=True)
class Resolution:
    """What the resolver concluded about one input string."""

    input: str
    manufacturer: str | None
    brand: str | None
    model: str | None
    device_kind: str | None
    confidence: float
    evidence: tuple[str, ...]
    concerns: tuple[Concern, ...]

    @property
    def has_concern(self) -> bool:
        """True when at least one concern applies."""
        return bool(self.concerns)

    def to_dict(self) -> dict[str, Any]:
        """JSON form with exactly the keys of the public interface, in order."""
        return {
            "input": self.input,
            "manufacturer": self.manufacturer,
            "brand": self.brand,
            "model": self.model,
            "device_kind": self.device_kind,
            "confidence": round(self.confidence, 3),
            "evidence": list(self.evidence),
            "concerns": [concern.to_dict() for concern in self.concerns],
        }


@dataclass(frozen=True)
class Fact:
    """Where a fact comes from and how sure the knowledge base is about it."""

    source: str
    date: date
    confidence: str
    note: str | None = None


@dataclass(frozen=True)
class Ownership:
    """A period during which ``owner`` owned the manufacturer."""

    owner: str
    since: date | None
    until: date | None
    fact: Fact

    def covers(self, when: date) -> bool:
        """Whether the ownership was in force on ``when``."""
        return (self.since is None or self.since <= when) and (
            self.until is None or when <= self.until
        )


@dataclass(frozen=True)
class Brand:
    """A brand, subsidiary or former name of a manufacturer."""

    name: str
    aliases: tuple[str, ...]
    relation: str
    since: date | None
    until: date | None
    fact: Fact

    def covers(self, when: date) -> bool:
        """Whether the relation was in force on ``when``."""
        return (self.since is None or self.since <= when) and (
            self.until is None or when <= self.until
        )


@dataclass(frozen=True)
class OemLink:
    """Evidence that ``maker`` builds some or all of a company's products."""

    maker: str
    scope: str
    fact: Fact


@dataclass(frozen=True)
class ModelPattern:
    """A model-number family of one manufacturer."""

    manufacturer: str
    family: str
    prefix: str
    regex: re.Pattern[str]
    device_kind: str
    fact: Fact
    brand: str | None = None


@dataclass(frozen=True)
class ProductLine:
    """A named product line (for example a drone family)."""

    manufacturer: str
    name: str
    device_kind: str
    qualifiers: tuple[str, ...]
    needs_maker_name: bool
    fact: Fact


@dataclass(frozen=True)
class Manufacturer:
    """A manufacturer with everything the knowledge base knows about it."""

    name: str
    country: str
    legal_names: tuple[str, ...]
    aliases: tuple[str, ...]
    misspellings: tuple[str, ...]
    products: tuple[str, ...]
    owners: tuple[Ownership, ...]
    brands: tuple[Brand, ...]
    made_by: tuple[OemLink, ...]
    model_patterns: tuple[ModelPattern, ...]
    product_lines: tuple[ProductLine, ...]
    oui_registrants: tuple[str, ...]
    kev_vendor_names: tuple[str, ...]
    fact: Fact
    concerns: tuple[Concern, ...] = ()
    unverified_concerns: tuple[Concern, ...] = field(default=())

    def all_names(self) -> tuple[str, ...]:
        """Canonical name, legal names, aliases and misspellings."""
        return (self.name, *self.legal_names, *self.aliases, *self.misspellings)


@dataclass(frozen=True)
class Integrator:
    """An installer or integrator (never a manufacturer)."""

    name: str
    aliases: tuple[str, ...]
    country: str
    fact: Fact
