"""The shipped vocabulary, errors in a bad one, exposure summaries and reconciliation."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from custodes.estate import (
    AssetKind,
    ExposureCell,
    Holding,
    Vocabulary,
    VocabularyError,
    blocks_of,
    load_vocabulary,
    reconcile,
    summarise,
)
from custodes.estate._vocab import VocabularyFile


def test_vocabulary_maps_synonyms_kinds_and_totals() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.field_for_header("No. of units") == "quantity"
    assert vocabulary.field_for_header("Qty") == "quantity"
    for heading in ("Make", "Manufacturer", "Brand"):
        assert vocabulary.field_for_header(heading) == "brand"
    assert vocabulary.kind_of("PTZ") is AssetKind.EXTERNAL_CCTV_CAMERA
    assert vocabulary.kind_of("bullet") is AssetKind.EXTERNAL_CCTV_CAMERA
    assert vocabulary.kind_of("NVR") is AssetKind.RECORDER
    assert vocabulary.kind_of("Internal NVR") is AssetKind.RECORDER
    assert vocabulary.kind_of("VMS") is AssetKind.RECORDER
    assert vocabulary.kind_of("ANPR camera") is AssetKind.ANPR_CAMERA
    assert vocabulary.kind_of("toaster") is None
    for text in ("Total", "Grand total", "Sum", "TOTAL:"):
        assert vocabulary.is_total(text)
    assert not vocabulary.is_total("Totally Secure Ltd")
    assert set(vocabulary.kind_blocks.values()) <= {
        "ext_cctv",
        "int_cctv",
        "anpr",
        "bwv",
        "drones",
        "helicopter",
        "frt",
        "other",
    }


def test_every_vocabulary_fact_is_sourced_and_dated() -> None:
    data: VocabularyFile = load_vocabulary().data
    for entry in (*data.fields, *data.kinds, *data.connectivity, *data.statuses):
        assert str(entry.source).startswith("https://") and entry.date


def test_bad_vocabulary_names_file_line_and_field(tmp_path: Path) -> None:
    path = tmp_path / "columns.yaml"
    path.write_text(
        "fields:\n  - field: brand\n    synonyms: [make]\n    source: not-a-url\n"
        "    date: 2026-01-01\n"
    )
    with pytest.raises(VocabularyError) as caught:
        Vocabulary.from_file(path)
    assert caught.value.line == 4 and caught.value.field == "fields.0.source"


def test_summary_counts_quantities_as_devices() -> None:
    cells = [
        ExposureCell("Hikvision", AssetKind.EXTERNAL_CCTV_CAMERA, True, True, True, 12),
        ExposureCell("Hikvision", AssetKind.RECORDER, True, True, False, 1),
        ExposureCell("Axis", AssetKind.EXTERNAL_CCTV_CAMERA, False, False, True, 30),
        ExposureCell("", AssetKind.DRONE, False, False, False, 2),
        ExposureCell("Dahua", AssetKind.RECORDER, True, False, False, 4, kev_possible=True),
        ExposureCell("Axis", AssetKind.ANPR_CAMERA, False, False, False, 5),
    ]
    summary = summarise("kent", date(2026, 1, 1), cells)
    data = summary.to_dict()
    assert list(data) == [
        "scope",
        "devices",
        "devices_of_concern",
        "share_of_concern",
        "sensitive_site_devices_of_concern",
        "kev_devices",
        "kev_possible_devices",
        "by_manufacturer",
        "by_kind",
    ]
    assert (data["devices"], data["devices_of_concern"], data["kev_devices"]) == (54, 17, 13)
    assert data["kev_possible_devices"] == 4
    assert data["sensitive_site_devices_of_concern"] == 12
    assert data["share_of_concern"] == round(17 / 54, 4)
    assert data["by_manufacturer"] == [
        {"manufacturer": "Axis", "devices": 35, "concern": False},
        {"manufacturer": "Hikvision", "devices": 13, "concern": True},
        {"manufacturer": "Dahua", "devices": 4, "concern": True},
        {"manufacturer": None, "devices": 2, "concern": False},
    ]
    kinds = {k["kind"]: (k["devices"], k["devices_of_concern"]) for k in data["by_kind"]}
    assert kinds == {
        "external_cctv_camera": (42, 12),
        "recorder": (5, 5),
        "drone": (2, 0),
        "anpr_camera": (5, 0),
    }
    assert summarise("empty", date(2026, 1, 1), []).share_of_concern is None


def test_recorders_follow_their_site_cameras() -> None:
    holdings = [
        Holding(AssetKind.INTERNAL_CCTV_CAMERA, "Custody", "Axis", False, 10),
        Holding(AssetKind.RECORDER, "custody", "Dahua", True, 1),
        Holding(AssetKind.RECORDER, "Depot", "Dahua", True, 1),
        Holding(AssetKind.RECORDER, "", "Dahua", True, 1),
    ]
    grouped = blocks_of(holdings)
    assert [h.site for h in grouped["int_cctv"]] == ["Custody", "custody"]
    assert [h.site for h in grouped["other"]] == ["Depot", ""]


def test_return_saying_no_while_register_holds_devices_of_concern() -> None:
    answers = {
        "ext_cctv.operates": "yes",
        "ext_cctv.concerns": "no",
        "ext_cctv.manufacturers": ["AXIS Communications", "Dahua Technology"],
        "anpr.operates": "no",
        "bwv.operates": "yes",
        "bwv.concerns": "yes",
    }
    holdings = [
        Holding(AssetKind.EXTERNAL_CCTV_CAMERA, "HQ", "Dahua", True, 40),
        Holding(AssetKind.EXTERNAL_CCTV_CAMERA, "HQ", "Hikvision", True, 2),
        Holding(AssetKind.EXTERNAL_CCTV_CAMERA, "HQ", "Axis", False, 9),
        Holding(AssetKind.ANPR_CAMERA, "Road", "Hikvision", True, 3),
        Holding(AssetKind.BODY_WORN_CAMERA, "", "Hikvision", True, 100),
    ]
    canonical = {"AXIS Communications": "Axis", "Dahua Technology": "Dahua"}.get
    result = reconcile("kent", answers, holdings, lambda n: canonical(n) or n)
    found = {(d.block, d.question, d.devices_of_concern) for d in result.discrepancies}
    assert found == {("ext_cctv", "ext_cctv.concerns", 42), ("anpr", "anpr.operates", 3)}
    ext = next(c for c in result.manufacturers if c.block == "ext_cctv")
    assert ext.in_return == ("Axis", "Dahua")
    assert ext.only_in_register == ("Hikvision",)
    assert ext.only_in_return == ()
