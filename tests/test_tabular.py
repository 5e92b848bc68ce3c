"""The shared safe reader: hostile spreadsheets and CSV files cost little and fail clearly."""

from __future__ import annotations

import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.tabular import (
    Limits,
    TableError,
    column_index,
    column_letter,
    estimate_rows,
    neutralise_formula,
    open_table,
)

SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def rows(path: Path, **kwargs) -> list[tuple[int, tuple[str, ...]]]:
    return list(open_table(path, **kwargs))


def xlsx_with_sheet(path: Path, sheet_xml: str | bytes) -> Path:
    """An openpyxl workbook whose first sheet's XML is replaced by ``sheet_xml``."""
    openpyxl.Workbook().save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts[SHEET] = sheet_xml.encode() if isinstance(sheet_xml, str) else sheet_xml
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def sheet_xml(rows_xml: str, dimension: str | None = None) -> str:
    declared = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f"<worksheet {NS}>{declared}<sheetData>{rows_xml}</sheetData></worksheet>"


def ods(path: Path, table_xml: str) -> Path:
    """A minimal ODS file whose only sheet is ``table_xml`` (the rows of ``table:table``)."""
    content = (
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Sheet1">'
        f"{table_xml}</table:table></office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
    return path


def test_column_letters_round_trip() -> None:
    for index in (0, 25, 26, 199, 16383):
        assert column_index(column_letter(index)) == index
    assert column_letter(16383) == "XFD"


def test_a_far_cell_declared_in_the_dimension_is_refused_at_once(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["Make", "Model"])
    book.active["XFD1048576"] = "far"
    book.save(tmp_path / "far.xlsx")
    assert (tmp_path / "far.xlsx").stat().st_size < 10_000
    started = time.monotonic()
    with pytest.raises(TableError, match=r"XFD1048576.*200 columns"):
        rows(tmp_path / "far.xlsx")
    assert time.monotonic() - started < 2


def test_a_far_cell_without_a_dimension_costs_nothing_and_is_named(tmp_path: Path) -> None:
    path = xlsx_with_sheet(
        tmp_path / "far.xlsx",
        sheet_xml(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Make</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
        ),
    )
    started = time.monotonic()
    with pytest.raises(TableError) as refused:
        rows(path)
    assert time.monotonic() - started < 2
    assert (refused.value.row, refused.value.column) == (1048576, "XFD")
    assert "200 columns" in str(refused.value) and "far.xlsx" in str(refused.value)


def test_a_far_empty_cell_is_passed_over(tmp_path: Path) -> None:
    path = xlsx_with_sheet(
        tmp_path / "sparse.xlsx",
        sheet_xml(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>Make</t></is></c><c r="XFD1"/></row>'
            '<row r="900000"><c r="B900000"><v>3</v></c></row>'
        ),
    )
    assert rows(path) == [(1, ("Make",)), (900000, ("", "3"))]


def test_a_sheet_without_a_dimension_is_not_parsed_whole_before_its_rows(tmp_path: Path) -> None:
    many = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 300_001))
    path = xlsx_with_sheet(tmp_path / "long.xlsx", sheet_xml(many))
    started = time.monotonic()
    assert next(open_table(path)) == (1, ("1",))
    assert estimate_rows(path) is None  # not declared, and not worth counting
    assert time.monotonic() - started < 1
    declared = xlsx_with_sheet(tmp_path / "declared.xlsx", sheet_xml(many, "A1:A300000"))
    assert estimate_rows(declared) == 300_000


def test_row_limit(tmp_path: Path) -> None:
    many = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 60))
    path = xlsx_with_sheet(tmp_path / "rows.xlsx", sheet_xml(many))
    with pytest.raises(TableError, match=r"row 51: more than 50 rows"):
        rows(path, limits=Limits(rows=50))
    with pytest.raises(TableError, match="declares 59 rows"):
        rows(
            xlsx_with_sheet(tmp_path / "d.xlsx", sheet_xml(many, "A1:A59")), limits=Limits(rows=50)
        )
    csv = tmp_path / "rows.csv"
    csv.write_text("a\n" * 60)
    with pytest.raises(TableError, match="more than 50 rows"):
        rows(csv, limits=Limits(rows=50))


