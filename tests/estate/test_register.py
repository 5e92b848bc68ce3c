"""Reading registers as bodies send them: CSV, XLSX and ODS, header not first, synonyms,
merged cells, total rows, "12 x" quantities; problems by row and column."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from register_files import MESSY_ROWS, write_csv, write_ods, write_xlsx

from custodes.estate import (
    AssetKind,
    AssetStatus,
    Connectivity,
    MakerResolver,
    Mapping,
    MappingError,
    RegisterReader,
    SpreadsheetError,
    load_mapping,
)

WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "ods": write_ods}


@pytest.mark.parametrize("suffix", sorted(WRITERS))
def test_messy_register_reads_the_same_in_every_format(tmp_path: Path, suffix: str) -> None:
    path = WRITERS[suffix](tmp_path / f"register.{suffix}", MESSY_ROWS)
    reader = RegisterReader(path)
    rows = list(reader)
    assert reader.header_row == 4
    assert reader.problems == []
    assert [r.asset_id for r in rows] == ["HQ-1", "HQ-2", "CS-1", "CS-2"]
    hq1, hq2, cs1, cs2 = rows
    assert (hq1.row, hq1.kind, hq1.quantity, hq1.model) == (
        6,
        AssetKind.EXTERNAL_CCTV_CAMERA,
        12,
        "DS-2CD2143G0-I",
    )
    assert hq1.site == hq2.site == "Headquarters"
    assert cs1.site == cs2.site == "Custody suite"
    assert hq1.procured_on == date(2019, 3, 1)
    assert (hq2.kind, hq2.status, hq2.status_date) == (
        AssetKind.RECORDER,
        AssetStatus.TO_BE_REPLACED,
        date(2025, 3, 31),
    )
    assert (cs1.kind, cs1.quantity) == (AssetKind.INTERNAL_CCTV_CAMERA, 1200)
    assert (cs2.kind, cs2.quantity, cs2.status, cs2.status_date) == (
        AssetKind.BODY_WORN_CAMERA,
        3,
        AssetStatus.REMOVED,
        date(2023, 6, 30),
    )
    assert reader.skipped_rows == 4  # two group rows, one blank row, the total row


def test_merged_site_cells_in_xlsx_carry_down(tmp_path: Path) -> None:
    rows = [
        ["Site", "Make", "Model", "Qty", "Kind"],
        ["Station A", "Axis", "P1375", 2, "bullet"],
        ["", "Axis", "P1375", 1, "dome"],
        ["Station B", "Hanwha", "XNO-6080R", 4, "external"],
    ]
    path = write_xlsx(tmp_path / "merged.xlsx", rows, merges=["A2:A3"])
    parsed = list(RegisterReader(path))
    assert [r.site for r in parsed] == ["Station A", "Station A", "Station B"]
    assert sum(r.quantity for r in parsed) == 7


@pytest.mark.parametrize("suffix", ["xlsx", "ods"])
def test_leading_blank_rows_keep_row_numbers(tmp_path: Path, suffix: str) -> None:
    rows = [[], [], ["Make", "Model", "Type"], ["Axis", "P1375", "bullet"], ["Axis", "", "toaster"]]
    path = WRITERS[suffix](tmp_path / f"blank.{suffix}", rows)
    reader = RegisterReader(path)
    list(reader)
    assert reader.header_row == 3
    assert [(p.row, p.letter) for p in reader.problems] == [(5, "C")]


def test_problems_name_row_and_column(tmp_path: Path) -> None:
    rows = [
        ["Asset ID", "Manufacturer", "Model", "Qty", "Type", "MAC", "IP", "Status", "Installed"],
        ["A1", "Axis", "P1375", "twelve", "camera", "", "", "", ""],
        ["A2", "Axis", "P1375", "1", "toaster", "zz:zz", "300.1.1.1", "", ""],
        ["A1", "Axis", "P1375", "1", "camera", "", "", "removed", "31/02/2020"],
        ["A3", "Axis", "5 x P1375", "4", "camera", "", "", "", ""],
    ]
    reader = RegisterReader(write_csv(tmp_path / "bad.csv", rows))
    assert list(reader) == []
    found = {(p.row, p.letter, p.column) for p in reader.problems}
    assert found == {
        (2, "D", "Qty"),
        (3, "E", "Type"),
        (3, "F", "MAC"),
        (3, "G", "IP"),
        (4, "A", "Asset ID"),
        (4, "H", "Status"),
        (4, "I", "Installed"),
        (5, "D", "Qty"),
    }
    assert reader.problem_count == len(found)
    messages = " ".join(p.message for p in reader.problems)
    assert "also on row 2" in messages and "says 4" in messages


def test_header_synonyms_and_unused_columns(tmp_path: Path) -> None:
    rows = [
        ["Brand", "Product", "No. of units", "Connected to", "Sensitive site", "Colour", "Type"],
        ["Ezviz", "C6N", "2", "Hik-Connect cloud", "Yes", "white", "indoor"],
    ]
    reader = RegisterReader(write_csv(tmp_path / "syn.csv", rows))
    (row,) = list(reader)
    assert (row.brand, row.model, row.quantity) == ("Ezviz", "C6N", 2)
    assert row.connectivity is Connectivity.VENDOR_CLOUD
    assert row.sensitive_site is True
    assert row.kind is AssetKind.INTERNAL_CCTV_CAMERA
    assert [c.heading for c in reader.unused_columns] == ["Colour"]


def test_missing_kind_is_a_problem_unless_mapped(tmp_path: Path) -> None:
    rows = [["Make", "Model"], ["Flock", "Falcon"]]
    path = write_csv(tmp_path / "nokind.csv", rows)
    reader = RegisterReader(path)
    assert list(reader) == [] and reader.problems[0].column == "kind"
    (row,) = list(RegisterReader(path, Mapping(defaults={"kind": "anpr"})))
    assert row.kind is AssetKind.ANPR_CAMERA


def test_no_header_is_an_error(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "none.csv", [["hello", "world"], ["1", "2"]])
    with pytest.raises(SpreadsheetError, match="no header row"):
        RegisterReader(path)


def test_unsupported_and_corrupt_files(tmp_path: Path) -> None:
    odd = tmp_path / "register.pdf"
    odd.write_bytes(b"%PDF")
    with pytest.raises(SpreadsheetError, match="unsupported"):
        RegisterReader(odd)
    broken = tmp_path / "register.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(SpreadsheetError):
        RegisterReader(broken)


def test_mapping_file_errors_name_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "mapping.yaml"
    path.write_text("columns:\n  Camera: brand\n  Where: location\nskip_rows: 1\n")
    with pytest.raises(MappingError) as caught:
        load_mapping(path)
    assert caught.value.line == 3
    assert caught.value.field == "columns.Where"
    assert "location" in str(caught.value) and "mapping.yaml, line 3" in str(caught.value)
    path.write_text("columns: {}\nskip_rows: -2\n")
    with pytest.raises(MappingError, match="line 2"):
        load_mapping(path)


def test_mapping_sheet_skip_rows_and_ignore(tmp_path: Path) -> None:
    rows = [["Type", "Make"], ["ignored", "x"], ["Kit", "Vendor", "Count"], ["NVR", "Dahua", "2"]]
    path = write_xlsx(tmp_path / "m.xlsx", rows)
    mapping = Mapping(
        columns={"Kit": "kind", "Vendor": "brand", "Type": "ignore"}, skip_rows=2, sheet="Register"
    )
    reader = RegisterReader(path, mapping)
    (row,) = list(reader)
    assert (reader.header_row, row.kind, row.brand, row.quantity) == (
        3,
        AssetKind.RECORDER,
        "Dahua",
        2,
    )
    with pytest.raises(SpreadsheetError, match="no sheet 'Other'"):
        RegisterReader(path, Mapping(sheet="Other"))


def test_nc_survey_imports_with_its_mapping_and_keeps_the_integrator_apart(
    nc_survey: tuple[Path, Path],
) -> None:
    data, mapping = nc_survey
    reader = RegisterReader(data, load_mapping(mapping))
    rows = list(reader)
    assert reader.problems == []
    assert len(rows) == 121
    assert all(r.kind is AssetKind.ANPR_CAMERA for r in rows)
    makers = MakerResolver()
    resolved = {r.brand: makers.resolve(r.brand, r.model) for r in rows}
    assert resolved["Flock"].manufacturer == "Flock Safety"
    assert resolved["Motorola"].manufacturer == "Motorola Solutions"
    assert resolved["Rekor"].manufacturer == "Rekor Systems"
    brady = resolved["Brady Integrated Security"]
    assert brady.manufacturer == "" and brady.integrator == "Brady Integrated Security"
    assert "" in resolved  # the agency whose vendor is "Unknown"
    assert resolved[""].manufacturer == ""


@pytest.mark.parametrize(
    "written", ["12 x DS-2CD2143G0-I", "12x DS-2CD2143G0-I", "12 × DS-2CD2143G0-I"]
)
def test_quantity_column_naming_the_model_fills_an_empty_model(
    tmp_path: Path, written: str
) -> None:
    rows = [["Make", "Model", "Qty", "Type"], ["Hikvision", "", written, "Bullet"]]
    (row,) = list(RegisterReader(write_csv(tmp_path / "qty.csv", rows)))
    assert (row.quantity, row.model, row.notes) == (12, "DS-2CD2143G0-I", "")
    assert row.kind is AssetKind.EXTERNAL_CCTV_CAMERA


def test_quantity_column_naming_the_model_keeps_a_different_model_column(tmp_path: Path) -> None:
    rows = [
        ["Make", "Model", "Qty", "Type", "Notes"],
        ["Hikvision", "Hikvision DS-2CD2143G0-I", "4 x DS-2CD2143G0-I", "Bullet", ""],
        ["Hikvision", "DS-2CD2387G2", "2 x DS-2CD2143G0-I", "Bullet", "roof"],
    ]
    same, other = list(RegisterReader(write_csv(tmp_path / "qty.csv", rows)))
    assert (same.quantity, same.model, same.notes) == (4, "Hikvision DS-2CD2143G0-I", "")
    assert (other.quantity, other.model) == (2, "DS-2CD2387G2")
    assert other.notes == "roof; Quantity column: 2 x DS-2CD2143G0-I"


def test_quantity_column_naming_the_model_is_checked_against_a_count_in_the_model(
    tmp_path: Path,
) -> None:
    rows = [
        ["Make", "Model", "Qty", "Type"],
        ["Hikvision", "3 x DS-2CD2143G0-I", "12 x DS-2CD2143G0-I", "Bullet"],
    ]
    reader = RegisterReader(write_csv(tmp_path / "qty.csv", rows))
    assert list(reader) == []
    (problem,) = reader.problems
    assert (problem.row, problem.letter, problem.column) == (2, "C", "Qty")
    assert "says 12" in problem.message and "says 3" in problem.message


@given(
    count=st.integers(min_value=0, max_value=1_000_000),
    model=st.from_regex(r"[A-Z][A-Z0-9]{1,6}-[A-Z0-9]{1,10}", fullmatch=True),
    separator=st.sampled_from([" x ", "x ", " × ", "×", " X "]),
)
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_counted_model_in_the_quantity_column_reads_back(
    tmp_path: Path, count: int, model: str, separator: str
) -> None:
    written = f"{count:,}{separator}{model}"
    rows = [["Make", "Model", "Qty", "Type"], ["Axis", "", written, "Dome"]]
    (row,) = list(RegisterReader(write_csv(tmp_path / "qty.csv", rows)))
    assert (row.quantity, row.model) == (count, model)
