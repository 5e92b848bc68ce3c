"""The IEEE's MAC address registries (MA-L, MA-M, MA-S and IAB) with longest-prefix look-up.

A copy of the four registries ships with the package (``data/intel/ieee/registry.tsv.gz``);
``custodes intel import-oui`` reads the IEEE's own CSV exports into the data directory, and that
copy then replaces the shipped one for look-ups. Both copies have the same compact format: a
gzipped, tab-separated file whose ``#`` header lines give each registry's date and source,
followed by one ``REGISTRY<TAB>PREFIX<TAB>REGISTRANT`` row per assignment.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from custodes.datafile import DataFileError
from custodes.intel._errors import IntelError

#: Prefix length in bits of each registry's assignments.
REGISTRY_BITS = {"MA-L": 24, "MA-M": 28, "MA-S": 36, "IAB": 36}
CSV_HEADER = ("Registry", "Assignment", "Organization Name", "Organization Address")
FORMAT_LINE = "# custodes ieee-registry 1"
MAX_CSV_BYTES = 64_000_000
MAX_REGISTRANT_CHARS = 300
MAX_SOURCE_CHARS = 500
_HEX = re.compile(r"^[0-9A-F]+$")
_MAC = re.compile(
    r"^(?:[0-9a-f]{2}(?:([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4})|[0-9a-f]{4}(?:\.[0-9a-f]{4}){2}"
    r"|[0-9a-f]{12})$",
    re.IGNORECASE,
)
_LONGEST_FIRST = tuple(sorted(set(REGISTRY_BITS.values()), reverse=True))


class MacRegistryError(IntelError, DataFileError):
    """An IEEE CSV export or a stored registry file is malformed; names file, line and field."""

    location_style = "colons"


@dataclass(frozen=True)
class MacAssignment:
    """One IEEE assignment: ``prefix`` is upper-case hex, 6, 7 or 9 digits long."""

    registry: str
    prefix: str
    registrant: str

    @property
    def bits(self) -> int:
        """Prefix length in bits (24, 28 or 36)."""
        return len(self.prefix) * 4

    @property
    def block(self) -> str:
        """The assigned block as ``XX:XX:XX:X0:00:00/BITS``."""
        digits = self.prefix.ljust(12, "0")
        octets = ":".join(digits[i : i + 2] for i in range(0, 12, 2))
        return f"{octets}/{self.bits}"

    def to_dict(self) -> dict[str, Any]:
        """JSON form used in resolver output."""
        return {
            "registry": self.registry,
            "prefix": self.block,
            "bits": self.bits,
            "registrant": self.registrant,
        }


@dataclass(frozen=True)
class RegistrySource:
    """Where one registry in a copy comes from and the date of that copy."""

    registry: str
    date: date
    source: str
    entries: int

    def to_dict(self) -> dict[str, Any]:
        """JSON form used by ``intel list`` and ``intel import-oui``."""
        return {
            "registry": self.registry,
            "date": self.date.isoformat(),
            "source": self.source,
            "entries": self.entries,
        }


class IeeeRegistry:
    """MAC assignments indexed per prefix length; :meth:`lookup` finds the longest match."""

    def __init__(
        self,
        assignments: Iterable[MacAssignment],
        sources: Sequence[RegistrySource],
        path: Path | None = None,
    ) -> None:
        self.sources = tuple(sorted(sources, key=lambda s: list(REGISTRY_BITS).index(s.registry)))
        self.path = path
        self._tables: dict[int, dict[int, tuple[str, str]]] = {bits: {} for bits in _LONGEST_FIRST}
        names: dict[str, str] = {}
        for item in assignments:
            registrant = names.setdefault(item.registrant, item.registrant)
            self._tables[item.bits].setdefault(int(item.prefix, 16), (item.registry, registrant))

    @classmethod
    def from_tables(
        cls,
        tables: dict[int, dict[int, tuple[str, str]]],
        sources: Sequence[RegistrySource],
        path: Path | None = None,
    ) -> IeeeRegistry:
        """A registry over ready-made tables: prefix length -> prefix -> (registry, registrant)."""
        registry = cls((), sources, path)
        registry._tables.update(tables)
        return registry

    def __len__(self) -> int:
        return sum(len(table) for table in self._tables.values())

    @property
    def imported(self) -> bool:
        """Whether this copy was read from a file other than the shipped one."""
        return self.path is not None and self.path != shipped_registry_path()

    @property
    def date(self) -> date | None:
        """The date of the oldest registry in this copy (``None`` when empty)."""
        return min((s.date for s in self.sources), default=None)

    def describe(self) -> str:
        """One line naming each registry's date and size, and the copy's source."""
        parts = [f"{s.registry} {s.date.isoformat()} ({s.entries:,})" for s in self.sources]
        sources = sorted({s.source for s in self.sources})
        return f"IEEE registries: {', '.join(parts) or 'none'}; source: {'; '.join(sources)}"

    def lookup(self, mac: int) -> MacAssignment | None:
        """The assignment with the longest prefix containing the 48-bit address ``mac``."""
        for bits in _LONGEST_FIRST:
            key = mac >> (48 - bits)
            found = self._tables[bits].get(key)
            if found is not None:
                return MacAssignment(found[0], f"{key:0{bits // 4}X}", found[1])
        return None

    def assignments(self) -> Iterator[MacAssignment]:
        """Every assignment, shortest prefixes first, in prefix order."""
        for bits in reversed(_LONGEST_FIRST):
            for key, (registry, registrant) in sorted(self._tables[bits].items()):
                yield MacAssignment(registry, f"{key:0{bits // 4}X}", registrant)


def parse_mac(text: str) -> int | None:
    """A MAC address (``aa:bb:..``, ``aa-bb-..``, ``aabb.ccdd.eeff`` or 12 hex digits) as an
    integer; ``None`` when the text is not one."""
    text = text.strip()[:64]
    if not _MAC.match(text):
        return None
    return int(re.sub(r"[:.\-]", "", text), 16)


# -- reading the IEEE's CSV exports ----------------------------------------------------------


def _clean(value: str) -> str:
    return " ".join(value.split())


def read_ieee_csv(path: Path) -> list[MacAssignment]:
    """Assignments in one IEEE CSV export (``oui.csv``, ``mam.csv``, ``oui36.csv``, ``iab.csv``).

    Raises :class:`MacRegistryError` naming the file, line and field of the first problem.
    """
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_CSV_BYTES + 1)
    except OSError as error:
        raise MacRegistryError(path, None, None, f"cannot read: {error.strerror}") from error
    if len(raw) > MAX_CSV_BYTES:
        raise MacRegistryError(path, None, None, f"larger than {MAX_CSV_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise MacRegistryError(path, line, None, "not UTF-8 text") from error
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    assignments: list[MacAssignment] = []
    try:
        header = next(reader, None)
        if header is None or tuple(cell.strip() for cell in header) != CSV_HEADER:
            raise MacRegistryError(
                path, 1, None, f"header must be {','.join(CSV_HEADER)}, as the IEEE exports it"
            )
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            assignments.append(_assignment(path, reader.line_num, row))
    except csv.Error as error:
        raise MacRegistryError(path, reader.line_num, None, f"not valid CSV: {error}") from error
    if not assignments:
        raise MacRegistryError(path, None, None, "no assignments")
    return assignments


def _assignment(path: Path, line: int, row: list[str]) -> MacAssignment:
    if len(row) != len(CSV_HEADER):
        raise MacRegistryError(
            path, line, None, f"expected {len(CSV_HEADER)} fields, found {len(row)}"
        )
    registry, prefix, registrant = row[0].strip(), row[1].strip().upper(), _clean(row[2])
    if registry not in REGISTRY_BITS:
        raise MacRegistryError(
            path, line, "Registry", f"{registry[:40]!r} is not one of {', '.join(REGISTRY_BITS)}"
        )
    digits = REGISTRY_BITS[registry] // 4
    if len(prefix) != digits or not _HEX.match(prefix):
        raise MacRegistryError(
            path,
            line,
            "Assignment",
            f"{prefix[:40]!r} is not {digits} hexadecimal digits, as {registry} assignments are",
        )
    if not registrant:
        raise MacRegistryError(path, line, "Organization Name", "empty")
    if len(registrant) > MAX_REGISTRANT_CHARS:
        raise MacRegistryError(
            path, line, "Organization Name", f"longer than {MAX_REGISTRANT_CHARS} characters"
        )
    return MacAssignment(registry, prefix, registrant)


def _file_date(path: Path) -> date:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).date()


def build_registry(
    paths: Sequence[Path],
    *,
    published: date | None = None,
    source: str | None = None,
    base: IeeeRegistry | None = None,
) -> IeeeRegistry:
    """A registry from IEEE CSV exports; registries the files lack are kept from ``base``.

    Each imported registry is dated ``published`` (default: the newest file's modification
    date) and sourced ``source`` (default: the names of the files it came from).
    """
    if source is not None and (len(source) > MAX_SOURCE_CHARS or not _clean(source)):
        raise MacRegistryError("--source", None, None, "must be 1 to 500 characters")
    per_registry: dict[str, list[MacAssignment]] = {}
    files: dict[str, list[Path]] = {}
    for path in paths:
        for item in read_ieee_csv(path):
            per_registry.setdefault(item.registry, []).append(item)
            if path not in files.setdefault(item.registry, []):
                files[item.registry].append(path)
    when = published or max(_file_date(path) for path in paths)
    sources = [
        RegistrySource(
            registry,
            when,
            _clean(source) if source else "IEEE CSV export " + ", ".join(p.name for p in found),
            len({item.prefix for item in per_registry[registry]}),
        )
        for registry, found in files.items()
    ]
    assignments = [item for items in per_registry.values() for item in items]
    if base is not None:
        kept = {s.registry for s in base.sources} - set(per_registry)
        sources += [s for s in base.sources if s.registry in kept]
        assignments += [item for item in base.assignments() if item.registry in kept]
    return IeeeRegistry(assignments, sources)


# -- the stored copy ------------------------------------------------------------------------


def write_registry(registry: IeeeRegistry, target: Path) -> Path:
    """Write ``registry`` to ``target`` atomically: a reader sees the old file or the new one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = [FORMAT_LINE]
    lines += [f"# {s.registry}\t{s.date.isoformat()}\t{s.source}" for s in registry.sources]
    lines += [f"{a.registry}\t{a.prefix}\t{a.registrant}" for a in registry.assignments()]
    payload = ("\n".join(lines) + "\n").encode("utf-8")
    descriptor, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with (
            os.fdopen(descriptor, "wb") as handle,
            gzip.GzipFile(filename="", mode="wb", fileobj=handle, mtime=0) as packed,
        ):
            packed.write(payload)
            packed.close()
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(name, 0o644)
        os.replace(name, target)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return target


