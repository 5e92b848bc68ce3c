"""Rules on real banner shapes (reply codes, title prefixes, case, spacing); provenance; lab."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from custodes.discovery import (
    Device,
    Observation,
    RuleDataError,
    RuleSet,
    Scanner,
    ScanOptions,
    default_rules,
)
from custodes.discovery.accuracy import (
    evaluate_banners,
    evaluate_non_cameras,
    read_banner_examples,
    read_json_examples,
)
from custodes.discovery.datafiles import load_records
from custodes.discovery.errors import LabError
from custodes.discovery.lab import Lab, LabThread
from custodes.discovery.lab.profiles import load_profiles
from custodes.discovery.normalise import collapse_whitespace, match_candidates
from custodes.discovery.rules import Rule, default_rule_directory

from .conftest import FIXTURES, UNPRIVILEGED_OFFSET, identify

RECOG_COMMIT = "14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5"
NMAP_COMMIT = "db4aefddfa348ec815ffa83a109c97e05db88766"
GREENBONE_COMMIT = "069735f859ac3db450fa1483227e17aa1b1331a0"
# IANA enterprise numbers, read from the copy of the registry Debian's Wireshark package ships
IANA_RELEASE = "libwireshark-data 4.0.17-0+deb12u3 (Debian 12)"
IANA_REGISTRY = "https://www.iana.org/assignments/enterprise-numbers/"
COMMITS = {
    "recog": RECOG_COMMIT,
    "nmap": NMAP_COMMIT,
    "greenbone": GREENBONE_COMMIT,
    # the tuning half of the second banner evaluation set (tests/intel/eval/banners.csv)
    "whatweb": "660f0f466335a2a290a2425a24322256240eb36f",
    "ztag": "137b754dfe22b7d6e0945ae33def372ec67d092b",
    "librenms-snmpsim": "e6fd4384e832320b2083be43ea666535d43cf7c2",
    "cheatsheet": "f40dc62bec59907e7a584f7605420e4cc474b637",
    # nuclei-templates: each template as stored at its own commit, named in the rule's source
    "nuclei": None,
    # Greenbone's community feed as mirrored at qweasader/gbn (newer than the Clivebi mirror)
    "greenbone-feed": "3c678d4ca512a80bdc950903c83101284a4ce7a3",
    # Kscan's application fingerprint list (FOFA rule syntax), static/fingerprint.txt
    "kscan": "cf76af2d6f7392caec0b96b930e6fa52e9f27af6",
    # Observium Community Edition as mirrored at pgmillon/observium: replies its poller quotes
    "observium": "604a21c8abceeea9b24a264220082c4ca9b15dd8",
    # the Google Hacking Database's dorks as collected at grayphi/vulpes: the titles they quote
    "ghdb": "e42b8d2ede9708084de5ed322791fdab774e255f",
    # RouterSploit: the identification facts its camera modules state (never their exploits)
    "routersploit": "723b574c36ae202857e3f93e4f3c2ab9a1638ed4",
    # Shodan query lists (Kamerka-GUI, dootss/shodan-dorks): each rule names its own commit
    "shodan-dorks": None,
    "nikto": "d5067406bc0902f8174cb5f8d595f637951974ce",
    # makers' own published documentation: each rule names its document and a release
    "vendor-docs": None,
    "client-fixtures": None,
    # the Nmap Scripting Engine's data files (never nmap-service-probes, which is "nmap")
    "nmap-nse": "db4aefddfa348ec815ffa83a109c97e05db88766",
    # the fingerprint table of jorhelp/Ingram, a camera scanner
    "camera-scanners": "c5258e0d2cf0da1e4fd5054b99ccf71675632117",
    # GLPI's sysobject.ids, which network-discovery software matches sysObjectIDs against
    "monitoring-templates": "65e33190533614c048343774e79e0129755486ea",
    # other security scanners' signature sets: each rule names its repository's commit
    "scanner-signatures": None,
    # cameras' own firmware (dumps, makers' GPL releases): each rule names its commit
    "firmware": None,
    # IANA's service name registry (DNS-SD service types) as mirrored at jgraef/iana-numbers
    "iana-services": "d482720f55fda5e950985239e17f524093c81d9f",
}
BANNER_FIELDS = {
    "http.server",
    "upnp.server",
    "http.www_authenticate",
    "http.title",
    "http.favicon_md5",
    "rtsp.server",
    "rtsp.www_authenticate",
    "ftp.banner",
    "telnet.banner",
    "tls.subject",
    "snmp.sysdescr",
}


def test_reply_codes_are_removed_from_ftp_and_telnet_greetings() -> None:
    assert match_candidates("ftp.banner", "220 AXIS 211 Network Camera 4.40 ready.") == (
        "220 AXIS 211 Network Camera 4.40 ready.",
        "AXIS 211 Network Camera 4.40 ready.",
    )
    multi = match_candidates("ftp.banner", "220-Welcome\r\n220-to the box\r\n220 AXIS M3004 ready.")
    assert multi[1:] == ("Welcome", "to the box", "AXIS M3004 ready.")
    # Only the greeting's own code splits lines: a model number such as 211 does not.
    assert "Network Camera" not in " ".join(multi)
    assert match_candidates("http.server", "220 Foo") == ("220 Foo",)


def test_titles_are_tried_on_each_part_and_spacing_is_collapsed() -> None:
    assert match_candidates("http.title", "Live view / - AXIS 211 Network Camera") == (
        "Live view / - AXIS 211 Network Camera",
        "Live view",
        "AXIS 211 Network Camera",
    )
    assert match_candidates("http.server", "  App-webs/\t") == ("App-webs/",)
    assert collapse_whitespace("a\r\n\x00 b\t c ") == "a b c"
    assert match_candidates("http.title", "") == ()


@pytest.mark.parametrize(
    ("field", "value", "maker", "model"),
    [
        ("ftp.banner", "220 AXIS P1344 Network Camera 5.20 (Oct 15 2010) ready.", "Axis", "P1344"),
        ("ftp.banner", "220-Hi\r\n220 AXIS M7011 Video Encoder 5.90 ready.", "Axis", "M7011"),
        ("http.title", "Live view / - AXIS 211 Network Camera", "Axis", "211"),
        ("http.title", "Live view  -  AXIS P1344 Network Camera", "Axis", "P1344"),
        ("http.www_authenticate", 'Basic realm="Arecont Vision"', "Arecont Vision", None),
        ("rtsp.www_authenticate", 'Basic realm="Arecont Vision"', "Arecont Vision", None),
        ("http.server", "GeoHttpServer", "GeoVision", None),
        ("http.server", "AvigilonServer/5.2.2.22", "Avigilon", None),
        ("http.server", "AV-TECH AV787 Video Web Server", "AVTECH", "AV787"),
        ("http.server", "App-webs/", "Hikvision", None),
        ("rtsp.server", "  DAHUA RTSP SERVER ", "Dahua", None),
        ("rtsp.server", "AvigilonOnvifNvt/2.6.0.130", "Avigilon", None),
        ("telnet.banner", "\r\n\r\n192.0.0.64 login: ", "Hikvision", None),
        ("ftp.banner", "220  ADH FTP SERVER READY TYPE HELP FOR HELP ", "Dedicated Micros", None),
        ("telnet.banner", "Welcome to VIP-X1600 4.51.0022 from 10.0.0.9", "Bosch", "VIP-X1600"),
        ("http.www_authenticate", 'Digest realm="Sony Network Camera (SNC-CH120)"', "Sony", None),
        ("http.title", "Network Camera VB-C60/VB-C60", "Canon", "VB-C60"),
        ("http.favicon_md5", "89B932FCC47CF4CA3FAADB0CFDEF89CF", "Hikvision", None),
        # written from the tuning half of the second banner set (WhatWeb, ztag, LibreNMS, scans)
        ("http.title", "AXIS Video Server", "Axis", None),
        ("http.title", "TOSHIBA Network Camera - User Login", "Toshiba", None),
        ("http.title", "Linksys Wireless-G Internet Video Camera", "Linksys", None),
        ("http.title", "DiBos - Login", "Bosch", None),
        ("http.title", "DCS-950G", "D-Link", "DCS-950G"),
        ("ftp.banner", "220 DCS-2100+ FTP server ready.", "D-Link", "DCS-2100+"),
        ("snmp.sysdescr", "Hikvision company products", "Hikvision", None),
        ("http.server", "DNVDVS-Webs", "Hikvision", None),
        # nmap service probes: literal banners that name the maker
        ("http.www_authenticate", 'Basic realm="Servidor HTTP Digifort"', "Digifort", None),
        ("ftp.banner", "220 AXIS 250S MPEG-2 Video Server 1.1 ready.", "Axis", None),
        ("telnet.banner", "\r\nIQinVision IQeye3 Version 2.5\r\n", "IQinVision", None),
        ("http.server", "JVC VR-809/816 API Server/1.0.0", "JVC", None),
        ("http.server", "D-Link Internet Camera", "D-Link", None),
        ("http.www_authenticate", 'Basic realm="Sony Network Camera SNC-RZ30"', "Sony", None),
        # nuclei-templates: page titles and Server headers
        ("http.title", "Login - Avigilon Control Center Gateway", "Avigilon", None),
        ("http.title", "Axxon Next client", "AxxonSoft", None),
        ("http.title", "CompleteView Web Client", "Salient Systems", None),
        ("http.title", "VIVOTEK Web Console", "Vivotek", None),
        ("http.server", "GeoWebServer 5.3.3", "GeoVision", None),
    ],
)
def test_real_banner_shapes_name_the_maker(
    field: str, value: str, maker: str, model: str | None
) -> None:
    attributes = identify(field, value)
    assert attributes.get("manufacturer") == maker, attributes
    if model is not None:
        assert attributes.get("model") == model


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("http.title", "Axis Bank - Home"),
        ("http.title", "AXIS Capital Holdings"),
        ("http.title", "Home - Security Systems Ltd"),
        ("http.server", "WEB"),
        ("http.server", "VBrick 9000 Server"),
        ("ftp.banner", "220 ProFTPD 1.3.5 Server (Debian) [::ffff:10.0.0.1]"),
        ("ftp.banner", "220 Microsoft FTP Service"),
        ("ftp.banner", "220 Welcome to Network Camera FTP Server"),
        ("telnet.banner", "\r\nLocalHost login: "),
        ("telnet.banner", "Welcome to Network Camera telnet daemon Password:"),
        ("http.www_authenticate", 'Basic realm="Network Camera"'),
        ("http.title", "KBVISION"),
        ("http.title", "SKVision Web Client"),
        ("http.server", "hqvision-webs"),
        ("http.title", "Haivision Makito X Encoder"),
        ("http.www_authenticate", 'Basic realm="ralink"'),
        ("http.title", "hanwei - Login"),
        ("http.title", "Axis Video Server Hosting"),
        ("http.title", "DiBosch Gallery"),
        ("http.title", "DCS-950G Setup Guide"),
        ("http.server", "Network Camera"),
        ("snmp.sysdescr", "Hikvisionary Labs switch"),
        # generic words and look-alikes around the nmap and nuclei rules
        ("http.title", "WEB SERVICE"),
        ("http.title", "Utility Services Administration"),
        ("http.title", "Reolink Fans Club"),
        ("http.server", "WatchGuard Firewall"),
        ("http.title", "Motorola HomeNet Product WR850G"),
        ("http.title", "Axon - Login"),
        ("http.title", "AVTECH Software, Inc. - TemPageR"),
        ("http.server", "GeoWebServerless"),
        ("http.title", "DVR"),
    ],
)
def test_generic_and_look_alike_banners_name_no_maker(field: str, value: str) -> None:
    assert "manufacturer" not in identify(field, value)


@pytest.mark.parametrize(
    ("oid", "maker"),
    [
        ("1.3.6.1.4.1.37496.1.2", "Dahua"),
        (".1.3.6.1.4.1.36849.1", "Hanwha Vision"),
        ("1.3.6.1.4.1.3967", "Bosch"),
        ("1.3.6.1.4.1.25066.1.3", "Pelco"),
        ("1.3.6.1.4.1.39165.1.1", "Hikvision"),
    ],
)
def test_sysobjectid_names_the_maker_by_enterprise_prefix(oid: str, maker: str) -> None:
    assert identify("snmp.sysobjectid", oid).get("manufacturer") == maker


@pytest.mark.parametrize(
    "oid",
    [
        "1.3.6.1.4.1.374960.1",  # a longer number that starts with Dahua's 37496
        "1.3.6.1.4.1.61.1",  # Merit Network, not Merit LILIN
        "1.3.6.1.4.1.20916.1",  # AVTECH Software (US), not AVTECH Corporation
        "1.3.6.1.4.1.27794.1",  # the Japanese GENETEC Corporation
        "1.3.6.1.4.1.161.1",  # Motorola (pre-split), not Motorola Solutions
        "1.3.6.1.4.1.9.1.1",  # Cisco: its number does not make a device Meraki's
        "1.3.6.1.2.1.1",
    ],
)
def test_sysobjectid_of_other_enterprises_names_no_maker(oid: str) -> None:
    assert "manufacturer" not in identify("snmp.sysobjectid", oid)


def test_relabel_banners_give_the_brand_not_a_guessed_maker() -> None:
    assert identify("http.server", "Interlogix-Webs") == {
        "brand": "Interlogix",
        "device_kind": "recorder",
    }
    lorex = identify("rtsp.www_authenticate", 'Digest realm="Login to ND021811019863", nonce="1"')
    assert lorex["brand"] == "Lorex" and lorex["manufacturer"] == "Dahua"


def test_no_wrong_maker_on_thousands_of_real_non_camera_banners() -> None:
    rows = read_json_examples(FIXTURES / "recog-noncamera-examples.jsonl.gz")
    assert len(rows) > 4000
    examples, claims, wrong = evaluate_non_cameras(rows, default_rules())
    assert examples == len(rows) and claims > 0
    assert wrong == [], wrong[:5]


def test_recog_camera_examples_consistency() -> None:
    """Consistency, not accuracy: many rules are drawn from these same Recog fingerprints."""
    report = evaluate_banners(
        read_banner_examples(FIXTURES / "recog-camera-examples.tsv"), default_rules()
    )
    assert report.total.precision >= 0.99, report.to_text()
    assert report.total.recall >= 0.9, report.to_text()
    assert report.unlabelled_predicted == 0


def test_banner_rules_cover_forty_makers() -> None:
    makers = {
        rule.sets.manufacturer
        for rule in default_rules().rules
        if rule.sets.manufacturer and "{" not in rule.sets.manufacturer
        if set(rule.field) & BANNER_FIELDS
    }
    assert len(makers) >= 40, sorted(makers)


def test_rules_from_public_databases_record_their_origin() -> None:
    rules = default_rules().rules
    by_file = {path.stem: path for path in default_rule_directory().glob("*.yaml")}
    assert set(COMMITS) | {"iana-pen"} <= set(by_file)
    derived = [rule for rule in rules if rule.derived_from]
    assert len(derived) >= 100
    for rule in derived:
        for origin in rule.derived_from:
            if origin.database == "iana-pen":
                assert origin.release == IANA_RELEASE and origin.commit is None, rule.id
                assert rule.source == IANA_REGISTRY, rule.id
                assert origin.file == "usr/share/wireshark/enterprises.tsv", rule.id
                continue
            if origin.database == "vendor-docs":  # a document's version or reading date
                assert origin.release and origin.commit is None, rule.id
                continue
            assert origin.release is None, rule.id
            expected = COMMITS[origin.database]
            if expected is None:
                assert origin.commit in rule.source, rule.id
            else:
                assert origin.commit == expected, rule.id
            if origin.database == "recog":
                assert origin.licence == "BSD-2-Clause", rule.id
                assert origin.file.startswith("xml/") and origin.pattern, rule.id
            if origin.database == "nmap":
                assert origin.file == "nmap-service-probes", rule.id
            assert origin.fingerprint, rule.id
    for database, commit in COMMITS.items():
        file_rules = load_records(by_file[database], "rules", Rule, RuleDataError)
        assert file_rules
        for rule in file_rules:
            assert [origin.database for origin in rule.derived_from] == [database], rule.id
            if rule.derived_from[0].release is None:
                assert (commit or rule.derived_from[0].commit) in rule.source, rule.id


def test_case_sensitive_rules_keep_case(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        """rules:
  - id: t.upper
    field: http.title
    pattern: '^ACME$'
    case_sensitive: true
    sets: {manufacturer: Acme}
    weight: 0.5
    source: https://example.org/acme
    date: 2026-11-30
    note: test rule
  - id: t.any
    field: http.title
    pattern: '^widget$'
    sets: {manufacturer: Widget}
    weight: 0.5
    source: https://example.org/widget
    date: 2026-11-30
    note: test rule
