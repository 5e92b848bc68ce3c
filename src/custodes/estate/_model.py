"""Typed values of an equipment register: kinds, connectivity, status and one parsed row."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

__all__ = ["FIELDS", "AssetKind", "AssetRow", "AssetStatus", "Connectivity"]


class AssetKind(StrEnum):
    """What a register row describes (labels and synonyms live in ``data/estate``)."""

    EXTERNAL_CCTV_CAMERA = "external_cctv_camera"
    INTERNAL_CCTV_CAMERA = "internal_cctv_camera"
    ANPR_CAMERA = "anpr_camera"
    BODY_WORN_CAMERA = "body_worn_camera"
    DRONE = "drone"
    AIRCRAFT_CAMERA = "aircraft_camera"
    RECORDER = "recorder"
    FACIAL_RECOGNITION = "facial_recognition"
    OTHER = "other"


class Connectivity(StrEnum):
    """How far the equipment reaches: its own network, the body's, the internet, a vendor cloud."""

    ISOLATED = "isolated"
    INTERNAL_NETWORK = "internal_network"
    INTERNET = "internet"
    VENDOR_CLOUD = "vendor_cloud"


class AssetStatus(StrEnum):
    """In service, to be replaced by a date, or removed on a date."""

    IN_SERVICE = "in_service"
    TO_BE_REPLACED = "to_be_replaced"
    REMOVED = "removed"


FIELDS: tuple[str, ...] = (
    "asset_id",
    "kind",
    "brand",
    "model",
    "description",
    "quantity",
    "firmware",
    "serial",
    "mac",
    "ip",
    "site",
    "sensitive_site",
    "connectivity",
    "supplier",
    "procured_on",
    "status",
    "replace_by",
    "removed_on",
    "notes",
    "manufacturer_override",
    "override_reason",
)
"""Every field a register column can map to."""


@dataclass(frozen=True, slots=True)
class AssetRow:
    """One validated register row; ``row`` is the 1-based spreadsheet row it came from."""

    row: int
    kind: AssetKind
    quantity: int
    asset_id: str = ""
    brand: str = ""
    model: str = ""
    firmware: str = ""
    serial: str = ""
    mac: str = ""
    ip: str = ""
    site: str = ""
    sensitive_site: bool = False
    connectivity: Connectivity | None = None
    supplier: str = ""
    procured_on: date | None = None
    status: AssetStatus = AssetStatus.IN_SERVICE
    status_date: date | None = None
    notes: str = ""
    manufacturer_override: str = ""
    override_reason: str = ""

    @property
    def equipment_text(self) -> str:
        """Brand and model as recorded, the text the manufacturer resolver reads."""
        return " ".join(part for part in (self.brand, self.model) if part)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (dates as ISO strings, enums as their values)."""
        return {
            "row": self.row,
            "asset_id": self.asset_id,
            "kind": self.kind.value,
            "brand": self.brand,
            "model": self.model,
            "quantity": self.quantity,
            "firmware": self.firmware,
            "serial": self.serial,
            "mac": self.mac,
            "ip": self.ip,
            "site": self.site,
            "sensitive_site": self.sensitive_site,
            "connectivity": self.connectivity.value if self.connectivity else None,
            "supplier": self.supplier,
            "procured_on": self.procured_on.isoformat() if self.procured_on else None,
            "status": self.status.value,
            "status_date": self.status_date.isoformat() if self.status_date else None,
            "notes": self.notes,
            "manufacturer_override": self.manufacturer_override,
            "override_reason": self.override_reason,
        }
