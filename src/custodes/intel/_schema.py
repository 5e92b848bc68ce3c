"""Pydantic schema of the YAML knowledge files shipped in ``custodes/data/intel``."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

ConfidenceLevel = Literal["high", "medium", "low"]
ConcernKind = Literal[
    "national-security designation",
    "procurement ban",
    "sanction",
    "human-rights finding",
    "known-exploited vulnerability",
    "security advisory",
]
DatePrecision = Literal["day", "month", "year"]

_URL = re.compile(r"^https?://[^\s]+$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Sourced(_Strict):
    """A fact with the URL it comes from, the date it was stated, and how sure we are."""

    source: str
    date: date
    confidence: ConfidenceLevel = "high"
    note: str | None = None

    @field_validator("source")
    @classmethod
    def _source_is_url(cls, value: str) -> str:
        if not _URL.match(value):
            raise ValueError(f"source must be an http(s) URL, got {value!r}")
        return value


def _non_empty_names(values: list[str]) -> list[str]:
    for value in values:
        if not value.strip():
            raise ValueError("names must not be blank")
    return values


class OwnershipSpec(Sourced):
    """A company that owned (or owns) this one, with the ownership period."""

    owner: str
    since: date | None = None
    until: date | None = None


class BrandSpec(Sourced):
    """A brand, subsidiary or former name under which the manufacturer's products are sold."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    relation: Literal["brand", "subsidiary", "joint venture", "former name"]
    since: date | None = None
    until: date | None = None

    _names = field_validator("aliases")(_non_empty_names)


class OemSpec(Sourced):
    """Evidence that another manufacturer makes (some of) this company's products."""

    maker: str
    scope: Literal["all", "most", "some"]


class ModelPatternSpec(Sourced):
    """A model-number family: a literal prefix and the full regular expression."""

    prefix: str = Field(min_length=2)
    regex: str
    device_kind: str
    family: str
    brand: str | None = None
    """The name on the box when it differs from the file's maker (e.g. HiLook for Hikvision)."""

    @model_validator(mode="after")
    def _regex_compiles_and_starts_with_prefix(self) -> ModelPatternSpec:
        try:
            re.compile(self.regex)
        except re.error as error:
            raise ValueError(f"regex does not compile: {error}") from error
        if self.prefix != self.prefix.upper():
            raise ValueError("prefix must be upper case (models are matched upper-cased)")
        literal = self.regex.replace("\\-", "-").replace("\\.", ".")
        if not literal.startswith(self.prefix):
            raise ValueError(f"regex must start with the literal prefix {self.prefix!r}")
        return self


class ProductLineSpec(Sourced):
    """A named product line (e.g. a drone family) that identifies the maker by itself."""

    name: str
    device_kind: str
    qualifiers: list[str] = Field(default_factory=list)
    needs_maker_name: bool = False


class OuiSpec(Sourced):
    """IEEE registrant names (MA-L, MA-M, MA-S, IAB), exactly as in the shipped registry."""

    registrants: list[str] = Field(min_length=1)

    _names = field_validator("registrants")(_non_empty_names)


class ManufacturerSpec(Sourced):
    """One manufacturer file under ``manufacturers/``."""

    name: str = Field(min_length=2)
    country: str
    legal_names: list[str] = Field(default_factory=list)
    aliases: list[str] = Field(default_factory=list)
    misspellings: list[str] = Field(default_factory=list)
    products: list[str] = Field(min_length=1)
    owners: list[OwnershipSpec] = Field(default_factory=list)
    brands: list[BrandSpec] = Field(default_factory=list)
    made_by: list[OemSpec] = Field(default_factory=list)
    model_patterns: list[ModelPatternSpec] = Field(default_factory=list)
    product_lines: list[ProductLineSpec] = Field(default_factory=list)
    oui: OuiSpec | None = None
    kev_vendor_names: list[str] = Field(default_factory=list)

    _names = field_validator("legal_names", "aliases", "misspellings", "kev_vendor_names")(
        _non_empty_names
    )

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        if not _COUNTRY.match(value):
            raise ValueError(f"country must be an ISO 3166 alpha-2 code, got {value!r}")
        return value

    @model_validator(mode="after")
    def _pattern_brands_are_listed(self) -> ManufacturerSpec:
        listed = {brand.name for brand in self.brands}
        for pattern in self.model_patterns:
            if pattern.brand is not None and pattern.brand not in listed:
                raise ValueError(
                    f"model pattern {pattern.prefix!r} names brand {pattern.brand!r}, "
                    "which is not among this file's brands"
                )
        return self


