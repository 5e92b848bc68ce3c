"""Reading roster files: YAML with line numbers, pydantic validation, consistency checks."""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from custodes.roster._errors import RosterFileError
from custodes.roster._model import Body, FieldPath, RecipientList, Roster, consistency_problems
from custodes.roster._schema import RosterFile

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_NODES = 200_000
SHIPPED_ROSTER = ("data", "roster", "police-ew.yaml")


class _Document:
    """A YAML document turned into plain values, remembering the line of every path."""

    def __init__(self, text: str, label: str) -> None:
        self.label = label
        self.lines: dict[FieldPath, int] = {}
        self._nodes = 0
        try:
            loader = yaml.SafeLoader(text)
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            raise RosterFileError(label, line, None, f"invalid text: {exc.reason}") from exc
        try:
            root = loader.get_single_node()
            if root is None:
                raise RosterFileError(label, None, None, "the file is empty")
            self.value = self._build(loader, root, ())
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark is not None else None
            raise RosterFileError(label, line, None, f"invalid YAML: {exc.problem}") from exc
        except yaml.reader.ReaderError as exc:
            line = text[: exc.position].count("\n") + 1
            raise RosterFileError(label, line, None, f"invalid text: {exc.reason}") from exc
        except yaml.YAMLError as exc:
            raise RosterFileError(label, None, None, f"invalid YAML: {exc}") from exc
        finally:
            loader.dispose()

    def _build(self, loader: yaml.SafeLoader, node: yaml.Node, path: FieldPath) -> Any:
        self._nodes += 1
        line = node.start_mark.line + 1
        if self._nodes > MAX_NODES:
            raise RosterFileError(self.label, line, None, f"more than {MAX_NODES} YAML nodes")
        self.lines.setdefault(path, line)
        if isinstance(node, yaml.MappingNode):
            mapping: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key_line = key_node.start_mark.line + 1
                if not isinstance(key_node, yaml.ScalarNode) or not isinstance(
                    loader.construct_object(key_node), str
                ):
                    raise RosterFileError(self.label, key_line, None, "keys must be plain text")
                key = str(key_node.value)
                where = _dotted((*path, key))
                if key in mapping:
                    raise RosterFileError(self.label, key_line, where, "duplicate key")
                self.lines[(*path, key)] = key_line
                mapping[key] = self._build(loader, value_node, (*path, key))
            return mapping
        if isinstance(node, yaml.SequenceNode):
            return [self._build(loader, item, (*path, i)) for i, item in enumerate(node.value)]
        return loader.construct_object(node)

    def line_of(self, path: FieldPath) -> int | None:
        """Return the line of ``path`` or of its nearest ancestor present in the file."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return None


def _dotted(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}" if text else part
    return text


def _validation_error(document: _Document, error: ValidationError) -> RosterFileError:
    first = error.errors()[0]
    path: FieldPath = tuple(part for part in first["loc"] if isinstance(part, str | int))
    field = _dotted(path) or None
    return RosterFileError(document.label, document.line_of(path), field, first["msg"])


def parse_roster(text: str, label: str = "<roster>") -> Roster:
    """Parse roster YAML ``text``; ``label`` names the file in error messages."""
    document = _Document(text, label)
    try:
        parsed = RosterFile.model_validate(document.value)
    except ValidationError as exc:
        raise _validation_error(document, exc) from None
    bodies = tuple(
        Body(
            code=entry.code,
            name=entry.name,
            aliases=tuple(entry.aliases),
            kind=entry.kind,
            country=entry.country,
            note=entry.note,
            source=entry.source,
            date=entry.date,
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
        line = document.line_of(first.path)
        raise RosterFileError(label, line, _dotted(first.path), first.message)
    return Roster(bodies=bodies, lists=lists, source=parsed.source, date=parsed.date)


def load_roster(path: str | Path) -> Roster:
    """Read and validate a roster file, raising :class:`RosterFileError` with file and line."""
    file = Path(path)
    label = str(file)
    try:
        with file.open("rb") as stream:
            raw = stream.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise RosterFileError(label, None, None, f"cannot read file: {exc.strerror}") from exc
    if len(raw) > MAX_FILE_BYTES:
        raise RosterFileError(label, None, None, f"file is larger than {MAX_FILE_BYTES} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise RosterFileError(label, line, None, "file is not valid UTF-8") from exc
    return parse_roster(text, label)


@functools.cache
def shipped_roster() -> Roster:
    """Return the packaged roster of the 47 bodies of the 2022 police survey (cached)."""
    resource = resources.files("custodes").joinpath(*SHIPPED_ROSTER)
    return parse_roster(
        resource.read_text(encoding="utf-8"), "custodes/" + "/".join(SHIPPED_ROSTER)
    )