""",
        encoding="utf-8",
    )
    rules = RuleSet.from_directory(tmp_path)
    title = [Observation("t", None, "http.title", "acme")]
    assert rules.identify(title).attributes == {}
    widget = [Observation("t", None, "http.title", "Home | WIDGET")]
    assert rules.identify(widget).attributes == {"manufacturer": "Widget"}


def test_bad_provenance_is_refused_with_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        """rules:
  - id: t.bad
    field: http.server
    pattern: '^X$'
    sets: {manufacturer: X}
    weight: 0.5
    source: https://example.org/x
    date: 2026-11-30
    note: test rule
    derived_from:
      - {database: recog, file: xml/http_servers.xml, commit: abc, licence: BSD-2, fingerprint: X}
""",
        encoding="utf-8",
    )
    with pytest.raises(RuleDataError, match=r"r\.yaml.*(line 11|:11).*commit"):
        RuleSet.from_directory(tmp_path)


@pytest.mark.parametrize(
    "origin",
    [
        "{database: iana-pen, file: enterprises.tsv, licence: IANA, fingerprint: '1 X'}",
        "{database: iana-pen, file: enterprises.tsv, release: pkg 1.0, "
        + "commit: 14fa1a7211e7fb5707c7a1b421a07d6c2cf4eec5, licence: IANA, fingerprint: '1 X'}",
    ],
)
def test_an_origin_names_either_a_commit_or_a_release(tmp_path: Path, origin: str) -> None:
    (tmp_path / "r.yaml").write_text(
        f"""rules:
  - id: t.bad
    field: snmp.sysobjectid
    pattern: '^1\\.3$'
    sets: {{manufacturer: X}}
    weight: 0.5
    source: https://example.org/x
    date: 2026-11-30
    note: test rule
    derived_from:
      - {origin}
