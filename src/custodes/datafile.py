"""One loader for the project's YAML data files, with errors naming file, line and field.

:func:`load_yaml` reads a file (or text) defensively — size cap, node-count cap against alias
bombs, depth cap, duplicate and non-text keys refused, PyYAML's safe scalar typing — and returns
the plain data together with the 1-based line of every value. :func:`validate` checks that data
against a pydantic model and turns a failure into a :class:`DataFileError` locating each problem.

Packages keep their own error classes by subclassing :class:`DataFileError` and passing the
subclass as ``error=``; two class-level hooks adapt the wording (:attr:`~DataFileError.
location_style` and :meth:`~DataFileError.field_name`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, NamedTuple, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_NODES",
    "DataFileError",
    "FileProblem",
    "LineMap",
    "Location",
    "YamlDocument",
    "dotted",
    "line_of",
    "load_model",
    "load_yaml",
    "validate",
]

MAX_BYTES = 2_000_000
MAX_NODES = 200_000
MAX_DEPTH = 32

#: A path of mapping keys and sequence indexes, e.g. ``("endpoints", 3, "kind")``.
Location = tuple[str | int, ...]
#: Maps a location to the 1-based line where its key (or sequence item) starts.
LineMap = dict[Location, int]

ModelT = TypeVar("ModelT", bound=BaseModel)

_MAP_TAG = "tag:yaml.org,2002:map"
_SEQ_TAG = "tag:yaml.org,2002:seq"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_BOOL_TAG = "tag:yaml.org,2002:bool"
# Errors PyYAML's constructors raise on hostile explicit tags (``!!int abc``, ``!!timestamp x``).
_CONSTRUCTOR_FAILURES = (ValueError, TypeError, AttributeError, OverflowError)


def dotted(location: Location) -> str:
    """Field path such as ``blocks[0].questions[2].type`` (empty for the whole document)."""
    text = ""
    for part in location:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text


@dataclass(frozen=True)
class FileProblem:
    """One problem in a data file: its line and field (``None`` when unknown) and what is wrong."""

    line: int | None
    field: str | None
    message: str


class DataFileError(Exception):
    """A data file cannot be read, parsed or validated; names the file, line and field.

    ``path``/``label`` name the file, ``line`` (1-based) and ``field`` (dotted path) locate the
    first problem (``None`` when unknown), ``message`` says what is wrong and ``problems`` holds
    every problem found, the first included.
    """

    #: ``"words"``: ``FILE, line N, field F: message``; ``"colons"``: ``FILE:N: F: message``.
    location_style: ClassVar[Literal["words", "colons"]] = "words"

    def __init__(
        self,
        path: str | Path,
        line: int | None,
        field: str | None,
        message: str,
        problems: tuple[FileProblem, ...] = (),
    ) -> None:
        self.label = str(path)
        self.path = Path(path)
        self.line = line
        self.field = field
        self.message = message
        self.problems = problems or (FileProblem(line, field, message),)
        super().__init__(self.describe())

    @classmethod
    def field_name(cls, location: Location) -> str | None:
        """How this package writes a field location (``None`` for the whole document)."""
        return dotted(location) or None

    def describe(self) -> str:
        """The message, prefixed with the file, line and field in :attr:`location_style`."""
        if self.location_style == "colons":
            where = self.label if self.line is None else f"{self.label}:{self.line}"
            text = (
                f"{where}: {self.field}: {self.message}"
                if self.field
                else f"{where}: {self.message}"
            )
        else:
            parts = [self.label]
            if self.line is not None:
                parts.append(f"line {self.line}")
            if self.field:
                parts.append(f"field {self.field}")
            text = f"{', '.join(parts)}: {self.message}"
        extra = len(self.problems) - 1
        if extra > 0:
            text += f" (and {extra} more problem{'s' if extra > 1 else ''})"
        return text

    def __str__(self) -> str:
        return self.describe()


class YamlDocument(NamedTuple):
    """Plain data of a YAML file and the line of every location in it."""

    data: Any
    lines: LineMap


class _Loader(yaml.SafeLoader):
    """SafeLoader whose impossible dates fail as YAML errors carrying the line."""

    def construct_yaml_timestamp(self, node: yaml.Node) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as error:
            raise yaml.constructor.ConstructorError(
                None, None, f"invalid date {node.value!r} ({error})", node.start_mark
            ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class _WordsLoader(_Loader):
    """Like :class:`_Loader`, but only ``true``/``false`` are booleans: ``yes``, ``no``, ``on``
    and ``off`` stay words (YAML 1.2 rules, so a country code ``NO`` stays text)."""


_WordsLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_WordsLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Builder:
    """Turns a composed node graph into plain values, bounded, recording each location's line."""

    def __init__(
        self,
        loader: yaml.SafeLoader,
        label: str,
        error: type[DataFileError],
        max_nodes: int,
        max_depth: int,
    ) -> None:
        self.loader = loader
        self.label = label
        self.error = error
        self.max_nodes = max_nodes
        self.max_depth = max_depth
        self.lines: LineMap = {}
        self.nodes = 0

    def fail(self, line: int | None, location: Location | None, message: str) -> DataFileError:
        field = None if location is None else self.error.field_name(location)
        return self.error(self.label, line, field, message)

    def build(self, node: yaml.Node, location: Location) -> Any:
        self.nodes += 1
        line = _line(node)
        if self.nodes > self.max_nodes:
            raise self.fail(
                line, None, f"more than {self.max_nodes:,} YAML nodes (aliases expanded)"
            )
        if len(location) > self.max_depth:
            raise self.fail(line, location, f"nested more than {self.max_depth} levels deep")
        self.lines.setdefault(location, line)
        if isinstance(node, yaml.MappingNode):
            self._check_tag(node, _MAP_TAG, location)
            return self._mapping(node, location)
        if isinstance(node, yaml.SequenceNode):
            self._check_tag(node, _SEQ_TAG, location)
            return [self.build(item, (*location, i)) for i, item in enumerate(node.value)]
        return self._scalar(node, location)

    def _check_tag(self, node: yaml.Node, expected: str, location: Location) -> None:
        if node.tag != expected:
            raise self.fail(
                _line(node), location, f"invalid YAML: tag {node.tag!r} is not allowed here"
            )

    def _mapping(self, node: yaml.MappingNode, location: Location) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        first_lines: dict[str, int] = {}
        for key_node, value_node in node.value:
            key_line = _line(key_node)
            if key_node.tag == _MERGE_TAG:
                raise self.fail(key_line, location, "merge keys (<<) are not supported")
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.fail(key_line, location, "invalid YAML: a key must be a single value")
            key = self._scalar(key_node, location)
            if not isinstance(key, str):
                raise self.fail(key_line, location, "keys must be plain text")
            where = (*location, key)
            if key in first_lines:
                raise self.fail(
                    key_line,
                    where,
                    f"duplicate key {key!r} (first given on line {first_lines[key]})",
                )
            first_lines[key] = key_line
            self.lines[where] = key_line
            mapping[key] = self.build(value_node, where)
        return mapping

    def _scalar(self, node: yaml.Node, location: Location) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            problem = exc.problem or exc.context
            raise self.fail(_line(node), location, f"invalid YAML: {problem}") from None
        except _CONSTRUCTOR_FAILURES as exc:
            raise self.fail(
                _line(node), location, f"invalid YAML: bad value {node.value[:40]!r} ({exc})"
            ) from None


