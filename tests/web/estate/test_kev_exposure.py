"""Known exploited vulnerabilities counted honestly: confirmed only where a device's model and
firmware are known to be in an affected range; otherwise possibly affected, or not at all."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from register_rows import write_csv

from custodes.web.estate.models import Asset, ExposureTally
from custodes.web.estate.services import exposure, import_register, update_asset

pytestmark = pytest.mark.django_db

HEADER = ["Asset ID", "Type", "Make", "Model", "Firmware", "Qty"]
ROWS = [
    HEADER,
    # CVE-2020-25078/25079: "DCS-2530L before 1.06.01 Hotfix".
    ["D1", "camera", "D-Link", "DCS-2530L", "1.05.05", "3"],  # confirmed
    ["D2", "camera", "D-Link", "DCS-2530L", "", "2"],  # possible: firmware unknown
    ["D3", "camera", "D-Link", "DCS-2530L", "1.07.02", "4"],  # fixed: not affected
    ["D4", "camera", "D-Link", "DCS-8000LH", "2.01", "1"],  # model not affected
    ["D5", "camera", "D-Link", "", "", "1"],  # possible: model unknown
    ["D6", "camera", "D-Link", "DCS-2530L", "unknown", "1"],  # possible: not recognised
    # No affected range recorded for Hikvision's entries: possible whatever the firmware.
    ["H1", "camera", "Hikvision", "DS-2CD2143G0-I", "", "10"],
    ["H2", "camera", "Hikvision", "DS-2CD2143G0-I", "V5.5.800 build 210628", "5"],
    ["E1", "camera", "Edimax", "IC-7100", "", "2"],  # end of life, every firmware
    ["A1", "camera", "Axis", "P3245", "10.12.1", "7"],  # no KEV entry
]


@pytest.fixture
def kev_register(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "kev.csv", ROWS)


def test_exposure_counts_confirmed_and_possible_apart(kent, kev_register) -> None:
    import_register(kent, kev_register, actor="test")
    summary = exposure(kent).to_dict()
    assert summary["devices"] == 36
    assert summary["kev_devices"] == 3 + 2  # D1, Edimax IC-7100
    assert summary["kev_possible_devices"] == 2 + 1 + 1 + 10 + 5  # D2, D5, D6, H1, H2
    assets = {a.asset_id: a for a in Asset.objects.filter(body=kent)}
    assert assets["D1"].kev_confirmed_since == date(2025, 8, 5)
    assert (assets["D2"].kev_since, assets["D2"].kev_confirmed_since) == (date(2025, 8, 5), None)
    assert (assets["D3"].kev_since, assets["D4"].kev_since, assets["A1"].kev_since) == (
        None,
        None,
        None,
    )
    assert assets["H1"].kev_since == date(2022, 1, 10) and assets["H1"].kev_confirmed_since is None


def test_as_of_reads_assets_the_same_way_as_the_tally(kent, kev_register) -> None:
    import_register(kent, kev_register, actor="test")
    today = exposure(kent)
    assert ExposureTally.objects.filter(body=kent, kev_confirmed_since__isnull=False).exists()
    from_assets = exposure(kent, as_of=date(2026, 1, 1))
    assert (from_assets.kev_devices, from_assets.kev_possible_devices) == (
        today.kev_devices,
        today.kev_possible_devices,
    )
    # Before D-Link's DCS-2530L entries were added to KEV (2025-08-05): Edimax (2025-03-19)
    # confirmed; Hikvision (2022) and the D-Link of unknown model (DCS-930L entry, 2022)
    # possible.
    earlier = exposure(kent, as_of=date(2025, 6, 1))
    assert (earlier.kev_devices, earlier.kev_possible_devices) == (2, 10 + 5 + 1)


def test_recording_the_firmware_turns_possible_into_confirmed_or_clear(kent, kev_register) -> None:
    import_register(kent, kev_register, actor="test")
    unknown = Asset.objects.get(body=kent, asset_id="D2")
    assert update_asset(unknown, {"firmware": "1.04.00"}, actor="test", reason="site visit")
    assert unknown.kev_confirmed_since == date(2025, 8, 5)
    assert exposure(kent).kev_devices == 5 + 2
    assert update_asset(unknown, {"firmware": "1.08"}, actor="test", reason="upgraded")
    assert (unknown.kev_since, unknown.kev_confirmed_since) == (None, None)
    summary = exposure(kent)
    assert (summary.kev_devices, summary.kev_possible_devices) == (5, 17)
