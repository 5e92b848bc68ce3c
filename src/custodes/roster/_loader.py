"""Reading roster files: YAML with line numbers, pydantic validation, consistency checks."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path

from custodes.datafile import YamlDocument, dotted, line_of, load_yaml, validate
from custodes.roster._errors import RosterFileError
from custodes.roster._model import (
    Body,
    FoiAddress,
    RecipientList,
    Roster,
    consistency_problems,
)
from custodes.roster._schema import RosterFile

SHIPPED_ROSTER = ("data", "roster", "police-ew.yaml")


def parse_roster(text: str, label: str = "<roster>") -> Roster:
    """Parse roster YAML ``text``; ``label`` names the file in error messages."""
    return _roster(load_yaml(text, label=label, error=RosterFileError), label)


def load_roster(path: str | Path) -> Roster:
    """Read and validate a roster file, raising :class:`RosterFileError` with file and line."""
    label = str(path)
    return _roster(load_yaml(Path(path), label=label, error=RosterFileError), label)


def _roster(document: YamlDocument, label: str) -> Roster:
    """Validate a loaded roster document and check that its bodies and lists agree."""
    parsed = validate(RosterFile, document.data, document.lines, path=label, error=RosterFileError)
    bodies = tuple(
        Body(
            code=entry.code,
            name=entry.name,
            aliases=tuple(entry.aliases),
            kind=entry.kind,
            country=entry.country,
            languages=tuple(entry.languages),
            note=entry.note,
            source=entry.source,
            date=entry.date,
            foi_regime=entry.foi_regime,
            foi=None if entry.foi is None else FoiAddress(**entry.foi.model_dump()),
        )
        for entry in parsed.bodies
    )
    lists = tuple(
        RecipientList(
            name=entry.name,
            version=entry.version,
            title=entry.title,
            description=entry.description,
            source=entry.source,
            date=entry.date,
            codes=tuple(entry.codes),
        )
        for entry in parsed.lists
    )
    problems = consistency_problems(bodies, lists)
    if problems:
        first = problems[0]
        line = line_of(document.lines, first.path)
        raise RosterFileError(label, line, dotted(first.path), first.message)
    return Roster(bodies=bodies, lists=lists, source=parsed.source, date=parsed.date)


@functools.cache
def shipped_roster() -> Roster:
    """Return the packaged roster of the 47 bodies of the 2022 police survey (cached)."""
    resource = resources.files("custodes").joinpath(*SHIPPED_ROSTER)
    return parse_roster(
        resource.read_text(encoding="utf-8"), "custodes/" + "/".join(SHIPPED_ROSTER)
    )
