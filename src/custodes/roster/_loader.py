"""Reading roster files: YAML with line numbers, pydantic validation, consistency checks.

The shipped roster is every ``*.yaml`` file of ``custodes/data/roster``, read in name order
(``police-ew.yaml`` first) and checked together: codes and spellings are unique across the
files and a list may name a body of any file. A new list of bodies is a new file there.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
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

SHIPPED_ROSTER_DIR = ("data", "roster")
#: The first shipped file: its source and date are the merged roster's.
MAIN_ROSTER_FILE = "police-ew.yaml"


@dataclass(frozen=True)
class _Part:
    """One validated roster file, before it is checked against the others."""

    label: str
    document: YamlDocument
    parsed: RosterFile
    bodies: tuple[Body, ...]
    lists: tuple[RecipientList, ...]


def parse_roster(text: str, label: str = "<roster>") -> Roster:
    """Parse roster YAML ``text``; ``label`` names the file in error messages."""
    return parse_rosters([(text, label)])


def parse_rosters(texts: Sequence[tuple[str, str]]) -> Roster:
    """Parse several roster files (``(text, label)`` pairs) into one roster.

    Each file is validated on its own, then all are checked together; an error names the
    file, line and field of the offending entry. The first file gives the roster's source
    and date.
    """
    if not texts:
        raise ValueError("no roster file given")
    return _merged(
        [_part(load_yaml(text, label=label, error=RosterFileError), label) for text, label in texts]
    )


def load_roster(path: str | Path) -> Roster:
    """Read and validate a roster file, raising :class:`RosterFileError` with file and line."""
    label = str(path)
    return _merged([_part(load_yaml(Path(path), label=label, error=RosterFileError), label)])


def _part(document: YamlDocument, label: str) -> _Part:
    """Validate one loaded roster document."""
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
            preload=entry.preload,
        )
        for entry in parsed.lists
    )
    return _Part(label, document, parsed, bodies, lists)


def _merged(parts: Sequence[_Part]) -> Roster:
    """Check the files' bodies and lists together and build the roster.

    A problem's path indexes the concatenated bodies or lists; it is mapped back to the file
    and the entry's own index there, so the error names the right file and line.
    """
    bodies = tuple(body for part in parts for body in part.bodies)
    lists = tuple(recipients for part in parts for recipients in part.lists)
    problems = consistency_problems(bodies, lists)
    if problems:
        first = problems[0]
        section, index, *rest = first.path
        for part in parts:
            count = len(part.bodies if section == "bodies" else part.lists)
            if isinstance(index, int) and index < count:
                break
            index -= count
        path = (section, index, *rest)
        line = line_of(part.document.lines, path)
        raise RosterFileError(part.label, line, dotted(path), first.message)
    main = parts[0].parsed
    return Roster(bodies=bodies, lists=lists, source=main.source, date=main.date)


@functools.cache
def shipped_roster() -> Roster:
    """Return the packaged roster: every file of ``custodes/data/roster`` (cached)."""
    folder = resources.files("custodes").joinpath(*SHIPPED_ROSTER_DIR)
    names = sorted(
        (entry.name for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda name: (name != MAIN_ROSTER_FILE, name),
    )
    prefix = "custodes/" + "/".join(SHIPPED_ROSTER_DIR) + "/"
    return parse_rosters(
        [(folder.joinpath(name).read_text(encoding="utf-8"), prefix + name) for name in names]
    )
