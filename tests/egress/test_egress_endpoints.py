"""Endpoint data: the packaged file validates, names match label-aligned, bad files are named."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from custodes.egress import EndpointDataError, load_endpoint_rules
from custodes.egress.endpoints import PROTO_TCP, PROTO_UDP, default_endpoints_path

VALID_ENDPOINT = """\
schema_version: 1
endpoints:
  - id: example-cloud
    vendor: Example
    service: Example cloud
    kind: cloud
    domains: ["example-cloud.test", "*.example-cloud.test"]
    networks: ["198.51.100.0/24"]
    ports: ["tcp/443"]
    source: https://example.org/docs
    date: 2026-01-01
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "endpoints.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def service_of(rules, name: str) -> str | None:
    index = rules.match_name(name)
    return None if index is None else rules.endpoints[index].service


def test_packaged_data_covers_the_issue_ecosystems() -> None:
    rules = load_endpoint_rules()
    vendors = {endpoint.vendor for endpoint in rules.endpoints}
    assert {"Hikvision", "Dahua", "Uniview", "Xiongmai", "DJI", "TVT"} <= vendors
    assert any("EZVIZ" in vendor for vendor in vendors)
    for endpoint in rules.endpoints:
        assert endpoint.source.startswith("https://")
        assert endpoint.domains or endpoint.networks or endpoint.signatures


@pytest.mark.parametrize(
    ("name", "service"),
    [
        ("litedev.hik-connect.com", "Hik-Connect"),
        ("DEV.Hik-Connect.com.", "Hik-Connect"),
        ("hik-connect.com", "Hik-Connect"),
        ("www.easy4ipcloud.com", "Dahua P2P (Easy4ip cloud rendezvous)"),
        ("en.ezcloud.uniview.com", "EZCloud"),
        ("tks.xmeye.net", "XMEye cloud"),
        ("flysafe-api.dji.com", "DJI FlySafe (geofence and unlock API)"),
        ("esslog.dji.com", "DJI logging"),
        ("accounts.dji.com", "DJI cloud (accounts, activation)"),
        ("apiieu.ezvizlife.com", "EZVIZ cloud"),
    ],
)
def test_names_of_vendor_services_match(name: str, service: str) -> None:
    assert service_of(load_endpoint_rules(), name) == service


@pytest.mark.parametrize(
    "name",
    [
        "hik-connect.com.evil.example",
        "nothik-connect.com",
        "hik-connect.co",
        "example.com",
        "",
        "." * 300,
        "a" * 300 + ".hik-connect.com",
    ],
)
def test_lookalike_names_do_not_match(name: str) -> None:
    assert load_endpoint_rules().match_name(name) is None


def test_exact_name_beats_parent_wildcard() -> None:
    rules = load_endpoint_rules()
    assert rules.endpoints[rules.match_name("esslog.dji.com")].kind == "telemetry"
    assert rules.endpoints[rules.match_name("other.dji.com")].kind == "cloud"


def test_wildcard_does_not_match_apex_unless_listed(tmp_path: Path) -> None:
    text = VALID_ENDPOINT.replace('["example-cloud.test", "*.example-cloud.test"]', '["*.x.test"]')
    rules = load_endpoint_rules(write(tmp_path, text))
    assert rules.match_name("a.x.test") == 0
    assert rules.match_name("x.test") is None


def test_network_rules_respect_ports(tmp_path: Path) -> None:
    rules = load_endpoint_rules(write(tmp_path, VALID_ENDPOINT))
    inside = ipaddress.ip_address("198.51.100.7").packed
    outside = ipaddress.ip_address("198.51.101.7").packed
    assert rules.match_address(inside, PROTO_TCP, 443) == 0
    assert rules.match_address(inside, PROTO_UDP, 443) is None
    assert rules.match_address(outside, PROTO_TCP, 443) is None


def test_payload_signatures() -> None:
    rules = load_endpoint_rules()
    dhget = rules.match_payload(PROTO_UDP, 8800, b"DHGET /probe/p2psrv HTTP/1.1\r\n")
    assert dhget is not None and dhget[1] == "dahua-dhget"
    assert rules.match_payload(PROTO_UDP, 9999, b"DHGET /probe") is None
    assert rules.match_payload(PROTO_UDP, 4321, b"PTCP" + bytes(20))[1] == "dahua-ptcp"
    assert rules.match_payload(PROTO_UDP, 4321, b"PTCP" + bytes(3)) is None  # under 24 bytes
    assert rules.match_payload(PROTO_TCP, 4321, b"PTCP" + bytes(20)) is None


@pytest.mark.parametrize(
    ("old", "new", "line", "field"),
    [
        ("kind: cloud", "kind: cloudy", 6, "endpoints[0].kind"),
        ('"*.example-cloud.test"]', '"Bad Domain"]', 7, "endpoints[0].domains[1]"),
        (
            "source: https://example.org/docs",
            "source: ftp://example.org",
            10,
            "endpoints[0].source",
        ),
        ('["tcp/443"]', '["tcp/70000"]', 9, "endpoints[0].ports[0]"),
        ('["198.51.100.0/24"]', '["198.51.100.1/24"]', 8, "endpoints[0].networks[0]"),
        ("date: 2026-01-01", "date: someday", 11, "endpoints[0].date"),
        ("    vendor: Example\n", "", 3, "endpoints[0].vendor"),
    ],
)
def test_bad_file_names_file_line_and_field(
    tmp_path: Path, old: str, new: str, line: int, field: str
) -> None:
    assert old in VALID_ENDPOINT
    path = write(tmp_path, VALID_ENDPOINT.replace(old, new))
    with pytest.raises(EndpointDataError) as caught:
        load_endpoint_rules(path)
    assert caught.value.path == path
    assert caught.value.line == line
    assert caught.value.field == field
    assert str(path) in str(caught.value)


def test_duplicate_id_and_invalid_yaml_are_named(tmp_path: Path) -> None:
    duplicate = VALID_ENDPOINT + VALID_ENDPOINT.split("endpoints:\n", 1)[1].replace(
        '["example-cloud.test", "*.example-cloud.test"]', '["other.test"]'
    )
    with pytest.raises(EndpointDataError, match="duplicate id") as caught:
        load_endpoint_rules(write(tmp_path, duplicate))
    assert caught.value.line == 12
    with pytest.raises(EndpointDataError, match="invalid YAML") as caught:
        load_endpoint_rules(write(tmp_path, "schema_version: 1\nendpoints: [\n  - {\n"))
    assert caught.value.line >= 2


def test_default_path_is_inside_the_package() -> None:
    assert default_endpoints_path().parts[-3:] == ("data", "egress", "endpoints.yaml")
