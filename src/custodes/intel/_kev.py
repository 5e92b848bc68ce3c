"""Reading CISA's Known Exploited Vulnerabilities catalog (JSON or CSV) and storing matches;
telling whether a device with a given model and firmware is affected by a KEV entry.

CISA names products only as free text, so "this maker has a KEV entry" says nothing about one
device. ``kev-ranges.yaml`` records, per entry where a source publishes it, the affected models
and firmware; ``assess_kev`` confirms a device only where its model and firmware are known to
fall in such a range, and otherwise calls it *possible* (with the reason: firmware unknown,
model unknown, range not recorded …) or unaffected.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from custodes.datafile import load_model
from custodes.intel._errors import KevImportError, KnowledgeDataError
from custodes.intel._knowledge import (
    KEV_KIND,
    KnowledgeBase,
    imported_kev_path,
    shipped_data_dir,
)
from custodes.intel._model import Concern
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


# --- Affected ranges: is this device affected by a KEV entry? ---------------------------------

KEV_RANGES_FILE = "kev-ranges.yaml"
_VERSION = re.compile(r"(?<![0-9.])([0-9]+(?:\.[0-9]+)+)")
_CVE_IN_SUMMARY = re.compile(r"\bCVE-[0-9]{4}-[0-9]{4,19}\b")


def version_key(text: str) -> tuple[int, ...] | None:
    """The first dotted version in ``text`` as integers (``"V5.5.800 build 210628"`` →
    ``(5, 5, 800)``), trailing zeros dropped so that ``2.0`` equals ``2``; None when none."""
    found = _VERSION.search(text)
    if found is None:
        return None
    parts = [int(part) for part in found.group(1).split(".")]
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class KevFirmwareRange(_Strict):
    """Affected firmware: every version, or ``from`` (inclusive) up to ``below`` (exclusive)
    or ``through`` (inclusive); ``uncertain`` versions are left open by the source."""

    all_versions: bool = False
    from_version: str | None = Field(default=None, alias="from")
    below: str | None = None
    through: str | None = None
    uncertain: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _one_kind_of_range(self) -> KevFirmwareRange:
        bounds = [v for v in (self.from_version, self.below, self.through, *self.uncertain) if v]
        if self.all_versions and bounds:
            raise ValueError("all_versions takes no version bounds")
        if not self.all_versions and (self.below is None) == (self.through is None):
            raise ValueError("give all_versions: true, or exactly one of below / through")
        for value in bounds:
            if version_key(value) is None:
                raise ValueError(f"{value!r} is not a dotted version such as 1.06.01")
        return self

    def status_of(self, version: tuple[int, ...]) -> Literal["affected", "uncertain", "fixed"]:
        """Where ``version`` lies in this range."""
        if any(version == version_key(v) for v in self.uncertain):
            return "uncertain"
        if self.from_version is not None and version < _key(self.from_version):
            return "fixed"
        if self.below is not None:
            return "affected" if version < _key(self.below) else "fixed"
        return "affected" if version <= _key(self.through or "") else "fixed"


def _key(text: str) -> tuple[int, ...]:
    found = version_key(text)
    if found is None:  # pragma: no cover - validated when loaded
        raise ValueError(text)
    return found


class KevRange(_Strict):
    """The models and firmware affected by one KEV entry, with its source."""

    cve_id: str = Field(pattern=r"^CVE-[0-9]{4}-[0-9]{4,19}$")
    manufacturer: str = Field(min_length=1)
    models: list[str] = Field(min_length=1)
    firmware: KevFirmwareRange
    source: str = Field(pattern=r"^https://")
    date: date
    note: str = ""

    @field_validator("models")
    @classmethod
    def _compiles(cls, patterns: list[str]) -> list[str]:
        for pattern in patterns:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"{pattern!r} is not a regular expression: {error}") from None
        return patterns

    def covers_model(self, model: str) -> bool:
        return any(re.search(p, model, flags=re.IGNORECASE) for p in self.models)


class KevRangesFile(_Strict):
    schema_version: Literal[1]
    ranges: list[KevRange]


class KevStatus(StrEnum):
    """What is known about one device and the known exploited vulnerabilities."""

    CONFIRMED = "confirmed"
    POSSIBLE = "possible"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class KevFinding:
    """One KEV entry of the device's maker and what it means for this device."""

    cve_id: str
    date_added: date
    status: KevStatus
    reason: str