""",
        encoding="utf-8",
    )
    with pytest.raises(RuleDataError, match=r"r\.yaml.*(line 11|:11).*either a commit"):
        RuleSet.from_directory(tmp_path)


GREETING_HOSTS = ("axis-camera", "bosch-camera", "xiongmai-dvr")


@pytest.fixture(scope="module")
def greeting_lab(loopback_base: Callable[[str], str]) -> Iterator[Lab]:
    """The lab devices that greet on FTP or telnet, on addresses of their own and on shifted
    ports, as an unprivileged run has them (the service is then told by the port's number)."""
    profiles = [profile for profile in load_profiles() if profile.name in GREETING_HOSTS]
    runner = LabThread(loopback_base("127.0.192.0"), UNPRIVILEGED_OFFSET, profiles)
    try:
        runner.__enter__()
    except LabError as exc:
        pytest.skip(f"cannot start the greeting lab: {exc}")
    try:
        yield runner.lab
    finally:
        runner.__exit__(None, None, None)


@pytest.fixture(scope="module")
def lab_devices(greeting_lab: Lab) -> dict[str, Device]:
    """The greeting hosts scanned with a timeout that tolerates a busy machine."""
    scanner = Scanner(options=ScanOptions(timeout=2.0, port_offset=greeting_lab.port_offset))

    async def run() -> list[Device]:
        return [device async for device in scanner.scan(greeting_lab.addresses)]

    return {device.address: device for device in asyncio.run(run())}


def test_lab_ftp_and_telnet_greetings_are_read_and_matched(
    greeting_lab: Lab, lab_devices: dict[str, Device]
) -> None:
    lab = greeting_lab
    axis = lab_devices[lab.address_of("axis-camera")]
    assert any(
        item.probe == "banner" and item.rule == "axis.ftp-banner" for item in axis.evidence
    ), axis.evidence
    bosch = lab_devices[lab.address_of("bosch-camera")]
    assert any(item.rule == "bosch.telnet-welcome" for item in bosch.evidence), bosch.evidence
    xiongmai = lab_devices[lab.address_of("xiongmai-dvr")]
    assert xiongmai.manufacturer is not None
    assert not any(item.probe == "banner" for item in xiongmai.evidence)
    for name in GREETING_HOSTS:
        device = lab_devices[lab.address_of(name)]
        greeting_ports = {21 + lab.port_offset, 23 + lab.port_offset}
        assert set(device.open_ports) & greeting_ports, (name, device.open_ports)
    # The greeting is only read: the scanner sends nothing to FTP or telnet ports.
    for name in GREETING_HOSTS:
        sent = [item for item in lab.requests if item.device == name and item.protocol == "banner"]
        assert sent == [], (name, sent)
