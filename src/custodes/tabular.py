"""Opening a spreadsheet or CSV file safely: rows of cell texts, streamed, within stated limits.

Both importers (registers and survey returns) read their files through :func:`open_table`. A
file sent by a stranger may be built to cost: a cell at XFD1048576 in a 4 KB workbook, millions
of rows, a zip member that inflates a thousandfold, a CSV field of a gigabyte. Every format is
therefore streamed (CSV with the ``csv`` module, XLSX with openpyxl's sheet parser, ODS with an
``iterparse`` of ``content.xml``), gaps between rows cost nothing, and :class:`Limits` are
checked before or while reading — the zip directory before any XML is parsed, a sheet's
declared dimension before its rows — so the work done is bounded by the limits, not by the file.
Every refusal is a :class:`TableError` naming the file, the row and column where it has one,
and the limit.
"""

from __future__ import annotations

import codecs
import csv
import warnings
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

__all__ = [
    "DEFAULT_LIMITS",
    "FileRefused",
    "Limits",
    "RowProblem",
    "Table",
    "TableError",
    "cell_text",
    "column_index",
    "column_letter",
    "estimate_rows",
    "neutralise_formula",
    "open_table",
    "open_with_header",
]

_SNIFF_BYTES = 64 * 1024
_DIALECT_SAMPLE_CHARS = 4096  # csv.Sniffer is quadratic on some inputs: 16 KB can take seconds
_RATIO_CHECKED_FROM = 1 << 20  # small members (styles, empty sheets) may compress very well
_MAX_ZIP_MEMBERS = 10_000
_BLANK_RUN_YIELDED = 1_000  # longer runs of blank rows are a sheet's layout, not data
FORMULA_TRIGGERS = frozenset({"=", "+", "-", "@", "\t", "\r"})
CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
ODS_SUFFIXES = frozenset({".ods"})


@dataclass(frozen=True)
class Limits:
    """What one file may hold. The defaults are Excel's own maxima where it has them."""

    rows: int = 1_048_576
    columns: int = 200
    cell_chars: int = 32_767
    line_chars: int = 1 << 20  # one CSV line (a record may span several)
    uncompressed_bytes: int = 512 << 20  # all members of an XLSX/ODS zip together
    shared_strings_bytes: int = 64 << 20  # XLSX shared strings are held in memory
    compression_ratio: int = 200  # per zip member over 1 MiB


DEFAULT_LIMITS = Limits()
# The csv module's own field limit (131,072) would refuse a long cell without naming its
# column; lines are bounded here instead, so let a field be as long as a line.
csv.field_size_limit(max(csv.field_size_limit(), DEFAULT_LIMITS.line_chars))
# openpyxl warns on stderr for a date serial out of range and reads the cell as "#VALUE!";
# the importers report that value by row and column instead.
warnings.filterwarnings("ignore", message=r"Cell .* is marked as a date", module="openpyxl")


class TableError(Exception):
    """The file cannot be read, or not within the limits; nothing from it should be used."""

    def __init__(
        self,
        message: str,
        *,
        row: int | None = None,
        column: str | None = None,
        detail: str | None = None,
    ) -> None:
        super().__init__(message)
        self.row = row
        self.column = column  # the column's letters
        self.detail = detail or message  # the message without the file, row and column


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with an imported file, by row (as a spreadsheet numbers it; 0 = the
    file as a whole) and column header."""

    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row else "file"
        where += f", column {self.column!r}" if self.column else ""
        return f"{where}: {self.message}"

    @classmethod
    def from_table_error(cls, error: TableError, header: list[str]) -> RowProblem:
        """The reader's refusal, naming the column by its header where it has one."""
        column = error.column
        if column is not None:
            index = column_index(column)
            if index < len(header) and header[index]:
                column = header[index]
        return cls(error.row or 0, column, error.detail)


class FileRefused(Exception):
    """An import refused the file as a whole; nothing was imported. ``problems`` lists every
    problem found (the message shows the first ``SHOWN``)."""

    SHOWN = 50

    def __init__(self, path: Path, problems: list[RowProblem]) -> None:
        self.path = path
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[: self.SHOWN])
        more = len(problems) - self.SHOWN
        super().__init__(
            f"{path.name}: {len(problems)} problem(s), nothing imported:\n{shown}"
            + (f"\n  … and {more} more" if more > 0 else "")
        )


