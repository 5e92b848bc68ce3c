"""Exposure of an estate: devices by manufacturer, by concern and by kind, from grouped counts.

The database (or any other source) groups assets into ``ExposureCell``s; ``summarise`` turns
them into the summary the CLI prints as JSON and the dashboard draws. Quantities count as
devices: a row standing for twelve identical cameras is twelve devices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from custodes.estate._model import AssetKind

__all__ = ["ExposureCell", "ExposureSummary", "KindCount", "MakerCount", "summarise"]


@dataclass(frozen=True)
class ExposureCell:
    """Devices in service sharing a manufacturer, kind and flags ("" manufacturer: unknown).

    ``kev``: a known exploited vulnerability is confirmed (model and firmware known to be in
    the affected range); ``kev_possible``: one may apply (firmware or model unknown, or the
    range not recorded). At most one of the two is set."""

    manufacturer: str
    kind: AssetKind
    concern: bool
    kev: bool
    sensitive_site: bool
    devices: int
    kev_possible: bool = False


@dataclass(frozen=True)
class MakerCount:
    manufacturer: str | None
    devices: int
    concern: bool


@dataclass(frozen=True)
class KindCount:
    kind: AssetKind
    devices: int
    devices_of_concern: int


@dataclass(frozen=True)
class ExposureSummary:
    """The exposure of one body's estate, or the nation's, as of a day."""

    scope: str
    as_of: date
    devices: int
    devices_of_concern: int
    sensitive_site_devices_of_concern: int
    kev_devices: int
    by_manufacturer: tuple[MakerCount, ...]
    by_kind: tuple[KindCount, ...]
    kev_possible_devices: int = 0

    @property
    def share_of_concern(self) -> float | None:
        """Devices of concern over all devices; None when there are no devices."""
        return round(self.devices_of_concern / self.devices, 4) if self.devices else None

    def to_dict(self) -> dict[str, Any]:
        """The public JSON shape (``custodes estate exposure --json``); keys exactly these."""
        return {
            "scope": self.scope,
            "devices": self.devices,
            "devices_of_concern": self.devices_of_concern,
            "share_of_concern": self.share_of_concern,
            "sensitive_site_devices_of_concern": self.sensitive_site_devices_of_concern,
            "kev_devices": self.kev_devices,
            "kev_possible_devices": self.kev_possible_devices,
            "by_manufacturer": [
                {"manufacturer": m.manufacturer, "devices": m.devices, "concern": m.concern}
                for m in self.by_manufacturer
            ],
            "by_kind": [
                {
                    "kind": k.kind.value,
                    "devices": k.devices,
                    "devices_of_concern": k.devices_of_concern,
                }
                for k in self.by_kind
            ],
        }


def summarise(scope: str, as_of: date, cells: Iterable[ExposureCell]) -> ExposureSummary:
    """Adds grouped counts up into a summary; manufacturers by devices, most first, unknown last."""
    devices = concern = sensitive = kev = kev_possible = 0
    makers: dict[str, list[int | bool]] = {}
    kinds: dict[AssetKind, list[int]] = {kind: [0, 0] for kind in AssetKind}
    for cell in cells:
        devices += cell.devices
        maker = makers.setdefault(cell.manufacturer, [0, False])
        maker[0] = int(maker[0]) + cell.devices
        maker[1] = bool(maker[1]) or cell.concern
        kinds[cell.kind][0] += cell.devices
        if cell.concern:
            concern += cell.devices
            kinds[cell.kind][1] += cell.devices
            if cell.sensitive_site:
                sensitive += cell.devices
        if cell.kev:
            kev += cell.devices
        elif cell.kev_possible:
            kev_possible += cell.devices
    by_maker = sorted(
        (
            MakerCount(name or None, int(count), bool(flag))
            for name, (count, flag) in makers.items()
        ),
        key=lambda m: (m.manufacturer is None, -m.devices, m.manufacturer or ""),
    )
    return ExposureSummary(
        scope=scope,
        as_of=as_of,
        devices=devices,
        devices_of_concern=concern,
        sensitive_site_devices_of_concern=sensitive,
        kev_devices=kev,
        kev_possible_devices=kev_possible,
        by_manufacturer=tuple(m for m in by_maker if m.devices),
        by_kind=tuple(KindCount(k, d, c) for k, (d, c) in kinds.items() if d),
    )
