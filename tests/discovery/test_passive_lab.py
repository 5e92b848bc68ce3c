"""Passive identification against the active scan, on real traffic: the lab's devices are scanned
on loopback while a packet socket records every frame, and what the devices sent is then
identified from the capture alone. Needs a packet socket (root or CAP_NET_RAW): skipped without.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from custodes.discovery import Scanner, ScanOptions
from custodes.discovery.identify import identify_sighting
from custodes.discovery.naming import default_resolver
from custodes.discovery.passive import observe_captures
from egress.builders import write_pcap

from .conftest import FAST_TIMEOUT, start_lab_thread

ETH_P_ALL = 0x0003


class LoopbackRecorder:
    """Every frame on ``lo`` while open (each once: a frame's outgoing copy is dropped)."""

    def __init__(self) -> None:
        self.frames: list[tuple[float, bytes]] = []
        self._stop = threading.Event()
        self._socket = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.ntohs(ETH_P_ALL))
        self._socket.bind(("lo", 0))
        self._socket.settimeout(0.1)
        self._thread = threading.Thread(target=self._record, daemon=True)
        self._thread.start()

    def _record(self) -> None:
        while not self._stop.is_set():
            try:
                data, address = self._socket.recvfrom(262_144)
            except TimeoutError:
                continue
            if address[2] != socket.PACKET_OUTGOING:
                self.frames.append((time.time(), data))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._socket.close()


@pytest.fixture
def recorder() -> Iterator[LoopbackRecorder]:
    try:
        running = LoopbackRecorder()
    except (PermissionError, OSError, AttributeError) as exc:  # AF_PACKET is Linux-only
        pytest.skip(f"no packet socket on lo here: {exc}")
    try:
        yield running
    finally:
        running.close()


def test_a_capture_of_a_scan_names_what_the_scan_named(
    recorder: LoopbackRecorder, loopback_base, tmp_path: Path
) -> None:
    base = loopback_base("127.0.77.0")
    runner = start_lab_thread(base)
    try:
        lab = runner.lab
        if lab.port_offset:
            pytest.skip("the lab runs on shifted ports here; captures are read at real ports")
        scanner = Scanner(options=ScanOptions(timeout=FAST_TIMEOUT), resolver=default_resolver())

        async def scan() -> list[dict]:
            return [device.to_dict() async for device in scanner.scan(lab.addresses)]

        scanned = {device["address"]: device for device in asyncio.run(scan())}
    finally:
        runner.__exit__(None, None, None)
        time.sleep(0.3)  # let the last frames reach the recorder
        recorder.close()
    capture = write_pcap(tmp_path / "scan.pcap", recorder.frames)
    network = f"{base.rsplit('.', 1)[0]}.0/24"
    result = observe_captures([capture], local_networks=[network])
    assert result.problems == []
    passive = {
        sighting.address: identify_sighting(scanner, sighting) for sighting in result.sightings
    }
    named = {address for address, device in scanned.items() if device["manufacturer"]}
    assert len(named) >= 12
    for address in named:
        seen = passive[address]
        assert (seen["manufacturer"], seen["brand"]) == (
            scanned[address]["manufacturer"],
            scanned[address]["brand"],
        ), address
        assert {item["probe"] for item in seen["evidence"]} <= {"capture", "knowledge-base"}
        assert seen["mac"] is None  # loopback frames carry no device's own MAC
    for address, device in passive.items():  # and names nothing the scan did not
        assert device["manufacturer"] in (None, scanned[address]["manufacturer"]), address
