"""Errors of the estate package: one base class, specific subclasses naming what and where."""

from __future__ import annotations

from dataclasses import dataclass

from custodes.datafile import DataFileError, Location
from custodes.tabular import TableError

__all__ = [
    "EstateError",
    "MappingError",
    "Problem",
    "RegisterInvalid",
    "SpreadsheetError",
    "VocabularyError",
]


class EstateError(Exception):
    """Base class of every error raised by ``custodes.estate``."""


class _FileLineError(EstateError, DataFileError):
    """An error in a data or mapping file, located by file, line and field.

    Fields are written with dots only (``fields.0.source``), as the estate commands show them.
    """

    @classmethod
    def field_name(cls, location: Location) -> str | None:
        return ".".join(str(part) for part in location) or None


class VocabularyError(_FileLineError):
    """The shipped column/kind vocabulary (``data/estate/columns.yaml``) is invalid."""


class MappingError(_FileLineError):
    """A user's mapping file is invalid."""


class SpreadsheetError(EstateError, TableError):
    """A register file cannot be read at all (format, encoding, missing sheet, no header) or
    is refused by the limits; ``row`` and ``column`` say where, when known."""


@dataclass(frozen=True)
class Problem:
    """One validation problem in a register file, at a spreadsheet row and column."""

    row: int
    column: str
    message: str
    letter: str = ""

    def __str__(self) -> str:
        where = f"{self.letter} " if self.letter else ""
        return f"row {self.row}, column {where}{self.column!r}: {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "letter": self.letter,
            "message": self.message,
        }


class RegisterInvalid(EstateError):
    """A register file has validation problems; nothing from it was written."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        listed = "; ".join(str(p) for p in problems[:5])
        more = f" (and {self.total - 5} more)" if self.total > 5 else ""
        super().__init__(f"{self.total} problem(s) in the register: {listed}{more}")