def _read(path: Path, label: str, max_bytes: int, error: type[DataFileError]) -> bytes:
    try:
        with path.open("rb") as stream:
            return stream.read(max_bytes + 1)
    except OSError as exc:
        raise error(label, None, None, f"cannot read file: {exc.strerror or exc}") from exc


def _text(
    source: Path | str | bytes, label: str, max_bytes: int, error: type[DataFileError]
) -> str:
    raw = _read(source, label, max_bytes, error) if isinstance(source, Path) else source
    too_big = len(raw) > max_bytes or (
        isinstance(raw, str) and len(raw.encode("utf-8", "surrogatepass")) > max_bytes
    )
    if too_big:
        raise error(label, None, None, f"file is larger than {max_bytes:,} bytes")
    if isinstance(raw, str):
        return raw
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise error(label, line, None, f"file is not UTF-8 (byte {exc.start})") from None


def _bad_character(
    exc: yaml.reader.ReaderError, text: str, label: str, error: type[DataFileError]
) -> DataFileError:
    """The error for a character YAML does not accept (control characters and the like)."""
    line = text[: exc.position].count("\n") + 1
    return error(label, line, None, f"invalid text: {exc.reason}")


def _label(source: Path | str | bytes, label: str | None) -> str:
    if label is not None:
        return label
    return str(source) if isinstance(source, Path) else "<string>"


