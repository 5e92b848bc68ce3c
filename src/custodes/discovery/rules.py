"""Fingerprint rules (YAML data) and the engine that turns observations into an identification.

A rule matches one observation field with a regular expression and sets attributes: the
maker (from protocol traits), the brand (from names a device shows), model, firmware, serial
and device kind. Values may use capture groups as ``{1}`` or ``{name}``.

Matching ignores case unless a rule sets ``case_sensitive`` and is tried on the forms of the
value :func:`~custodes.discovery.normalise.match_candidates` gives (reply codes, title prefixes
and spacing removed), so rules are written once, anchored, for what the device says. A rule
drawn from a public fingerprint database names the entry it came from in ``derived_from``, so
that an evaluation can leave out the examples that shaped it.
"""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from custodes.discovery.datafiles import load_records
from custodes.discovery.errors import RuleDataError
from custodes.discovery.fields import DEVICE_KINDS, FIELDS
from custodes.discovery.models import Evidence, Observation
from custodes.discovery.normalise import match_candidates

ATTRIBUTES = ("manufacturer", "brand", "model", "firmware", "serial", "device_kind")
MAX_VALUE_LENGTH = 2048
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


class RuleSets(BaseModel):
    """Attributes a rule sets when it matches."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    manufacturer: str | None = None
    brand: str | None = None
    model: str | None = None
    firmware: str | None = None
    serial: str | None = None
    device_kind: str | None = None

    @field_validator("device_kind")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        if value is not None and value not in DEVICE_KINDS:
            raise ValueError(f"device_kind must be one of {', '.join(DEVICE_KINDS)}")
        return value


class Derivation(BaseModel):
    """The entry of a public fingerprint database a rule was drawn from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    database: Literal[
        "recog",
        "nmap",
        "greenbone",
        "whatweb",
        "ztag",
        "librenms-snmpsim",
        "cheatsheet",
        "iana-pen",
        "nuclei",
        "greenbone-feed",
        "kscan",
        "observium",
        "ghdb",
        "routersploit",
        "shodan-dorks",
        "nikto",
        "vendor-docs",
        "client-fixtures",
        "nmap-nse",
        "camera-scanners",
        "monitoring-templates",
        "firmware",
        "scanner-signatures",
        "iana-services",
    ]
    file: str = Field(min_length=3)
    # Where the entry was read: a repository's commit, or a released package's version (a
    # registry read from a distribution's package).
    commit: str | None = Field(default=None, pattern=r"^[0-9a-f]{40}$")
    release: str | None = Field(default=None, min_length=3)
    licence: str = Field(min_length=3)
    fingerprint: str = Field(min_length=3)
    pattern: str | None = None

    @model_validator(mode="after")
    def _one_origin(self) -> Derivation:
        if (self.commit is None) == (self.release is None):
            raise ValueError("give either a commit (a repository's) or a release (a package's)")
        return self


