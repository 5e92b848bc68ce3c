"""Multicast discovery (WS-Discovery, SSDP, SADP, DHIP, DNS-SD over mDNS) inside network
namespaces of our own.

Each test builds two namespaces joined by a veth pair: an emulated camera in one, the scanner
in the other. Nothing is sent on the host's real interfaces. Skipped where creating
namespaces is not permitted.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import custodes

SCANNER_ADDRESS = "10.213.0.1"
DEVICE_ADDRESS = "10.213.0.2"
SOURCE_ROOT = str(Path(custodes.__file__).resolve().parent.parent)

DEVICE_SCRIPT = f"""
import asyncio, sys
from custodes.discovery.lab import Lab, load_profiles
profiles = [p for p in load_profiles() if p.name == sys.argv[1]]
async def main():
    async with Lab(base="127.0.10.0", profiles=profiles, multicast_interface="{DEVICE_ADDRESS}"):
        print("ready", flush=True)
        await asyncio.sleep(60)
asyncio.run(main())
"""

SCANNER_SCRIPT = f"""
import asyncio, json
from custodes.discovery import Scanner, ScanOptions, Scope, parse_span
from custodes.discovery.multicast import multicast_discover
heard = asyncio.run(multicast_discover("{SCANNER_ADDRESS}", 1.5))
scanner = Scanner(
    options=ScanOptions(timeout=1.0, multicast_interface="{SCANNER_ADDRESS}", ports=(80,)),
    scope=Scope((parse_span("{DEVICE_ADDRESS}"),)),
)
async def scan():
    return [d.to_dict() async for d in scanner.scan(["{DEVICE_ADDRESS}"])]
print(json.dumps({{
    "heard": {{k: sorted({{o.field for o in v}}) for k, v in heard.items()}},
    "devices": asyncio.run(scan()),
}}))
"""


def _ip(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, timeout=20)


@pytest.fixture
def namespaces() -> Iterator[tuple[str, str]]:
    if shutil.which("ip") is None:
        pytest.skip("the ip command (iproute2) is not installed")
    scanner_ns, device_ns = f"cdsA{os.getpid()}", f"cdsB{os.getpid()}"
    created = _ip("netns", "add", scanner_ns)
    if created.returncode != 0:
        pytest.skip(f"creating a network namespace is not permitted here: {created.stderr.strip()}")
    try:
        steps = [
            ("netns", "add", device_ns),
            ("link", "add", f"va{os.getpid()}", "type", "veth", "peer", "name", f"vb{os.getpid()}"),
            ("link", "set", f"va{os.getpid()}", "netns", scanner_ns),
            ("link", "set", f"vb{os.getpid()}", "netns", device_ns),
            ("-n", scanner_ns, "addr", "add", f"{SCANNER_ADDRESS}/24", "dev", f"va{os.getpid()}"),
            ("-n", device_ns, "addr", "add", f"{DEVICE_ADDRESS}/24", "dev", f"vb{os.getpid()}"),
            ("-n", scanner_ns, "link", "set", f"va{os.getpid()}", "up"),
            ("-n", device_ns, "link", "set", f"vb{os.getpid()}", "up"),
            ("-n", scanner_ns, "link", "set", "lo", "up"),
            ("-n", device_ns, "link", "set", "lo", "up"),
        ]
        for step in steps:
            done = _ip(*step)
            if done.returncode != 0:
                pytest.skip(f"cannot build the test network ({' '.join(step)}): {done.stderr}")
        yield scanner_ns, device_ns
    finally:
        _ip("netns", "del", scanner_ns)
        _ip("netns", "del", device_ns)


def _in_namespace(namespace: str, script: str, *args: str) -> list[str]:
    return ["ip", "netns", "exec", namespace, sys.executable, "-c", script, *args]


def _discover(namespaces: tuple[str, str], profile: str) -> dict[str, Any]:
    """What the scanner's namespace hears from and finds of one emulated ``profile``."""
    scanner_ns, device_ns = namespaces
    env = {**os.environ, "PYTHONPATH": SOURCE_ROOT}
    device = subprocess.Popen(
        _in_namespace(device_ns, DEVICE_SCRIPT, profile),
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert device.stdout is not None and device.stdout.readline().strip() == "ready"
        scan = subprocess.run(
            _in_namespace(scanner_ns, SCANNER_SCRIPT),
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
            check=True,
        )
    finally:
        device.kill()
        device.wait(timeout=10)
    return json.loads(scan.stdout)


def test_multicast_discovery_finds_the_relabelled_camera(namespaces: tuple[str, str]) -> None:
    result = _discover(namespaces, "dahua-oem-camera")
    heard = result["heard"][DEVICE_ADDRESS]
    assert {"dhip.reply", "dhip.Vendor", "onvif.scope.name", "onvif.xaddrs"} <= set(heard)
    [found] = result["devices"]
    assert (found["manufacturer"], found["brand"]) == ("Dahua", "Honeywell")
    assert found["model"] == "HC30W45R3"


def test_multicast_dns_sd_lists_services_then_asks_for_instances(
    namespaces: tuple[str, str],
) -> None:
    result = _discover(namespaces, "axis-camera")
    heard = result["heard"][DEVICE_ADDRESS]
    assert {"mdns.service", "mdns.instance", "mdns.txt"} <= set(heard)
    [found] = result["devices"]
    assert found["model"] == "P3245-LVE"
    assert ("mdns", "_axis-video._tcp", "axis.iana-service-axis-video") in {
        (item["probe"], item["observed"], item["rule"]) for item in found["evidence"]
    }
