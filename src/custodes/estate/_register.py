"""Reading a register file as bodies really send it, one validated row at a time.

The header is the first row (after ``skip_rows``) naming at least two register fields, one of
them saying what the equipment is; titles and notes above it are passed over. Below it, blank
rows and total rows are skipped, a row naming no equipment (a group heading such as a site name
over merged cells) only sets the values carried down, and every other row becomes an
``AssetRow`` or a list of problems, each naming the row and column.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TypeVar

from custodes.estate._errors import Problem, SpreadsheetError
from custodes.estate._mapping import IGNORE, Mapping
from custodes.estate._model import AssetKind, AssetRow, AssetStatus, Connectivity
from custodes.estate._reader import column_letter, read_cells
from custodes.estate._values import (
    find_date,
    parse_date,
    parse_ip,
    parse_mac,
    parse_quantity,
    parse_yes_no,
    split_quantity,
)
from custodes.estate._vocab import Vocabulary, load_vocabulary, normalise

__all__ = ["Column", "RegisterReader"]

T = TypeVar("T")

HEADER_SCAN_ROWS = 50
MAX_PROBLEMS_KEPT = 500
IDENTITY_FIELDS = frozenset({"brand", "model", "description", "kind"})
EQUIPMENT_FIELDS = frozenset(
    {
        "asset_id",
        "brand",
        "model",
        "description",
        "quantity",
        "serial",
        "mac",
        "manufacturer_override",
    }
)
MAX_LENGTHS = {
    "asset_id": 64,
    "brand": 200,
    "model": 200,
    "firmware": 100,
    "serial": 100,
    "site": 200,
    "supplier": 200,
    "notes": 2000,
    "manufacturer_override": 200,
    "override_reason": 1000,
}
DEFAULT_COLUMN = "(mapping default)"


@dataclass(frozen=True)
class Column:
    """A column of the file: its position, heading and the field it feeds (None: unused)."""

    index: int
    heading: str
    field: str | None

    @property
    def letter(self) -> str:
        return column_letter(self.index)


class _RowProblems(Exception):
    """Internal: the problems of one row."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems


