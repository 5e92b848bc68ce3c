"""The one place where discovery meets ``custodes.intel``: canonical names and concerns.

The rules say who made a device from protocol evidence; the resolver turns those names into
canonical manufacturer and brand names, fills the maker in from a brand or MAC when no
protocol showed it, names the ultimate owner, and lists the concerns recorded against the
maker (and, marked ``via: owner``, the owner's designations and bans). A name the resolver
knows as a chip or SDK vendor (HiSilicon, GoAhead, "Cross Web Server") is a component, never
the maker; a weak (fuzzy) resolution never names one either.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

KEV_KIND = "known-exploited vulnerability"


class Resolver(Protocol):
    """The part of ``custodes.intel``'s resolver this package uses."""

    def resolve(self, text: str, as_of: Any = None) -> Any: ...

    def names_of(self, company: str) -> tuple[str, ...]: ...

    def resolve_mac(self, mac: str) -> Any: ...

    def concerns_for(self, manufacturer: str) -> tuple[Any, ...]: ...

    def owner_of(self, company: str) -> str | None: ...


@dataclass(slots=True)
class Names:
    """Canonical names for one device, with its owner, components and maker's concerns."""

    manufacturer: str | None
    brand: str | None
    device_kind: str | None
    concerns: list[dict[str, Any]] = field(default_factory=list)
    owner: str | None = None
    components: list[dict[str, Any]] = field(default_factory=list)
    inferred: Inference | None = None  # the maker, when the resolver filled it in


@dataclass(frozen=True, slots=True)
class Inference:
    """How the resolver filled the maker in where no rule named it: from which value (a
    brand, a model number or a MAC address), why, and with what confidence."""

    value: str
    reason: str
    confidence: float


def _inference(value: str, resolved: Any) -> Inference:
    reason = str(resolved.evidence[0]) if resolved.evidence else "resolved by the knowledge base"
    return Inference(value, reason, float(resolved.confidence))


def default_resolver() -> Resolver:
    """The knowledge-base resolver of ``custodes.intel``."""
    from custodes.intel import default_resolver as intel_resolver

    return intel_resolver()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    name = getattr(value, "name", value)
    return str(name) if str(name).strip() else None


def canonical_names(
    resolver: Resolver | None,
    maker: str | None,
    brand: str | None,
    model: str | None,
    device_kind: str | None,
    mac: str | None,
) -> Names:
    """Canonical maker and brand; protocol evidence for the maker wins over any name."""
    if resolver is None:
        return Names(maker, brand or maker, device_kind)
    components: dict[str, dict[str, Any]] = {}
    inferred = None
    if maker:
        resolved = resolver.resolve(maker)
        _collect(components, resolved)
        if _components_only(resolved):
            maker = None
        elif not resolved.weak:
            maker = _text(resolved.manufacturer) or maker
    if brand:
        resolved = resolver.resolve(brand)
        _collect(components, resolved)
        if _components_only(resolved):
            brand = None
        elif not resolved.weak:
            if not maker and _text(resolved.manufacturer):
                maker, inferred = _text(resolved.manufacturer), _inference(brand, resolved)
            brand = _text(resolved.brand) or _text(resolved.manufacturer) or brand
    if model and (not maker or not device_kind):
        resolved = resolver.resolve(model)
        if not resolved.weak and not maker and _text(resolved.manufacturer):
            maker, inferred = _text(resolved.manufacturer), _inference(model, resolved)
        device_kind = device_kind or _text(resolved.device_kind)
    if not maker and mac:
        resolved = resolver.resolve_mac(mac)
        _collect(components, resolved)
        if not resolved.weak:
            maker = _text(resolved.manufacturer)
            brand = brand or _text(resolved.brand)
            inferred = _inference(mac, resolved) if maker else None
    brand = brand or maker
    owner = resolver.owner_of(brand) if brand else None
    concerns = _concerns(resolver, maker, owner)
    return Names(maker, brand, device_kind, concerns, owner, list(components.values()), inferred)


def _components_only(resolved: Any) -> bool:
    """The name is a chip/SDK vendor's: it names no maker."""
    return resolved.manufacturer is None and bool(resolved.components)


def _collect(found: dict[str, dict[str, Any]], resolved: Any) -> None:
    for component in resolved.components:
        found.setdefault(component.name, component.to_dict())


def _concerns(resolver: Resolver, maker: str | None, owner: str | None) -> list[dict[str, Any]]:
    """Concerns about ``maker``, then the owner's (not its KEV entries) marked ``via: owner``;
    none when the knowledge base does not know the company."""
    result: list[dict[str, Any]] = []
    for company, via in ((maker, "manufacturer"), (owner, "owner")):
        if not company or (via == "owner" and company == maker):
            continue
        try:
            concerns = resolver.concerns_for(company)
        except KeyError:  # the intel resolver's UnknownManufacturerError is a KeyError
            continue
        for concern in concerns:
            if via == "owner" and concern.kind == KEV_KIND:
                continue
            item = {**concern.to_dict(), "via": via}
            if all(
                (item["authority"], item["date"], item["summary"])
                != (known["authority"], known["date"], known["summary"])
                for known in result
            ):
                result.append(item)
    return result
