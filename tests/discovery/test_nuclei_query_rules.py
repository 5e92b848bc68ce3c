"""Rules drawn from the search-engine queries of ProjectDiscovery's nuclei-templates
(nuclei-queries.yaml): each page title a template's Shodan or FOFA query quotes to find a camera,
recorder or VMS names its maker (and model where it carries one); the generic part alone, other
makers' strings of the same shape and look-alike words name none."""

from __future__ import annotations

import re

from custodes.discovery.naming import default_resolver

from .conftest import rule_file_tests, shipped_rules

REPOSITORY = "projectdiscovery/nuclei-templates"

# (field, value as the query quotes it or a form a device sends, manufacturer, model, kind, rule)
EXAMPLES = [
    ("http.title", "VideoXpert", "Pelco", None, "server", "pelco.nuclei-query-title-videoxpert"),
    (
        "http.title",
        "VideoXpert Ops Center",
        "Pelco",
        None,
        "server",
        "pelco.nuclei-query-title-videoxpert",
    ),
    ("http.title", "NUUO", "NUUO", None, "recorder", "nuuo.nuclei-query-title"),
    ("http.title", "NUUO NVRmini 2", "NUUO", None, "recorder", "nuuo.nuclei-query-title"),
    ("http.title", "FLIR", "Teledyne FLIR", None, "camera", "flir.nuclei-query-title"),
    ("http.title", "FLIR AX8", "Teledyne FLIR", None, "camera", "flir.nuclei-query-title"),
    (
        "http.title",
        "NVR301-04-P4",
        "Uniview",
        "NVR301-04-P4",
        "recorder",
        "uniview.nuclei-query-title-nvr301",
    ),
    (
        "http.title",
        "NVR301-04S2-P4",
        "Uniview",
        "NVR301-04S2-P4",
        "recorder",
        "uniview.nuclei-query-title-nvr301",
    ),
    ("http.title", "Mobotix", "Mobotix", None, None, "mobotix.nuclei-query-title"),
    ("http.title", "Mobotix M16 Live", "Mobotix", None, None, "mobotix.nuclei-query-title"),
    (
        "http.title",
        "Trassir Webview",
        "DSSL",
        None,
        "server",
        "dssl.nuclei-query-title-trassir-webview",
    ),
    (
        "http.title",
        "TRASSIR WebView",
        "DSSL",
        None,
        "server",
        "dssl.nuclei-query-title-trassir-webview",
    ),
    (
        "http.title",
        "FortiRecorder",
        "Fortinet",
        None,
        "recorder",
        "fortinet.nuclei-query-title-fortirecorder",
    ),
    (
        "http.title",
        "FortiRecorder Admin",
        "Fortinet",
        None,
        "recorder",
        "fortinet.nuclei-query-title-fortirecorder",
    ),
    (
        "http.title",
        "Loxone Intercom Video",
        "Loxone",
        None,
        "intercom",
        "loxone.nuclei-query-title-intercom",
    ),
    (
        "http.title",
        "Loxone Intercom",
        "Loxone",
        None,
        "intercom",
        "loxone.nuclei-query-title-intercom",
    ),
    ("http.title", "Intelbras", "Intelbras", None, None, "intelbras.nuclei-query-title"),
    ("http.title", "Intelbras VIP 3230 B", "Intelbras", None, None, "intelbras.nuclei-query-title"),
]

# The generic parts the queries rest on, other makers' strings of a similar shape and words
# like the makers' names: none of the new rules may fire.
LOOK_ALIKES = [
    ("http.title", "login"),
    ("http.title", "Network Video Recorder Login"),
    ("http.title", "Web Configurator"),
    ("http.title", "XVR LOGIN"),
    ("http.title", "VideoExpert"),
    ("http.title", "Video Xpert"),
    ("http.title", "NUUK"),
    ("http.title", "NUUOX"),
    ("http.title", "Flirc"),
    ("http.title", "Flirt"),
    ("http.title", "FLIR Systems"),  # the company name, as web sites title pages
    ("http.title", "Teledyne FLIR | Thermal Imaging"),
    ("http.title", "Mobotics"),
    ("http.title", "Robotix"),
    ("http.title", "NVR301"),
    ("http.title", "NVR301-04-P4 Viewer"),
    ("http.title", "XNVR301-04-P4"),
    ("http.title", "NVR4104-P-4KS2"),  # Dahua's naming
    ("http.title", "DS-7604NI-K1/4P"),  # Hikvision's naming
    ("http.title", "Lorex"),
    ("http.title", "Trassir"),  # the brand alone, not the WebView title
    ("http.title", "Webview"),
    ("http.title", "Trassir Cloud"),
    ("http.title", "My Trassir Webview"),
    ("http.title", "FortiGate"),  # Fortinet's firewalls: not recorders
    ("http.title", "FortiAnalyzer"),
    ("http.title", "FortiRecorders"),
    ("http.title", "Recorder Admin"),
    ("http.title", "Loxone"),  # the Miniserver's home-automation pages
    ("http.title", "Loxone Miniserver"),
    ("http.title", "Intercom Video"),
    ("http.title", "Baudisch Intercom"),
    ("http.title", "Intelbrass"),
    ("http.title", "Intel"),
    ("http.title", "Welcome to Intelbras"),  # a page about the maker, not a device title
    ("http.title", "DH-IPC-HFW1230S"),  # Dahua's naming
    ("http.server", "Intelbras"),  # a title rule, not a Server rule
    ("http.server", "FLIR"),  # a title rule, not a Server rule
    ("http.server", "Cross Web Server"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("nuclei-queries", EXAMPLES, LOOK_ALIKES)
)


def test_rules_cite_the_template_read_at_its_commit() -> None:
    resolver = default_resolver()
    for rule in shipped_rules("nuclei-queries"):
        (origin,) = rule.derived_from
        assert origin.database == "nuclei" and origin.commit, rule.id
        assert rule.source == f"https://github.com/{REPOSITORY}/blob/{origin.commit}/{origin.file}"
        assert origin.file.startswith("http/") and origin.file.endswith(".yaml"), rule.id
        assert "fingerprinthub" not in origin.file, rule.id
        assert origin.licence.startswith("MIT"), rule.id
        template, _, query = origin.fingerprint.partition(": ")
        assert template in rule.note and query.endswith(origin.pattern), rule.id
        assert rule.sets.manufacturer, rule.id
        assert resolver.resolve(rule.sets.manufacturer).manufacturer, rule.id
        # the query names a field the scanner observes, and the rule matches the quoted string
        found = re.fullmatch(r'(?:http\.)?title(?::|=)"(.+)"', origin.pattern)
        assert found and "http.title" in rule.field, rule.id
        assert rule.regex.search(found.group(1)), rule.id
