"""An unedited register export imports again with no change, formula-like text included."""

from __future__ import annotations

from pathlib import Path

import pytest
from register_rows import write_csv

from custodes.web.bodies.models import Body
from custodes.web.estate.exports import REGISTER_HEADINGS, register_rows, write_xlsx
from custodes.web.estate.exports import write_csv as export_csv
from custodes.web.estate.models import Asset
from custodes.web.estate.services import import_register

pytestmark = pytest.mark.django_db

ROWS = [
    ["Asset ID", "Type", "Make", "Model", "Qty", "Site", "Notes"],
    ["F1", "bullet", "Hikvision", "=1+2", "2", "@HQ", "-5 on order"],
    ["F2", "drone", "DJI", "+Mavic", "1", "Depot", '=HYPERLINK("x")'],
    ["F3", "NVR", "Dahua", "NVR5216", "1", "'quoted site", ""],
]


def _fields() -> list[tuple]:
    return list(
        Asset.objects.order_by("asset_id").values_list(
            "asset_id", "brand", "model", "site", "notes"
        )
    )


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_unedited_export_reimports_unchanged(roster, tmp_path: Path, fmt: str):
    kent = Body.objects.get(code="kent")
    import_register(kent, write_csv(tmp_path / "in.csv", ROWS), actor="t")
    before = _fields()
    assert before[0][2] == "=1+2" and before[2][3] == "'quoted site"
    exported = tmp_path / f"kent.{fmt}"
    if fmt == "csv":
        with exported.open("w", newline="", encoding="utf-8") as handle:
            export_csv(handle, REGISTER_HEADINGS, register_rows(kent))
        assert "'=1+2" in exported.read_text()  # neutralised for spreadsheet programs
    else:
        with exported.open("wb") as handle:
            write_xlsx(handle, REGISTER_HEADINGS, register_rows(kent), "kent")
    result = import_register(kent, exported, actor="t", reason="unedited export")
    assert (result.created, result.updated, result.unchanged) == (0, 0, 3)
    assert _fields() == before