IMPORT_SUFFIXES = frozenset({".csv", ".xlsx", ".xlsm", ".ods"})


def open_with_header(
    path: Path,
    *,
    limits: Limits,
    refused: type[FileRefused] = FileRefused,
    suffixes: frozenset[str] = IMPORT_SUFFIXES,
) -> tuple[Table, int, list[str]]:
    """An importer's file opened, with its header row's number and cells; the rows after it
    are read from the table. A file of another type, one the reader refuses, or an empty one
    raises ``refused``, naming the row and column where it can."""
    if path.suffix.casefold() not in suffixes:
        kinds = [kind for kind in (".csv", ".xlsx", ".ods") if kind in suffixes]
        listed = ", ".join(kinds[:-1]) + f" or {kinds[-1]}" if len(kinds) > 1 else kinds[0]
        raise refused(path, [RowProblem(0, None, f"unsupported file type: use {listed}")])
    try:
        table = open_table(path, limits=limits)
        first = next(iter(table), None)
    except TableError as exc:
        raise refused(path, [RowProblem.from_table_error(exc, [])]) from exc
    if first is None or not any(first[1]):
        raise refused(path, [RowProblem(1, None, "the file is empty")])
    return table, first[0], list(first[1])


def _refused(path: Path, message: str) -> TableError:
    return TableError(f"{path.name}: {message}", detail=message)


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_index(letters: str) -> int:
    """The 0-based index of a column's letters: A → 0, AA → 26."""
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def cell_text(value: Any) -> str:
    """A cell as the text a person would have typed: whole floats without ``.0``, dates as
    ISO (a date-time at midnight as a date), booleans as yes/no, outer whitespace trimmed."""
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
    return str(value).strip()


def neutralise_formula(value: Any) -> Any:
    """Text a spreadsheet would run as a formula, with the protective quote exports add
    (CSV/formula injection); :func:`open_table` removes that quote again on reading."""
    if isinstance(value, str) and value[:1] in FORMULA_TRIGGERS:
        return "'" + value
    return value


def _unquoted(text: str) -> str:
    """A cell without the protective quote before a formula-like text: what was exported (and
    what a spreadsheet program shows for a quoted cell)."""
    return text[1:] if text[:1] == "'" and text[1:2] in FORMULA_TRIGGERS else text


Row = tuple[int, tuple[str, ...]]


class Table:
    """The rows of one sheet: iterate for ``(row number, cell texts)``, trailing blanks dropped.

    Row numbers are the spreadsheet's (CSV: the record's first line); a run of more than
    1,000 rows that a spreadsheet leaves out (or repeats empty) is not yielded. After each row,
    :attr:`formulas_without_value` holds the 0-based columns of that row whose cell is a
    formula the file saved no value for (the workbook was written by a program that does not
    calculate): their text is blank, but the cell is not.
    """

    def __init__(self, path: Path, sheet: str | int | None, limits: Limits) -> None:
        self.path = path
        self.sheet = sheet
        self.limits = limits
        self.formulas_without_value: tuple[int, ...] = ()
        suffix = path.suffix.casefold()
        if suffix in XLSX_SUFFIXES or suffix in ODS_SUFFIXES:
            _check_zip(path, limits)
        if suffix in XLSX_SUFFIXES:
            self._rows: Iterator[Row] = _XlsxRows(self).rows()
        elif suffix in ODS_SUFFIXES:
            self._rows = _OdsRows(self).rows()
        else:
            self._rows = _csv_rows(self)

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def __next__(self) -> Row:
        return next(self._rows)

    def error(self, message: str, row: int | None = None, column: int | None = None) -> TableError:
        """A :class:`TableError` naming this file and, when given, the row and column."""
        letter = column_letter(column) if column is not None else None
        where = ""
        if row is not None:
            where = f" row {row}" + (f", column {letter}" if letter else "") + ":"
        return TableError(
            f"{self.path.name}:{where} {message}", row=row, column=letter, detail=message
        )

    def cells(self, number: int, values: Iterable[tuple[int, Any]]) -> tuple[str, ...]:
        """Cell texts of a row from ``(0-based column, value)`` pairs, checked against the
        limits; columns beyond the limit are refused only when they hold something."""
        if number > self.limits.rows:
            raise self.error(f"more than {self.limits.rows:,} rows (the limit)", number)
        cells: list[str] = []
        for index, value in values:
            text = _unquoted(cell_text(value))
            if not text:
                continue
            if index >= self.limits.columns:
                raise self.error(
                    f"more than {self.limits.columns:,} columns (the limit)", number, index
                )
            if len(text) > self.limits.cell_chars:
                raise self.error(
                    f"cell longer than {self.limits.cell_chars:,} characters (the limit)",
                    number,
                    index,
                )
            if "\x00" in text:
                raise self.error("cell contains a NUL character (\\x00)", number, index)
            if index >= len(cells):
                cells.extend([""] * (index + 1 - len(cells)))
            cells[index] = text
        return tuple(cells)


