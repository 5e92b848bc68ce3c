"""Register files as rows of text, through the shared safe reader (:mod:`custodes.tabular`).

The register's limits are ``REGISTER_LIMITS``; cells have their whitespace folded (registers
are typed by hand), and a refused or unreadable file raises :class:`SpreadsheetError`.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from custodes.estate._errors import SpreadsheetError
from custodes.tabular import Limits, Table, TableError, column_letter, estimate_rows, open_table

__all__ = [
    "MAX_COLUMNS",
    "REGISTER_LIMITS",
    "RegisterCells",
    "column_letter",
    "estimate_rows",
    "read_cells",
]

REGISTER_LIMITS = Limits(rows=1_048_576, columns=200)
MAX_COLUMNS = REGISTER_LIMITS.columns

Row = tuple[int, tuple[str, ...]]


class RegisterCells:
    """Iterating yields ``(row number, cells)``; ``formulas_without_value`` holds the 0-based
    columns of the row just yielded whose formula has no saved value."""

    def __init__(self, table: Table) -> None:
        self._table = table
        self._rows = self._folded()

    @property
    def formulas_without_value(self) -> tuple[int, ...]:
        return self._table.formulas_without_value

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def __next__(self) -> Row:
        return next(self._rows)

    def _folded(self) -> Iterator[Row]:
        try:
            for number, cells in self._table:
                yield number, tuple(" ".join(cell.split()) for cell in cells)
        except SpreadsheetError:
            raise
        except TableError as exc:
            raise SpreadsheetError(
                str(exc), row=exc.row, column=exc.column, detail=exc.detail
            ) from exc


def read_cells(path: Path, *, sheet: str | int | None = None) -> RegisterCells:
    """The rows of a register file's sheet (CSV, XLSX or ODS), within ``REGISTER_LIMITS``."""
    try:
        return RegisterCells(open_table(path, sheet=sheet, limits=REGISTER_LIMITS))
    except TableError as exc:
        raise SpreadsheetError(str(exc), row=exc.row, column=exc.column, detail=exc.detail) from exc