def test_decompression_bombs_are_refused_before_parsing(tmp_path: Path) -> None:
    bomb = sheet_xml('<row r="1"><c r="A1"><v>1</v></c></row>' + " " * (20 << 20))
    path = xlsx_with_sheet(tmp_path / "bomb.xlsx", bomb)
    assert path.stat().st_size < 200_000
    with pytest.raises(TableError, match="decompression bomb"):
        open_table(path)
    with pytest.raises(TableError, match=r"unpacks to more than 1,048,576 bytes"):
        open_table(path, limits=Limits(uncompressed_bytes=1 << 20, compression_ratio=10_000))
    ods_bomb = ods(tmp_path / "bomb.ods", "<table:table-row/>" + " " * (20 << 20))
    with pytest.raises(TableError, match="decompression bomb"):
        open_table(ods_bomb)


def test_cells_over_the_length_limit_and_nul_characters_are_named(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("a,b\n1," + "x" * 40_000 + "\n")
    with pytest.raises(TableError) as refused:
        rows(path)
    assert (refused.value.row, refused.value.column) == (2, "B")
    assert "32,767 characters" in str(refused.value)
    path.write_text("a,b\n1," + "x" * 200_000 + "\n")  # past the csv module's default limit
    with pytest.raises(TableError, match=r"row 2, column B: cell longer"):
        rows(path)
    path.write_text("a,b\n1," + "x" * 1_100_000 + "\n")
    with pytest.raises(TableError, match=r"row 2: line longer than 1,048,576 characters"):
        rows(path)
    path.write_text("a,b\n1,x\x00y\n")
    with pytest.raises(TableError, match=r"row 2, column B: cell contains a NUL"):
        rows(path)


def test_csv_encodings(tmp_path: Path) -> None:
    text = "Make,Site\nHikvision,Café – Nord\n"
    expected = [(1, ("Make", "Site")), (2, ("Hikvision", "Café – Nord"))]
    for encoding in ("utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(text.encode(encoding))
        assert rows(path) == expected, encoding


def test_a_pathological_csv_is_sniffed_quickly(tmp_path: Path) -> None:
    path = tmp_path / "quotes.csv"
    path.write_text(',"' * 40_000)
    started = time.monotonic()
    with pytest.raises(TableError):
        rows(path)
    assert time.monotonic() - started < 2


def test_many_blank_columns_are_read_in_linear_time(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("a" + "," * 160_000 + "\n1" + "," * 160_000 + "\n")
    started = time.monotonic()
    assert rows(path) == [(1, ("a",)), (2, ("1",))]
    assert time.monotonic() - started < 2
    path.write_text("a" + "," * 300 + "b\n")
    with pytest.raises(TableError, match=r"row 1, column .*more than 200 columns"):
        rows(path)


def test_ods_repeats_expand_only_when_they_hold_something(tmp_path: Path) -> None:
    path = ods(
        tmp_path / "r.ods",
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Make</text:p>'
        '</table:table-cell><table:table-cell table:number-columns-repeated="16000"/>'
        "</table:table-row>"
        '<table:table-row table:number-rows-repeated="2"><table:table-cell '
        'office:value-type="float" office:value="2"/></table:table-row>'
        '<table:table-row table:number-rows-repeated="1048000"><table:table-cell '
        'table:number-columns-repeated="16384"/></table:table-row>',
    )
    assert rows(path) == [(1, ("Make",)), (2, ("2",)), (3, ("2",))]
    far = ods(
        tmp_path / "far.ods",
        '<table:table-row table:number-rows-repeated="5000000"><table:table-cell '
        'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>',
    )
    started = time.monotonic()
    with pytest.raises(TableError, match="more than 1,000 rows"):
        rows(far, limits=Limits(rows=1_000))
    assert time.monotonic() - started < 2


def test_formulas_without_a_saved_value_are_reported(tmp_path: Path) -> None:
    path = xlsx_with_sheet(
        tmp_path / "f.xlsx",
        sheet_xml(
            '<row r="1"><c r="A1"><f>1+2</f></c><c r="B1"><f>1+2</f><v>3</v></c></row>'
            '<row r="2"><c r="A2"><v>4</v></c></row>'
        ),
    )
    table = open_table(path)
    assert next(table) == (1, ("", "3"))
    assert table.formulas_without_value == (0,)
    assert next(table) == (2, ("4",))
    assert table.formulas_without_value == ()
    sheet = ods(
        tmp_path / "f.ods",
        '<table:table-row><table:table-cell table:formula="of:=1+2"/></table:table-row>',
    )
    table = open_table(sheet)
    assert next(table) == (1, ())
    assert table.formulas_without_value == (0,)


def test_the_protective_quote_of_an_export_is_removed(tmp_path: Path) -> None:
    values = ["=1+2", "+44 20", "-", "@sum", "plain", "'quoted"]
    quoted = [neutralise_formula(v) for v in values]
    assert quoted[:4] == ["'=1+2", "'+44 20", "'-", "'@sum"]
    path = tmp_path / "q.csv"
    path.write_text(",".join(quoted) + "\n")
    assert rows(path) == [(1, tuple(values))]


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".csv", ".xlsx", ".ods"]))
def test_random_bytes_fail_only_with_table_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"random{suffix}"
    path.write_bytes(data)
    try:
        for _ in open_table(path):
            pass
    except TableError:
        pass


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows_xml=st.lists(
        st.tuples(
            st.integers(min_value=-2, max_value=2_000_000),
            st.lists(
                st.tuples(
                    st.sampled_from(["A", "B", "GR", "GS", "XFD", "", "1"]),
                    st.sampled_from(["<v>1</v>", "<v>x</v>", "<f>1</f>", "", "<v>1e400</v>"]),
                    st.sampled_from(["", ' t="s"', ' t="b"', ' t="e"', ' s="1"']),
                ),
                max_size=4,
            ),
        ),
        max_size=6,
    )
)
def test_random_sheet_xml_fails_only_with_table_error(tmp_path: Path, rows_xml) -> None:
    body = "".join(
        f'<row r="{number}">'
        + "".join(f'<c r="{col}{number}"{kind}>{value}</c>' for col, value, kind in cells)
        + "</row>"
        for number, cells in rows_xml
    )
    path = xlsx_with_sheet(tmp_path / "fuzz.xlsx", sheet_xml(body))
    started = time.monotonic()
    try:
        for _ in open_table(path):
            pass
    except TableError:
        pass
    assert time.monotonic() - started < 5


