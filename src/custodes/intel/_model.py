"""Immutable domain objects of the vendor-intelligence knowledge base."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from custodes.intel._ieee import MacAssignment


@dataclass(frozen=True)
class Concern:
    """A dated, sourced reason for concern about a manufacturer."""

    kind: str
    authority: str
    date: date
    summary: str
    source: str
    scope: tuple[str, ...] = ()
    via: str = "manufacturer"
    """How the concern reaches a device: ``manufacturer``, ``brand`` (the company on the box),
    ``owner`` (the ultimate parent) or ``component`` (a part's vendor; only ever "possible")."""

    def to_dict(self) -> dict[str, str]:
        """JSON form used in resolver output."""
        return {
            "kind": self.kind,
            "authority": self.authority,
            "date": self.date.isoformat(),
            "summary": self.summary,
            "source": self.source,
            "via": self.via,
        }


WEAK_CONFIDENCE = 0.5
"""Below this a resolution is a guess: its maker's concerns are reported only as possible."""


@dataclass(frozen=True)
class Component:
    """A chip, SDK or web-server vendor found in the evidence: a part, not the device's maker."""

    name: str
    names: tuple[str, ...]
    role: str
    owner: str | None
    fact: Fact

    def to_dict(self) -> dict[str, str | None]:
        """JSON form: ``{"name", "role", "owner", "source"}``."""
        return {
            "name": self.name,
            "role": self.role,
            "owner": self.owner,
            "source": self.fact.source,
        }


@dataclass(frozen=True)
class Lookalike:
    """A company or brand whose name resembles a surveillance maker's but is not that maker."""

    name: str
    names: tuple[str, ...]
    role: str
    country: str | None
    owner: str | None
    resembles: tuple[str, ...]
    fact: Fact


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
    mac_assignment: MacAssignment | None = None
    owner: str | None = None
    components: tuple[Component, ...] = ()
    possible_concerns: tuple[Concern, ...] = ()

    @property
    def has_concern(self) -> bool:
        """True when at least one concern applies (possible concerns are not asserted)."""
        return bool(self.concerns)

    @property
    def weak(self) -> bool:
        """A match too weak to assert: low confidence, or concerns only "possible"."""
        return self.manufacturer is not None and self.confidence < WEAK_CONFIDENCE

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
            "mac_assignment": self.mac_assignment.to_dict() if self.mac_assignment else None,
            "owner": self.owner,
            "possible_concerns": [concern.to_dict() for concern in self.possible_concerns],
            "components": [component.to_dict() for component in self.components],
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
