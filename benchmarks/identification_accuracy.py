"""Identification accuracy report: precision and recall per manufacturer.

Banner level on Recog's camera examples (tests/fixtures/recog-camera-examples.tsv, BSD-2,
used only as an evaluation set), end to end on the emulated lab, and on the independent
third-party set (tests/intel/eval, holdout and shaping partitions; see its origin note).

    .venv/bin/python benchmarks/identification_accuracy.py
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from custodes.discovery import Device, Scanner, ScanOptions, default_rules
from custodes.discovery.accuracy import evaluate_banners, evaluate_lab, read_banner_examples
from custodes.discovery.independent import run
from custodes.discovery.lab import Lab
from custodes.discovery.naming import default_resolver

TESTS = Path(__file__).resolve().parent.parent / "tests"
EXAMPLES = TESTS / "fixtures" / "recog-camera-examples.tsv"
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
    lab, devices = asyncio.run(scan_lab())
    print(evaluate_lab(devices, lab.profiles, lab.addresses, default_resolver()).to_text())
    print()
    print(run(INDEPENDENT, default_resolver(), default_rules()).to_text())


if __name__ == "__main__":
    main()