ODS_CELLS = st.sampled_from(
    [
        '<table:table-cell office:value-type="float" office:value="{n}"/>',
        '<table:table-cell office:value-type="float" office:value="x"/>',
        '<table:table-cell office:value-type="date" office:date-value="2024-0{d}-01"/>',
        '<table:table-cell office:value-type="boolean" office:boolean-value="true"/>',
        '<table:table-cell office:value-type="string"><text:p>a<text:s text:c="{n}"/>b'
        "</text:p></table:table-cell>",
        '<table:table-cell table:formula="of:=1"/>',
        '<table:table-cell table:number-columns-repeated="{n}"/>',
        '<table:table-cell table:number-columns-repeated="{n}" office:value-type="string">'
        "<text:p>x</text:p></table:table-cell>",
        "<table:covered-table-cell/>",
    ]
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows_xml=st.lists(
        st.tuples(
            st.sampled_from(["", ' table:number-rows-repeated="{n}"']),
            st.lists(ODS_CELLS, max_size=5),
            st.integers(min_value=-1, max_value=10**9),
        ),
        max_size=6,
    )
)
def test_random_ods_fails_only_with_table_error(tmp_path: Path, rows_xml) -> None:
    body = "".join(
        f"<table:table-row{repeat.format(n=n)}>"
        + "".join(cell.format(n=n, d=n % 20) for cell in cells)
        + "</table:table-row>"
        for repeat, cells, n in rows_xml
    )
    path = ods(tmp_path / "fuzz.ods", body)
    started = time.monotonic()
    try:
        for _ in open_table(path, limits=Limits(rows=10_000)):
            pass
    except TableError:
        pass
    assert time.monotonic() - started < 5
