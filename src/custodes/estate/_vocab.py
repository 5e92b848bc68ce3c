"""The shipped vocabulary: column-name synonyms, kind and connectivity words, total-row words."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

from custodes.datafile import load_model
from custodes.estate._errors import VocabularyError
from custodes.estate._model import FIELDS, AssetKind, AssetStatus, Connectivity

__all__ = ["Vocabulary", "load_vocabulary", "normalise"]

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower case, punctuation to spaces, spaces collapsed: "No. of Units" → "no of units"."""
    return " ".join(_NON_WORD.sub(" ", text[:500].casefold()).split())


class _Sourced(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    source: HttpUrl
    date: date


class FieldEntry(_Sourced):
    field: str
    synonyms: list[str] = Field(min_length=1)
    carry_down: bool = False

    @field_validator("field")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in FIELDS:
            raise ValueError(f"unknown field {value!r}; known: {', '.join(FIELDS)}")
        return value


class KindEntry(_Sourced):
    kind: AssetKind
    label: str = Field(min_length=1)
    block: str = Field(min_length=1)
    synonyms: list[str] = Field(min_length=1)


class ConnectivityEntry(_Sourced):
    value: Connectivity
    label: str = Field(min_length=1)
    synonyms: list[str] = Field(min_length=1)


class StatusEntry(_Sourced):
    status: AssetStatus
    synonyms: list[str] = Field(min_length=1)


class SensitiveSiteRule(_Sourced):
    summary: str = Field(min_length=1)


class VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    fields: list[FieldEntry]
    kinds: list[KindEntry]
    connectivity: list[ConnectivityEntry]
    total_words: list[str] = Field(min_length=1)
    sensitive_site_rule: SensitiveSiteRule
    statuses: list[StatusEntry]

    @model_validator(mode="after")
    def _complete(self) -> VocabularyFile:
        missing = set(AssetKind) - {entry.kind for entry in self.kinds}
        if missing:
            raise ValueError(f"kinds missing: {', '.join(sorted(missing))}")
        missing_c = set(Connectivity) - {entry.value for entry in self.connectivity}
        if missing_c:
            raise ValueError(f"connectivity values missing: {', '.join(sorted(missing_c))}")
        return self


def _phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """Whole-word match of any phrase (normalised), longest first."""
    keys = sorted({normalise(p) for p in phrases if normalise(p)}, key=len, reverse=True)
    return re.compile(r"(?:^| )(?:" + "|".join(re.escape(k) for k in keys) + r")(?: |$)")


class Vocabulary:
    """Look-ups over the vocabulary file: header → field, text → kind or connectivity."""

    def __init__(self, data: VocabularyFile) -> None:
        self.data = data
        self._header: dict[str, str] = {}
        for entry in data.fields:
            for synonym in (entry.field, *entry.synonyms):
                self._header.setdefault(normalise(synonym), entry.field)
        self.carry_down = frozenset(e.field for e in data.fields if e.carry_down)
        self._kinds = [(entry.kind, _phrase_pattern(entry.synonyms)) for entry in data.kinds]
        self._connectivity = [
            (entry.value, _phrase_pattern(entry.synonyms)) for entry in data.connectivity
        ]
        self._totals = _phrase_pattern(data.total_words)
        self._statuses = [
            (entry.status, _phrase_pattern(entry.synonyms)) for entry in data.statuses
        ]
        # Enum values match exactly; normalised once here, not on every row.
        self._kind_values = {normalise(kind.value): kind for kind in AssetKind}
        self._connectivity_values = {normalise(value.value): value for value in Connectivity}
        self.kind_labels = {entry.kind: entry.label for entry in data.kinds}
        self.kind_blocks = {entry.kind: entry.block for entry in data.kinds}
        self.connectivity_labels = {entry.value: entry.label for entry in data.connectivity}

    def field_for_header(self, header: str) -> str | None:
        """The field a column heading names, or None."""
        return self._header.get(normalise(header))

    def kind_of(self, text: str) -> AssetKind | None:
        """The first kind (in file order) with a synonym in ``text``; enum values match too."""
        key = normalise(text)
        if key in self._kind_values:
            return self._kind_values[key]
        for kind, pattern in self._kinds:
            if pattern.search(key):
                return kind
        return None

    def connectivity_of(self, text: str) -> Connectivity | None:
        key = normalise(text)
        if key in self._connectivity_values:
            return self._connectivity_values[key]
        for value, pattern in self._connectivity:
            if pattern.search(key):
                return value
        return None

    def status_of(self, text: str) -> AssetStatus | None:
        """The first status (in file order) with a word in ``text``."""
        key = normalise(text)
        for status, pattern in self._statuses:
            if pattern.search(key):
                return status
        return None

    def is_total(self, text: str) -> bool:
        """True when a row's first cell marks it as a total ("Total", "Grand total: 40")."""
        return self._totals.match(normalise(text)) is not None

    @classmethod
    def from_file(cls, path: Path) -> Vocabulary:
        return cls(load_model(path, VocabularyFile, error=VocabularyError))


@cache
def load_vocabulary() -> Vocabulary:
    """The shipped vocabulary (``custodes/data/estate/columns.yaml``), loaded once."""
    resource = resources.files("custodes").joinpath("data", "estate", "columns.yaml")
    with resources.as_file(resource) as path:
        return Vocabulary.from_file(path)