class ConcernSpec(Sourced):
    """One dated, sourced concern that applies to one or more manufacturers."""

    id: str = Field(min_length=3)
    kind: ConcernKind
    authority: str = Field(min_length=2)
    date_precision: DatePrecision = "day"
    manufacturers: list[str] = Field(min_length=1)
    scope: list[str] = Field(min_length=1)
    summary: str = Field(min_length=10)


class ConcernsFile(_Strict):
    """``concerns.yaml``."""

    concerns: list[ConcernSpec]


class IntegratorSpec(Sourced):
    """An installer or integrator: a name that must never be mistaken for a manufacturer."""

    name: str
    aliases: list[str] = Field(default_factory=list)
    country: str


class IntegratorsFile(_Strict):
    """``integrators.yaml``."""

    integrators: list[IntegratorSpec]


class KevEntrySpec(_Strict):
    """One KEV entry in the shipped snapshot (or an imported KEV file)."""

    cve_id: str = Field(pattern=r"^CVE-[0-9]{4}-[0-9]{4,19}$")
    vendor_project: str
    product: str
    name: str
    date_added: date
    manufacturer: str
    source: str


class KevSnapshotFile(_Strict):
    """``kev-snapshot.yaml`` and the imported ``kev.json``."""

    catalog_version: str
    source: str
    date: date
    note: str | None = None
    entries: list[KevEntrySpec]


class DeviceKindSpec(_Strict):
    """A device kind and the words that signal it in free text."""

    kind: str
    words: list[str] = Field(min_length=1)


class IndexFile(_Strict):
    """``index.yaml``: knowledge version, date and the shared vocabulary."""

    version: str
    date: date
    description: str
    device_kinds: list[DeviceKindSpec]
    noise_words: list[str]
    legal_suffixes: list[str]
    generic_words: list[str] = Field(default_factory=list)


# -- look-alikes and components (issue 10: precision first) ----------------------------------


def _optional_country(value: str | None) -> str | None:
    if value is not None and not _COUNTRY.match(value):
        raise ValueError(f"country must be an ISO 3166 alpha-2 code, got {value!r}")
    return value


class LookalikeSpec(Sourced):
    """A company or brand whose name resembles a surveillance maker's but is not that maker."""

    name: str = Field(min_length=2)
    names: list[str] = Field(min_length=1)
    role: Literal["maker", "brand"]
    country: str | None = None
    owner: str | None = None
    resembles: list[str] = Field(min_length=1)

    _names = field_validator("names")(_non_empty_names)
    _country = field_validator("country")(_optional_country)


class LookalikesFile(_Strict):
    """``lookalikes.yaml``."""

    lookalikes: list[LookalikeSpec]


class ComponentSpec(Sourced):
    """A chip, SDK or embedded-web-server vendor: a part of a device, never its maker."""

    name: str = Field(min_length=2)
    names: list[str] = Field(min_length=1)
    role: str = Field(min_length=2)
    owner: str | None = None
    country: str | None = None

    _names = field_validator("names")(_non_empty_names)
    _country = field_validator("country")(_optional_country)


class ComponentsFile(_Strict):
    """``components.yaml``."""

    components: list[ComponentSpec]
