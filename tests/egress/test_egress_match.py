"""``custodes egress match`` and the endpoint data's precision: vendor services of the makers
of concern match (regional, white-label, DDNS, P2P, update hosts); general cloud and CDN
platforms and real third-party site names match nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from custodes.cli.egress import register
from custodes.egress import load_endpoint_rules
from custodes.egress.endpoints import match_host

FIXTURES = Path(__file__).parent / "fixtures"
KEYS = ["name", "vendor", "service", "kind", "source"]

# Host names the issue saw missed, and the vendor each belongs to.
VENDOR_HOSTS = [
    ("open.ys7.com", "EZVIZ (Hikvision)", "cloud"),
    ("api.guardingvision.com", "Hikvision", "cloud"),
    ("apiieu.guardingvision.com", "Hikvision", "cloud"),
    ("www.hik-online.com", "Hikvision", "ddns"),
    ("apiieu.hik-connect.com", "Hikvision", "cloud"),
    ("apiisa.ezvizlife.com", "EZVIZ (Hikvision)", "cloud"),
    ("dahuaddns.com", "Dahua", "ddns"),
    ("0a1b2c3d4e5f.dahuaddns.com", "Dahua", "ddns"),
    ("openapi.lechange.cn", "Dahua", "cloud"),
    ("openapi-or.easy4ip.com", "Dahua", "cloud"),
    ("pub-cfg.secu100.net", "Xiongmai", "p2p"),
    ("upgrade.secu100.net", "Xiongmai", "update"),
    ("statistical-report.djiservice.org", "DJI", "telemetry"),
    ("www.hik-connectru.com", "Hikvision", "cloud"),
    ("caps.xmcsrv.net", "Xiongmai", "cloud"),
    ("jfmq-v2.xmcsrv.net", "Xiongmai", "cloud"),
    ("global.ezcloud.uniview.com", "Uniview", "cloud"),
    ("ap.ezcloud.uniview.com", "Uniview", "cloud"),
    ("www.star4live.com", "Uniview", "ddns"),
    ("dev-nat20.autonatglb.com", "TVT", "p2p"),
    ("dev-nat20.autonat.us", "TVT", "p2p"),
    ("www.autonat.us", "TVT", "p2p"),
    ("d2.autonat.com", "TVT", "p2p"),
    ("nat.autonat.com", "TVT", "p2p"),
]

# Entries added for issue 10's coverage of Uniview and TVT (and other makers' missing trees): the
# host names public sources show their devices and apps use, and the entry each must come from.
VENDOR_ENTRY_HOSTS = {
    "hik-connect-russia": ["www.hik-connectru.com", "dev.hik-connectru.com"],
    "tvt-autonat": ["c2.autonat.com", "dev-nat20.autonatglb.com", "dev-nat20.autonat.us"],
    "uniview-ezcloud": ["ezcloud.uniview.com", "global.ezcloud.uniview.com"],
    "uniview-ezddns": ["www.star4live.com", "star4live.com"],
    "xiongmai-xmcsrv": ["caps.xmcsrv.net", "api.xmcsrv.net", "boss2.xmcsrv.net"],
}

# General cloud, CDN, DNS and DDNS platforms: a vendor may rent space there, but the platform's
# names say nothing about who the customer is.
GENERAL_PLATFORM_HOSTS = [
    "amazonaws.com",
    "s3.amazonaws.com",
    "alarm.eu.s3.amazonaws.com",
    "ec2-3-120-1-1.eu-central-1.compute.amazonaws.com",
    "iot.eu-west-1.amazonaws.com",
    "d1a2b3c4d5e6f7.cloudfront.net",
    "myapp.azurewebsites.net",
    "devices.azure-devices.net",
    "blob.core.windows.net",
    "login.microsoftonline.com",
    "storage.googleapis.com",
    "firebaseio.com",
    "fcm.googleapis.com",
    "mtalk.google.com",
    "a248.e.akamai.net",
    "e1234.dscb.akamaiedge.net",
    "cdn.akamaized.net",
    "cdnjs.cloudflare.com",
    "one.one.one.one",
    "global.ssl.fastly.net",
    "api.push.apple.com",
    "gateway.icloud.com",
    "oss-cn-hangzhou.aliyuncs.com",
    "alicdn.com",
    "cos.ap-guangzhou.myqcloud.com",
    "obs.cn-north-4.myhuaweicloud.com",
    "edgekey.net",
    "pool.ntp.org",
    "time.windows.com",
    "dns.google",
    "members.dyndns.org",
    "dynupdate.no-ip.com",
    "myhost.ddns.net",
    "github.com",
    "raw.githubusercontent.com",
    # More real platform names of the kinds vendor clouds are hosted on or fronted by.
    "ec2-54-254-159-106.ap-southeast-1.compute.amazonaws.com",
    "a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com",
    "kinesisvideo.eu-west-1.amazonaws.com",
    "myendpoint.azureedge.net",
    "myapp.trafficmanager.net",
    "mqtt.googleapis.com",
    "firebasestorage.googleapis.com",
    "iot-as-mqtt.cn-shanghai.aliyuncs.com",
    "cn-hangzhou.log.aliyuncs.com",
    "tengine.alicdn.com",
    "example.w.alikunlun.com",
    "example.w.kunlunca.com",
    "cvm.tencentcloudapi.com",
    "example.cdn.dnsv1.com",
    "iotda.cn-north-4.myhuaweicloud.com",
    "example.bj.bcebos.com",
    "example.wscdns.com",
    "example.qiniucdn.com",
    "cdn.jsdelivr.net",
    "example.b-cdn.net",
    "example.herokuapp.com",
    "example.fra1.digitaloceanspaces.com",
    "example.oray.net",
    "example.3322.org",
    "example.duckdns.org",
    "example.hopto.org",
]
# Exact names and suffixes a vendor entry must never claim: a rule there would name a maker of
# concern for any customer of the platform.
GENERAL_PLATFORM_SUFFIXES = (
    "amazonaws.com",
    "cloudfront.net",
    "azurewebsites.net",
    "azure-devices.net",
    "windows.net",
    "googleapis.com",
    "akamai.net",
    "akamaiedge.net",
    "akamaized.net",
    "cloudflare.com",
    "fastly.net",
    "aliyuncs.com",
    "myqcloud.com",
    "myhuaweicloud.com",
    "edgekey.net",
    "ntp.org",
    "azureedge.net",
    "trafficmanager.net",
    "alicdn.com",
    "alikunlun.com",
    "kunlunca.com",
    "tencentcloudapi.com",
    "dnsv1.com",
    "bcebos.com",
    "wscdns.com",
    "qiniucdn.com",
    "jsdelivr.net",
    "b-cdn.net",
    "herokuapp.com",
    "digitaloceanspaces.com",
    "dyndns.org",
    "no-ip.com",
    "ddns.net",
    "oray.net",
    "3322.org",
    "duckdns.org",
    "hopto.org",
)
LOOKALIKES = [
    "evilys7.com",
    "ys7.com.evil.test",
    "notdahuaddns.com",
    "dahuaddns.com.example.org",
    "xsecu100.net",
    "hik-online.com.attacker.test",
    "guardingvision.co",
    "lechange.cn.example.net",
    "notautonat.com",
    "autonat.com.example.org",
    "autonatglb.co",
    "xmcsrv.net.example.test",
    "star4live.com.example.net",
    "hik-connectru.co",
]


def make_app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def root() -> None:
        """Test root."""

    return app


@pytest.fixture(scope="module")
def rules():
    return load_endpoint_rules()


@pytest.mark.parametrize(("name", "vendor", "kind"), VENDOR_HOSTS)
def test_vendor_hosts_match_their_service(rules, name: str, vendor: str, kind: str) -> None:
    found = match_host(rules, name)
    assert (found["vendor"], found["kind"]) == (vendor, kind)
    assert found["source"].startswith("https://")


def test_general_cloud_and_cdn_platforms_match_nothing(rules) -> None:
    matched = {name: match_host(rules, name)["vendor"] for name in GENERAL_PLATFORM_HOSTS}
    assert {name: vendor for name, vendor in matched.items() if vendor} == {}


def test_no_rule_claims_a_general_platform_name(rules) -> None:
    offending = [
        (endpoint.id, pattern)
        for endpoint in rules.endpoints
        for pattern in endpoint.domains
        for suffix in GENERAL_PLATFORM_SUFFIXES
        if pattern.removeprefix("*.") == suffix or pattern.endswith("." + suffix)
    ]
    assert offending == []


def test_real_site_names_from_openstreetmap_match_nothing(rules) -> None:
    names = (FIXTURES / "osm-camera-website-hosts.txt").read_text(encoding="utf-8").split()
    assert len(names) > 50
    assert [name for name in names if rules.match_name(name) is not None] == []


@pytest.mark.parametrize("name", LOOKALIKES)
def test_suffix_matching_respects_label_boundaries(rules, name: str) -> None:
    assert match_host(rules, name) == dict.fromkeys(KEYS) | {"name": name}


def test_every_entry_has_a_source_and_date(rules) -> None:
    for endpoint in rules.endpoints:
        assert endpoint.source.startswith("https://"), endpoint.id
        assert endpoint.date.year >= 2026, endpoint.id


def test_cli_json_prints_one_object_per_name_with_nulls(tmp_path: Path) -> None:
    listing = tmp_path / "hosts.txt"
    listing.write_text("# from a DNS log\nwww.hik-online.com\n\nexample.org\n", encoding="utf-8")
    result = CliRunner().invoke(
        make_app(), ["egress", "match", "open.ys7.com", "--file", str(listing), "--json"]
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [list(row) for row in rows] == [KEYS] * 3
    assert [row["name"] for row in rows] == ["open.ys7.com", "www.hik-online.com", "example.org"]
    assert rows[1]["kind"] == "ddns" and rows[1]["vendor"] == "Hikvision"
    assert rows[2] == dict.fromkeys(KEYS) | {"name": "example.org"}


@pytest.mark.parametrize("entry_id", sorted(VENDOR_ENTRY_HOSTS))
def test_cli_json_names_each_new_vendor_service_with_its_source(rules, entry_id: str) -> None:
    entry = next(endpoint for endpoint in rules.endpoints if endpoint.id == entry_id)
    hosts = VENDOR_ENTRY_HOSTS[entry_id]
    result = CliRunner().invoke(make_app(), ["egress", "match", *hosts, "--json"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    expected = {
        "vendor": entry.vendor,
        "service": entry.service,
        "kind": entry.kind,
        "source": entry.source,
    }
    assert rows == [{"name": host} | expected for host in hosts]
    assert entry.source.startswith("https://") and entry.note


def test_cli_reads_standard_input_and_prints_a_table() -> None:
    result = CliRunner(env={"COLUMNS": "200"}).invoke(
        make_app(), ["egress", "match", "--file", "-"], input="pub-cfg.secu100.net\ncdn.test\n"
    )
    assert result.exit_code == 0, result.output
    assert "Xiongmai" in result.stdout and "cdn.test" in result.stdout


def test_cli_errors_are_named(tmp_path: Path) -> None:
    missing = tmp_path / "absent.txt"
    result = CliRunner().invoke(make_app(), ["egress", "match", "--file", str(missing)])
    assert result.exit_code == 1
    assert "absent.txt" in result.stderr and "cannot read" in result.stderr
    empty = CliRunner().invoke(make_app(), ["egress", "match"])
    assert empty.exit_code == 2 and "give host names" in empty.stderr


def test_capture_analysis_still_runs_as_plain_egress(tmp_path: Path) -> None:
    result = CliRunner().invoke(make_app(), ["egress", str(tmp_path / "none.pcap")])
    assert result.exit_code == 2 and "does not exist" in result.output
