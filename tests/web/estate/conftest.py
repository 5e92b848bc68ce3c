"""Register files for the estate web tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

# Kent's register: Dahua and Hikvision cameras outside, an Axis camera inside, a Dahua NVR at
# the custody suite (so it belongs with the internal cameras), an old removed Hikvision camera.
KENT_ROWS = [
    ["Kent Police equipment register"],
    [],
    ["Asset ID", "Site", "Sensitive site", "Type", "Make", "Model", "Qty", "Installed", "Status"],
    ["K1", "Maidstone HQ", "yes", "PTZ", "Dahua", "SD49225XA-HNR", "12", "2018-05-01", ""],
    ["K2", "Maidstone HQ", "yes", "bullet", "Hikvision", "DS-2CD2143G0-I", "3", "2021-01-01", ""],
    ["K3", "Custody suite", "no", "internal dome", "Axis", "P3245", "20", "2020-01-01", ""],
    ["K4", "Custody suite", "no", "NVR", "Dahua", "NVR5216", "1", "2020-01-01", ""],
    [
        "K5",
        "Ashford",
        "no",
        "bullet",
        "Hikvision",
        "DS-2CD2T47G1",
        "5",
        "2017-01-01",
        "removed on 2022-06-30",
    ],
    ["Total", "", "", "", "", "", "41", "", ""],
]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture
def kent_register(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "kent.csv", KENT_ROWS)


@pytest.fixture
def kent(roster):
    from custodes.web.bodies.models import Body

    return Body.objects.get(code="kent")


@pytest.fixture
def kent_imported(kent, kent_register):
    from custodes.web.estate.services import import_register

    import_register(kent, kent_register, actor="test")
    return kent
