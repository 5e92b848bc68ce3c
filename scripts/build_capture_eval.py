"""Build the capture evaluation set (tests/intel/eval/captures.csv): what named devices sent in
public testbed captures, all holdout, never a rule source.

The source is the IoT Sentinel dataset (Miettinen et al., "IoT SENTINEL: Automated Device-Type
Identification for Security Enforcement in IoT", ICDCS 2017): captures of the setup of 31 devices
of 27 types, as published in github.com/andypitcher/IoT_Sentinel (MIT), one folder per device,
named by the dataset's authors, with the device's MAC address in ``_iotdevice-mac.txt``. The
maker and model of each folder are the paper's Table II (``DEVICES`` below). Only facts are
taken: what each device itself sent, as the scanner records it:

* ``mac.oui``: the MAC address of ``_iotdevice-mac.txt``;
* ``upnp.server``: the SERVER header of the device's SSDP announcements and search replies;
* ``http.server``, ``http.www_authenticate``, ``http.title`` (``rtsp.*`` for RTSP): the HTTP and
  RTSP replies the device sent, TCP segments put back in order;
* ``upnp.manufacturer``, ``upnp.model_name`` …: UPnP description documents the device served;
* ``mdns.service``, ``mdns.instance``, ``mdns.txt``: the DNS-SD answers it sent over mDNS, read as
  the scanner's mDNS probe reads a reply;
* ``dns.query``: the host names the device asked its resolver for (scored by the egress rules).

Packets are the device's own (its MAC is the Ethernet source). DHCP options are not taken: the
scanner does not observe them.

    PYTHONPATH=src python scripts/build_capture_eval.py --iot-sentinel GIT_DIR [--commit SHA]

``GIT_DIR`` is a git directory of the repository (read with ``git archive``; no work tree needed).
The commit read is printed and recorded in ``independent.origin.md``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import tarfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

import dpkt
from _snapshots import git  # scripts/_snapshots.py, beside this script

from custodes.discovery.capture_set import CAPTURE_COLUMNS, CAPTURES_FILE
from custodes.discovery.passive import PassiveObserver
from custodes.egress import LINKTYPE_ETHERNET, PROTO_UDP, decode_frame
from custodes.egress._dns import parse_dns

ROOT = Path(__file__).resolve().parent.parent
SOURCE = "iot-sentinel"
CAPTURES = "captures_IoT_Sentinel/captures_IoT-Sentinel"
# Folder -> (maker, the paper's Table II description, camera). The maker is the company the
# description names first; Homematic, MAX! and WeMo are brands, related to their makers in
# label_relations.csv.
DEVICES: dict[str, tuple[str, str, bool]] = {
    "Aria": ("Fitbit", "Fitbit Aria WiFi-enabled scale", False),
    "HomeMaticPlug": ("Homematic", "Homematic pluggable switch HMIP-PS", False),
    "Withings": ("Withings", "Withings Wireless Scale WS-30", False),
    "MAXGateway": ("MAX!", "MAX! Cube LAN Gateway for MAX! Home automation sensors", False),
    "HueBridge": ("Philips", "Philips Hue Bridge model 3241312018", False),
    "HueSwitch": ("Philips", "Philips Hue Light Switch PTM 215Z", False),
    "EdnetGateway": ("Ednet", "Ednet.living Starter kit power Gateway", False),
    "EdnetCam1": ("Ednet", "Ednet Wireless indoor IP camera Cube", True),
    "EdnetCam2": ("Ednet", "Ednet Wireless indoor IP camera Cube", True),
    "EdimaxCam1": ("Edimax", "Edimax IC-3115W Smart HD WiFi Network Camera", True),
    "EdimaxCam2": ("Edimax", "Edimax IC-3115W Smart HD WiFi Network Camera", True),
    "Lightify": ("Osram", "Osram Lightify Gateway", False),
    "WeMoInsightSwitch": ("WeMo", "WeMo Insight Switch model F7C029de", False),
    "WeMoInsightSwitch2": ("WeMo", "WeMo Insight Switch model F7C029de", False),
    "WeMoLink": ("WeMo", "WeMo Link Lighting Bridge model F7C031vf", False),
    "WeMoSwitch": ("WeMo", "WeMo Switch model F7C027de", False),
    "WeMoSwitch2": ("WeMo", "WeMo Switch model F7C027de", False),
    "D-LinkHomeHub": ("D-Link", "D-Link Connected Home Hub DCH-G020", False),
    "D-LinkDoorSensor": ("D-Link", "D-Link Door & Window sensor", False),
    "D-LinkDayCam": ("D-Link", "D-Link WiFi Day Camera DCS-930L", True),
    "D-LinkCam": ("D-Link", "D-Link HD IP Camera DCH-935L", True),
    "D-LinkSwitch": ("D-Link", "D-Link Smart plug DSP-W215", False),
    "D-LinkWaterSensor": ("D-Link", "D-Link Water sensor DCH-S160", False),
    "D-LinkSiren": ("D-Link", "D-Link Siren DCH-S220", False),
    "D-LinkSensor": ("D-Link", "D-Link WiFi Motion sensor DCH-S150", False),
    "TP-LinkPlugHS110": ("TP-Link", "TP-Link WiFi Smart plug HS110", False),
    "TP-LinkPlugHS100": ("TP-Link", "TP-Link WiFi Smart plug HS100", False),
    "EdimaxPlug1101W": ("Edimax", "Edimax SP-1101W Smart Plug Switch", False),
    "EdimaxPlug2101W": ("Edimax", "Edimax SP-2101W Smart Plug Switch", False),
    "SmarterCoffee": ("Smarter", "Smarter SmarterCoffee coffee machine SMC10-EU", False),
    "iKettle2": ("Smarter", "Smarter iKettle 2.0 water kettle SMK20-EU", False),
}
DNS_PORT = 53
ANY_ADDRESS = ("0.0.0.0/0", "::/0")  # only the device's own frames are fed: all of it counts


def capture_id(device: str, field_name: str, value: str) -> str:
    """First 16 hex digits of sha256 of the source, device, field and value."""
    return hashlib.sha256(f"{SOURCE}\0{device}\0{field_name}\0{value}".encode()).hexdigest()[:16]


def _text(value: str) -> str:
    return " ".join(value.split())


def device_observations(pcap: bytes, mac: bytes) -> Iterator[tuple[str, str]]:
    """(field, value) of what the device with ``mac`` sent in one capture: its frames read as
    ``custodes identify --capture`` reads them, then the names it asked its resolver for."""
    observer = PassiveObserver(ANY_ADDRESS)
    queries: list[str] = []
    for _, frame in dpkt.pcap.Reader(io.BytesIO(pcap)):
        if frame[6:12] != mac:
            continue
        observer.feed(LINKTYPE_ETHERNET, frame)
        decoded = decode_frame(LINKTYPE_ETHERNET, frame)
        if decoded is not None and decoded[2] == PROTO_UDP and decoded[4] == DNS_PORT:
            message = parse_dns(decoded[5])
            if message is not None and not message.is_response:
                queries += [name.rstrip(".").lower() for name in message.questions]
    for sighting in observer.sightings():
        yield from ((item.field, _text(item.value)) for item in sighting.observations)
    yield from (("dns.query", name) for name in queries)


def iot_sentinel_rows(git_dir: Path, commit: str) -> Iterator[dict[str, str]]:
    """One row per device, field and distinct value, in folder and capture order."""
    snapshot = io.BytesIO(git(git_dir, "archive", commit, CAPTURES))
    with tarfile.open(fileobj=snapshot) as archive:
        files = {member.name: member for member in archive.getmembers() if member.isfile()}
        for device, (maker, description, camera) in DEVICES.items():
            folder = f"{CAPTURES}/{device}"
            mac_file = f"{folder}/_iotdevice-mac.txt"
            mac_address = _read(archive, files[mac_file]).decode().strip().lower()
            mac = bytes.fromhex(mac_address.replace(":", ""))
            found = [("mac.oui", mac_address, mac_file)]
            for name in sorted(files):
                if str(PurePosixPath(name).parent) == folder and name.endswith(".pcap"):
                    pcap = _read(archive, files[name])
                    found += [(f, v, name) for f, v in device_observations(pcap, mac)]
            seen: set[tuple[str, str]] = set()
            for field_name, value, ref in found:
                if (field_name, value) in seen or not value:
                    continue
                seen.add((field_name, value))
                yield {
                    "id": capture_id(device, field_name, value),
                    "source": SOURCE,
                    "device": device,
                    "description": description,
                    "maker": maker,
                    "camera": "1" if camera else "0",
                    "field": field_name,
                    "value": value,
                    "ref": ref,
                }


def _read(archive: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    handle = archive.extractfile(member)
    if handle is None:
        raise ValueError(f"{member.name} is not a file")
    return handle.read()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument(
        "--iot-sentinel", type=Path, required=True, help="git directory of IoT_Sentinel"
    )
    parser.add_argument("--commit", default="HEAD", help="commit to read (default HEAD)")
    arguments = parser.parse_args()
    commit = git(arguments.iot_sentinel, "rev-parse", arguments.commit).decode().strip()
    rows = list(iot_sentinel_rows(arguments.iot_sentinel, commit))
    out = ROOT / "tests" / "intel" / "eval" / CAPTURES_FILE
    with open(out, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, CAPTURE_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"IoT_Sentinel at {commit}: {len(rows)} rows of {len(DEVICES)} devices -> {out}")


if __name__ == "__main__":
    main()
