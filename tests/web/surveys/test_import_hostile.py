"""`responses import` with hostile or odd files: clear problems by row and column, never a
traceback, nothing written."""

from __future__ import annotations

import contextlib
import csv
import time
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from custodes.cli import app
from custodes.web.surveys.imports import ResponsesImportError, import_responses
from custodes.web.surveys.models import Submission

pytestmark = pytest.mark.django_db

HEADER = "body,submitted_at,drones.operates,ext_cctv.notes"


def refused(round_, path: Path) -> list[tuple[int, str | None, str]]:
    with pytest.raises(ResponsesImportError) as excinfo:
        import_responses(round_, path, actor="t")
    assert not Submission.objects.exists()
    return [(p.row, p.column, p.message) for p in excinfo.value.problems]


def csv_file(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "returns.csv"
    path.write_bytes(text.encode(encoding))
    return path


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-8-sig"])
def test_cp1252_and_utf16_csv_are_read(past_round, tmp_path, encoding):
    path = csv_file(tmp_path, f"{HEADER}\nKent Police,2022-08-01,yes,Café – «notes»\n", encoding)
    assert import_responses(past_round, path, actor="t").imported == ["kent"]
    assert Submission.objects.get().answers["ext_cctv.notes"] == "Café – «notes»"


def test_a_truncated_xlsx_is_refused_clearly(past_round, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(["Kent Police", "2022-08-01", "yes", "x"])
    book.save(tmp_path / "whole.xlsx")
    whole = (tmp_path / "whole.xlsx").read_bytes()
    path = tmp_path / "returns.xlsx"
    path.write_bytes(whole[: len(whole) // 2])
    [(row, _, message)] = refused(past_round, path)
    assert row == 0 and "returns.xlsx" not in message and "not a readable" in message


def test_a_cell_over_the_limit_is_named(past_round, tmp_path):
    path = csv_file(tmp_path, f"{HEADER}\nKent Police,2022-08-01,yes,{'x' * 131_073}\n")
    assert refused(past_round, path) == [
        (2, "ext_cctv.notes", "cell longer than 32,767 characters (the limit)")
    ]


@pytest.mark.parametrize(
    ("when", "message"),
    [
        ("9999-12-31T23:59:59-05:00", "out of range"),
        ("0001-01-01", "before the round opened (2022-06-24 09:00)"),
        ("2022-06-23T23:00", "before the round opened"),
        ("2999-01-01", "in the future"),
    ],
)
def test_implausible_submitted_at_is_refused(past_round, tmp_path, when, message):
    path = csv_file(tmp_path, f"{HEADER}\nKent Police,{when},yes,\n")
    [(row, column, text)] = refused(past_round, path)
    assert (row, column) == (2, "submitted_at") and message in text


def test_the_opening_day_itself_is_plausible(past_round, tmp_path):
    path = csv_file(tmp_path, f"{HEADER}\nKent Police,2022-06-24,yes,\n")
    assert import_responses(past_round, path, actor="t").imported == ["kent"]


def test_blank_trailing_headers_are_ignored(past_round, tmp_path):
    path = csv_file(tmp_path, f"{HEADER},,\nKent Police,2022-08-01,yes,,,\n")
    assert import_responses(past_round, path, actor="t").imported == ["kent"]


def test_duplicate_headers_are_named(past_round, tmp_path):
    path = csv_file(tmp_path, f"{HEADER},drones.operates,body,\nEssex,,yes,,yes,Essex,\n")
    assert refused(past_round, path) == [(1, None, "duplicate columns: body, drones.operates")]


def test_the_header_check_is_linear(past_round, tmp_path):
    path = csv_file(tmp_path, HEADER + "," * 160_000 + "\nKent Police,2022-08-01,yes,\n")
    started = time.monotonic()
    assert import_responses(past_round, path, actor="t").imported == ["kent"]
    assert time.monotonic() - started < 5


def test_nul_characters_are_refused(past_round, tmp_path):
    path = csv_file(tmp_path, f"{HEADER}\nKent Police,2022-08-01,yes,a\x00b\n")
    [(row, column, message)] = refused(past_round, path)
    assert (row, column) == (2, "ext_cctv.notes") and "NUL" in message


def test_formulas_without_a_saved_value_are_named(past_round, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(HEADER.split(","))
    book.active.append(["Kent Police", "2022-08-01", "yes", '=CONCAT("a","b")'])
    book.save(tmp_path / "returns.xlsx")  # openpyxl writes formulas without values
    [(row, column, message)] = refused(past_round, tmp_path / "returns.xlsx")
    assert (row, column) == (2, "ext_cctv.notes") and "formula with no saved value" in message


def test_the_cli_prints_a_message_not_a_traceback(past_round, tmp_path):
    path = tmp_path / "returns.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = CliRunner().invoke(app, ["responses", "import", "--round", past_round.name, str(path)])
    assert result.exit_code != 0
    assert "returns.xlsx" in result.output and "Traceback" not in result.output
    assert not isinstance(result.exception, ResponsesImportError | LookupError | ValueError)
    assert not Submission.objects.exists()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.lists(st.text(max_size=30), max_size=6), max_size=6),
    suffix=st.sampled_from([".csv", ".xlsx"]),
)
def test_random_rows_only_import_or_refuse(past_round, tmp_path, rows, suffix):
    header = HEADER.split(",")
    path = tmp_path / f"fuzz{suffix}"
    if suffix == ".csv":
        with path.open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle).writerows([header, *rows])
    else:
        book = openpyxl.Workbook()
        for row in [header, *rows]:
            book.active.append(["".join(c for c in cell if c.isprintable()) for cell in row])
        book.save(path)
    with contextlib.suppress(ResponsesImportError):
        import_responses(past_round, path, actor="t", replace=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".ods"]))
def test_random_bytes_only_refuse(past_round, tmp_path, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(data)
    with contextlib.suppress(ResponsesImportError):
        import_responses(past_round, path, actor="t")
