"""Device directories for ``--devices``: a scan result (JSON Lines) or a register export (CSV)."""

from __future__ import annotations

import csv
import ipaddress
import json
from dataclasses import dataclass
from pathlib import Path

from custodes.egress.errors import DeviceFileError

__all__ = ["DeviceDirectory", "DeviceRecord", "load_devices"]

ADDRESS_COLUMNS = ("ip", "ip_address", "address", "ipv4")
NAME_COLUMNS = ("name", "device_name", "device", "label", "hostname", "asset", "asset_name")
MANUFACTURER_COLUMNS = ("manufacturer", "make", "vendor", "brand")
MODEL_COLUMNS = ("model", "model_number")
MAX_DEVICE_FILE_BYTES = 64 * 1024 * 1024
MAX_FIELD = 200


@dataclass(frozen=True, slots=True)
class DeviceRecord:
    """What a directory knows about one address."""

    address: str
    name: str | None
    manufacturer: str | None
    model: str | None
    owner: str | None = None
    """The manufacturer's ultimate parent (a scan result's ``owner``, else the knowledge base's)."""


class DeviceDirectory:
    """Look up known devices by IP address (any textual form of the address)."""

    def __init__(self, records: list[DeviceRecord] | None = None) -> None:
        self._by_address: dict[str, DeviceRecord] = {}
        for record in records or []:
            self.add(record)

    def add(self, record: DeviceRecord) -> None:
        """Add or replace the record for ``record.address``."""
        self._by_address[_normal_address(record.address)] = record

    def lookup(self, address: str) -> DeviceRecord | None:
        """The record for ``address``, or ``None``."""
        try:
            return self._by_address.get(_normal_address(address))
        except ValueError:
            return None

    def __len__(self) -> int:
        return len(self._by_address)


def _normal_address(text: str) -> str:
    return str(ipaddress.ip_address(text.strip()))


def _owner_of(manufacturer: str | None) -> str | None:
    """The ultimate owner the vendor knowledge base records for ``manufacturer``."""
    if manufacturer is None:
        return None
    from custodes.intel import default_resolver

    return default_resolver().owner_of(manufacturer)


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text[:MAX_FIELD] or None


def load_devices(path: Path) -> DeviceDirectory:
    """Read a scan result (JSON Lines with ``address``) or a register CSV with an IP column.

    Raises :class:`DeviceFileError` with the file and line of the first unusable entry.
    """
    path = Path(path)
    try:
        if path.stat().st_size > MAX_DEVICE_FILE_BYTES:
            raise DeviceFileError(path, 0, f"larger than {MAX_DEVICE_FILE_BYTES} bytes")
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise DeviceFileError(path, 0, f"cannot read: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise DeviceFileError(path, 0, f"not UTF-8 text: {exc}") from exc
    if text.lstrip().startswith("{"):
        return _from_json_lines(path, text)
    return _from_csv(path, text)


def _from_json_lines(path: Path, text: str) -> DeviceDirectory:
    directory = DeviceDirectory()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DeviceFileError(path, number, f"not JSON: {exc.msg}") from exc
        if not isinstance(item, dict):
            raise DeviceFileError(path, number, "expected a JSON object")
        address = item.get("address", item.get("ip"))
        if not isinstance(address, str):
            raise DeviceFileError(path, number, "object has no 'address' string")
        try:
            _normal_address(address)
        except ValueError as exc:
            raise DeviceFileError(path, number, f"'address' {address!r} is not an IP") from exc
        manufacturer = _clean(item.get("manufacturer"))
        directory.add(
            DeviceRecord(
                address=address,
                name=_clean(item.get("name") or item.get("hostname")),
                manufacturer=manufacturer,
                model=_clean(item.get("model")),
                owner=_clean(item.get("owner")) if "owner" in item else _owner_of(manufacturer),
            )
        )
    return directory


def _column_key(heading: str) -> str:
    """``"IP Address"`` and ``"ip-address"`` both become ``"ip_address"``."""
    return "_".join(heading.strip().lower().replace("-", " ").split())


def _pick(columns: dict[str, str], candidates: tuple[str, ...]) -> str | None:
    for candidate in candidates:
        if candidate in columns:
            return columns[candidate]
    return None


def _from_csv(path: Path, text: str) -> DeviceDirectory:
    reader = csv.DictReader(text.splitlines())
    if not reader.fieldnames:
        raise DeviceFileError(path, 1, "no header row")
    columns = {_column_key(name): name for name in reader.fieldnames if name}
    address_column = _pick(columns, ADDRESS_COLUMNS)
    if address_column is None:
        raise DeviceFileError(
            path, 1, f"no IP column; expected one of {', '.join(ADDRESS_COLUMNS)}"
        )
    name_column = _pick(columns, NAME_COLUMNS)
    manufacturer_column = _pick(columns, MANUFACTURER_COLUMNS)
    model_column = _pick(columns, MODEL_COLUMNS)
    directory = DeviceDirectory()
    for row in reader:
        address = (row.get(address_column) or "").strip()
        if not address:
            continue
        try:
            _normal_address(address)
        except ValueError as exc:
            raise DeviceFileError(
                path, reader.line_num, f"column {address_column!r}: {address!r} is not an IP"
            ) from exc
        manufacturer = _clean(row.get(manufacturer_column)) if manufacturer_column else None
        directory.add(
            DeviceRecord(
                address=address,
                name=_clean(row.get(name_column)) if name_column else None,
                manufacturer=manufacturer,
                model=_clean(row.get(model_column)) if model_column else None,
                owner=_owner_of(manufacturer),
            )
        )
    return directory
