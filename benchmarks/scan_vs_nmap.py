"""Benchmark: ``custodes scan`` against ``nmap -sV`` on the same lab targets and ports.

Starts the emulated lab on loopback, scans it with the Custodes scanner and with Debian's
nmap (service/version detection), and prints both wall-clock times, both manufacturer
identification accuracies and the speed ratio. Skips with a message when nmap is absent.

    .venv/bin/python benchmarks/scan_vs_nmap.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time

import defusedxml.ElementTree as SafeET

from custodes.discovery import DEFAULT_PORTS, Device, Scanner, ScanOptions
from custodes.discovery.accuracy import AccuracyReport, evaluate_lab
from custodes.discovery.errors import LabError
from custodes.discovery.lab import Lab, LabThread
from custodes.discovery.naming import default_resolver

BASE = "127.0.30.0"
NMAP_TIMEOUT = 1800


def start_lab() -> LabThread:
    offsets = [0, 20000] if os.geteuid() == 0 else [20000]
    for offset in offsets:
        runner = LabThread(base=BASE, port_offset=offset)
        try:
            runner.__enter__()
        except LabError as exc:
            print(f"lab with port offset {offset} failed: {exc}", file=sys.stderr)
            continue
        return runner
    raise SystemExit("cannot start the lab")


def run_custodes(lab: Lab) -> tuple[float, list[Device]]:
    scanner = Scanner(options=ScanOptions(port_offset=lab.port_offset), resolver=default_resolver())

    async def scan() -> list[Device]:
        return [device async for device in scanner.scan(lab.addresses)]

    started = time.perf_counter()
    devices = asyncio.run(scan())
    return time.perf_counter() - started, devices


def run_nmap(lab: Lab, ports: list[int]) -> tuple[float, dict[str, str]]:
    command = [
        "nmap",
        "-sV",
        "-Pn",
        "-n",
        "--open",
        "-oX",
        "-",
        "-p",
        ",".join(str(port) for port in ports),
        *lab.addresses,
    ]
    started = time.perf_counter()
    completed = subprocess.run(
        command, capture_output=True, check=True, timeout=NMAP_TIMEOUT, text=True
    )
    elapsed = time.perf_counter() - started
    root = SafeET.fromstring(completed.stdout)
    services: dict[str, str] = {}
    for host in root.iter("host"):
        address = host.find("address").get("addr")
        texts = []
        for service in host.iter("service"):
            texts.extend(
                service.get(key, "")
                for key in ("name", "product", "version", "extrainfo", "devicetype", "hostname")
            )
            texts.extend(cpe.text or "" for cpe in service.iter("cpe"))
        services[address] = " ".join(text for text in texts if text)
    return elapsed, services


def nmap_accuracy(lab: Lab, services: dict[str, str]) -> AccuracyReport:
    """nmap names a maker when its service text or CPE contains the maker's name."""
    known = {p.expect.manufacturer for p in lab.profiles if p.expect.manufacturer}
    report = AccuracyReport("nmap -sV on the lab")
    for profile, address in zip(lab.profiles, lab.addresses, strict=True):
        text = services.get(address, "").casefold()
        named = [maker for maker in sorted(known) if maker.casefold() in text]
        report.add(profile.expect.manufacturer, named)
    return report


def main() -> None:
    if shutil.which("nmap") is None:
        print("SKIPPED: nmap is not installed (apt-get install -y nmap); nothing measured.")
        return
    runner = start_lab()
    lab = runner.lab
    try:
        ports = [port + lab.port_offset for port in DEFAULT_PORTS]
        custodes_time, devices = run_custodes(lab)
        custodes_report = evaluate_lab(devices, lab.profiles, lab.addresses, default_resolver())
        custodes_report.name = "custodes scan on the lab"
        nmap_time, services = run_nmap(lab, ports)
        nmap_report = nmap_accuracy(lab, services)
    finally:
        runner.__exit__(None, None, None)
    print(
        f"targets: {len(lab.addresses)} lab hosts, {len(ports)} TCP ports each "
        f"(port offset {lab.port_offset}); nmap has no UDP probes here (-sV is TCP)"
    )
    print()
    print(custodes_report.to_text())
    print()
    print(nmap_report.to_text())
    print()
    print(
        f"custodes scan : {custodes_time:8.2f} s   manufacturer recall "
        f"{custodes_report.total.recall:.2f}  precision {custodes_report.total.precision:.2f}"
    )
    print(
        f"nmap -sV      : {nmap_time:8.2f} s   manufacturer recall "
        f"{nmap_report.total.recall:.2f}  precision {nmap_report.total.precision:.2f}"
    )
    print(f"speed ratio (nmap time / custodes time): {nmap_time / custodes_time:.1f}x")


if __name__ == "__main__":
    main()
