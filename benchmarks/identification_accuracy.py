"""Identification accuracy report: precision and recall per manufacturer.

Banner level on Recog's camera examples (tests/fixtures/recog-camera-examples.tsv, BSD-2; many
rules are drawn from the same Recog fingerprints, so this is a consistency figure), wrong maker
claims on Recog's non-camera examples (tests/fixtures/recog-noncamera-examples.jsonl.gz), end
to end on the emulated lab, and on the independent third-party set (tests/intel/eval, holdout
and shaping partitions; see its origin note).

    .venv/bin/python benchmarks/identification_accuracy.py
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from custodes.discovery import Device, Scanner, ScanOptions, default_rules
from custodes.discovery.accuracy import (
    evaluate_banners,
    evaluate_lab,
    evaluate_non_cameras,
    read_banner_examples,
    read_json_examples,
)
from custodes.discovery.independent import run
from custodes.discovery.lab import Lab
from custodes.discovery.naming import default_resolver

TESTS = Path(__file__).resolve().parent.parent / "tests"
EXAMPLES = TESTS / "fixtures" / "recog-camera-examples.tsv"
NON_CAMERAS = TESTS / "fixtures" / "recog-noncamera-examples.jsonl.gz"
INDEPENDENT = TESTS / "intel" / "eval"
BASE = "127.0.31.0"
UNPRIVILEGED_OFFSET = 20000


async def scan_lab() -> tuple[Lab, list[Device]]:
    resolver = default_resolver()
    async with Lab(base=BASE, port_offset=UNPRIVILEGED_OFFSET) as lab:
        scanner = Scanner(
            options=ScanOptions(port_offset=lab.port_offset, timeout=1.0), resolver=resolver
        )
        return lab, [device async for device in scanner.scan(lab.addresses)]


def main() -> None:
    banners = evaluate_banners(read_banner_examples(EXAMPLES), default_rules())
    print(banners.to_text())
    print()
    examples, claims, wrong = evaluate_non_cameras(read_json_examples(NON_CAMERAS), default_rules())
    print(f"non-camera examples (Recog): {examples}, maker claims {claims}, wrong {len(wrong)}")
    for item in wrong:
        print(f"  {item.source}: {item.vendor or '-'} named {item.claimed}: {item.example[:80]!r}")
    print()
    lab, devices = asyncio.run(scan_lab())
    print(evaluate_lab(devices, lab.profiles, lab.addresses, default_resolver()).to_text())
    print()
    print(run(INDEPENDENT, default_resolver(), default_rules()).to_text())


if __name__ == "__main__":
    main()
