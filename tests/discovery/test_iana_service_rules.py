"""Rules drawn from IANA's service name registry (iana-services.yaml): a DNS-SD service type a
device advertises names the maker that registered it; other makers' and generic service types,
the registered name under the other transport, and the same string in another field name nobody."""

from __future__ import annotations

from .conftest import cited_rules, rule_file_tests

IANA_MIRROR_COMMIT = "d482720f55fda5e950985239e17f524093c81d9f"  # jgraef/iana-numbers

# (field, value as the scanner records it, manufacturer, device kind, the rule that must fire)
EXAMPLES = [
    ("mdns.service", "_axis-video._tcp", "Axis", "camera", "axis.iana-service-axis-video"),
    ("mdns.service", "_axis-video._udp", "Axis", "camera", "axis.iana-service-axis-video"),
    ("mdns.service", "_axis-nvr._tcp", "Axis", "recorder", "axis.iana-service-axis-nvr"),
    ("mdns.service", "_acsp-server._tcp", "Axis", "server", "axis.iana-service-acsp-server"),
    ("mdns.service", "_flir-ircam._tcp", "FLIR", "camera", "teledyne-flir.iana-service-flir-ircam"),
    (
        "mdns.service",
        "_honeywell-vid._udp",
        "Honeywell",
        None,
        "honeywell.iana-service-honeywell-vid",
    ),
    ("mdns.service", "_whistler._tcp", "Honeywell", None, "honeywell.iana-service-whistler"),
    (
        "mdns.service",
        "_indigo-dvr._tcp",
        "Indigo Security",
        "recorder",
        "indigo-security.iana-service-indigo-dvr",
    ),
    ("mdns.service", "_lsys-camera._tcp", "Linksys", "camera", "linksys.iana-service-lsys-camera"),
    (
        "mdns.service",
        "_dvr-esm._tcp",
        "March Networks",
        "recorder",
        "march-networks.iana-service-dvr-esm",
    ),
    ("mdns.service", "_vapix-https._tcp", "Axis", None, "axis.iana-service-vapix"),
    ("mdns.service", "_vapix-http._tcp", "Axis", None, "axis.iana-service-vapix"),
    ("mdns.service", "_netvu-video._tcp", "AD Group", None, "ad-group.iana-service-netvu-video"),
    *(
        ("mdns.service", value, "Johnson Controls", kind, f"johnson-controls.iana-service-{rule}")
        for value, kind, rule in [
            ("_ntlx-video._tcp", "recorder", "ntlx"),
            ("_ntlx-arch._tcp", "recorder", "ntlx"),
            ("_ntlx-ent._udp", "recorder", "ntlx"),
            ("_ve-recorder._tcp", "recorder", "ve-recorder"),
            ("_ve-encoder._udp", "encoder", "ve-encoder"),
            ("_ve-decoder._tcp", "decoder", "ve-decoder"),
        ]
    ),
]

# Generic service types, near names, a type registered for one transport under the other, a
# subtype, and the strings in other fields.
LOOK_ALIKES = [
    ("mdns.service", "_http._tcp"),
    ("mdns.service", "_rtsp._tcp"),
    ("mdns.service", "_onvif._tcp"),
    ("mdns.service", "_axis-videos._tcp"),
    ("mdns.service", "_myaxis-video._tcp"),
    ("mdns.service", "_flir-ircam._udp"),
    ("mdns.service", "_acsp-server._udp"),
    ("mdns.service", "_honeywell-vid._tcp"),
    ("mdns.service", "_axis-video._sub._http._tcp"),
    ("mdns.service", "_ntlx._tcp"),
    ("mdns.service", "_ntlx-videos._tcp"),
    ("mdns.service", "_recorder._tcp"),
    ("mdns.service", "_encoder._tcp"),
    ("mdns.service", "_ve-decode._tcp"),
    ("mdns.service", "_vapix._tcp"),
    ("mdns.service", "_vapix-http._udp"),
    ("mdns.service", "_netvu._tcp"),
    ("mdns.service", "_netvu-video._udp"),
    ("mdns.instance", "_axis-video._tcp"),
    ("http.server", "whistler"),
    ("http.title", "axis-video"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("iana-services", EXAMPLES, LOOK_ALIKES)
)


def test_rules_cite_their_registration() -> None:
    for rule, origin in cited_rules("iana-services", "iana-services", IANA_MIRROR_COMMIT):
        assert origin.file == "iana-ports/service-names-port-numbers.csv", rule.id
        assert rule.source.startswith("https://github.com/jgraef/iana-numbers/blob/"), rule.id
        for entry in origin.fingerprint.split("; "):  # one registration, or several of a family
            service = entry.split(",", 1)[0]
            assert f'"{service}"' in rule.note and "IANA service name" in rule.note, rule.id
        assert rule.field == ("mdns.service",), rule.id
