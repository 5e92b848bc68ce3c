"""More rules drawn from ProjectDiscovery's nuclei-templates (nuclei-more.yaml): each page title
or Server header a template's matcher tests to identify a camera, recorder or surveillance
device names its maker; the generic part alone, other makers' strings of the same shape and
look-alike names name none."""

from __future__ import annotations

import re

from custodes.discovery.naming import default_resolver

from .conftest import rule_file_tests, shipped_rules

REPOSITORY = "projectdiscovery/nuclei-templates"

# (field, value as the template quotes it or a form a device sends, manufacturer, kind, rule)
EXAMPLES = [
    (
        "http.title",
        "NUUO Network Video Recorder Login",
        "NUUO",
        "recorder",
        "nuuo.nuclei-title-nvr-login",
    ),
    (
        "http.title",
        "NUUO Network Video Recorder",
        "NUUO",
        "recorder",
        "nuuo.nuclei-title-nvr-login",
    ),
    ("http.title", "NoVus IP camera", "NOVUS Security", "camera", "novus.nuclei-title-ip-camera"),
    (
        "http.title",
        "NoVus IP camera - Login",
        "NOVUS Security",
        "camera",
        "novus.nuclei-title-ip-camera",
    ),
    (
        "http.title",
        "Panasonic Network Camera Management System",
        "Panasonic",
        "camera",
        "panasonic.nuclei-title-camera-management",
    ),
    (
        "http.title",
        "PANASONIC NETWORK CAMERA MANAGEMENT SYSTEM",  # as the template quotes it, in capitals
        "Panasonic",
        "camera",
        "panasonic.nuclei-title-camera-management",
    ),
    (
        "http.title",
        "Flock Admin",
        "Flock Safety",
        "camera",
        "flock-safety.nuclei-title-flock-admin",
    ),
    (
        "http.title",
        "Camera Settings - Flock Admin",
        "Flock Safety",
        "camera",
        "flock-safety.nuclei-title-flock-admin",
    ),
    ("http.server", "kedacom-hs", "Kedacom", None, "kedacom.nuclei-server-kedacom-hs"),
    ("http.server", "kedacom-hs/1.0", "Kedacom", None, "kedacom.nuclei-server-kedacom-hs"),
    ("http.server", "SDC Server", "Huawei", "camera", "huawei.nuclei-server-sdc"),
    ("http.server", "SDC Server/1.0", "Huawei", "camera", "huawei.nuclei-server-sdc"),
    (
        "http.server",
        "SeleaCPSHttpServer",
        "Selea",
        "anpr-camera",
        "selea.nuclei-server-cps-httpserver",
    ),
    (
        "http.server",
        "SeleaCPSHttpServer/1.0",
        "Selea",
        "anpr-camera",
        "selea.nuclei-server-cps-httpserver",
    ),
    ("http.server", "selea_httpd", "Selea", "anpr-camera", "selea.nuclei-server-selea-httpd"),
    ("http.server", "selea_httpd/2.1", "Selea", "anpr-camera", "selea.nuclei-server-selea-httpd"),
    (
        "http.title",
        "Orchid Core VMS - IPConfigure, Inc.",
        "IPConfigure",
        "server",
        "ipconfigure.nuclei-title-orchid-core-vms",
    ),
    (
        "http.title",
        "Orchid Core VMS",
        "IPConfigure",
        "server",
        "ipconfigure.nuclei-title-orchid-core-vms",
    ),
    ("http.title", "Davantis", "Davantis", "server", "davantis.nuclei-title-davantis"),
    ("http.title", "DAVANTIS", "Davantis", "server", "davantis.nuclei-title-davantis"),
]

