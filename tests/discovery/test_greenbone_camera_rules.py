"""Rules drawn from Greenbone's camera detection scripts (greenbone-cameras.yaml and
greenbone-feed.yaml) on the strings those scripts test for or quote, as the devices send them,
and on look-alikes that must name no maker."""

from __future__ import annotations

import pytest

from .conftest import assert_rule_names, cited_rules, identify

GREENBONE_COMMIT = "069735f859ac3db450fa1483227e17aa1b1331a0"  # Clivebi/nvtscript
FEED_COMMIT = "3c678d4ca512a80bdc950903c83101284a4ce7a3"  # qweasader/gbn


@pytest.mark.parametrize(
    ("field", "value", "maker", "model"),
    [
        ("http.server", "gen6th/1.0.10", "Sony", None),
        ("http.www_authenticate", 'Basic realm="Panasonic network device"', "Panasonic", None),
        (
            "http.www_authenticate",
            'Digest realm="Panasonic network device", nonce="f59e", stale="false", qop="auth"',
            "Panasonic",
            None,
        ),
        ("http.title", "WV-SW316 Netzwerk-Kamera", "Panasonic", "WV-SW316"),
        ("http.title", "Avigilon Camera Login", "Avigilon", None),
        ("http.www_authenticate", 'Basic realm="Brickcom CB-100AE"', "Brickcom", "CB-100AE"),
        ("http.server", "DW Spectrum/4.2.0.32840", "Digital Watchdog", None),
        ("http.title", "Honeywell IP-Camera login", "Honeywell", None),
        ("http.title", "VideoXpert Admin Portal", "Pelco", None),
        (
            "http.www_authenticate",
            'Digest realm="iPolis", nonce="0b5e", qop="auth"',
            "Hanwha Vision",
            None,
        ),
        ("http.title", "Web Viewer for Samsung NVR", "Hanwha Vision", None),
        ("http.www_authenticate", 'Basic realm="EPHD08"', "EverFocus", "EPHD08"),
        ("http.server", "dcs-lig-httpd", "D-Link", None),
        ("rtsp.www_authenticate", 'Basic realm="DahuaRtsp"', "Dahua", None),
        ("rtsp.server", "IQinVision Embedded 1.0", "IQinVision", None),
        ("snmp.sysdescr", "IQinVision IQeye M10 Version V3.4/6", "IQinVision", None),
        ("ftp.banner", "220 Welcome to Linksys", "Linksys", None),
        ("http.title", "SANYO NETWORK CAMERA", "Panasonic", None),
        ("http.title", "Sanyo Network Camera", "Panasonic", None),
        ("http.server", "Cohu Camera", "Cohu", None),
        ("http.server", "Cohu Camera/3960HD", "Cohu", None),
        # greenbone-feed.yaml: replies quoted in the feed's Axis detection scripts
        (
            "ftp.banner",
            "220 AXIS M2036-LE Bullet Camera 10.12.114 (2022) ready.",
            "Axis",
            "M2036-LE",
        ),
        (
            "ftp.banner",
            "220 AXIS Q3517 Fixed Dome Network Camera 8.40.1.1 (2018) ready.",
            "Axis",
            "Q3517",
        ),
        ("http.title", "Live view  - AXIS 233D Network Dome Camera", "Axis", "233D"),
        ("http.title", "AXIS A8004-VE Network Video Door Station", "Axis", "A8004-VE"),
    ],
)
def test_greenbone_strings_name_the_maker(
    field: str, value: str, maker: str, model: str | None
) -> None:
    attributes = identify(field, value)
    assert attributes.get("manufacturer") == maker, attributes
    if model is not None:
        assert attributes.get("model") == model, attributes


@pytest.mark.parametrize(
    ("greeting", "model", "firmware"),
    [
        ("220 AXIS M2036-LE Bullet Camera 10.12.114 (2022) ready.", "M2036-LE", "10.12.114"),
        ("220 AXIS P1344 Network Camera 5.20 (Oct 15 2010) ready.", "P1344", "5.20"),
        ("220 AXIS 211 Network Camera 4.40 ready.", "211", "4.40"),
    ],
)
def test_axis_ftp_greetings_give_the_firmware(greeting: str, model: str, firmware: str) -> None:
    """The firmware version in an Axis FTP greeting is what the KEV range check needs."""
    assert_rule_names(
        "ftp.banner", greeting, "axis.gbf-ftp-greeting", model=model, firmware=firmware
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("http.server", "gen6thfloor"),
        ("http.server", "Spectrum/1.0"),
        ("http.server", "lig-httpd"),
        ("http.www_authenticate", 'Basic realm="network device"'),
        ("http.www_authenticate", 'Basic realm="Polis"'),
        ("http.www_authenticate", 'Basic realm="EPSON"'),
        ("http.title", "Netzwerk-Kamera"),
        ("http.title", "Camera Login"),
        ("http.title", "IP-Camera login"),
        ("http.title", "Admin Portal"),
        ("http.title", "Web Viewer for NVR"),
        ("rtsp.www_authenticate", 'Basic realm="rtsp"'),
        ("rtsp.server", "Embedded RTSP Server 1.0"),
        ("snmp.sysdescr", "Linux IQ-Box 3.2.0 armv7l"),
        ("ftp.banner", "220 Welcome to Linux FTP service"),
        ("ftp.banner", "220 Axis 100 Camera 1.0 ready."),
        ("http.title", "Axis Bank Station"),
        ("http.title", "AXIS Capital Station"),
        ("http.title", "SANYO DENKI NETWORK CAMERA"),
        ("http.title", "NETWORK CAMERA"),
        ("http.title", "SANYO NETWORK CAMERA VIEWER for Windows"),
        ("http.title", "Cohu Camera"),
        ("http.server", "Cohuland Camera"),
        ("http.server", "Costar Camera"),
        ("http.server", "Camera Cohu"),
        ("http.server", "SANYO NETWORK CAMERA"),
    ],
)
def test_look_alikes_of_greenbone_strings_name_no_maker(field: str, value: str) -> None:
    assert "manufacturer" not in identify(field, value)


@pytest.mark.parametrize(
    ("field", "value", "rule", "attributes"),
    [
        (
            "http.title",
            "SANYO NETWORK CAMERA",
            "panasonic.gb-title-sanyo-network-camera",
            {"manufacturer": "Panasonic", "brand": "Sanyo", "device_kind": "camera"},
        ),
        (
            "upnp.server",
            "Cohu Camera 1.0",
            "cohu.gb-server-cohu-camera",
            {"manufacturer": "Cohu", "device_kind": "camera"},
        ),
    ],
)
def test_sanyo_and_cohu_strings_fire_their_rules(
    field: str, value: str, rule: str, attributes: dict[str, str]
) -> None:
    """Sanyo is a brand of Panasonic (its parent since 2009); Cohu's cameras name Cohu."""
    assert_rule_names(field, value, rule, **attributes)


@pytest.mark.parametrize(
    ("name", "database", "commit", "minimum"),
    [
        ("greenbone-cameras", "greenbone", GREENBONE_COMMIT, 15),
        ("greenbone-feed", "greenbone-feed", FEED_COMMIT, 2),
    ],
)
def test_greenbone_camera_rules_cite_the_script_and_a_known_maker(
    name: str, database: str, commit: str, minimum: int
) -> None:
    rules = cited_rules(name, database, commit)
    assert len(rules) >= minimum
    for rule, origin in rules:
        assert rule.source.endswith(f"{commit}/{origin.file}"), rule.id