def open_table(
    path: Path, *, sheet: str | int | None = None, limits: Limits = DEFAULT_LIMITS
) -> Table:
    """The rows of a CSV, XLSX or ODS file's sheet (default: the first), read within ``limits``.

    The zip directory of an XLSX/ODS file is checked here; everything else as rows are read.
    Raises :class:`TableError` for a missing file, an unsupported type or a refused file.
    """
    path = Path(path)
    if not path.is_file():
        raise _refused(path, "no such file")
    suffix = path.suffix.casefold()
    if suffix not in CSV_SUFFIXES | XLSX_SUFFIXES | ODS_SUFFIXES:
        raise _refused(path, f"unsupported file type {suffix or '(none)'}; use CSV, XLSX or ODS")
    return Table(path, sheet, limits)


# -- zip containers -------------------------------------------------------------------------


def _check_zip(path: Path, limits: Limits) -> None:
    """Refuses a zip whose members would inflate past the limits, before anything is parsed.

    The sizes are the ones the zip declares; Python's ``zipfile`` (which every reader here
    uses) never inflates a member past its declared size, so a lying header fails its CRC
    check instead of going on.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise _refused(path, f"not a readable spreadsheet (zip): {exc}") from exc
    if len(members) > _MAX_ZIP_MEMBERS:
        raise _refused(path, f"more than {_MAX_ZIP_MEMBERS:,} parts in the zip")
    total = 0
    for member in members:
        total += member.file_size
        if total > limits.uncompressed_bytes:
            raise _refused(
                path,
                f"unpacks to more than {limits.uncompressed_bytes:,} bytes (the "
                "limit); save it as CSV, or split it",
            )
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > _RATIO_CHECKED_FROM and ratio > limits.compression_ratio:
            raise _refused(
                path,
                f"{member.filename} unpacks {ratio:,.0f} times its packed size "
                f"(the limit is {limits.compression_ratio}:1); this looks like a "
                "decompression bomb",
            )
        if member.filename.endswith("sharedStrings.xml") and (
            member.file_size > limits.shared_strings_bytes
        ):
            raise _refused(
                path,
                f"shared strings of {member.file_size:,} bytes (the limit is "
                f"{limits.shared_strings_bytes:,}); save it as CSV",
            )


def _no_sheet(table: Table, names: list[str]) -> TableError:
    return _refused(table.path, f"no sheet {table.sheet!r} (sheets: {', '.join(names) or 'none'})")


def _pick(table: Table, names: list[str]) -> str:
    sheet = table.sheet
    if sheet is None and names:
        return names[0]
    if isinstance(sheet, int) and 0 <= sheet < len(names):
        return names[sheet]
    if isinstance(sheet, str) and sheet in names:
        return sheet
    raise _no_sheet(table, names)


# -- CSV ------------------------------------------------------------------------------------


def _csv_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM), UTF-16 (BOM, or NULs in every other byte) or cp1252."""
    with path.open("rb") as handle:
        sample = handle.read(_SNIFF_BYTES)
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if len(sample) >= 4:
        even, odd = sample[0::2], sample[1::2]
        if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.1:
            return "utf-16-le"
        if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.1:
            return "utf-16-be"
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the sample's end
            return "cp1252"
    return "utf-8"


