"""Load YAML data files into pydantic models, reporting errors by file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from custodes.discovery.errors import DiscoveryError

ModelT = TypeVar("ModelT", bound=BaseModel)


def _node_line(node: yaml.Node, location: tuple[int | str, ...]) -> int:
    """1-based line of the deepest node reachable along ``location``."""
    for part in location:
        if isinstance(node, yaml.MappingNode):
            child = next(
                (value for key, value in node.value if getattr(key, "value", None) == part), None
            )
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            child = node.value[part] if 0 <= part < len(node.value) else None
        else:
            child = None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def load_records(
    path: Path, key: str, model: type[ModelT], error: type[DiscoveryError]
) -> list[ModelT]:
    """Read ``path``, a mapping whose ``key`` holds a list, and validate each item as ``model``."""
    try:
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise error(f"cannot read {path}: {exc}") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f", line {mark.line + 1}" if mark is not None else ""
        raise error(f"{path}{where}: not valid YAML: {exc}") from exc
    if root is None or not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise error(f"{path}, line 1, field {key!r}: expected a mapping with a list under {key!r}")
    records: list[ModelT] = []
    for index, item in enumerate(data[key]):
        try:
            records.append(model.model_validate(item))
        except ValidationError as exc:
            first = exc.errors()[0]
            location = (key, index, *first["loc"])
            line = _node_line(root, location)
            field = ".".join(str(part) for part in first["loc"]) or "(item)"
            raise error(f"{path}, line {line}, field {field!r}: {first['msg']}") from exc
    return records