def read_registry(path: Path) -> IeeeRegistry:
    """Load a stored registry written by :func:`write_registry`."""
    try:
        with gzip.open(path, "rt", encoding="utf-8", newline="\n") as handle:
            text = handle.read()
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise MacRegistryError(path, None, None, f"cannot read: {error}") from error
    lines = text.splitlines()
    if not lines or lines[0] != FORMAT_LINE:
        raise MacRegistryError(path, 1, None, f"first line must be {FORMAT_LINE!r}")
    sources: list[RegistrySource] = []
    tables: dict[int, dict[int, tuple[str, str]]] = {bits: {} for bits in _LONGEST_FIRST}
    names: dict[str, str] = {}
    counts = dict.fromkeys(REGISTRY_BITS, 0)
    for number, line in enumerate(lines[1:], start=2):
        if line.startswith("# "):
            sources.append(_source_line(path, number, line[2:]))
            continue
        parts = line.split("\t")
        bits = REGISTRY_BITS.get(parts[0], 0) if len(parts) == 3 else 0
        if not bits or len(parts[1]) * 4 != bits or not _HEX.match(parts[1]) or not parts[2]:
            raise MacRegistryError(path, number, None, "expected REGISTRY, PREFIX, REGISTRANT")
        registrant = names.setdefault(parts[2], parts[2])
        tables[bits].setdefault(int(parts[1], 16), (parts[0], registrant))
        counts[parts[0]] += 1
    dated = {s.registry for s in sources}
    missing = [name for name, count in counts.items() if count and name not in dated]
    if missing:
        raise MacRegistryError(path, 1, None, f"no date and source for {', '.join(missing)}")
    sources = [replace(s, entries=counts[s.registry]) for s in sources]
    return IeeeRegistry.from_tables(tables, sources, path)