class RegisterReader:
    """Iterating yields the file's valid rows; ``problems`` collects the rest.

    Problems are counted in ``problem_count``; the first ``MAX_PROBLEMS_KEPT`` are kept.
    """

    def __init__(
        self,
        path: Path,
        mapping: Mapping | None = None,
        vocabulary: Vocabulary | None = None,
    ) -> None:
        self.path = path
        self.mapping = mapping or Mapping()
        self.vocabulary = vocabulary or load_vocabulary()
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.rows_read = 0
        self.skipped_rows = 0
        self._cells = read_cells(path, sheet=self.mapping.sheet)
        self._mapped = {normalise(k): v for k, v in self.mapping.columns.items()}
        self._nulls = {normalise(v) for v in self.mapping.null_values}
        carry = self.mapping.carry_down
        self._carry_fields = frozenset(carry) if carry is not None else self.vocabulary.carry_down
        self.header_row, self.columns = self._find_header()
        self._by_field: dict[str, Column] = {}
        for column in self.columns:
            if column.field is not None and column.field not in self._by_field:
                self._by_field[column.field] = column
        self.unused_columns = [
            c
            for c in self.columns
            if c.heading and (c.field is None or self._by_field[c.field] is not c)
        ]
        self._seen_ids: dict[str, int] = {}

    # -- header --------------------------------------------------------------------------

    def _field_of(self, heading: str) -> str | None:
        key = normalise(heading)
        if not key:
            return None
        if key in self._mapped:
            target = self._mapped[key]
            return None if target == IGNORE else target
        return self.vocabulary.field_for_header(heading)

    def _find_header(self) -> tuple[int, list[Column]]:
        wanted = self.mapping.header_row
        first = self.mapping.skip_rows + 1
        last = wanted if wanted is not None else first + HEADER_SCAN_ROWS - 1
        for number, cells in self._cells:
            if number < first:
                continue
            if number > last:
                break
            columns = [
                Column(i, heading, self._field_of(heading)) for i, heading in enumerate(cells)
            ]
            fields = {c.field for c in columns if c.field}
            if wanted == number or (
                wanted is None and len(fields) >= 2 and fields & IDENTITY_FIELDS
            ):
                return number, columns
        where = f"row {wanted}" if wanted is not None else f"rows {first} to {last}"
        raise SpreadsheetError(
            f"{self.path.name}: no header row found in {where}: expected at least two column "
            "names such as Make, Model, Qty, Site (add a mapping file with `columns:`)"
        )

    # -- rows ----------------------------------------------------------------------------

    def __iter__(self) -> Iterator[AssetRow]:
        carried: dict[str, str] = {}
        for number, cells in self._cells:
            self.rows_read += 1
            values = self._values(cells)
            if self._cells.formulas_without_value and self._uncached_formulas(number):
                continue
            if not any(values.values()) or self.vocabulary.is_total(
                next((c for c in cells if c), "")
            ):
                self.skipped_rows += 1
                continue
            for name in self._carry_fields:
                if values.get(name):
                    carried[name] = values[name]
                elif name in carried:
                    values[name] = carried[name]
            if not any(values.get(name) for name in EQUIPMENT_FIELDS):
                self.skipped_rows += 1
                continue
            try:
                yield self._asset(number, values)
            except _RowProblems as failed:
                self._add(failed.problems)

    def _uncached_formulas(self, number: int) -> bool:
        """Reports the row's used cells that are formulas with no saved value (their value is
        unknown, not blank); True when there were any."""
        uncached = self._cells.formulas_without_value
        problems = [
            Problem(
                number,
                column.heading,
                "a formula with no saved value (the file was written by a program that does "
                "not calculate): open and save it in a spreadsheet program, or paste values",
                column.letter,
            )
            for column in self._by_field.values()
            if column.index in uncached
        ]
        self._add(problems)
        return bool(problems)

    def _values(self, cells: tuple[str, ...]) -> dict[str, str]:
        values: dict[str, str] = {}
        for name, column in self._by_field.items():
            text = cells[column.index] if column.index < len(cells) else ""
            values[name] = "" if normalise(text) in self._nulls else text
        return values

    def _add(self, problems: list[Problem]) -> None:
        self.problem_count += len(problems)
        room = MAX_PROBLEMS_KEPT - len(self.problems)
        if room > 0:
            self.problems.extend(problems[:room])

    def _problem(self, row: int, name: str, message: str) -> Problem:
        column = self._by_field.get(name)
        if column is None:
            return Problem(row, DEFAULT_COLUMN if name in self.mapping.defaults else name, message)
        return Problem(row, column.heading, message, column.letter)

    def _asset(self, row: int, values: dict[str, str]) -> AssetRow:
        problems: list[Problem] = []
        defaults = self.mapping.defaults

        def text(name: str) -> str:
            value = values.get(name) or defaults.get(name, "")
            limit = MAX_LENGTHS.get(name)
            if limit is not None and len(value) > limit:
                problems.append(self._problem(row, name, f"longer than {limit} characters"))
                return value[:limit]
            return value

        def parsed(name: str, parse: Callable[[str], T]) -> T | None:
            value = text(name)
            if not value:
                return None
            try:
                return parse(value)
            except ValueError as exc:
                problems.append(self._problem(row, name, str(exc)))
                return None

        model_text = values.get("model", "")
        description = values.get("description", "")
        model_count, model = split_quantity(model_text) if model_text else (None, "")
        described_count, described = split_quantity(description) if description else (None, "")
        if not model and described:
            model = described
        notes = text("notes")
        if description and model != described:
            notes = f"{description}; {notes}" if notes else description
        quantity, counted_model = self._quantity(
            row, values, model_count or described_count, problems
        )
        if counted_model:
            # "12 x DS-2CD2143G0-I" in the quantity column: the model goes in the model field
            # when that is empty, else it is kept in the notes if it says something else.
            if not model:
                model = counted_model
            elif counted_model.casefold() not in model.casefold():
                quantity_note = f"Quantity column: {values['quantity']}"
                notes = f"{notes}; {quantity_note}" if notes else quantity_note
        kind = self._kind(
            row, values, f"{description} {model_text} {counted_model}".strip(), problems
        )
        status, status_date = self._status(row, values, problems)
        connectivity = parsed("connectivity", self._connectivity)
        asset_id = text("asset_id")
        if asset_id:
            if asset_id in self._seen_ids:
                problems.append(
                    self._problem(
                        row,
                        "asset_id",
                        f"asset id {asset_id!r} also on row {self._seen_ids[asset_id]}",
                    )
                )
            else:
                self._seen_ids[asset_id] = row
        override, reason = text("manufacturer_override"), text("override_reason")
        if override and not reason:
            problems.append(
                self._problem(row, "override_reason", "a manufacturer override needs a reason")
            )
        brand = text("brand")
        if len(model) > MAX_LENGTHS["model"]:
            problems.append(self._problem(row, "model", "longer than 200 characters"))
        mac = parsed("mac", parse_mac) or ""
        ip = parsed("ip", parse_ip) or ""
        sensitive = bool(parsed("sensitive_site", parse_yes_no))
        procured_on = parsed("procured_on", parse_date)
        if problems or kind is None or quantity is None:
            raise _RowProblems(problems)
        return AssetRow(
            row=row,
            kind=kind,
            quantity=quantity,
            asset_id=asset_id,
            brand=brand,
            model=model[: MAX_LENGTHS["model"]],
            firmware=text("firmware"),
            serial=text("serial"),
            mac=mac,
            ip=ip,
            site=text("site"),
            sensitive_site=sensitive,
            connectivity=connectivity,
            supplier=text("supplier"),
            procured_on=procured_on,
            status=status,
            status_date=status_date,
            notes=notes[: MAX_LENGTHS["notes"]],
            manufacturer_override=override,
            override_reason=reason,
        )

    def _quantity(
        self, row: int, values: dict[str, str], in_text: int | None, problems: list[Problem]
    ) -> tuple[int | None, str]:
        """The row's quantity, and the model when the quantity cell names one ("12 x
        DS-2CD2143G0-I"; else ""). ``in_text`` is a count found in the model or description."""
        cell = values.get("quantity", "")
        if not cell:
            if in_text is not None:
                return in_text, ""
            cell = self.mapping.defaults.get("quantity", "1")
        counted_model = ""
        try:
            quantity: int | None = parse_quantity(cell)
        except ValueError as exc:
            quantity, problem = None, str(exc)
        if quantity is None:
            try:
                quantity, counted_model = split_quantity(cell)
            except ValueError as exc:  # a count over the limit
                problem = str(exc)
            if quantity is None:
                problems.append(self._problem(row, "quantity", problem))
                return None, ""
        if in_text is not None and in_text != quantity:
            problems.append(
                self._problem(
                    row, "quantity", f"says {quantity} but the model or description says {in_text}"
                )
            )
            return None, ""
        return quantity, counted_model

    def _kind(
        self, row: int, values: dict[str, str], equipment: str, problems: list[Problem]
    ) -> AssetKind | None:
        cell = values.get("kind", "")
        if cell:
            kind = self.vocabulary.kind_of(cell)
            if kind is None:
                problems.append(
                    self._problem(
                        row,
                        "kind",
                        f"{cell[:60]!r} is not a known kind of equipment (e.g. external CCTV, "
                        "internal CCTV, ANPR, body-worn, drone, NVR, facial recognition)",
                    )
                )
            return kind
        kind = self.vocabulary.kind_of(equipment)
        if kind is None and (default := self.mapping.defaults.get("kind")):
            kind = self.vocabulary.kind_of(default)
            if kind is None:
                problems.append(self._problem(row, "kind", f"{default!r} is not a known kind"))
        if kind is None and not problems:
            problems.append(
                self._problem(
                    row,
                    "kind",
                    "say what the equipment is (add a kind column or a mapping default)",
                )
            )
        return kind

    def _status(
        self, row: int, values: dict[str, str], problems: list[Problem]
    ) -> tuple[AssetStatus, date | None]:
        dates: dict[str, date | None] = {}
        for name in ("removed_on", "replace_by"):
            cell = values.get(name, "")
            if cell:
                try:
                    dates[name] = parse_date(cell)
                except ValueError as exc:
                    problems.append(self._problem(row, name, str(exc)))
        cell = values.get("status", "") or self.mapping.defaults.get("status", "")
        if dates.get("removed_on"):
            return AssetStatus.REMOVED, dates["removed_on"]
        if not cell:
            if dates.get("replace_by"):
                return AssetStatus.TO_BE_REPLACED, dates["replace_by"]
            return AssetStatus.IN_SERVICE, None
        status = self.vocabulary.status_of(cell)
        if status is None:
            problems.append(
                self._problem(
                    row,
                    "status",
                    f"{cell[:60]!r} is not a status (in service, "
                    "to be replaced by DATE, removed on DATE)",
                )
            )
            return AssetStatus.IN_SERVICE, None
        if status is AssetStatus.IN_SERVICE:
            return status, None
        try:
            when = find_date(cell)
        except ValueError as exc:
            problems.append(self._problem(row, "status", str(exc)))
            return status, None
        when = when or dates.get("replace_by" if status is AssetStatus.TO_BE_REPLACED else "")
        if when is None:
            verb = "removed" if status is AssetStatus.REMOVED else "replaced"
            problems.append(self._problem(row, "status", f"say the date it is {verb} on"))
        return status, when

    def _connectivity(self, cell: str) -> Connectivity:
        value = self.vocabulary.connectivity_of(cell)
        if value is None:
            raise ValueError(
                f"{cell[:60]!r} is not a connectivity (isolated, internal network, internet, "
                "vendor cloud)"
            )
        return value
