"""Value types shared by probes, the rule engine and the scanner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Observation:
    """One fact seen on the wire: which probe, which port, which field, what value."""

    probe: str
    port: int | None
    field: str
    value: str


@dataclass(frozen=True, slots=True)
class Evidence:
    """An observation that a fingerprint rule matched, with the rule's id."""

    probe: str
    port: int | None
    observed: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """JSON form: ``{"probe", "port", "observed", "rule"}``."""
        return {
            "probe": self.probe,
            "port": self.port,
            "observed": self.observed,
            "rule": self.rule,
        }


@dataclass(slots=True)
class Device:
    """A device found by a scan, in the shape printed by ``custodes scan --json``."""

    address: str
    open_ports: list[int] = field(default_factory=list)
    manufacturer: str | None = None
    brand: str | None = None
    model: str | None = None
    firmware: str | None = None
    serial: str | None = None
    mac: str | None = None
    device_kind: str | None = None
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)
    concerns: list[dict[str, Any]] = field(default_factory=list)
    owner: str | None = None
    components: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON form with exactly the fields of the public interface."""
        return {
            "address": self.address,
            "open_ports": sorted(self.open_ports),
            "manufacturer": self.manufacturer,
            "brand": self.brand,
            "model": self.model,
            "firmware": self.firmware,
            "serial": self.serial,
            "mac": self.mac,
            "device_kind": self.device_kind,
            "confidence": round(self.confidence, 3),
            "evidence": [item.to_dict() for item in self.evidence],
            "concerns": list(self.concerns),
            "owner": self.owner,
            "components": list(self.components),
        }
