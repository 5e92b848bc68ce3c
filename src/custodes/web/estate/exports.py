"""Register and exposure exports as CSV or XLSX, written row by row.

Register exports carry every asset's id under "Asset ID" and use column names the importer
recognises, so an exported register edited and imported again updates the same assets. The
resolved manufacturer goes under "Resolved manufacturer", which the importer ignores (the
manufacturer is resolved again from brand and model, or taken from the override).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any

from custodes import estate as core
from custodes.tabular import neutralise_formula
from custodes.web.bodies.models import Body
from custodes.web.estate.models import Asset

__all__ = [
    "EXPOSURE_HEADINGS",
    "REGISTER_HEADINGS",
    "csv_lines",
    "exposure_rows",
    "register_rows",
    "write_csv",
    "write_xlsx",
]

REGISTER_HEADINGS = (
    "Body",
    "Asset ID",
    "Kind",
    "Make",
    "Model",
    "Qty",
    "Firmware",
    "Serial number",
    "MAC address",
    "IP address",
    "Site",
    "Sensitive site",
    "Connectivity",
    "Supplier",
    "Procured",
    "Status",
    "Notes",
    "Manufacturer override",
    "Override reason",
    "Resolved manufacturer",
    "Of concern since",
)
EXPOSURE_HEADINGS = ("Scope", "Breakdown", "Name", "Devices", "Devices of concern", "Concern")


def _status_text(asset: Asset) -> str:
    if asset.status == core.AssetStatus.REMOVED:
        return f"removed on {asset.status_date.isoformat()}" if asset.status_date else "removed"
    if asset.status == core.AssetStatus.TO_BE_REPLACED:
        when = asset.status_date.isoformat() if asset.status_date else ""
        return f"to be replaced by {when}".strip()
    return "in service"


def register_rows(body: Body | None = None) -> Iterator[list[Any]]:
    """One list of cells per asset, in ``REGISTER_HEADINGS`` order, streamed from the database."""
    vocabulary = core.load_vocabulary()
    assets = Asset.objects.select_related("body").order_by("body__code", "asset_id")
    if body is not None:
        assets = assets.filter(body=body)
    for a in assets.iterator(chunk_size=5_000):
        kind = core.AssetKind(a.kind)
        yield [
            a.body.code,
            a.asset_id,
            vocabulary.kind_labels[kind],
            a.brand,
            a.model,
            a.quantity,
            a.firmware,
            a.serial,
            a.mac,
            a.ip,
            a.site,
            "yes" if a.sensitive_site else "no",
            vocabulary.connectivity_labels[core.Connectivity(a.connectivity)]
            if a.connectivity
            else "",
            a.supplier,
            a.procured_on.isoformat() if a.procured_on else "",
            _status_text(a),
            a.notes,
            a.manufacturer_override,
            a.override_reason,
            a.manufacturer,
            a.concern_since.isoformat() if a.concern_since else "",
        ]


def exposure_rows(summary: core.ExposureSummary) -> Iterator[list[Any]]:
    """The exposure summary as table rows (``EXPOSURE_HEADINGS``)."""
    scope = summary.scope
    yield [scope, "total", "all devices", summary.devices, summary.devices_of_concern, ""]
    yield [scope, "total", "on sensitive sites", "", summary.sensitive_site_devices_of_concern, ""]
    yield [scope, "total", "known exploited vulnerabilities", summary.kev_devices, "", ""]
    yield [
        scope,
        "total",
        "known exploited vulnerabilities possible (firmware or model unknown)",
        summary.kev_possible_devices,
        "",
        "",
    ]
    for m in summary.by_manufacturer:
        concern_devices = m.devices if m.concern else 0
        yield [
            scope,
            "manufacturer",
            m.manufacturer or "unknown",
            m.devices,
            concern_devices,
            "yes" if m.concern else "no",
        ]
    for k in summary.by_kind:
        yield [scope, "kind", k.kind.value, k.devices, k.devices_of_concern, ""]


class _Echo:
    """A file-like object whose ``write`` returns the line, for streamed CSV responses."""

    def write(self, value: str) -> str:
        return value


def csv_lines(headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    """CSV lines one at a time (for a streaming HTTP response)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(list(headings))
    for row in rows:
        yield writer.writerow([neutralise_formula(v) for v in row])


def write_csv(handle: IO[str], headings: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Writes a CSV; returns the number of data rows."""
    writer = csv.writer(handle)
    writer.writerow(headings)
    count = 0
    for row in rows:
        writer.writerow([neutralise_formula(v) for v in row])
        count += 1
    return count


def write_xlsx(
    handle: IO[bytes], headings: Sequence[str], rows: Iterable[Sequence[Any]], title: str
) -> int:
    """Writes an XLSX workbook in openpyxl's write-only (streaming) mode."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31] or "Sheet1")
    sheet.append(list(headings))
    count = 0
    for row in rows:
        sheet.append([neutralise_formula(v) for v in row])
        count += 1
    workbook.save(handle)
    return count
