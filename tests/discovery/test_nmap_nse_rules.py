"""Rules drawn from the Nmap Scripting Engine's data files (nmap-nse.yaml): the realm an Nmap
default-account fingerprint ties to Axis network cameras names Axis; the word in lower case,
inside another word, other makers' realms and the same string in another field name nobody."""

from __future__ import annotations

from .conftest import cited_rules, rule_file_tests

NMAP_COMMIT = "db4aefddfa348ec815ffa83a109c97e05db88766"  # nmap/nmap

# (field, value as the entry quotes it or a real device sends it, manufacturer, device kind,
# the rule that must fire)
EXAMPLES = [
    ("http.www_authenticate", 'Basic realm="AXIS"', "Axis", None, "axis.nmap-nse-realm"),
    (
        "http.www_authenticate",
        'Digest realm="AXIS_WS_ACCC8E012345", nonce="0000", algorithm=MD5, qop="auth"',
        "Axis",
        None,
        "axis.nmap-nse-realm",
    ),
    (
        "http.www_authenticate",
        'Basic realm="AXIS_00408C1A2B3C"',
        "Axis",
        None,
        "axis.nmap-nse-realm",
    ),
    (
        "http.www_authenticate",
        'Basic realm="AXIS 2120 Network Camera"',
        "Axis",
        None,
        "axis.nmap-nse-realm",
    ),
]

# The maker's name in lower case or inside another word, Axis's thin-server software, Apache
# Axis, other camera makers' realms, generic realms, and the string in another field.
LOOK_ALIKES = [
    ("http.www_authenticate", 'Basic realm="axis"'),
    ("http.www_authenticate", 'Basic realm="Axis Bank"'),
    ("http.www_authenticate", 'Basic realm="MAXIS"'),
    ("http.www_authenticate", 'Basic realm="TAXIS"'),
    ("http.www_authenticate", 'Basic realm="AXISThinWizard"'),
    ("http.www_authenticate", 'Basic realm="AXIS-Server"'),
    ("http.www_authenticate", 'Basic realm="Apache Axis2"'),
    ("http.www_authenticate", 'Basic realm="Taxi AXIS"'),
    ("http.www_authenticate", 'Basic realm="Network Camera"'),
    ("http.www_authenticate", 'Digest realm="IP Camera(C1234)"'),
    ("http.www_authenticate", 'Basic realm="DS-2CD2042WD"'),
    ("http.www_authenticate", 'Basic realm="Tomcat Manager Application"'),
    ("http.server", "AXIS"),
    ("http.title", "AXIS"),
    ("rtsp.server", "AXIS"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("nmap-nse", EXAMPLES, LOOK_ALIKES)
)


def test_nse_rules_cite_their_entry_and_a_known_maker() -> None:
    for rule, origin in cited_rules("nmap-nse", "nmap-nse", NMAP_COMMIT):
        assert origin.file.startswith("nselib/data/"), rule.id
        assert "(fact only)" in origin.licence and "NPSL" in origin.licence, rule.id
        assert origin.fingerprint in rule.note, rule.id
        assert origin.pattern and origin.pattern in rule.pattern, rule.id