@dataclass(frozen=True, slots=True)
class KevAssessment:
    """Every KEV entry of a device's maker, judged against its model and firmware."""

    findings: tuple[KevFinding, ...]

    @property
    def status(self) -> KevStatus:
        statuses = {finding.status for finding in self.findings}
        for status in (KevStatus.CONFIRMED, KevStatus.POSSIBLE):
            if status in statuses:
                return status
        return KevStatus.NONE

    @property
    def confirmed_since(self) -> date | None:
        """When the earliest entry known to affect the device was added to KEV."""
        return _earliest(self.findings, {KevStatus.CONFIRMED})

    @property
    def possible_since(self) -> date | None:
        """When the earliest entry that affects or may affect the device was added."""
        return _earliest(self.findings, {KevStatus.CONFIRMED, KevStatus.POSSIBLE})


def _earliest(findings: Iterable[KevFinding], statuses: set[KevStatus]) -> date | None:
    dates = [f.date_added for f in findings if f.status in statuses]
    return min(dates) if dates else None


class KevRanges:
    """Affected ranges by CVE id."""

    def __init__(self, ranges: Iterable[KevRange]) -> None:
        self.by_cve: dict[str, list[KevRange]] = {}
        for item in ranges:
            self.by_cve.setdefault(item.cve_id, []).append(item)

    def assess(self, concerns: Iterable[Concern], model: str, firmware: str) -> KevAssessment:
        """Judge each KEV concern of a maker against a device's ``model`` and ``firmware``
        as recorded ("" when unknown)."""
        findings = []
        for concern in concerns:
            if concern.kind != KEV_KIND:
                continue
            found = _CVE_IN_SUMMARY.search(concern.summary)
            cve = found.group(0) if found else concern.summary
            status, reason = self._judge(cve, model.strip(), firmware.strip())
            findings.append(KevFinding(cve, concern.date, status, reason))
        return KevAssessment(tuple(sorted(findings, key=lambda f: (f.date_added, f.cve_id))))

    def _judge(self, cve: str, model: str, firmware: str) -> tuple[KevStatus, str]:
        ranges = self.by_cve.get(cve)
        if not ranges:
            return KevStatus.POSSIBLE, "affected models and firmware not recorded"
        if not model:
            return KevStatus.POSSIBLE, "model unknown"
        matching = [r for r in ranges if r.covers_model(model)]
        if not matching:
            return KevStatus.NONE, "model not among the affected models"
        if any(r.firmware.all_versions for r in matching):
            return KevStatus.CONFIRMED, "affected model; every firmware affected"
        if not firmware:
            return KevStatus.POSSIBLE, "firmware unknown"
        version = version_key(firmware)
        if version is None:
            return KevStatus.POSSIBLE, "firmware not recognised"
        statuses = {r.firmware.status_of(version) for r in matching}
        if "affected" in statuses:
            return KevStatus.CONFIRMED, "model and firmware in the affected range"
        if "uncertain" in statuses:
            return KevStatus.POSSIBLE, "firmware at the edge of the affected range"
        return KevStatus.NONE, "firmware outside the affected range"


def load_kev_ranges(path: Path | None = None, knowledge: KnowledgeBase | None = None) -> KevRanges:
    """Load ``kev-ranges.yaml`` (the shipped one by default); with ``knowledge``, check that
    every range names a manufacturer it knows."""
    path = path or shipped_data_dir() / KEV_RANGES_FILE
    parsed = load_model(path, KevRangesFile, error=KnowledgeDataError)
    if knowledge is not None:
        for position, item in enumerate(parsed.ranges):
            if knowledge.find_manufacturer(item.manufacturer) is None:
                raise KnowledgeDataError(
                    path,
                    None,
                    f"ranges.{position}.manufacturer",
                    f"unknown manufacturer {item.manufacturer!r}",
                )
    return KevRanges(parsed.ranges)


@cache
def default_kev_ranges() -> KevRanges:
    """The shipped affected ranges (loaded once)."""
    return load_kev_ranges()
