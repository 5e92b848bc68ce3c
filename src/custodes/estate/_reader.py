"""Streaming cell readers for CSV, XLSX and ODS registers: rows of text, one at a time.

CSV is read with the ``csv`` module and XLSX with openpyxl in read-only mode, so neither is ever
held whole in memory. ODS goes through python-calamine, which parses a sheet at once (ODS files
big enough for that to matter are rare; the size is bounded by ``MAX_ODS_BYTES``).
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from custodes.estate._errors import SpreadsheetError

__all__ = ["MAX_CELL_CHARS", "MAX_COLUMNS", "column_letter", "estimate_rows", "read_cells"]

MAX_COLUMNS = 200
MAX_CELL_CHARS = 2_000
MAX_ODS_BYTES = 200_000_000
_SNIFF_BYTES = 64 * 1024

Row = tuple[int, tuple[str, ...]]


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def cell_text(value: Any) -> str:
    """A cell as text: whole floats without ``.0``, dates as ISO, whitespace trimmed."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time.min else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value)[:MAX_CELL_CHARS].split())


def _cells(values: Any) -> tuple[str, ...]:
    cells = [cell_text(v) for v in list(values)[: MAX_COLUMNS + 1]]
    if len(cells) > MAX_COLUMNS and any(cells[MAX_COLUMNS:]):
        raise SpreadsheetError(f"more than {MAX_COLUMNS} columns")
    while cells and not cells[-1]:
        cells.pop()
    return tuple(cells[:MAX_COLUMNS])


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
            return "cp1252"
    return "utf-8"


def _read_csv(path: Path) -> Iterator[Row]:
    encoding = _csv_encoding(path)
    with path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(_SNIFF_BYTES)
        handle.seek(0)
        try:
            dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
        except csv.Error:
            dialect = csv.excel
        reader = csv.reader(handle, dialect)
        try:
            for number, values in enumerate(reader, start=1):
                yield number, _cells(values)
        except csv.Error as exc:
            raise SpreadsheetError(f"{path.name}: CSV line {reader.line_num}: {exc}") from exc


def _read_xlsx(path: Path, sheet: str | int | None) -> Iterator[Row]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise SpreadsheetError(f"{path.name}: not a readable XLSX workbook: {exc}") from exc
    try:
        worksheet = _pick_sheet(path, workbook.sheetnames, sheet, workbook)
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            yield number, _cells(values)
    finally:
        workbook.close()


def _pick_sheet(path: Path, names: list[str], sheet: str | int | None, book: Any) -> Any:
    if sheet is None:
        return book[names[0]] if names else _no_sheet(path, sheet, names)
    if isinstance(sheet, int):
        if 0 <= sheet < len(names):
            return book[names[sheet]]
        return _no_sheet(path, sheet, names)
    if sheet in names:
        return book[sheet]
    return _no_sheet(path, sheet, names)


def _no_sheet(path: Path, sheet: str | int | None, names: list[str]) -> Any:
    raise SpreadsheetError(
        f"{path.name}: no sheet {sheet!r} (sheets: {', '.join(names) or 'none'})"
    )


def _read_ods(path: Path, sheet: str | int | None) -> Iterator[Row]:
    from python_calamine import CalamineError, CalamineWorkbook

    if path.stat().st_size > MAX_ODS_BYTES:
        raise SpreadsheetError(f"{path.name}: ODS file larger than {MAX_ODS_BYTES} bytes")
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = list(workbook.sheet_names)
        if sheet is None:
            if not names:
                _no_sheet(path, sheet, names)
            worksheet = workbook.get_sheet_by_index(0)
        elif isinstance(sheet, int):
            if not 0 <= sheet < len(names):
                _no_sheet(path, sheet, names)
            worksheet = workbook.get_sheet_by_index(sheet)
        else:
            if sheet not in names:
                _no_sheet(path, sheet, names)
            worksheet = workbook.get_sheet_by_name(sheet)
        rows = worksheet.to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise SpreadsheetError(f"{path.name}: not a readable ODS spreadsheet: {exc}") from exc
    for number, values in enumerate(rows, start=1):
        yield number, _cells(values)


def read_cells(path: Path, *, sheet: str | int | None = None) -> Iterator[Row]:
    """Yields ``(row number, cells as text)`` for every row of the file's sheet, in order."""
    suffix = path.suffix.casefold()
    if not path.is_file():
        raise SpreadsheetError(f"{path}: no such file")
    if suffix in (".csv", ".txt"):
        return _read_csv(path)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path, sheet)
    if suffix == ".ods":
        return _read_ods(path, sheet)
    raise SpreadsheetError(
        f"{path.name}: unsupported file type {suffix or '(none)'}; use CSV, XLSX or ODS"
    )


def estimate_rows(path: Path) -> int | None:
    """Roughly how many rows the file has (for a progress bar), without parsing it; None when
    that is not cheap to know."""
    suffix = path.suffix.casefold()
    if suffix in (".csv", ".txt"):
        count = 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
        return count
    if suffix in (".xlsx", ".xlsm"):
        import openpyxl

        try:
            workbook = openpyxl.load_workbook(path, read_only=True)
        except Exception:
            return None
        try:
            return workbook[workbook.sheetnames[0]].max_row if workbook.sheetnames else None
        finally:
            workbook.close()
    return None