def _bounded_lines(table: Table, handle: Iterable[str]) -> Iterator[str]:
    for number, line in enumerate(handle, start=1):
        if len(line) > table.limits.line_chars:
            raise table.error(
                f"line longer than {table.limits.line_chars:,} characters (the limit)", number
            )
        yield line


def _csv_rows(table: Table) -> Iterator[Row]:
    encoding = _csv_encoding(table.path)
    with table.path.open("r", encoding=encoding, errors="replace", newline="") as handle:
        sample = handle.read(_DIALECT_SAMPLE_CHARS)
        handle.seek(0)
        try:
            delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
        # Spreadsheet CSV quotes with '"' only: a sniffed "'" would eat exports' quoted formulas.
        reader = csv.reader(_bounded_lines(table, handle), csv.excel, delimiter=delimiter)
        start = 1
        while True:
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise table.error(f"CSV line {reader.line_num}: {exc}", reader.line_num) from exc
            if len(values) > table.limits.columns:
                values = [*values[: table.limits.columns], "".join(values[table.limits.columns :])]
            yield start, table.cells(start, enumerate(values))
            start = reader.line_num + 1


# -- XLSX -----------------------------------------------------------------------------------


class _XlsxRows:
    """An XLSX sheet streamed with openpyxl's package readers and per-row cell parser.

    ``load_workbook`` is not used: even in read-only mode it parses a whole sheet that has no
    ``<dimension>`` just to size it, and its rows are padded to the declared width with every
    gap filled, which is what makes a single far cell cost minutes. Here each ``<row>`` is
    parsed as it arrives and dropped, and only the cells the file holds are touched.
    (``ExcelReader``'s steps and ``WorkSheetParser.parse_row`` are openpyxl 3.1 internals; the
    dependency is pinned below 4.)
    """

    def __init__(self, table: Table) -> None:
        self.table = table

    def rows(self) -> Iterator[Row]:
        table = self.table
        package, sheets = _xlsx_package(table.path, cells=True)
        try:
            name = _pick(table, list(sheets))
            self._check_dimension(package.archive, sheets[name], name)
            yield from self._parse(package, sheets[name])
        finally:
            package.archive.close()

    def _check_dimension(self, archive: zipfile.ZipFile, part: str, name: str) -> None:
        """Refuses a sheet whose declared used range is past the limits."""
        declared = _declared_range(archive, part)
        if declared is None:
            return
        end, rows, columns = declared
        limits = self.table.limits
        if rows > limits.rows or columns > limits.columns:
            raise _refused(
                self.table.path,
                f"sheet {name!r} declares {rows:,} rows × {columns:,} columns (its used range "
                f"ends at {end}); the limit is {limits.rows:,} rows × {limits.columns:,} "
                "columns: delete the unused rows and columns, or save the sheet as CSV",
            )

    def _parse(self, package: Any, part: str) -> Iterator[Row]:
        from defusedxml.ElementTree import iterparse
        from openpyxl.worksheet._reader import (
            DATA_TAG,
            FORMULA_TAG,
            ROW_TAG,
            VALUE_TAG,
            WorkSheetParser,
        )

        table = self.table
        book = package.wb
        with package.archive.open(part) as source:
            parser = WorkSheetParser(
                source,
                package.shared_strings,
                data_only=True,
                epoch=book.epoch,
                date_formats=book._date_formats,
                timedelta_formats=book._timedelta_formats,
            )
            number = 0
            events = iterparse(source, events=("start", "end"))
            sheet_data = None
            while True:
                try:
                    event, element = next(events, (None, None))
                    if event is None:
                        return
                    if event == "start":
                        if element.tag == DATA_TAG:
                            sheet_data = element
                        continue
                    if element.tag != ROW_TAG:
                        continue
                    previous = number
                    number, cells = parser.parse_row(element)
                    uncached = tuple(
                        cell["column"] - 1
                        for cell, xml in zip(cells, element, strict=False)
                        if cell["value"] is None
                        and _formula_without_value(xml, FORMULA_TAG, VALUE_TAG)
                    )
                except Exception as exc:  # malformed XML or values: many exception types
                    raise table.error(f"unreadable after row {number}: {exc}") from exc
                element.clear()
                if sheet_data is not None:
                    sheet_data.remove(element)
                if number - previous - 1 <= _BLANK_RUN_YIELDED:  # larger gaps are layout
                    for blank in range(previous + 1, number):
                        table.formulas_without_value = ()
                        yield blank, ()
                row = table.cells(number, ((c["column"] - 1, c["value"]) for c in cells))
                table.formulas_without_value = uncached
                yield number, row


