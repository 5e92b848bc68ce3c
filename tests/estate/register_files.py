"""Builders for messy register files (CSV, XLSX with merged cells, ODS) used by the tests.

A plain module (not conftest) so that test files import it by a name no other folder uses."""

from __future__ import annotations

import csv
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

Rows = Sequence[Sequence[object]]

# An FOI-style register: a title, a blank line, the header on row 4 with synonyms, a site
# group row, cells left blank under it, "12 x" quantities, a total row.
MESSY_ROWS: list[list[object]] = [
    ["Anytown Police - CCTV asset register (FOI 2024/123)"],
    ["Produced for the requester; figures as at 1 March 2024"],
    [],
    ["Ref", "Location", "Type", "Make", "Model No.", "No. of units", "Installed", "Status"],
    ["", "Headquarters", "", "", "", "", "", ""],
    ["HQ-1", "", "PTZ", "Hikvision", "12 x DS-2CD2143G0-I", "", "01/03/2019", "In service"],
    ["HQ-2", "", "NVR", "Dahua", "DHI-NVR4216", "1", "2019", "to be replaced by 31/03/2025"],
    ["", "Custody suite", "", "", "", "", "", ""],
    ["CS-1", "", "Internal dome", "Axis", "P3245", "1,200", "", "active"],
    ["CS-2", "", "Body worn", "Motorola Solutions", "VB400", "x3", "", "removed on 2023-06-30"],
    [],
    ["Total", "", "", "", "", "1216", "", ""],
]


def write_csv(path: Path, rows: Rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def write_xlsx(path: Path, rows: Rows, merges: Sequence[str] = ()) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Register"
    for row in rows:
        sheet.append(list(row))
    for cells in merges:
        sheet.merge_cells(cells)
    workbook.save(path)
    return path


def _ods_cell(value: object) -> str:
    if value in ("", None):
        return "<table:table-cell/>"
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    text = escape(str(value))
    return (
        f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'
    )


def write_ods(path: Path, rows: Rows) -> Path:
    """A minimal OpenDocument spreadsheet (no extra library needed)."""
    body = "".join(
        "<table:table-row>" + "".join(_ods_cell(v) for v in row) + "</table:table-row>"
        if row
        else "<table:table-row><table:table-cell/></table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Register">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
