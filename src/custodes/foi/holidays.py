"""The shipped bank-holiday table of the three UK divisions (``schema: custodes.foi.holidays/1``).

The table (``src/custodes/data/foi/holidays.yaml``) is generated once by
``scripts/generate_foi_holidays.py`` from the ``holidays`` library and then kept as data: it is
never fetched at run time. :func:`shipped_holidays` loads it (cached); :func:`load_holidays`
reads another file. A bad file raises :class:`HolidaysFileError` naming file, line and field.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from custodes.datafile import DataFileError, Location, YamlDocument, line_of, load_yaml, validate

__all__ = [
    "DIVISIONS",
    "Division",
    "Holiday",
    "HolidayTable",
    "HolidaysFileError",
    "load_holidays",
    "parse_holidays",
    "shipped_holidays",
]

SCHEMA = "custodes.foi.holidays/1"
SHIPPED = ("data", "foi", "holidays.yaml")

Division = Literal["england-and-wales", "scotland", "northern-ireland"]
#: GOV.UK's three bank-holiday divisions, in its order.
DIVISIONS: tuple[Division, ...] = ("england-and-wales", "scotland", "northern-ireland")

Text = Annotated[str, Field(min_length=1, max_length=1000)]
Url = Annotated[str, Field(pattern=r"^https?://[^\s]+$", max_length=2000)]
Year = Annotated[int, Field(ge=1900, le=2200)]


class HolidaysFileError(DataFileError):
    """The holiday table cannot be read or is invalid (names file, line and field)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _Entry(_Strict):
    date: dt.date
    name: Annotated[str, Field(min_length=1, max_length=200)]
    proclaimed: bool = False
    note: Text | None = None


class _Correction(_Strict):
    division: Division
    date: dt.date
    removed: Literal[True]
    note: Text


class _Generated(_Strict):
    by: Text
    library: Text
    date: dt.date
    checked_against: Text | None = None


class _File(_Strict):
    schema_: Literal["custodes.foi.holidays/1"] = Field(alias="schema")
    source: Url
    date: dt.date
    generated: _Generated | None = None
    first_year: Year
    last_year: Year
    divisions: dict[Division, list[_Entry]]
    corrections: list[_Correction] = Field(default_factory=list)


@dataclass(frozen=True)
class Holiday:
    """One bank holiday in one division; ``proclaimed`` marks a one-off day."""

    date: dt.date
    name: str
    division: Division
    proclaimed: bool = False
    note: str | None = None


@dataclass(frozen=True)
class HolidayTable:
    """Bank holidays per division over ``first_year``..``last_year`` (inclusive)."""

    first_year: int
    last_year: int
    divisions: Mapping[Division, Mapping[dt.date, Holiday]]
    source: str
    date: dt.date
    label: str

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.first_year, 1, 1)

    @property
    def last_day(self) -> dt.date:
        return dt.date(self.last_year, 12, 31)

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` lies in the years the table covers."""
        return self.first_year <= day.year <= self.last_year

    def on(self, day: dt.date, divisions: tuple[Division, ...] = DIVISIONS) -> tuple[Holiday, ...]:
        """The holidays falling on ``day`` in any of ``divisions``."""
        return tuple(
            self.divisions[division][day]
            for division in divisions
            if day in self.divisions[division]
        )


def _problems(parsed: _File) -> list[tuple[Location, str]]:
    """Consistency checks pydantic cannot locate: years, duplicates, corrections."""
    problems: list[tuple[Location, str]] = []
    if parsed.first_year > parsed.last_year:
        problems.append((("last_year",), "last_year is before first_year"))
    for division in DIVISIONS:
        if division not in parsed.divisions:
            problems.append((("divisions",), f"division {division!r} is missing"))
    for division, entries in parsed.divisions.items():
        seen: dict[dt.date, int] = {}
        for index, entry in enumerate(entries):
            where: Location = ("divisions", division, index, "date")
            if not parsed.first_year <= entry.date.year <= parsed.last_year:
                problems.append(
                    (where, f"{entry.date} is outside {parsed.first_year}..{parsed.last_year}")
                )
            if entry.date in seen:
                problems.append(
                    (where, f"{entry.date} is listed twice (also item {seen[entry.date]})")
                )
            seen.setdefault(entry.date, index)
    for index, correction in enumerate(parsed.corrections):
        listed = {entry.date for entry in parsed.divisions.get(correction.division, [])}
        if correction.date in listed:
            problems.append(
                (
                    ("corrections", index, "date"),
                    f"{correction.date} is removed by this correction but still listed "
                    f"under {correction.division}",
                )
            )
    return problems


def _table(document: YamlDocument, label: str) -> HolidayTable:
    parsed = validate(_File, document.data, document.lines, path=label, error=HolidaysFileError)
    problems = _problems(parsed)
    if problems:
        location, message = problems[0]
        raise HolidaysFileError(
            label,
            line_of(document.lines, location),
            HolidaysFileError.field_name(location),
            message,
        )
    divisions = {
        division: MappingProxyType(
            {
                entry.date: Holiday(entry.date, entry.name, division, entry.proclaimed, entry.note)
                for entry in parsed.divisions[division]
            }
        )
        for division in DIVISIONS
    }
    return HolidayTable(
        first_year=parsed.first_year,
        last_year=parsed.last_year,
        divisions=MappingProxyType(divisions),
        source=parsed.source,
        date=parsed.date,
        label=label,
    )


def parse_holidays(text: str, label: str = "<holidays>") -> HolidayTable:
    """Parse holiday-table YAML ``text``; ``label`` names the file in errors."""
    return _table(load_yaml(text, label=label, error=HolidaysFileError), label)


def load_holidays(path: str | Path) -> HolidayTable:
    """Read and validate a holiday-table file."""
    label = str(path)
    return _table(load_yaml(Path(path), label=label, error=HolidaysFileError), label)


@functools.cache
def shipped_holidays() -> HolidayTable:
    """The packaged table (cached)."""
    resource = resources.files("custodes").joinpath(*SHIPPED)
    return parse_holidays(resource.read_text(encoding="utf-8"), "custodes/" + "/".join(SHIPPED))
