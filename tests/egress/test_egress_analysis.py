"""End-to-end analysis of captures built in the test: attribution, evidence, look-alikes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custodes.egress import EgressError, analyse, load_devices

from .builders import (
    Frame,
    client_hello,
    dns_answer,
    dns_query,
    tcp,
    udp,
    write_pcap,
    write_pcapng,
)
from .conftest import DAHUA_CAMERA, EZVIZ_CAMERA, HIK_CAMERA, HIK_CLOUD, LOOKALIKE_HOST


def by_device(report) -> dict[str, dict]:
    return {item["device"]: item for item in report.to_dicts()}


@pytest.mark.parametrize("writer", [write_pcap, write_pcapng])
def test_scenario_is_attributed(tmp_path: Path, scenario_frames: list[Frame], writer) -> None:
    report = analyse([writer(tmp_path / "scenario.cap", scenario_frames)])
    assert report.problems == []
    devices = by_device(report)
    hik = devices[HIK_CAMERA]["vendor_services"]
    assert [usage["service"] for usage in hik] == ["Hik-Connect"]
    assert hik[0]["packets"] == 5  # query, answer, SYN, SYN/ACK, data
    assert hik[0]["first_seen"] == "2023-11-14T22:13:20.000000Z"
    assert hik[0]["last_seen"] == "2023-11-14T22:13:21.200000Z"
    assert hik[0]["evidence"] == [
        f"dns-address:litedev.hik-connect.com={HIK_CLOUD}",
        "dns-answer:litedev.hik-connect.com",
        "dns-query:litedev.hik-connect.com",
    ]
    assert set(hik[0]) >= {
        "service",
        "vendor",
        "evidence",
        "first_seen",
        "last_seen",
        "packets",
        "bytes",
    }
    ezviz = devices[EZVIZ_CAMERA]["vendor_services"]
    assert ezviz[0]["evidence"] == ["tls-sni:litedev.ezvizlife.com"]
    dahua = {usage["service"]: usage for usage in devices[DAHUA_CAMERA]["vendor_services"]}
    assert dahua["Dahua P2P (Easy4ip cloud rendezvous)"]["evidence"] == [
        "signature:dahua-dhget udp/8800",
        "signature:dahua-ptcp udp/31234",
    ]
    assert dahua["Imou / Lechange / Easy4ip cloud"]["evidence"] == ["http-host:www.imoulife.com"]


def test_lookalike_names_are_other_egress(tmp_path: Path, scenario_frames: list[Frame]) -> None:
    devices = by_device(analyse([write_pcap(tmp_path / "s.pcap", scenario_frames)]))
    lookalike = devices[LOOKALIKE_HOST]
    assert lookalike["vendor_services"] == []
    assert lookalike["other_egress"] == {
        "packets": 2,
        "bytes": lookalike["other_egress"]["bytes"],
        "remote_addresses": 2,
    }


def test_local_to_local_traffic_is_not_egress(tmp_path: Path, scenario_frames) -> None:
    devices = by_device(analyse([write_pcap(tmp_path / "s.pcap", scenario_frames)]))
    assert "192.168.1.200" not in devices
    assert devices[DAHUA_CAMERA]["other_egress"]["packets"] == 0


def test_json_lines_round_trip(tmp_path: Path, scenario_frames) -> None:
    for item in analyse([write_pcap(tmp_path / "s.pcap", scenario_frames)]).to_dicts():
        assert json.loads(json.dumps(item)) == item


def test_client_hello_split_over_segments(tmp_path: Path) -> None:
    record = client_hello("dev.hik-connect.com", padding=1500)
    first, second = record[:700], record[700:]
    frames = [
        (10.0, tcp("10.0.0.5", 1234, "203.0.113.9", 443, first, seq=5000)),
        (10.1, tcp("10.0.0.5", 1234, "203.0.113.9", 443, first, seq=5000)),  # retransmission
        (10.2, tcp("10.0.0.5", 1234, "203.0.113.9", 443, second, seq=5700)),
    ]
    devices = by_device(analyse([write_pcap(tmp_path / "split.pcap", frames)]))
    usage = devices["10.0.0.5"]["vendor_services"][0]
    assert usage["evidence"] == ["tls-sni:dev.hik-connect.com"]
    assert usage["packets"] == 3


def test_dns_answer_learned_before_flow_and_ipv6(tmp_path: Path) -> None:
    device, cloud = "fd00::64", "2001:db8::10"
    frames = [
        (1.0, udp("8.8.8.8", 53, "10.9.9.9", 53, dns_answer("tks.xmeye.net", [cloud]))),
        (2.0, tcp(device, 40000, cloud, 443, b"opaque")),
    ]
    devices = by_device(analyse([write_pcapng(tmp_path / "v6.pcapng", frames)]))
    assert devices[device]["vendor_services"][0]["service"] == "XMEye cloud"


def test_flow_seen_before_dns_answer_is_named_later(tmp_path: Path) -> None:
    frames = [
        (1.0, tcp("10.1.1.1", 40000, "198.51.100.20", 443, b"opaque", seq=1)),
        (
            2.0,
            udp(
                "10.1.1.2",
                53,
                "10.1.1.1",
                5353,
                dns_answer("flysafe-api.dji.com", ["198.51.100.20"]),
            ),
        ),
        (3.0, tcp("10.1.1.1", 40000, "198.51.100.20", 443, b"more", seq=7)),
    ]
    devices = by_device(analyse([write_pcap(tmp_path / "late.pcap", frames)]))
    services = devices["10.1.1.1"]["vendor_services"]
    assert services[0]["vendor"] == "DJI"
    assert services[0]["packets"] == 3  # two flow packets and the DNS answer to the device
    assert devices["10.1.1.1"]["other_egress"]["packets"] == 0


def test_local_networks_are_configurable(tmp_path: Path) -> None:
    frames = [
        (1.0, udp("203.0.113.5", 40000, "198.51.100.1", 53, dns_query("dev.hik-connect.com")))
    ]
    capture = write_pcap(tmp_path / "public.pcap", frames)
    assert analyse([capture]).devices == []
    devices = by_device(analyse([capture], local_networks=["203.0.113.0/24"]))
    assert devices["203.0.113.5"]["vendor_services"][0]["evidence"] == [
        "dns-query:dev.hik-connect.com"
    ]
    with pytest.raises(EgressError):
        analyse([capture], local_networks=["not-a-network"])


def test_devices_directory_names_devices(tmp_path: Path, scenario_frames) -> None:
    capture = write_pcap(tmp_path / "s.pcap", scenario_frames)
    scan = tmp_path / "scan.jsonl"
    scan.write_text(
        json.dumps({"address": HIK_CAMERA, "manufacturer": "Hikvision", "model": "DS-2CD2143G2"})
        + "\n",
        encoding="utf-8",
    )
    devices = by_device(analyse([capture], devices=load_devices(scan)))
    assert devices[HIK_CAMERA]["manufacturer"] == "Hikvision"
    assert devices[EZVIZ_CAMERA]["manufacturer"] is None
    register = tmp_path / "register.csv"
    register.write_text(
        "Asset Name,IP Address,Manufacturer\nGate camera,192.168.1.108,Dahua\n", encoding="utf-8"
    )
    devices = by_device(analyse([capture], devices=load_devices(register)))
    assert devices[DAHUA_CAMERA]["name"] == "Gate camera"
    assert devices[DAHUA_CAMERA]["manufacturer"] == "Dahua"
    assert "name" not in by_device(analyse([capture]))[DAHUA_CAMERA]


def test_several_captures_and_progress(tmp_path: Path, scenario_frames) -> None:
    first = write_pcap(tmp_path / "a.pcap", scenario_frames[:5])
    second = write_pcapng(tmp_path / "b.pcapng", scenario_frames[5:])
    seen: list[int] = []
    report = analyse([first, second], progress=seen.append)
    assert seen[-1] == first.stat().st_size + second.stat().st_size
    assert seen == sorted(seen)
    assert report.packets_read == len(scenario_frames)
    assert {HIK_CAMERA, EZVIZ_CAMERA, DAHUA_CAMERA} <= set(by_device(report))


def test_tvt_nat_and_uniview_ezcloud_traffic_is_attributed(tmp_path: Path) -> None:
    """A TVT recorder's AutoNAT UDP flow (named through the DNS answer) and a Uniview camera's
    TLS connection to EZCloud are vendor services; the addresses are documentation ones."""
    recorder, camera, resolver, nat_server = (
        "192.168.1.70",
        "192.168.1.71",
        "192.168.1.1",
        "203.0.113.9",
    )
    frames: list[Frame] = [
        (
            1_700_000_100.0,
            udp(recorder, 41000, resolver, 53, dns_query("dev-nat20.autonatglb.com")),
        ),
        (
            1_700_000_100.1,
            udp(
                resolver, 53, recorder, 41000, dns_answer("dev-nat20.autonatglb.com", [nat_server])
            ),
        ),
        (1_700_000_100.2, udp(recorder, 50000, nat_server, 7968, b"\x01" * 40)),
        (1_700_000_100.3, udp(nat_server, 7968, recorder, 50000, b"\x02" * 40)),
        (
            1_700_000_101.0,
            tcp(camera, 52000, "198.51.100.20", 443, client_hello("en.ezcloud.uniview.com")),
        ),
    ]
    devices = by_device(analyse([write_pcap(tmp_path / "tvt-unv.pcap", frames)]))
    tvt = devices[recorder]["vendor_services"]
    assert [(usage["vendor"], usage["service"]) for usage in tvt] == [
        ("TVT", "TVT AutoNAT P2P (SuperLive Plus, NVMS)")
    ]
    assert tvt[0]["packets"] == 4
    assert f"dns-address:dev-nat20.autonatglb.com={nat_server}" in tvt[0]["evidence"]
    uniview = devices[camera]["vendor_services"]
    assert [(usage["vendor"], usage["evidence"]) for usage in uniview] == [
        ("Uniview", ["tls-sni:en.ezcloud.uniview.com"])
    ]
