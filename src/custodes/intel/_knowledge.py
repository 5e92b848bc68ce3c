"""Loading the shipped knowledge files (plus imported KEV entries) into a KnowledgeBase."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from custodes.datafile import load_model
from custodes.intel._errors import KnowledgeDataError, UnknownManufacturerError
from custodes.intel._model import (
    Brand,
    Component,
    Concern,
    Fact,
    Integrator,
    Lookalike,
    Manufacturer,
    ModelPattern,
    OemLink,
    Ownership,
    ProductLine,
)
from custodes.intel._normalize import name_key
from custodes.intel._schema import (
    ComponentsFile,
    ConcernsFile,
    IndexFile,
    IntegratorsFile,
    KevEntrySpec,
    KevSnapshotFile,
    LookalikesFile,
    ManufacturerSpec,
    Sourced,
)

DATA_DIR_ENV = "CUSTODES_DATA_DIR"
DEFAULT_DATA_DIR = Path("custodes-data")
KEV_AUTHORITY = "CISA KEV"
KEV_KIND = "known-exploited vulnerability"
MAX_MANUFACTURER_FILES = 1000


def shipped_data_dir() -> Path:
    """Directory of the knowledge files shipped inside the package."""
    return Path(str(resources.files("custodes") / "data" / "intel"))


def data_dir_from_env() -> Path:
    """The user data directory: ``$CUSTODES_DATA_DIR`` or ``./custodes-data``."""
    return Path(os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def imported_kev_path(data_dir: Path) -> Path:
    """Where ``custodes intel import-kev`` stores imported KEV entries."""
    return data_dir / "intel" / "kev.json"


def _fact(spec: Sourced) -> Fact:
    return Fact(source=spec.source, date=spec.date, confidence=spec.confidence, note=spec.note)


@dataclass(frozen=True)
class KevCatalog:
    """Identity of one KEV source merged into the knowledge base."""

    catalog_version: str
    date: date
    source: str
    entries: int


@dataclass(frozen=True)
class KnowledgeBase:
    """Manufacturers, integrators and vocabulary, with the knowledge version and date."""

    version: str
    date: date
    description: str
    manufacturers: tuple[Manufacturer, ...]
    integrators: tuple[Integrator, ...]
    device_kinds: tuple[tuple[str, tuple[str, ...]], ...]
    noise_words: frozenset[str]
    legal_suffixes: frozenset[str]
    kev_catalogs: tuple[KevCatalog, ...]
    generic_words: frozenset[str] = frozenset()
    lookalikes: tuple[Lookalike, ...] = ()
    components: tuple[Component, ...] = ()

    def __post_init__(self) -> None:
        index: dict[str, Manufacturer] = {}
        for maker in self.manufacturers:
            for alias in maker.all_names():
                index.setdefault(name_key(alias), maker)
        object.__setattr__(self, "_by_key", index)

    def manufacturer(self, name: str) -> Manufacturer:
        """The manufacturer with this canonical name, legal name or alias (any case/spacing)."""
        found: Manufacturer | None = self._by_key.get(name_key(name))  # type: ignore[attr-defined]
        if found is None:
            raise UnknownManufacturerError(name)
        return found

    def find_manufacturer(self, name: str) -> Manufacturer | None:
        """Like :meth:`manufacturer` but returns ``None`` when unknown."""
        found: Manufacturer | None = self._by_key.get(name_key(name))  # type: ignore[attr-defined]
        return found


def _build_manufacturer(spec: ManufacturerSpec) -> Manufacturer:
    return Manufacturer(
        name=spec.name,
        country=spec.country,
        legal_names=tuple(spec.legal_names),
        aliases=tuple(spec.aliases),
        misspellings=tuple(spec.misspellings),
        products=tuple(spec.products),
        owners=tuple(
            Ownership(owner=o.owner, since=o.since, until=o.until, fact=_fact(o))
            for o in spec.owners
        ),
        brands=tuple(
            Brand(
                name=b.name,
                aliases=tuple(b.aliases),
                relation=b.relation,
                since=b.since,
                until=b.until,
                fact=_fact(b),
            )
            for b in spec.brands
        ),
        made_by=tuple(OemLink(maker=m.maker, scope=m.scope, fact=_fact(m)) for m in spec.made_by),
        model_patterns=tuple(
            ModelPattern(
                manufacturer=spec.name,
                family=p.family,
                prefix=p.prefix,
                regex=re.compile(p.regex),
                device_kind=p.device_kind,
                fact=_fact(p),
                brand=p.brand,
            )
            for p in spec.model_patterns
        ),
        product_lines=tuple(
            ProductLine(
                manufacturer=spec.name,
                name=line.name,
                device_kind=line.device_kind,
                qualifiers=tuple(line.qualifiers),
                needs_maker_name=line.needs_maker_name,
                fact=_fact(line),
            )
            for line in spec.product_lines
        ),
        oui_registrants=tuple(spec.oui.registrants) if spec.oui else (),
        kev_vendor_names=tuple(spec.kev_vendor_names),
        fact=_fact(spec),
    )


def _check_unique_names(files: list[tuple[Path, ManufacturerSpec]]) -> None:
    owner_of: dict[str, str] = {}
    for path, spec in files:
        names = [spec.name, *spec.legal_names, *spec.aliases, *spec.misspellings]
        for brand in spec.brands:
            names += [brand.name, *brand.aliases]
        for name in names:
            key = name_key(name)
            if not key:
                raise KnowledgeDataError(path, None, "aliases", f"name {name!r} has no letters")
            previous = owner_of.setdefault(key, spec.name)
            if previous != spec.name:
                raise KnowledgeDataError(
                    path, None, "aliases", f"name {name!r} is already used by {previous}"
                )


def _kev_concern(entry: KevEntrySpec) -> Concern:
    return Concern(
        kind=KEV_KIND,
        authority=KEV_AUTHORITY,
        date=entry.date_added,
        summary=f"{entry.cve_id} {entry.name}",
        source=entry.source,
        scope=(entry.product,),
    )


def _load_kev_json(path: Path) -> KevSnapshotFile:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return KevSnapshotFile.model_validate(raw)
    except (OSError, ValueError) as error:
        detail = error.errors()[0] if isinstance(error, ValidationError) else None
        field = ".".join(str(p) for p in detail["loc"]) if detail else None
        message = detail["msg"] if detail else str(error)
        raise KnowledgeDataError(path, None, field, message) from error


def _merge_kev(catalogs: Iterable[KevSnapshotFile]) -> dict[str, KevEntrySpec]:
    """Later catalogs override earlier ones entry by entry (CVE id)."""
    merged: dict[str, KevEntrySpec] = {}
    for catalog in catalogs:
        for entry in catalog.entries:
            merged[entry.cve_id] = entry
    return merged


def load_knowledge_from(shipped: Path, imported_kev: Path | None) -> KnowledgeBase:
    """Load and cross-check the knowledge files in ``shipped``, merging an imported KEV file."""
    index = load_model(shipped / "index.yaml", IndexFile, error=KnowledgeDataError)
    manufacturer_paths = sorted((shipped / "manufacturers").glob("*.yaml"))
    if len(manufacturer_paths) > MAX_MANUFACTURER_FILES:
        raise KnowledgeDataError(shipped / "manufacturers", None, None, "too many files")
    files = [
        (path, load_model(path, ManufacturerSpec, error=KnowledgeDataError))
        for path in manufacturer_paths
    ]
    _check_unique_names(files)
    makers = {spec.name: _build_manufacturer(spec) for _, spec in files}
    for path, spec in files:
        for position, link in enumerate(spec.made_by):
            if link.maker not in makers:
                raise KnowledgeDataError(
                    path, None, f"made_by.{position}.maker", f"unknown manufacturer {link.maker!r}"
                )

    concerns_path = shipped / "concerns.yaml"
    concerns_file = load_model(concerns_path, ConcernsFile, error=KnowledgeDataError)
    verified: dict[str, list[Concern]] = {name: [] for name in makers}
    unverified: dict[str, list[Concern]] = {name: [] for name in makers}
    seen_ids: set[str] = set()
    for position, spec in enumerate(concerns_file.concerns):
        if spec.id in seen_ids:
            raise KnowledgeDataError(concerns_path, None, f"concerns.{position}.id", "duplicate")
        seen_ids.add(spec.id)
        concern = Concern(
            kind=spec.kind,
            authority=spec.authority,
            date=spec.date,
            summary=spec.summary,
            source=spec.source,
            scope=tuple(spec.scope),
        )
        target = unverified if spec.confidence == "low" else verified
        for name in spec.manufacturers:
            if name not in makers:
                raise KnowledgeDataError(
                    concerns_path,
                    None,
                    f"concerns.{position}.manufacturers",
                    f"unknown manufacturer {name!r} in concern {spec.id}",
                )
            target[name].append(concern)

    kev_path = shipped / "kev-snapshot.json"
    catalogs = [_load_kev_json(kev_path)]
    if imported_kev is not None and imported_kev.is_file():
        catalogs.append(_load_kev_json(imported_kev))
    for cve, entry in _merge_kev(catalogs).items():
        if entry.manufacturer not in makers:
            raise KnowledgeDataError(
                kev_path, None, "entries.manufacturer", f"{cve}: unknown {entry.manufacturer!r}"
            )
        verified[entry.manufacturer].append(_kev_concern(entry))

    integrators = load_model(
        shipped / "integrators.yaml", IntegratorsFile, error=KnowledgeDataError
    )
    lookalikes, components = _load_precision_files(shipped, makers)
    return KnowledgeBase(
        version=index.version,
        date=index.date,
        description=index.description,
        manufacturers=tuple(
            replace(
                maker,
                concerns=tuple(sorted(verified[name], key=lambda c: (c.date, c.authority))),
                unverified_concerns=tuple(unverified[name]),
            )
            for name, maker in sorted(makers.items(), key=lambda item: item[0].casefold())
        ),
        integrators=tuple(
            Integrator(name=i.name, aliases=tuple(i.aliases), country=i.country, fact=_fact(i))
            for i in integrators.integrators
        ),
        device_kinds=tuple((d.kind, tuple(d.words)) for d in index.device_kinds),
        noise_words=frozenset(index.noise_words),
        legal_suffixes=frozenset(index.legal_suffixes),
        generic_words=frozenset(index.generic_words),
        lookalikes=lookalikes,
        components=components,
        kev_catalogs=tuple(
            KevCatalog(
                catalog_version=c.catalog_version,
                date=c.date,
                source=c.source,
                entries=len(c.entries),
            )
            for c in catalogs
        ),
    )


def _load_precision_files(
    shipped: Path, makers: dict[str, Manufacturer]
) -> tuple[tuple[Lookalike, ...], tuple[Component, ...]]:
    """Look-alike companies and component vendors, checked against the manufacturers' names.

    A look-alike or component may never share a name with a manufacturer (the index would be
    ambiguous) and a look-alike must name the manufacturers it resembles.
    """
    taken = {name_key(name): maker.name for maker in makers.values() for name in maker.all_names()}
    for maker in makers.values():
        for brand in maker.brands:
            for name in (brand.name, *brand.aliases):
                taken.setdefault(name_key(name), maker.name)
    lookalikes_path = shipped / "lookalikes.yaml"
    lookalikes_file = load_model(lookalikes_path, LookalikesFile, error=KnowledgeDataError)
    lookalikes = []
    for position, spec in enumerate(lookalikes_file.lookalikes):
        for name in spec.resembles:
            if name not in makers:
                raise KnowledgeDataError(
                    lookalikes_path,
                    None,
                    f"lookalikes[{position}].resembles",
                    f"unknown manufacturer {name!r}",
                )
        _check_free(lookalikes_path, f"lookalikes[{position}].names", spec.name, spec.names, taken)
        lookalikes.append(
            Lookalike(
                name=spec.name,
                names=tuple(spec.names),
                role=spec.role,
                country=spec.country,
                owner=spec.owner,
                resembles=tuple(spec.resembles),
                fact=_fact(spec),
            )
        )
    components_path = shipped / "components.yaml"
    components_file = load_model(components_path, ComponentsFile, error=KnowledgeDataError)
    components = []
    for position, spec in enumerate(components_file.components):
        _check_free(components_path, f"components[{position}].names", spec.name, spec.names, taken)
        components.append(
            Component(
                name=spec.name,
                names=tuple(spec.names),
                role=spec.role,
                owner=spec.owner,
                fact=_fact(spec),
            )
        )
    return tuple(lookalikes), tuple(components)


def _check_free(
    path: Path, field: str, entity: str, names: Iterable[str], taken: dict[str, str]
) -> None:
    """Reject a name that a manufacturer, brand or another entry of these files already uses."""
    for name in names:
        key = name_key(name)
        if not key:
            raise KnowledgeDataError(path, None, field, f"name {name!r} has no letters")
        previous = taken.setdefault(key, entity)
        if previous != entity:
            raise KnowledgeDataError(
                path, None, field, f"name {name!r} is already used by {previous}"
            )


@lru_cache(maxsize=8)
def _cached(shipped: Path, kev: Path, kev_stamp: int | None) -> KnowledgeBase:
    return load_knowledge_from(shipped, kev if kev_stamp is not None else None)


def load_knowledge(data_dir: Path | None = None) -> KnowledgeBase:
    """Shipped knowledge plus KEV entries imported into ``data_dir`` (default from the env).

    Cached; a new import (a changed ``kev.json``) is picked up on the next call.
    """
    directory = data_dir if data_dir is not None else data_dir_from_env()
    kev = imported_kev_path(directory).resolve()
    stamp = kev.stat().st_mtime_ns if kev.is_file() else None
    return _cached(shipped_data_dir(), kev, stamp)