class Rule(BaseModel):
    """One fingerprint rule with its source note.

    ``flags: i`` is accepted from older rule files; matching ignores case by default.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9.-]*$")
    field: tuple[str, ...]
    pattern: str
    flags: Literal["", "i"] = ""
    case_sensitive: bool = False
    sets: RuleSets
    weight: float = Field(gt=0, le=1)
    source: str = Field(min_length=8)
    date: datetime.date
    note: str = Field(min_length=3)
    derived_from: tuple[Derivation, ...] = ()

    @field_validator("field", mode="before")
    @classmethod
    def _known_fields(cls, value: object) -> object:
        names = [value] if isinstance(value, str) else value
        if not isinstance(names, list | tuple) or not names:
            raise ValueError("field must be a field name or a non-empty list of them")
        for name in names:
            if name not in FIELDS:
                raise ValueError(f"unknown observation field {name!r}")
        return tuple(names)

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str) -> str:
        try:
            re.compile(value)
        except re.error as exc:
            raise ValueError(f"pattern does not compile: {exc}") from exc
        return value

    @cached_property
    def regex(self) -> re.Pattern[str]:
        """The compiled pattern."""
        return re.compile(self.pattern, 0 if self.case_sensitive else re.IGNORECASE)

    def apply(self, candidates: Sequence[str]) -> dict[str, str] | None:
        """The attributes set by this rule on the first of ``candidates`` it matches, or ``None``.

        ``candidates`` are the forms of one observed value (see ``match_candidates``).
        """
        match = next(
            (
                found
                for candidate in candidates
                if (found := self.regex.search(candidate[:MAX_VALUE_LENGTH])) is not None
            ),
            None,
        )
        if match is None:
            return None
        groups = {str(index): text for index, text in enumerate(match.groups(), start=1)}
        groups.update(match.groupdict())
        result: dict[str, str] = {}
        for attribute in ATTRIBUTES:
            template = getattr(self.sets, attribute)
            if template is None:
                continue
            filled = _PLACEHOLDER.sub(lambda m: groups.get(m.group(1)) or "", template).strip()
            if filled:
                result[attribute] = filled
        return result


@dataclass(slots=True)
class Identification:
    """What the rules concluded about one host, each attribute with its weight."""

    attributes: dict[str, str] = field(default_factory=dict)
    confidence: float = 0.0
    evidence: list[Evidence] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Hit:
    rule: Rule
    observation: Observation
    values: dict[str, str]


class RuleSet:
    """All fingerprint rules, indexed by the field they match."""

    def __init__(self, rules: Sequence[Rule]) -> None:
        seen: set[str] = set()
        for rule in rules:
            if rule.id in seen:
                raise RuleDataError(f"duplicate rule id {rule.id!r}")
            seen.add(rule.id)
        self.rules = tuple(rules)
        self._by_field: dict[str, list[Rule]] = {}
        for rule in self.rules:
            for name in rule.field:
                self._by_field.setdefault(name, []).append(rule)

    @classmethod
    def from_directory(cls, directory: Path) -> RuleSet:
        """Load every ``*.yaml`` rule file of ``directory``."""
        rules: list[Rule] = []
        for path in sorted(directory.glob("*.yaml")):
            rules.extend(load_records(path, "rules", Rule, RuleDataError))
        return cls(rules)

    def identify(self, observations: Iterable[Observation]) -> Identification:
        """Match every observation and combine the hits into one identification.

        The maker is the manufacturer with the strongest combined protocol evidence; the
        brand is the strongest name shown by the device, and defaults to the maker.
        """
        hits = [
            _Hit(rule, observation, values)
            for observation in observations
            if (rules := self._by_field.get(observation.field))
            for candidates in (match_candidates(observation.field, observation.value),)
            for rule in rules
            if (values := rule.apply(candidates)) is not None
        ]
        identification = Identification()
        support: dict[str, dict[str, float]] = {attribute: {} for attribute in ATTRIBUTES}
        for hit in hits:
            for attribute, value in hit.values.items():
                key = value.casefold() if attribute in ("manufacturer", "brand") else value
                previous = support[attribute].get(key, 0.0)
                support[attribute][key] = 1 - (1 - previous) * (1 - hit.rule.weight)
        spelled: dict[str, str] = {}
        for hit in hits:
            for attribute in ("manufacturer", "brand"):
                if attribute in hit.values:
                    spelled.setdefault(hit.values[attribute].casefold(), hit.values[attribute])
        for attribute, scores in support.items():
            if not scores:
                continue
            best = max(scores, key=lambda key: (scores[key], key))
            identification.attributes[attribute] = spelled.get(best, best)
        maker = identification.attributes.get("manufacturer")
        if maker is not None:
            identification.confidence = support["manufacturer"][maker.casefold()]
        elif "brand" in identification.attributes:
            identification.confidence = support["brand"][
                identification.attributes["brand"].casefold()
            ]
        identification.evidence = [
            Evidence(
                hit.observation.probe, hit.observation.port, hit.observation.value, hit.rule.id
            )
            for hit in hits
        ]
        return identification


def default_rule_directory() -> Path:
    """The fingerprint rules shipped with Custodes."""
    return Path(__file__).resolve().parent.parent / "data" / "fingerprints"


@functools.cache
def default_rules() -> RuleSet:
    """The shipped fingerprint rules, loaded once per process (a rule set is not changed)."""
    return RuleSet.from_directory(default_rule_directory())
