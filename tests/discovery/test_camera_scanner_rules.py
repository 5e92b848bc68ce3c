"""Rules drawn from the fingerprint table of a camera scanner (camera-scanners.yaml): Ingram's
rules.csv. Each entry's string, as the device sends it, names the maker; other makers' strings,
generic words, look-alike names and a maker's bare name in a Server header (CamXploit's keyword
guesses, read and refused) name none."""

from __future__ import annotations

from .conftest import cited_rules_of_repositories, rule_file_tests

# The tables read, each at one commit: repository -> (commit, file read, its licence).
SOURCES = {
    "jorhelp/Ingram": ("c5258e0d2cf0da1e4fd5054b99ccf71675632117", "Ingram/rules.csv", "GPL-3.0"),
}

# field, value (as the entry quotes it, then as a device sends it), manufacturer, model,
# device kind, the rule that must fire
EXAMPLES = [
    (
        "http.favicon_md5",
        "bd9e17c46bbbc18af2a2bd718dddad0e",
        "Dahua",
        None,
        None,
        "dahua.ingram-favicon-bd9e17",
    ),
    (
        "http.favicon_md5",
        "605f51b413980667766a9aff2e53b9ed",
        "Dahua",
        None,
        None,
        "dahua.ingram-favicon-605f51",
    ),
    (
        "http.favicon_md5",
        "B39F249362A2E4AB62BE4DDBC9125F53",
        "Dahua",
        None,
        None,
        "dahua.ingram-favicon-b39f24",
    ),
    (
        "http.favicon_md5",
        "b39f249362a2e4ab62be4ddbc9125f53",
        "Dahua",
        None,
        None,
        "dahua.ingram-favicon-b39f24",
    ),
    (
        "http.favicon_md5",
        "1536f25632f78fb03babedcb156d3f69",
        "Uniview",
        None,
        None,
        "uniview.ingram-favicon",
    ),
    (
        "http.www_authenticate",
        "Basic realm=DCS-932L",
        "D-Link",
        "DCS-932L",
        "camera",
        "dlink.ingram-realm-dcs-unquoted",
    ),
    (
        "http.www_authenticate",
        'Digest realm=DCS-5020L, nonce="0a1b"',
        "D-Link",
        "DCS-5020L",
        "camera",
        "dlink.ingram-realm-dcs-unquoted",
    ),
    ("http.title", "GeoVision", "GeoVision", None, None, "geovision.ingram-title"),
    ("http.title", "GeoVision Inc. - IP Camera", "GeoVision", None, None, "geovision.ingram-title"),
    ("http.title", "hikvision", "Hikvision", None, None, "hikvision.ingram-title"),
    ("http.title", "HIKVISION NVR Login", "Hikvision", None, None, "hikvision.ingram-title"),
    (
        "http.title",
        "INSTAR Full-HD IP Camera",
        "INSTAR",
        None,
        "camera",
        "instar.ingram-title-instar-camera",
    ),
    ("http.title", "INSTAR Camera", "INSTAR", None, "camera", "instar.ingram-title-instar-camera"),
    (
        "http.title",
        "Camera IN-8015 Full HD | INSTAR",
        "INSTAR",
        None,
        "camera",
        "instar.ingram-title-instar-camera",
    ),
]

# Strings left out (generic keywords, strings naming no maker, bodies, other files' hashes),
# other makers' strings, look-alike names, and the entries' strings in another field.
LOOK_ALIKES = [
    ("http.title", "::: Login :::"),
    ("http.title", "Remote Surveillance, Any time & Any where"),
    ("http.title", "LOGIN"),
    ("http.title", "INSTAR"),
    ("http.title", "INSTAR Cloud"),
    ("http.title", "Instar larva camera trap"),
    ("http.title", "WINSTAR Display Camera"),
    ("http.title", "DINSTAR Camera Gateway"),
    ("http.title", "INSTARS Camera"),
    ("http.title", "Instar Camera"),
    ("http.server", "INSTAR Camera"),
    ("http.title", "Tenda | Wireless Router"),
    ("http.title", "Geovisionary Maps"),
    ("http.title", "HikCentral Professional"),
    ("http.title", "IP Surveillance for Your Life"),
    ("http.server", "hikvision"),
    ("http.server", "Dahua Http Server/1.0"),
    ("http.server", "Sony Network Camera Server/1.0"),
    ("http.server", "bosch"),
    ("http.server", "JAWS/1.0"),
    ("http.server", "IPCamera"),
    ("http.server", "Netwave IP Camera"),
    ("http.server", "GoAhead-Webs"),
    ("http.server", "Apache-Axis/1.4"),
    ("http.server", "Simple Axis Server"),
    ("http.server", "Samsung AllShare Server/1.0"),
    ("http.server", "SonyEricsson HTTP"),
    ("http.server", "Boschung Web"),
    ("http.server", "DVR Web Server"),
    ("http.server", "NVR Webserver"),
    ("http.server", "Network Camera"),
    ("http.server", "Security Systems HTTPD"),
    ("http.server", "surveillance recorder"),
    ("http.server", "CPPlusMinus"),
    ("http.server", "Vivotekk"),
    ("http.server", "Dahuang"),
    ("http.server", "GeoVision"),
    ("http.www_authenticate", 'Basic realm="DCS"'),
    ("http.www_authenticate", "Basic realm=DCS"),
    ("http.www_authenticate", "Basic realm=DCSX-930L"),
    ("http.www_authenticate", "Basic realm=hikvision"),
    ("http.title", "DCS-932L"),
    ("http.favicon_md5", "6a7e13b3f9197a383c96618fe32e345a"),
    ("http.favicon_md5", "4ff53be6165e430af41d782e00207fda"),
    ("http.favicon_md5", "c30a692ad0d1324389485de06c96d9b8"),
    ("http.favicon_md5", "f066b751b858f75ef46536f5b357972b"),
    ("http.favicon_md5", "fa31b29eab2da688b11d8fafc5fc6b27"),
    ("http.favicon_md5", "bd9e17c46bbbc18af2a2bd718dddad0f"),
    ("http.favicon_md5", "x1536f25632f78fb03babedcb156d3f69"),
    ("http.title", "bd9e17c46bbbc18af2a2bd718dddad0e"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("camera-scanners", EXAMPLES, LOOK_ALIKES)
)


def test_camera_scanner_rules_cite_their_entry() -> None:
    commits = {repository: commit for repository, (commit, _, _) in SOURCES.items()}
    for rule, origin, repository in cited_rules_of_repositories(
        "camera-scanners", "camera-scanners", commits
    ):
        _, path, licence = SOURCES[repository]
        assert origin.file == path and path in rule.note, rule.id
        assert origin.licence == f"{licence} (fact only)", rule.id
        line = rule.source.rpartition("#L")[2]
        # the entry is named by its product and line, which the note and address give
        assert origin.fingerprint.endswith(f"(line {line})"), rule.id
        assert f"line {line}" in rule.note or f"lines {int(line) - 1}-{line}" in rule.note
