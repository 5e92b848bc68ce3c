"""Load YAML data files into pydantic models, reporting errors by file, line and field."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from custodes.datafile import DataFileError, line_of, load_yaml, validate
from custodes.discovery.errors import DiscoveryError

ModelT = TypeVar("ModelT", bound=BaseModel)


def load_records(
    path: Path, key: str, model: type[ModelT], error: type[DiscoveryError]
) -> list[ModelT]:
    """Read ``path``, a mapping whose ``key`` holds a list, and validate each item as ``model``.

    Any problem raises ``error`` whose message names the file, line and field.
    """
    try:
        data, lines = load_yaml(path)
        if not isinstance(data, dict) or not isinstance(data.get(key), list):
            raise DataFileError(
                path, line_of(lines, (key,)), key, f"expected a mapping with a list under {key!r}"
            )
        return [
            validate(model, item, lines, path=path, at=(key, index))
            for index, item in enumerate(data[key])
        ]
    except DataFileError as exc:
        raise error(str(exc)) from exc
