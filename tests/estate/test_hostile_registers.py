"""Hostile register files through the register reader: refused fast, with row and column."""

from __future__ import annotations

import time
from pathlib import Path

import openpyxl
import pytest
from register_files import write_csv

from custodes.estate import RegisterReader, SpreadsheetError

HEADER = ["Asset ID", "Type", "Make", "Model", "Qty"]


def test_a_nul_character_is_named_by_row_and_column(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "nul.csv", [HEADER, ["A1", "PTZ", "Hik\x00vision", "X", "1"]])
    with pytest.raises(SpreadsheetError) as refused:
        list(RegisterReader(path))
    assert (refused.value.row, refused.value.column) == (2, "C")
    assert "NUL" in str(refused.value) and "nul.csv" in str(refused.value)


def test_a_formula_without_a_saved_value_is_a_problem_of_its_cell(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active.append(["A1", "PTZ", "Hikvision", "X", "=2*6"])  # openpyxl saves no value
    book.active.append(["A2", "PTZ", "Dahua", "Y", "3"])
    book.save(tmp_path / "f.xlsx")
    reader = RegisterReader(tmp_path / "f.xlsx")
    assert [row.asset_id for row in reader] == ["A2"]
    [problem] = reader.problems
    assert (problem.row, problem.column, problem.letter) == (2, "Qty", "E")
    assert "formula with no saved value" in problem.message


def test_a_far_cell_costs_nothing(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(HEADER)
    book.active["XFD1048576"] = "far"
    book.save(tmp_path / "far.xlsx")
    started = time.monotonic()
    with pytest.raises(SpreadsheetError, match=r"far\.xlsx: .*XFD1048576.*200 columns"):
        RegisterReader(tmp_path / "far.xlsx")
    assert time.monotonic() - started < 2
