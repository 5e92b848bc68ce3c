"""Rules drawn from the device replies that camera client libraries keep in their test fixtures
(client-fixtures.yaml): each string a fixture holds names its maker; generic strings, other
makers' strings of a similar shape and the words used ordinarily name none."""

from __future__ import annotations

from .conftest import cited_rules_of_repositories, rule_file_tests

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


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("client-fixtures", EXAMPLES, LOOK_ALIKES)
)


def test_fixture_rules_cite_their_file_and_a_known_maker() -> None:
    commits = {repository: commit for repository, (commit, _) in SOURCES.items()}
    for rule, origin, repository in cited_rules_of_repositories(
        "client-fixtures", "client-fixtures", commits
    ):
        assert origin.licence == f"{SOURCES[repository][1]} (fact only)", rule.id
        assert origin.file in rule.note, rule.id
        assert "recorded" in rule.note and "mock" not in rule.note, rule.id