def _xlsx_package(path: Path, *, cells: bool) -> tuple[Any, dict[str, str]]:
    """openpyxl's reader of an XLSX package with its workbook read, and the worksheets' parts
    by name; with ``cells``, also the shared strings and the styles (for dates)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    try:
        package = ExcelReader(path, read_only=True, data_only=True, keep_links=False)
        package.read_manifest()
        if cells:
            package.read_strings()
        package.read_workbook()
        if cells:
            apply_stylesheet(package.archive, package.wb)
        sheets = {
            sheet.name: rel.target
            for sheet, rel in package.parser.find_sheets()
            if rel.target in package.valid_files and "chartsheet" not in rel.Type
        }
    except Exception as exc:  # openpyxl raises many types on a malformed package
        raise _refused(path, f"not a readable XLSX workbook: {exc}") from exc
    return package, sheets


def _declared_range(archive: zipfile.ZipFile, part: str) -> tuple[str, int, int] | None:
    """A sheet's declared used range as (its last cell, rows, columns), read from the start of
    the sheet's XML only; None when it declares none (or an unreadable one: the rows will
    say what is wrong)."""
    from defusedxml.ElementTree import iterparse
    from openpyxl.utils.cell import range_boundaries
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG

    try:
        with archive.open(part) as source:
            for _, element in iterparse(source, events=("start",)):
                if element.tag == DIMENSION_TAG:
                    end = (element.get("ref") or "").split(":")[-1]
                    _, _, columns, rows = range_boundaries(end)
                    return end, rows or 0, columns or 0
                if element.tag == DATA_TAG:
                    return None
    except Exception:  # malformed: reported when the rows are read
        return None
    return None


def _formula_without_value(cell: Any, formula_tag: str, value_tag: str) -> bool:
    """A ``<c>`` with a formula and no saved value (an empty ``<v/>`` is a saved empty text
    only in a text cell, ``t="str"``)."""
    if cell.find(formula_tag) is None:
        return False
    saved = cell.findtext(value_tag)
    return saved is None or (saved == "" and cell.get("t") != "str")


# -- ODS ------------------------------------------------------------------------------------

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_TEXT = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
_T_TABLE, _T_ROW = f"{{{_TABLE}}}table", f"{{{_TABLE}}}table-row"
_T_CELLS = frozenset({f"{{{_TABLE}}}table-cell", f"{{{_TABLE}}}covered-table-cell"})
_ROWS_REPEATED = f"{{{_TABLE}}}number-rows-repeated"
_COLUMNS_REPEATED = f"{{{_TABLE}}}number-columns-repeated"
_VALUE_TYPE = f"{{{_OFFICE}}}value-type"


def _ods_text(element: Any) -> str:
    """The text of a cell's paragraphs, with ``text:s`` spaces, tabs and line breaks."""
    parts: list[str] = []

    def walk(node: Any) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag == f"{{{_TEXT}}}s":
                parts.append(" " * min(int(child.get(f"{{{_TEXT}}}c", "1") or 1), 1000))
            elif child.tag == f"{{{_TEXT}}}tab":
                parts.append("\t")
            elif child.tag == f"{{{_TEXT}}}line-break":
                parts.append("\n")
            else:
                walk(child)
            if child.tail:
                parts.append(child.tail)

    paragraphs = [p for p in element if p.tag == f"{{{_TEXT}}}p"]
    lines = []
    for paragraph in paragraphs:
        parts.clear()
        walk(paragraph)
        lines.append("".join(parts))
    return "\n".join(lines)


