"""Rules drawn from camera makers' own documentation (vendor-docs.yaml): each reply a maker's API or
user guide quotes names the maker (and the model it carries); generic strings, other makers'
strings of a similar shape and the bare words the rules rest on name none."""

from __future__ import annotations

from custodes.discovery.naming import default_resolver

from .conftest import rule_file_tests, shipped_rules

# The documents read: rule -> (the address read, what the document is, its version or the date it
# was read). Each rule cites exactly one document.
DOCUMENTS = {
    "jvc.vendor-docs-server-network-camera": (
        "https://manualsdump.com/en/manuals/jvc-257vp-237model-137model-257model-237vp-vn-h57-157wp-vn-h37/210030/9",
        "JVC IP Camera API GUIDE VN-H37/137/237/237VP VN-H57/157WP/257/257VP",
        "2012.06.29 (V4.00)",
    ),
    "jvc.vendor-docs-server-api": (
        "https://manualsdump.com/en/manuals/jvc-vn-v686u/210077/16",
        "JVC VN-V686 API guide",
        "2026-12-01",
    ),
    "sony.vendor-docs-sysdescr": (
        "https://manualsdump.com/en/manuals/sony-snc-rz50n-snc-rz50p/199366/85",
        "Sony SNC-RZ50N/SNC-RZ50P user guide",
        "2026-12-01",
    ),
    "sony.vendor-docs-sysdescr-model": (
        "http://camera.manualsonline.com/manuals/mfg/sony/dh240.html?p=122",
        "Sony SNC-CH240/DH240 series user guide",
        "2026-12-01",
    ),
}

# field, value as the document quotes it (and the variants it names), manufacturer, model,
# device kind, the rule that must fire
EXAMPLES = [
    (
        "http.server",
        "JVC VN-H137 Network Camera",
        "JVC",
        "VN-H137",
        "camera",
        "jvc.vendor-docs-server-network-camera",
    ),
    (
        "http.server",
        "JVC VN-V686 Network Camera",
        "JVC",
        "VN-V686",
        "camera",
        "jvc.vendor-docs-server-network-camera",
    ),
    (
        "http.server",
        "JVC VN-V685 Network Camera",
        "JVC",
        "VN-V685",
        "camera",
        "jvc.vendor-docs-server-network-camera",
    ),
    (
        "http.server",
        "JVC VN-V25 Network Camera",
        "JVC",
        "VN-V25",
        "camera",
        "jvc.vendor-docs-server-network-camera",
    ),
    (
        "http.server",
        "JVC VN-V686 API Server",
        "JVC",
        "VN-V686",
        "camera",
        "jvc.vendor-docs-server-api",
    ),
    (
        "snmp.sysdescr",
        "SONY Network Camera SNC-RZ50",
        "Sony",
        "SNC-RZ50",
        "camera",
        "sony.vendor-docs-sysdescr",
    ),
    (
        "snmp.sysdescr",
        '"SONY Network Camera SNC-CS3"',
        "Sony",
        "SNC-CS3",
        "camera",
        "sony.vendor-docs-sysdescr",
    ),
    (
        "snmp.sysdescr",
        "SNC-CH240",
        "Sony",
        "SNC-CH240",
        "camera",
        "sony.vendor-docs-sysdescr-model",
    ),
    (
        "snmp.sysdescr",
        "SNC-DH140T",
        "Sony",
        "SNC-DH140T",
        "camera",
        "sony.vendor-docs-sysdescr-model",
    ),
    (
        "snmp.sysdescr",
        "SNC-DH280",
        "Sony",
        "SNC-DH280",
        "camera",
        "sony.vendor-docs-sysdescr-model",
    ),
]

# Strings the guides give as generic, other makers' strings of a similar shape, and the words the
# rules rest on used as ordinary words: none of the new rules may fire.
LOOK_ALIKES = [
    ("http.server", "JVC"),
    ("http.server", "Network Camera"),
    ("http.server", "JVC Network Camera"),
    ("http.server", "API Server"),
    ("http.server", "JVC VR-809/816 API Server/1.0.0"),
    ("http.server", "Canon VB-C60 Network Camera"),
    ("http.server", "SONY Network Camera SNC-RZ50"),
    ("http.www_authenticate", 'Basic realm="XXXXXX"'),
    ("http.www_authenticate", 'Digest realm="IP Camera(FG513)"'),
    ("http.www_authenticate", 'Digest realm="HTTPAPI"'),
    ("snmp.sysdescr", "Network Camera"),
    ("snmp.sysdescr", "SONY Network Camera"),
    ("snmp.sysdescr", "SONY BRAVIA KDL-40"),
    ("snmp.sysdescr", "SNC"),
    ("snmp.sysdescr", "snc-ch240"),
    ("snmp.sysdescr", "SNC-CH240 firmware 1.2"),
    ("snmp.sysdescr", "Linux SNC-RZ50 2.6.18"),
    ("snmp.sysdescr", "Panasonic Network Camera WV-SF438"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("vendor-docs", EXAMPLES, LOOK_ALIKES)
)


def test_rules_cite_their_document_and_a_known_maker() -> None:
    # Each rule's source is the address of the document it was read from; derived_from names that
    # document and its version (or the date it was read) as a release, never a commit.
    resolver = default_resolver()
    rules = shipped_rules("vendor-docs")
    assert {rule.id for rule in rules} == set(DOCUMENTS)
    for rule in rules:
        address, title, release = DOCUMENTS[rule.id]
        (origin,) = rule.derived_from
        assert origin.database == "vendor-docs", rule.id
        assert rule.source == address, rule.id
        assert origin.commit is None and origin.release == release, rule.id
        assert origin.file.startswith(title), rule.id
        assert origin.licence == "vendor documentation (fact only)", rule.id
        assert origin.pattern and origin.fingerprint, rule.id
        assert rule.sets.manufacturer, rule.id
        assert resolver.resolve(rule.sets.manufacturer).manufacturer, rule.id
