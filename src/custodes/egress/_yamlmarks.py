"""Load YAML while remembering the line of every value, for error messages that name a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

__all__ = ["LineMap", "line_for", "load_yaml_with_lines"]

#: Maps a path of keys/indexes (``("endpoints", 3, "kind")``) to its 1-based line number.
LineMap = dict[tuple[str | int, ...], int]

_MAX_DEPTH = 32


def load_yaml_with_lines(path: Path) -> tuple[Any, LineMap]:
    """Parse one YAML document safely and return ``(data, lines)``.

    Raises ``yaml.YAMLError`` for invalid YAML (its ``problem_mark`` carries the line).
    """
    text = path.read_text(encoding="utf-8")
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    lines: LineMap = {}
    if node is None:
        return None, lines
    return _convert(node, (), lines, 0), lines


def _convert(node: yaml.Node, where: tuple[str | int, ...], lines: LineMap, depth: int) -> Any:
    if depth > _MAX_DEPTH:
        raise yaml.YAMLError(f"nesting deeper than {_MAX_DEPTH} levels at line {_line(node)}")
    lines[where] = _line(node)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node)
            child = (*where, key)
            lines[child] = _line(key_node)
            result[key] = _convert(value_node, child, lines, depth + 1)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, (*where, index), lines, depth + 1)
            for index, item in enumerate(node.value)
        ]
    return _scalar(node)


def _scalar(node: yaml.Node) -> Any:
    """Construct a scalar with the safe loader's type resolution (ints, dates, strings …)."""
    if not isinstance(node, yaml.ScalarNode):
        raise yaml.YAMLError(f"a key must be a plain value (line {_line(node)})")
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def line_for(lines: LineMap, location: tuple[str | int, ...]) -> int:
    """Line of the deepest known prefix of ``location`` (1 when nothing is known)."""
    for end in range(len(location), -1, -1):
        line = lines.get(tuple(location[:end]))
        if line is not None:
            return line
    return 1
