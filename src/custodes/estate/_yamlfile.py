"""YAML loading that keeps each value's line, so errors name file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from custodes.estate._errors import MappingError, VocabularyError

ModelT = TypeVar("ModelT", bound=BaseModel)
Location = tuple[str | int, ...]

MAX_DEPTH = 16
MAX_FILE_BYTES = 2_000_000
_SCALARS = yaml.SafeLoader("")


def _construct(node: yaml.Node, path: Location, lines: dict[Location, int]) -> Any:
    if len(path) > MAX_DEPTH:
        raise ValueError(f"line {node.start_mark.line + 1}: nesting deeper than {MAX_DEPTH}")
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                raise ValueError(f"line {key_node.start_mark.line + 1}: duplicate key {key!r}")
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _construct(value_node, (*path, key), lines)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_construct(item, (*path, i), lines) for i, item in enumerate(node.value)]
    return _SCALARS.construct_object(node, deep=True)


def _line_of(lines: dict[Location, int], location: Location) -> int | None:
    for end in range(len(location), -1, -1):
        if (found := lines.get(tuple(location[:end]))) is not None:
            return found
    return None


def load_validated(
    path: Path, model: type[ModelT], error: type[MappingError] | type[VocabularyError]
) -> ModelT:
    """Reads ``path`` and validates it as ``model``; failures raise ``error`` with the line."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise error(path, None, None, f"file larger than {MAX_FILE_BYTES} bytes")
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise error(path, None, None, f"cannot read: {exc}") from exc
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise error(path, mark.line + 1 if mark else None, None, f"invalid YAML: {exc}") from exc
    if node is None:
        raise error(path, 1, None, "file is empty")
    lines: dict[Location, int] = {}
    try:
        data = _construct(node, (), lines)
    except (ValueError, yaml.YAMLError) as exc:
        raise error(path, None, None, str(exc)) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = tuple(first["loc"])
        field = ".".join(str(part) for part in location) or None
        raise error(path, _line_of(lines, location), field, first["msg"]) from exc