def _ods_value(cell: Any) -> Any:
    kind = cell.get(_VALUE_TYPE)
    if kind in ("float", "percentage", "currency"):
        return float(cell.get(f"{{{_OFFICE}}}value"))
    if kind == "date":
        text = cell.get(f"{{{_OFFICE}}}date-value", "")
        return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)
    if kind == "boolean":
        return cell.get(f"{{{_OFFICE}}}boolean-value") == "true"
    if kind == "time":
        return cell.get(f"{{{_OFFICE}}}time-value")
    return _ods_text(cell) or None


class _OdsRows:
    """An ODS sheet streamed from ``content.xml``, one cell in memory at a time; repeated rows
    and cells are expanded only when they hold something (spreadsheet programs repeat empty
    ones up to the sheet's edge)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.number = 0
        self.column = 0
        self.values: list[tuple[int, Any]] = []
        self.formulas: list[int] = []

    def rows(self) -> Iterator[Row]:
        from defusedxml.ElementTree import iterparse

        table = self.table
        names: list[str] = []
        found = False
        try:
            with zipfile.ZipFile(table.path) as archive, archive.open("content.xml") as source:
                stack: list[Any] = []
                for event, element in iterparse(source, events=("start", "end")):
                    if event == "start":
                        stack.append(element)
                        if element.tag == _T_TABLE:
                            names.append(element.get(f"{{{_TABLE}}}name", ""))
                            found = self._is_wanted(names)
                        elif element.tag == _T_ROW:
                            self.column, self.values, self.formulas = 0, [], []
                        continue
                    stack.pop()
                    if element.tag == _T_TABLE and found:
                        return
                    if not found:
                        continue
                    if element.tag in _T_CELLS and stack and stack[-1].tag == _T_ROW:
                        self._cell(element)
                    elif element.tag == _T_ROW:
                        yield from self._row(element)
                    else:
                        continue
                    element.clear()
                    stack[-1].remove(element)
        except TableError:
            raise
        except Exception as exc:  # malformed zip or XML, odd values: many exception types
            raise table.error(
                f"not a readable ODS spreadsheet (after row {self.number}): {exc}"
            ) from exc
        if not found:
            raise _no_sheet(table, names)

    def _is_wanted(self, names: list[str]) -> bool:
        sheet = self.table.sheet
        if sheet is None:
            return len(names) == 1
        if isinstance(sheet, int):
            return len(names) == sheet + 1
        return names[-1] == sheet

    def _cell(self, cell: Any) -> None:
        span = int(cell.get(_COLUMNS_REPEATED, "1"))
        value = _ods_value(cell)
        uncached = value is None and cell.get(f"{{{_TABLE}}}formula") is not None
        if value is not None or uncached:
            end = min(self.column + span, self.table.limits.columns + 1)
            for index in range(self.column, end):
                self.values.append((index, value))
                if uncached:
                    self.formulas.append(index)
        self.column += span

    def _row(self, element: Any) -> Iterator[Row]:
        repeat = int(element.get(_ROWS_REPEATED, "1"))
        if not self.values:
            if repeat > _BLANK_RUN_YIELDED:  # layout, like the rows an XLSX file leaves out
                self.number += repeat
                return
            for _ in range(repeat):
                self.number += 1
                yield self.number, ()
            return
        for _ in range(repeat):
            self.number += 1
            cells = self.table.cells(self.number, self.values)
            self.table.formulas_without_value = tuple(self.formulas)
            yield self.number, cells


# -- estimates ------------------------------------------------------------------------------


def estimate_rows(path: Path) -> int | None:
    """Roughly how many rows the file has (for a progress bar), without parsing it; None when
    that is not cheap to know."""
    suffix = path.suffix.casefold()
    if suffix in CSV_SUFFIXES:
        count = 0
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
        return count
    if suffix in XLSX_SUFFIXES:
        try:
            _check_zip(path, DEFAULT_LIMITS)
            package, sheets = _xlsx_package(path, cells=False)
        except TableError:  # unreadable: the import itself will say why
            return None
        try:
            declared = _declared_range(package.archive, next(iter(sheets.values()), ""))
        finally:
            package.archive.close()
        return declared[1] if declared else None
    return None
