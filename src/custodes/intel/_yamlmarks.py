"""YAML loading that remembers the line of every value, for error messages."""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from custodes.intel._errors import KnowledgeDataError

ModelT = TypeVar("ModelT", bound=BaseModel)
Location = tuple[str | int, ...]

_MAX_DEPTH = 32
_SCALARS = yaml.SafeLoader("")  # reused only for PyYAML's safe scalar typing (dates, ints)


def _construct(node: yaml.Node, path: Location, lines: dict[Location, int], path_file: Path) -> Any:
    """Turn a composed node into plain Python, recording each value's 1-based line."""
    if len(path) > _MAX_DEPTH:
        raise KnowledgeDataError(path_file, node.start_mark.line + 1, None, "nesting too deep")
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in result:
                raise KnowledgeDataError(
                    path_file, key_node.start_mark.line + 1, key, "duplicate key"
                )
            result[key] = _construct(value_node, (*path, key), lines, path_file)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _construct(item, (*path, index), lines, path_file)
            for index, item in enumerate(node.value)
        ]
    return _SCALARS.construct_object(node, deep=True)


def load_yaml_with_lines(path: Path) -> tuple[Any, dict[Location, int]]:
    """Read a YAML file and return its data and a map from value location to line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise KnowledgeDataError(path, None, None, f"cannot read: {error}") from error
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise KnowledgeDataError(path, line, None, f"invalid YAML: {error}") from error
    if node is None:
        raise KnowledgeDataError(path, 1, None, "file is empty")
    lines: dict[Location, int] = {}
    return _construct(node, (), lines, path), lines


def line_of(lines: dict[Location, int], location: Location) -> int | None:
    """Line of the deepest known prefix of a location (pydantic errors point below values)."""
    for end in range(len(location), -1, -1):
        found = lines.get(tuple(location[:end]))
        if found is not None:
            return found
    return None


def validate_file(path: Path, model: type[ModelT]) -> ModelT:
    """Load a YAML file and validate it, naming file, line and field on failure."""
    data, lines = load_yaml_with_lines(path)
    try:
        return model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        location = tuple(first["loc"])
        field = ".".join(str(part) for part in location) or None
        raise KnowledgeDataError(path, line_of(lines, location), field, first["msg"]) from error