# The generic part alone, strings of other makers and software the same templates name,
# look-alike names, and the strings in a field the device does not send them in.
LOOK_ALIKES = [
    ("http.title", "Network Video Recorder Login"),
    ("http.title", "Digital Video Recorder Login"),
    ("http.title", "NUUO"),
    ("http.title", "IP camera"),
    ("http.title", "Novus Biologicals"),
    ("http.title", "NovusNet IP camera"),
    ("http.title", "Network Camera Management System"),
    ("http.title", "Panasonic Viera Network Remote"),
    ("http.title", "Flock"),
    ("http.title", "FlockAdmin"),
    ("http.title", "Flock Administrator"),
    ("http.title", "Flock Admin Panel"),
    ("http.title", "The Flock Admin"),
    ("http.title", "XVR LOGIN"),
    ("http.title", "WEB SERVICE"),
    ("http.title", "Loxone Intercom Video"),
    ("http.title", "SecuritySpy"),
    ("http.title", "EasyCVR"),
    ("http.server", "kedacom"),
    ("http.server", "kedacom-hsx"),
    ("http.server", "KDM-hs"),
    ("http.server", "SDC"),
    ("http.server", "ASDC Server"),
    ("http.server", "SDC Server Pro"),
    ("http.server", "WebServer/1.0.0"),
    ("http.server", "NVRDVR"),
    ("http.server", "MJPG-Streamer/0.2"),
    ("http.server", "iSpy"),
    ("http.title", "SDC Server"),
    ("http.title", "kedacom-hs"),
    ("http.server", "NoVus IP camera"),
    ("ftp.banner", "220 Welcome to Network Camera FTP Server"),
    # Selea: the generic third header word of the same template, near-misses, Leonardo's Selex
    ("http.server", "HttpServer/0.1"),
    ("http.server", "Selea"),
    ("http.server", "SeleaHttpServer"),
    ("http.server", "selea_httpd_proxy"),
    ("http.server", "Selex ES"),
    ("http.title", "Selea CarPlateServer"),
    ("http.title", "SeleaCPSHttpServer"),
    # IPConfigure: other products named Orchid, the maker's name alone, its fleet manager
    ("http.title", "Orchid"),
    ("http.title", "Orchid Core"),
    ("http.title", "Orchid Core VMS Administrator Guide"),
    ("http.title", "Orchid Fusion VMS"),
    ("http.title", "Orchid Recorder"),
    ("http.title", "OrchidCore VMS"),
    ("http.title", "IPConfigure, Inc."),
    ("http.server", "Orchid Core VMS"),
    # Davantis: the name inside longer titles, look-alike words (a title part after a separator,
    # "Davantis | …", is tried alone by design, as for every title rule)
    ("http.title", "Davantis video analytics for perimeter security"),
    ("http.title", "Welcome to Davantis"),
    ("http.title", "Davantis Technologies"),
    ("http.title", "Vantis"),
    ("http.title", "Davantis Video Analytics Panel"),
    ("http.server", "Davantis"),
    # Innovatrics' SmartFace has no rule: the template tests a body word, and others use the name
    ("http.title", "Smartface"),
    ("http.title", "SmartFace: Configurations"),
    ("http.title", "SmartFace Platform"),
    # Finetree's Server header comes from another project (afrog), not these templates
    ("http.server", "WintenDo"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("nuclei-more", EXAMPLES, LOOK_ALIKES)
)


def test_rules_cite_the_template_read_at_its_commit() -> None:
    resolver = default_resolver()
    for rule in shipped_rules("nuclei-more"):
        (origin,) = rule.derived_from
        assert origin.database == "nuclei" and origin.commit, rule.id
        assert rule.source == f"https://github.com/{REPOSITORY}/blob/{origin.commit}/{origin.file}"
        assert origin.file.startswith("http/") and origin.file.endswith(".yaml"), rule.id
        assert origin.licence.startswith("MIT"), rule.id
        assert origin.fingerprint in origin.file, rule.id  # a template's id names its file
        assert origin.fingerprint in rule.note, rule.id
        assert rule.sets.manufacturer, rule.id
        assert resolver.resolve(rule.sets.manufacturer).manufacturer, rule.id
        assert origin.pattern, rule.id
        quoted = re.sub(r"(?i)</?title>|^Server: ", "", origin.pattern)
        assert rule.regex.search(quoted), rule.id  # the rule matches the string it cites