def load_yaml(
    source: Path | str | bytes,
    *,
    label: str | None = None,
    error: type[DataFileError] = DataFileError,
    yes_no_words: bool = False,
    max_bytes: int = MAX_BYTES,
    max_nodes: int = MAX_NODES,
    max_depth: int = MAX_DEPTH,
) -> YamlDocument:
    """Parse one YAML document from a file (``Path``) or its text (``str``/``bytes``).

    ``label`` names the file in errors (default: the path, or ``<string>``); failures raise
    ``error``. ``yes_no_words`` keeps YAML 1.1's ``yes``/``no``/``on``/``off`` as words.
    """
    name = _label(source, label)
    text = _text(source, name, max_bytes, error)
    try:
        loader = (_WordsLoader if yes_no_words else _Loader)(text)
    except yaml.reader.ReaderError as exc:
        raise _bad_character(exc, text, name, error) from None
    builder = _Builder(loader, name, error, max_nodes, max_depth)
    try:
        root = loader.get_single_node()
        if root is None:
            raise error(name, None, None, "file is empty")
        return YamlDocument(builder.build(root, ()), builder.lines)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise error(name, line, None, f"invalid YAML: {exc.problem or exc.context}") from None
    except yaml.reader.ReaderError as exc:
        raise _bad_character(exc, text, name, error) from None
    except yaml.YAMLError as exc:
        raise error(name, None, None, f"invalid YAML: {exc}") from None
    except RecursionError:
        raise error(name, None, None, "YAML is nested too deeply") from None
    finally:
        loader.dispose()


def line_of(lines: LineMap, location: Location) -> int | None:
    """Line of ``location``, or of its deepest ancestor present in the file."""
    for end in range(len(location), -1, -1):
        line = lines.get(location[:end])
        if line is not None:
            return line
    return None


def _has(container: Any, part: Any) -> bool:
    """Whether ``part`` is a key of the mapping or an index of the list ``container``."""
    if isinstance(container, dict):
        return isinstance(part, str) and part in container
    return isinstance(container, list) and isinstance(part, int) and 0 <= part < len(container)


def _data_location(data: Any, location: tuple[Any, ...], missing: bool) -> Location:
    """Keep the parts of a pydantic location that exist in ``data``, dropping union-member tags.

    A missing field's name is kept as the last part when ``missing`` is set.
    """
    kept: list[str | int] = []
    current = data
    for position, part in enumerate(location):
        if _has(current, part):
            current = current[part]
        elif not (missing and position == len(location) - 1 and isinstance(part, str)):
            continue
        kept.append(part)
    return tuple(kept)


def validate(
    model: type[ModelT],
    data: Any,
    lines: LineMap,
    *,
    path: str | Path,
    error: type[DataFileError] = DataFileError,
    at: Location = (),
) -> ModelT:
    """Validate ``data`` (found at location ``at`` of the file) as ``model``.

    On failure raises ``error`` locating the first problem; ``problems`` lists them all.
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for detail in exc.errors(include_url=False):
            where = (*at, *_data_location(data, detail["loc"], detail["type"] == "missing"))
            problems.append(
                FileProblem(line_of(lines, where), error.field_name(where), detail["msg"])
            )
        first = problems[0]
        raise error(path, first.line, first.field, first.message, tuple(problems)) from exc


def load_model(
    source: Path | str | bytes,
    model: type[ModelT],
    *,
    label: str | None = None,
    error: type[DataFileError] = DataFileError,
) -> ModelT:
    """Load a YAML file (or text) and validate it as ``model`` (see :func:`load_yaml`)."""
    name = _label(source, label)
    document = load_yaml(source, label=name, error=error)
    return validate(model, document.data, document.lines, path=name, error=error)
