"""Register rows and file builders for the web register tests (a plain module, so test files
import it by a name no other folder uses)."""

from __future__ import annotations

import csv
from pathlib import Path

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