def _source_line(path: Path, number: int, text: str) -> RegistrySource:
    parts = text.split("\t")
    if len(parts) != 3 or parts[0] not in REGISTRY_BITS:
        raise MacRegistryError(path, number, None, "expected '# REGISTRY<TAB>DATE<TAB>SOURCE'")
    try:
        when = date.fromisoformat(parts[1])
    except ValueError as error:
        raise MacRegistryError(path, number, "date", f"{parts[1][:20]!r} is not a date") from error
    return RegistrySource(parts[0], when, parts[2], 0)


@lru_cache(maxsize=1)
def shipped_registry_path() -> Path:
    """The registry copy shipped inside the package."""
    shipped = resources.files("custodes") / "data" / "intel" / "ieee" / "registry.tsv.gz"
    return Path(str(shipped)).resolve()


def imported_registry_path(data_dir: Path) -> Path:
    """Where ``custodes intel import-oui`` stores the registry it imported."""
    return data_dir / "intel" / "ieee-registry.tsv.gz"


@lru_cache(maxsize=2)
def _cached(path: Path, stamp: tuple[int, int, int]) -> IeeeRegistry:
    return read_registry(path)


def load_registry(data_dir: Path) -> IeeeRegistry:
    """The copy used for look-ups — one imported into ``data_dir``, else the shipped one —
    read once per file version (one ``stat`` per call picks up a new import)."""
    imported = Path(os.path.abspath(imported_registry_path(data_dir)))
    try:
        return _cached(imported, _version(os.stat(imported)))
    except FileNotFoundError:
        shipped = shipped_registry_path()
        return _cached(shipped, _stamp(shipped))
    except OSError as error:
        raise MacRegistryError(imported, None, None, f"cannot read: {error.strerror}") from error


def _version(status: os.stat_result) -> tuple[int, int, int]:
    """Changes whenever the file is replaced (an import writes a new file) or rewritten."""
    return status.st_mtime_ns, status.st_ino, status.st_size


@lru_cache(maxsize=1)
def _stamp(path: Path) -> tuple[int, int, int]:
    """The shipped copy's version: it does not change while the program runs."""
    try:
        return _version(path.stat())
    except OSError as error:
        raise MacRegistryError(path, None, None, f"cannot read: {error.strerror}") from error


def import_ieee_csv(
    paths: Sequence[Path],
    data_dir: Path,
    *,
    published: date | None = None,
    source: str | None = None,
) -> tuple[IeeeRegistry, Path]:
    """Read IEEE CSV exports and store them in ``data_dir`` as the copy used for look-ups.

    Registries absent from ``paths`` are carried over from the copy in use. Nothing is written
    unless every file reads cleanly.
    """
    registry = build_registry(
        paths, published=published, source=source, base=load_registry(data_dir)
    )
    target = write_registry(registry, imported_registry_path(data_dir))
    return load_registry(data_dir), target
