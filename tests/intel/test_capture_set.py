"""The capture set (captures.csv): what named devices sent in public testbed captures, all
holdout, scored by device, by distinct value and by looked-up name.

Its one source so far is the IoT Sentinel dataset: 31 devices of 12 makers, 6 of them cameras
(D-Link, Edimax, Ednet). The floors are what identification achieves on it now (commit of this
file): devices named with precision 1.000 (14 right, 0 wrong), cameras found 4 of 6 (from their
MAC addresses; the replies they sent name no maker), no makers of concern named, none of the 98
looked-up names matched to another maker's service.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from types import ModuleType

import dpkt
import pytest
from typer.testing import CliRunner

from custodes.cli import app
from custodes.discovery.capture_set import (
    CAPTURE_COLUMNS,
    CAPTURES_FILE,
    CaptureRun,
    load_captures,
    run_captures,
)
from custodes.discovery.fields import FIELDS
from custodes.discovery.independent import (
    CAPTURE_GROUP,
    CAPTURE_SOURCES,
    CONCERN_FILE,
    RELATIONS_FILE,
    SECOND_BANNER_SOURCES,
    SPLIT_FILE,
    THIRD_BANNER_SOURCES,
    example_id,
    load_examples,
    read_split,
)
from custodes.discovery.naming import default_resolver
from custodes.discovery.rules import default_rules

EVAL = Path(__file__).parent / "eval"
MIN_DEVICE_PRECISION = 0.99
MIN_CAMERA_RECALL = 0.66
MAX_WRONG_MAKERS_OF_CONCERN = 0


def _no_vendor(name: str) -> None:
    return None


@pytest.fixture(scope="module")
def captures() -> CaptureRun:
    from custodes.cli.intel import _egress_vendor

    outcome = run_captures(EVAL, default_resolver(), default_rules(), _egress_vendor())
    assert outcome is not None
    return outcome


def test_the_set_holds_every_device_of_its_source() -> None:
    devices = load_captures(EVAL)
    assert len(devices) == 31 and sum(device.camera for device in devices) == 6
    assert {device.maker for device in devices if device.camera} == {"D-Link", "Edimax", "Ednet"}
    assert all(device.observations[0][0] == "mac.oui" for device in devices)
    assert sum(len(device.looked_up) for device in devices) >= 150


def test_rows_validate() -> None:
    with (EVAL / CAPTURES_FILE).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == CAPTURE_COLUMNS
        rows = list(reader)
    assert len({row["id"] for row in rows}) == len(rows)
    assert len({(row["device"], row["field"], row["value"]) for row in rows}) == len(rows)
    for row in rows:
        assert row["source"] in CAPTURE_SOURCES and row["maker"] and row["description"]
        assert row["field"] in FIELDS or row["field"] == "dns.query"
        assert row["value"] and row["value"] == row["value"].strip()
        assert row["ref"].startswith("captures_IoT_Sentinel/captures_IoT-Sentinel/")
        # only what the device sent: no local addresses of the testbed
        assert not re.search(r"\b(?:192\.168|10)\.\d{1,3}\.\d{1,3}\b", row["value"])


def test_a_bad_row_names_file_line_and_field(tmp_path: Path) -> None:
    text = (EVAL / CAPTURES_FILE).read_text(encoding="utf-8").splitlines()
    bad = text[3].replace(",mac.oui,", ",mac.ouii,")
    (tmp_path / CAPTURES_FILE).write_text("\n".join([*text[:3], bad]) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"captures\.csv: line 4: field 'field'.*mac\.ouii"):
        load_captures(tmp_path)


def test_the_set_is_never_a_rule_source() -> None:
    assert not CAPTURE_SOURCES & (SECOND_BANNER_SOURCES | THIRD_BANNER_SOURCES)
    values = {
        example_id(device.source, field_name, value)
        for device in load_captures(EVAL)
        for field_name, value in device.observations
    }
    assert not values & {example.id for example in load_examples(EVAL)}
    assert not values & set(read_split(EVAL / SPLIT_FILE))
    for rule in default_rules().rules:
        provenance = json.dumps(rule.model_dump(mode="json")).casefold()
        assert "iot_sentinel" not in provenance and "iot-sentinel" not in provenance, rule.id


def test_figures_do_not_fall(captures: CaptureRun) -> None:
    for tally in (captures.whole, captures.replies):
        assert tally.precision >= MIN_DEVICE_PRECISION
        assert tally.wrong_makers_of_concern <= MAX_WRONG_MAKERS_OF_CONCERN
    assert (captures.whole.recall or 0.0) >= MIN_CAMERA_RECALL
    assert captures.egress["names"] >= 90 and captures.egress["wrong"] == 0
    values = captures.values.groups[("holdout", CAPTURE_GROUP, "ALL")]
    assert values.precision >= MIN_DEVICE_PRECISION and values.lookalike_concern == 0


def _write_set(directory: Path, rows: list[tuple[str, str, str, str, str]]) -> None:
    """A capture set of (device, maker, camera, field, value) rows, with the shipped labels."""
    for name in (CONCERN_FILE, RELATIONS_FILE):
        (directory / name).write_text((EVAL / name).read_text(encoding="utf-8"), encoding="utf-8")
    with (directory / CAPTURES_FILE).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(CAPTURE_COLUMNS)
        for number, (device, maker, camera, field_name, value) in enumerate(rows):
            ref = f"set/{device}/capture.pcap"
            writer.writerow(
                [number, "iot-sentinel", device, device, maker, camera, field_name, value, ref]
            )


def test_devices_values_and_names_are_scored_apart(tmp_path: Path) -> None:
    _write_set(
        tmp_path,
        [
            ("cam-a", "Axis", "1", "mac.oui", "00:40:8c:01:02:03"),
            ("cam-a", "Axis", "1", "upnp.server", "Embedded UPnP/1.0"),
            ("cam-a", "Axis", "1", "dns.query", "open.ys7.com"),
            ("cam-b", "Bosch", "1", "mac.oui", "00:40:8c:0a:0b:0c"),  # an Axis MAC: wrong
            ("cam-b", "Bosch", "1", "upnp.server", "Embedded UPnP/1.0"),
            ("plug", "Acme", "0", "upnp.server", "Embedded UPnP/1.0"),
        ],
    )
    vendors = {"open.ys7.com": "Hikvision"}
    outcome = run_captures(tmp_path, default_resolver(), default_rules(), vendors.get)
    assert outcome is not None
    assert (outcome.whole.right, outcome.whole.wrong, outcome.whole.cameras) == (1, 1, 2)
    assert outcome.whole.recall == 0.5 and outcome.whole.wrong_makers_of_concern == 0
    assert (outcome.replies.right, outcome.replies.wrong) == (0, 0)  # no MAC: nothing named
    assert outcome.egress == {"names": 1, "matched": 1, "wrong": 1}
    axis = ["Axis Communications", "Canon"]  # maker and owner
    assert [entry["named"] for entry in outcome.named] == [axis, axis, []]
    values = outcome.values.groups[("holdout", CAPTURE_GROUP, "upnp.server")]
    assert values.examples == 1 and values.recall_due == 0  # sent by three makers: labels none
    assert "capture set (all holdout): 3 devices of 3 makers, 2 of them cameras" in (
        outcome.to_text()
    )


def test_no_set_no_run(tmp_path: Path) -> None:
    assert run_captures(tmp_path, default_resolver(), default_rules(), _no_vendor) is None


def test_the_command_reports_the_capture_set(captures: CaptureRun) -> None:
    result = CliRunner().invoke(app, ["intel", "accuracy", "--independent", "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)["capture_set"]
    figures = payload["figures"]
    assert figures["devices"] == 31 and figures["camera devices"] == 6
    whole = figures["devices, all observations"]
    assert whole == captures.whole.to_dict()
    assert {entry["device"] for entry in payload["devices"]} >= {"D-LinkCam", "EdimaxCam1"}
    assert {(group["source"], group["field"]) for group in payload["groups"]} >= {
        (CAPTURE_GROUP, "ALL"),
        (CAPTURE_GROUP, "mac.oui"),
    }
    assert "wrong" not in payload  # the values missed are never listed


# -- the builder ---------------------------------------------------------------------------------

DEVICE = bytes.fromhex("b0c554000001")
OTHER = bytes.fromhex("020000000002")


def _frame(source: bytes, segment: dpkt.Packet, protocol: int) -> bytes:
    packet = dpkt.ip.IP(
        src=bytes([10, 0, 0, 2]), dst=bytes([10, 0, 0, 9]), p=protocol, data=segment
    )
    packet.len = len(bytes(packet))
    return bytes(dpkt.ethernet.Ethernet(src=source, dst=OTHER, data=packet))


def _udp(source: bytes, sport: int, dport: int, payload: bytes) -> bytes:
    segment = dpkt.udp.UDP(sport=sport, dport=dport, data=payload)
    segment.ulen = len(bytes(segment))
    return _frame(source, segment, dpkt.ip.IP_PROTO_UDP)


def _tcp(source: bytes, seq: int, payload: bytes) -> bytes:
    segment = dpkt.tcp.TCP(sport=80, dport=50000, seq=seq, flags=dpkt.tcp.TH_ACK, data=payload)
    return _frame(source, segment, dpkt.ip.IP_PROTO_TCP)


@pytest.fixture(scope="module")
def builder(repo_script) -> ModuleType:
    return repo_script("scripts/build_capture_eval.py")


def test_the_builder_takes_what_the_device_sent(builder: ModuleType) -> None:
    notify = b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nSERVER: Acme/1.0 UPnP/1.0\r\n\r\n"
    query = dpkt.dns.DNS(id=1, qd=[dpkt.dns.DNS.Q(name="cloud.acme.example")])
    reply = (
        b"HTTP/1.1 401 Unauthorized\r\nServer: acme-httpd\r\n"
        b'WWW-Authenticate: Basic realm="Acme"\r\nContent-Length: 28\r\n\r\n'
        b"<title>Acme  Camera</title>\r\n"
    )
    buffer = io.BytesIO()
    writer = dpkt.pcap.Writer(buffer)
    frames = [
        _udp(DEVICE, 1900, 1900, notify),
        _udp(DEVICE, 40000, 53, bytes(query)),
        _tcp(DEVICE, 1000 + 40, reply[40:]),  # out of order: put back by sequence number
        _tcp(DEVICE, 1000, reply[:40]),
        _udp(OTHER, 1900, 1900, notify.replace(b"Acme/1.0", b"Other/2.0")),
    ]
    for number, frame in enumerate(frames):
        writer.writepkt(frame, ts=number)
    found = set(builder.device_observations(buffer.getvalue(), DEVICE))
    assert found == {
        ("upnp.server", "Acme/1.0 UPnP/1.0"),
        ("dns.query", "cloud.acme.example"),
        ("http.server", "acme-httpd"),
        ("http.www_authenticate", 'Basic realm="Acme"'),
        ("http.title", "Acme Camera"),
    }
