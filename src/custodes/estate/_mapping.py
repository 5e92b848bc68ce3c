"""Mapping files: how one body's spreadsheet layout maps onto register fields.

```yaml
columns: {"Camera Make": brand, "Location": site, "Ref": ignore}
defaults: {kind: anpr_camera, quantity: "1"}
null_values: [Unknown, N/A]
skip_rows: 2
header_row: 4
sheet: Register
carry_down: [site]
```
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from custodes.datafile import load_model
from custodes.estate._errors import MappingError
from custodes.estate._model import FIELDS

__all__ = ["IGNORE", "Mapping", "load_mapping"]

IGNORE = "ignore"
MAX_SCAN_ROWS = 10_000


def _check_field(value: str) -> str:
    if value != IGNORE and value not in FIELDS:
        raise ValueError(f"unknown field {value!r}; use one of: {', '.join(FIELDS)}, {IGNORE}")
    return value


Target = Annotated[str, AfterValidator(_check_field)]


class Mapping(BaseModel):
    """A validated mapping file (every key optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    columns: dict[str, Target] = Field(default_factory=dict)
    defaults: dict[str, str] = Field(default_factory=dict)
    null_values: list[str] = Field(default_factory=list)
    skip_rows: int = Field(default=0, ge=0, le=MAX_SCAN_ROWS)
    header_row: int | None = Field(default=None, ge=1, le=MAX_SCAN_ROWS)
    sheet: str | int | None = None
    carry_down: list[Target] | None = None

    @field_validator("defaults", mode="before")
    @classmethod
    def _defaults(cls, value: object) -> object:
        if isinstance(value, dict):
            for key in value:
                if key == IGNORE:
                    raise ValueError(f"{IGNORE!r} cannot have a default")
                _check_field(str(key))
            return {str(k): str(v) for k, v in value.items()}
        return value


def load_mapping(path: Path) -> Mapping:
    """Reads a mapping file; errors name the file, line and field."""
    return load_model(path, Mapping, error=MappingError)
