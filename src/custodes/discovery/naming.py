"""The one place where discovery meets ``custodes.intel``: canonical names and concerns.

The rules say who made a device from protocol evidence; the resolver turns those names into
canonical manufacturer and brand names, fills the maker in from a brand or MAC when no
protocol showed it, and lists the concerns recorded against the maker.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol


class _Resolution(Protocol):
    manufacturer: str | None
    brand: str | None
    device_kind: str | None


class Resolver(Protocol):
    """The part of ``custodes.intel``'s resolver this module uses."""

    def resolve(self, text: str, as_of: Any = None) -> Any: ...

    def resolve_mac(self, mac: str) -> Any: ...

    def concerns_for(self, manufacturer: str) -> tuple[Any, ...]: ...


@dataclass(slots=True)
class Names:
    """Canonical names for one device, with the concerns about its maker."""

    manufacturer: str | None
    brand: str | None
    device_kind: str | None
    concerns: list[dict[str, Any]] = field(default_factory=list)


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
    if maker:
        maker = _text(resolver.resolve(maker).manufacturer) or maker
    if brand:
        resolved = resolver.resolve(brand)
        brand = _text(resolved.brand) or _text(resolved.manufacturer) or brand
        maker = maker or _text(resolved.manufacturer)
    if model and (not maker or not device_kind):
        resolved = resolver.resolve(model)
        maker = maker or _text(resolved.manufacturer)
        device_kind = device_kind or _text(resolved.device_kind)
    if not maker and mac:
        maker = _text(getattr(resolver.resolve_mac(mac), "manufacturer", None))
    return Names(maker, brand or maker, device_kind, _concerns(resolver, maker))


def _concerns(resolver: Resolver, maker: str | None) -> list[dict[str, Any]]:
    """Concerns about ``maker``; none when the knowledge base does not know the maker."""
    if not maker:
        return []
    try:
        return [concern.to_dict() for concern in resolver.concerns_for(maker)]
    except KeyError:  # the intel resolver's UnknownManufacturerError is a KeyError
        return []
