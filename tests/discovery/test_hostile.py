"""Slow, oversized, garbage and silent replies cannot hang or crash a scan."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest

from custodes.discovery import Device, Scanner, ScanOptions
from custodes.discovery.lab import Lab
from custodes.discovery.lab.profiles import load_profiles

from .conftest import start_lab_thread

HANG_GUARD_SECONDS = 30


@pytest.fixture(scope="module")
def hostile_lab(loopback_base) -> Iterator[Lab]:
    profiles = load_profiles(Path(__file__).with_name("hostile_lab.yaml"))
    runner = start_lab_thread(loopback_base("127.0.21.0"), profiles)
    try:
        yield runner.lab
    finally:
        runner.__exit__(None, None, None)


def test_hostile_hosts_finish_with_bounded_output(hostile_lab: Lab) -> None:
    scanner = Scanner(
        options=ScanOptions(timeout=0.5, max_read=16 * 1024, port_offset=hostile_lab.port_offset)
    )

    async def run() -> list[Device]:
        return [device async for device in scanner.scan(hostile_lab.addresses)]

    devices = asyncio.run(asyncio.wait_for(run(), HANG_GUARD_SECONDS))
    found = {device.address: device for device in devices}
    assert set(found) == set(hostile_lab.addresses)
    for device in devices:
        for item in device.evidence:
            assert len(item.observed) <= 2048
    oversized = found[hostile_lab.address_of("oversized-datagrams")]
    assert oversized.manufacturer == "Xiongmai", "one bad protocol must not spoil the others"
    for name in ("slow-web", "garbage-everywhere"):
        assert found[hostile_lab.address_of(name)].manufacturer is None
    silent = found[hostile_lab.address_of("silent-everywhere")]
    assert silent.confidence <= 0.35, "open vendor ports alone are only a weak hint"
    assert {item.probe for item in silent.evidence} == {"port"}


def test_garbage_is_not_taken_as_evidence(hostile_lab: Lab) -> None:
    scanner = Scanner(options=ScanOptions(timeout=0.5, port_offset=hostile_lab.port_offset))
    address = hostile_lab.address_of("garbage-everywhere")

    async def run() -> list[Device]:
        return [device async for device in scanner.scan([address])]

    [device] = asyncio.run(asyncio.wait_for(run(), HANG_GUARD_SECONDS))
    assert device.evidence == [] and device.confidence == 0
