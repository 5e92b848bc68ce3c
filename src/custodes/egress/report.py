"""Results of an egress analysis: per-device vendor service usage and capture problems."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from custodes.egress._capture import CaptureProblem

__all__ = ["CaptureProblem", "DeviceTraffic", "EgressReport", "ServiceUsage", "iso_time"]


def iso_time(timestamp: float) -> str:
    """ISO 8601 UTC time with microseconds and a ``Z`` suffix."""
    moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(slots=True)
class ServiceUsage:
    """Traffic between one local device and one vendor service (both directions)."""

    service: str
    vendor: str
    kind: str
    evidence: list[str]
    first_seen: float
    last_seen: float
    packets: int
    bytes: int

    def to_dict(self) -> dict[str, Any]:
        """The issue's JSON shape (plus ``kind``)."""
        return {
            "service": self.service,
            "vendor": self.vendor,
            "kind": self.kind,
            "evidence": list(self.evidence),
            "first_seen": iso_time(self.first_seen),
            "last_seen": iso_time(self.last_seen),
            "packets": self.packets,
            "bytes": self.bytes,
        }


@dataclass(slots=True)
class DeviceTraffic:
    """One local device that sent traffic beyond the local networks."""

    device: str
    vendor_services: list[ServiceUsage]
    other_packets: int = 0
    other_bytes: int = 0
    other_remote_addresses: int = 0
    name: str | None = None
    manufacturer: str | None = None
    owner: str | None = None

    def to_dict(self, *, with_directory: bool = False) -> dict[str, Any]:
        """JSON-ready form; ``name``, ``manufacturer`` and ``owner`` (its ultimate parent)
        appear when a directory was used."""
        result: dict[str, Any] = {"device": self.device}
        if with_directory:
            result["name"] = self.name
            result["manufacturer"] = self.manufacturer
            result["owner"] = self.owner
        result["vendor_services"] = [usage.to_dict() for usage in self.vendor_services]
        result["other_egress"] = {
            "packets": self.other_packets,
            "bytes": self.other_bytes,
            "remote_addresses": self.other_remote_addresses,
        }
        return result


@dataclass(slots=True)
class EgressReport:
    """Everything :func:`custodes.egress.analyse` found."""

    devices: list[DeviceTraffic] = field(default_factory=list)
    problems: list[CaptureProblem] = field(default_factory=list)
    packets_read: int = 0
    bytes_read: int = 0
    with_directory: bool = False

    def to_dicts(self) -> list[dict[str, Any]]:
        """One JSON-ready object per local device (the CLI's ``--json`` lines)."""
        return [device.to_dict(with_directory=self.with_directory) for device in self.devices]
