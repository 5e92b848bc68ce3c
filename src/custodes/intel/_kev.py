"""Reading CISA's Known Exploited Vulnerabilities catalog (JSON or CSV) and storing matches."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from custodes.intel._errors import KevImportError
from custodes.intel._knowledge import KnowledgeBase, imported_kev_path
from custodes.intel._normalize import name_key
from custodes.intel._resolver import Resolver
from custodes.intel._schema import KevEntrySpec, KevSnapshotFile

MAX_KEV_BYTES = 64 * 1024 * 1024
MAX_KEV_ENTRIES = 200_000
MAX_FIELD_CHARS = 4096
KEV_CATALOG_URL = "https://www.cisa.gov/known-exploited-vulnerabilities-catalog"
REQUIRED_FIELDS = (
    "cveID",
    "vendorProject",
    "product",
    "vulnerabilityName",
    "dateAdded",
    "shortDescription",
    "requiredAction",
    "dueDate",
)
_CVE = re.compile(r"^CVE-[0-9]{4}-[0-9]{4,19}$")


@dataclass(frozen=True)
class KevImport:
    """Outcome of reading one KEV file."""

    catalog_version: str
    released: date
    total: int
    matched: tuple[KevEntrySpec, ...]

    def to_snapshot(self) -> KevSnapshotFile:
        """The JSON document written to ``$CUSTODES_DATA_DIR/intel/kev.json``."""
        return KevSnapshotFile(
            catalog_version=self.catalog_version,
            source=KEV_CATALOG_URL,
            date=self.released,
            note=f"imported by custodes intel import-kev: {len(self.matched)} of {self.total}",
            entries=list(self.matched),
        )


def _text(row: dict[str, Any], field: str, path: Path, number: int) -> str:
    value = row.get(field)
    if not isinstance(value, str) or not value.strip():
        raise KevImportError(path, f"entry {number}: field {field!r} missing or not text")
    return value.strip()[:MAX_FIELD_CHARS]


def _read_rows(path: Path) -> tuple[list[dict[str, Any]], str | None, date | None]:
    try:
        if path.stat().st_size > MAX_KEV_BYTES:
            raise KevImportError(path, f"larger than {MAX_KEV_BYTES} bytes")
        raw = path.read_bytes()
    except OSError as error:
        raise KevImportError(path, f"cannot read: {error}") from error
    text = raw.decode("utf-8-sig", errors="replace")
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise KevImportError(
                path, f"invalid JSON at line {error.lineno}: {error.msg}"
            ) from error
        rows = document.get("vulnerabilities") if isinstance(document, dict) else None
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise KevImportError(path, "JSON has no 'vulnerabilities' array of objects")
        version = document.get("catalogVersion")
        released_text = str(document.get("dateReleased") or "")[:10]
        try:
            released = date.fromisoformat(released_text) if released_text else None
        except ValueError as error:
            raise KevImportError(path, f"bad dateReleased {released_text!r}") from error
        return rows, str(version) if version else None, released
    reader = csv.DictReader(io.StringIO(text))
    missing = [field for field in REQUIRED_FIELDS if field not in (reader.fieldnames or [])]
    if missing:
        raise KevImportError(path, f"neither KEV JSON nor KEV CSV: missing columns {missing}")
    return list(reader), None, None


def read_kev(path: Path, resolver: Resolver) -> KevImport:
    """Parse a KEV JSON or CSV file and keep the entries whose vendor is in the knowledge base."""
    rows, version, released = _read_rows(path)
    if len(rows) > MAX_KEV_ENTRIES:
        raise KevImportError(path, f"more than {MAX_KEV_ENTRIES} entries")
    vendor_names = {
        name_key(alias): maker
        for maker in resolver.knowledge.manufacturers
        for alias in maker.kev_vendor_names
    }
    matched: dict[str, KevEntrySpec] = {}
    latest: date | None = None
    for number, row in enumerate(rows, start=1):
        cve = _text(row, "cveID", path, number)
        if not _CVE.match(cve):
            raise KevImportError(path, f"entry {number}: bad cveID {cve!r}")
        added_text = _text(row, "dateAdded", path, number)
        try:
            added = datetime.strptime(added_text[:10], "%Y-%m-%d").date()
        except ValueError as error:
            raise KevImportError(path, f"entry {number}: bad dateAdded {added_text!r}") from error
        latest = added if latest is None or added > latest else latest
        vendor = _text(row, "vendorProject", path, number)
        product = _text(row, "product", path, number)
        maker = (
            vendor_names.get(name_key(vendor))
            or resolver.named_company(vendor)
            or resolver.named_company(product)
        )
        if maker is None:
            continue
        matched[cve] = KevEntrySpec(
            cve_id=cve,
            vendor_project=vendor,
            product=product,
            name=_text(row, "vulnerabilityName", path, number),
            date_added=added,
            manufacturer=maker.name,
            source=f"https://nvd.nist.gov/vuln/detail/{cve}",
        )
    if latest is None:
        raise KevImportError(path, "catalog has no entries")
    released = released or latest
    return KevImport(
        catalog_version=version or f"csv-{latest.isoformat()}",
        released=released,
        total=len(rows),
        matched=tuple(sorted(matched.values(), key=lambda entry: entry.cve_id)),
    )


def write_kev_import(result: KevImport, data_dir: Path) -> Path:
    """Store imported entries as ``<data_dir>/intel/kev.json`` (replacing an earlier import)."""
    target = imported_kev_path(data_dir)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".json.tmp")
    payload = result.to_snapshot().model_dump(mode="json")
    temporary.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    temporary.replace(target)
    return target


def import_kev(path: Path, data_dir: Path, knowledge: KnowledgeBase) -> tuple[KevImport, Path]:
    """Read ``path`` and store its surveillance-relevant entries in ``data_dir``."""
    result = read_kev(path, Resolver(knowledge))
    return result, write_kev_import(result, data_dir)
