"""The two-pass import across many batches: staged rows spilled to disk, set-based writes,
re-imports mixing new, changed and unchanged rows, values as the ORM reads them back."""

from __future__ import annotations

import json
import tempfile
from datetime import date, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from register_rows import write_csv

from custodes import estate as core
from custodes.web.estate.models import Asset, AssetChange, ExposureTally
from custodes.web.estate.services import exposure, import_register, imports

pytestmark = pytest.mark.django_db

HEADER = ["Asset ID", "Site", "Sensitive site", "Type", "Make", "Model", "Qty", "Installed"]
MAKES = [("Hikvision", "DS-2CD2143G0-I"), ("Axis", "P3245"), ("Dahua", "IPC-HFW2431S")]


def register_rows(count: int, quantity: int = 1) -> list[list[str]]:
    return [HEADER] + [
        [
            f"A{i}",
            f"site {i % 4}",
            "yes" if i % 5 == 0 else "no",
            "dome",
            *MAKES[i % len(MAKES)],
            str(quantity + i % 3),
            f"20{10 + i % 10}-03-01",
        ]
        for i in range(count)
    ]


@pytest.fixture
def small_batches() -> dict[str, int]:
    """Import options: batches of 7 rows and a staging file that spills to disk after 2 kB."""
    return {"batch_size": 7, "spool_bytes": 2_000}


def test_many_batches_write_every_row_with_its_history(kent, tmp_path: Path, small_batches):
    seen: list[int] = []
    written: list[tuple[int, int]] = []
    path = write_csv(tmp_path / "r.csv", register_rows(50))
    result = import_register(
        kent,
        path,
        actor="test",
        reason="load",
        progress=seen.append,
        writing=lambda done, rows: written.append((done, rows)),
        **small_batches,
    )
    assert (result.rows, result.created, result.updated, result.unchanged) == (50, 50, 0, 0)
    assert seen[-1] == 50 and seen == sorted(seen)
    assert written == [(min(7 * n, 50), 50) for n in range(1, 9)]
    assert Asset.objects.filter(body=kent).count() == 50
    changes = AssetChange.objects.filter(asset__body=kent)
    assert changes.count() == 50
    assert set(changes.values_list("action", "by", "reason").distinct()) == {
        ("created", "test", "load")
    }
    assert set(changes.values_list("asset__asset_id", flat=True)) == {f"A{i}" for i in range(50)}
    assert exposure(kent).devices == sum(1 + i % 3 for i in range(50)) == result.devices


def test_written_values_read_back_as_the_orm_writes_them(kent, tmp_path: Path):
    path = write_csv(tmp_path / "r.csv", register_rows(3))
    import_register(kent, path, actor="test")
    asset = Asset.objects.get(body=kent, asset_id="A0")
    assert asset.procured_on == date(2010, 3, 1)
    assert asset.sensitive_site is True and asset.quantity == 1
    assert asset.manufacturer == "Hikvision" and isinstance(asset.concern_since, date)
    assert asset.manufacturer_evidence and all(
        isinstance(e, str) for e in asset.manufacturer_evidence
    )
    assert isinstance(asset.created_at, datetime) and asset.created_at.tzinfo is not None
    assert asset.created_at == asset.updated_at
    change = AssetChange.objects.get(asset=asset)
    assert change.at == asset.created_at and change.before == {}
    assert change.after["procured_on"] == "2010-03-01" and change.after["sensitive_site"] is True
    assert change.after["concern_since"] == asset.concern_since.isoformat()


def test_reimport_mixes_new_changed_and_unchanged_rows(kent, tmp_path: Path, small_batches):
    import_register(
        kent, write_csv(tmp_path / "a.csv", register_rows(30)), actor="first", **small_batches
    )
    rows = register_rows(40)
    for row in rows[1:11]:
        row[6] = "9"  # A0..A9 change quantity
    rows[11][4:6] = ["Axis", "P3245"]  # A10 was Axis already: unchanged
    rows[12][4:6] = ["Axis", "P3245"]  # A11 was Dahua: now Axis
    result = import_register(
        kent, write_csv(tmp_path / "b.csv", rows), actor="second", **small_batches
    )
    assert (result.created, result.updated, result.unchanged) == (10, 11, 19)
    assert Asset.objects.filter(body=kent).count() == 40
    a3 = Asset.objects.get(body=kent, asset_id="A3")
    assert a3.quantity == 9 and a3.updated_at > a3.created_at
    (update,) = AssetChange.objects.filter(asset=a3, action="updated")
    assert (update.by, update.before, update.after) == ("second", {"quantity": 1}, {"quantity": 9})
    a11 = Asset.objects.get(body=kent, asset_id="A11")
    assert (a11.manufacturer, a11.concern_since) == ("Axis Communications", None)
    assert "Axis" in " ".join(a11.manufacturer_evidence)
    (moved,) = AssetChange.objects.filter(asset=a11, action="updated")
    assert moved.before["manufacturer"] == "Dahua"
    assert moved.after["manufacturer"] == "Axis Communications"
    assert set(moved.before) == {"brand", "model", "manufacturer", "concern_since", "kev_since"}
    assert AssetChange.objects.filter(asset__body=kent, action="created").count() == 40
    assert AssetChange.objects.filter(asset__body=kent, action="updated").count() == 11
    assert exposure(kent).to_dict() == exposure(kent, date(2100, 1, 1)).to_dict()


def test_a_bad_row_after_many_batches_keeps_the_previous_register(
    kent, tmp_path: Path, small_batches
):
    import_register(
        kent, write_csv(tmp_path / "a.csv", register_rows(20)), actor="first", **small_batches
    )
    before = (Asset.objects.count(), AssetChange.objects.count(), ExposureTally.objects.count())
    rows = register_rows(60, quantity=5)
    rows[-1][6] = "many"
    with pytest.raises(core.RegisterInvalid) as caught:
        import_register(kent, write_csv(tmp_path / "b.csv", rows), actor="second", **small_batches)
    assert [p.row for p in caught.value.problems] == [61]
    assert (Asset.objects.count(), AssetChange.objects.count()) == before[:2]
    assert ExposureTally.objects.count() == before[2]
    assert set(Asset.objects.values_list("quantity", flat=True)) == {1, 2, 3}


@settings(max_examples=200, deadline=None)
@given(
    asset_id=st.text(max_size=64),
    notes=st.text(max_size=200),
    evidence=st.lists(st.text(max_size=40), max_size=4),
)
def test_staged_rows_survive_the_staging_file_whatever_their_text(asset_id, notes, evidence):
    values = dict.fromkeys(imports.TRACKED_FIELDS, "") | {"notes": notes, "quantity": 3}
    staged = imports._Staged(
        asset_id=asset_id,
        generated_id=False,
        confidence=0.5,
        evidence=json.dumps(evidence),
        after=json.dumps(values),
        values=values,
    )
    with tempfile.SpooledTemporaryFile(max_size=100, mode="w+", encoding="utf-8") as store:
        store.write(staged.to_line())
        store.write(staged.to_line())
        assert list(imports._staged_batches(store)) == [[staged, staged]]
