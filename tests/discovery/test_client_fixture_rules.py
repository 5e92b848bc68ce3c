"""Rules drawn from the device replies that camera client libraries keep in their test fixtures
(client-fixtures.yaml): each string a fixture holds names its maker; generic strings, other
makers' strings of a similar shape and the words used ordinarily name none."""

from __future__ import annotations

import pytest

from .conftest import (
    assert_rule_names,
    cited_rules_of_repositories,
    fired_rules,
    rule_ids,
)

# The repositories read, each at one commit: repository -> (commit, licence).
SOURCES = {
    "RobbieClarken/webviewcamera": ("193709dbb59c6a5fea2750c4fdb306c811438fcb", "MIT"),
    "nerab/sony-camera-remote": ("fde6ca529857155854d613c56ae91ae06706c1c2", "MIT"),
}

# field, value as the fixture holds it, manufacturer, device kind, the rule that must fire
EXAMPLES = [
    ("http.server", "VB", "Canon", "camera", "canon.client-fixtures-server-vb"),
    (
        "upnp.server",
        "UPnP/1.0 SonyImagingDevice/1.0",
        "Sony",
        "camera",
        "sony.client-fixtures-upnp-imaging-device",
    ),
]

# Generic strings the same fixtures hold, other makers' strings of a similar shape, and the words
# the rules rest on used as ordinary words: none of the new rules may fire.
LOOK_ALIKES = [
    ("http.server", "Web Server"),
    ("http.server", "VBServer"),
    ("http.server", "VB-H41"),
    ("http.server", "vb"),
    ("http.server", "Microsoft-IIS/10.0 VB"),
    ("http.server", "Hikvision-Webs"),
    ("upnp.server", "Linux/3.10 UPnP/1.0 Portable SDK for UPnP devices/1.6.22"),
    ("upnp.server", "UPnP/1.0 SonyImaging"),
    ("upnp.server", "Linux/2.6 UPnP/1.0 Sony-BDP/2.0"),
    ("http.www_authenticate", 'Basic realm="streaming_server"'),
    ("http.www_authenticate", 'Digest realm="IP Camera(AB705)", nonce="x"'),
    ("http.www_authenticate", 'Basic realm="IPCAM"'),
    ("http.www_authenticate", 'Basic realm="axis"'),
    ("http.www_authenticate", 'Basic realm="AXIS Happiness"'),
    ("http.www_authenticate", 'Basic realm="Apache Axis2"'),
    ("rtsp.server", "Rtsp Server/2.0"),
    ("rtsp.server", "H264DVR 1.0"),
    ("rtsp.server", "GStreamer RTSP server"),
    ("http.title", "VB"),
]


@pytest.mark.parametrize(("field", "value", "maker", "kind", "rule"), EXAMPLES)
def test_fixture_replies_name_the_maker(
    field: str, value: str, maker: str, kind: str, rule: str
) -> None:
    assert_rule_names(field, value, rule, manufacturer=maker, device_kind=kind)


@pytest.mark.parametrize(("field", "value"), LOOK_ALIKES)
def test_generic_and_look_alike_strings_fire_no_fixture_rule(field: str, value: str) -> None:
    assert not rule_ids("client-fixtures") & fired_rules(field, value)


def test_every_rule_has_an_example() -> None:
    assert rule_ids("client-fixtures") == {example[-1] for example in EXAMPLES}


def test_fixture_rules_cite_their_file_and_a_known_maker() -> None:
    commits = {repository: commit for repository, (commit, _) in SOURCES.items()}
    for rule, origin, repository in cited_rules_of_repositories(
        "client-fixtures", "client-fixtures", commits
    ):
        assert origin.licence == f"{SOURCES[repository][1]} (fact only)", rule.id
        assert origin.file in rule.note, rule.id
        assert "recorded" in rule.note and "mock" not in rule.note, rule.id
