"""Rules drawn from public lists of Shodan queries for cameras and recorders (shodan-dorks.yaml):
each string a query quotes names its maker (and model where it carries one); generic strings,
other makers' strings of a similar shape and the words used ordinarily name none."""

from __future__ import annotations

from .conftest import cited_rules_of_repositories, rule_file_tests

# The lists read, each at one commit: repository -> (commit, file read).
SOURCES = {
    "woj-ciech/Kamerka-GUI": ("7312013e8a2d78f20c22e14e603d2afbd355b972", "kamerka/tasks.py"),
    "dootss/shodan-dorks": ("c88c9d04e4865f842d8f0beb38cae3b6d0ff9f12", "dorks.yaml"),
}

# field, value as the query quotes it (in the form the device sends it), manufacturer, model,
# device kind, the rule that must fire
EXAMPLES = [
    ("http.server", "VVTK-HTTP-Server", "Vivotek", None, "camera", "vivotek.shodan-server-vvtk"),
    (
        "http.server",
        "VVTK-HTTP-Server/1.0",
        "Vivotek",
        None,
        "camera",
        "vivotek.shodan-server-vvtk",
    ),
    ("http.title", "Avigilon", "Avigilon", None, None, "avigilon.shodan-title"),
    (
        "http.www_authenticate",
        'Basic realm="WVC80N"',
        "Linksys",
        "WVC80N",
        "camera",
        "linksys.shodan-wvc80n",
    ),
    ("http.title", "WVC80N", "Linksys", "WVC80N", "camera", "linksys.shodan-wvc80n"),
    (
        "rtsp.server",
        "UBNT Streaming Server",
        "Ubiquiti",
        None,
        "camera",
        "ubiquiti.shodan-rtsp-ubnt-streaming",
    ),
    (
        "rtsp.server",
        "UBNT Streaming Server v1.2",
        "Ubiquiti",
        None,
        "camera",
        "ubiquiti.shodan-rtsp-ubnt-streaming",
    ),
    ("tls.subject", "Grandstream", "Grandstream", None, None, "grandstream.shodan-tls"),
    (
        "tls.issuer",
        "CN=Grandstream Networks, O=Grandstream",
        "Grandstream",
        None,
        None,
        "grandstream.shodan-tls",
    ),
    (
        "http.www_authenticate",
        'Basic realm="DS06A(P) SIP Door Station"',
        "Beward",
        "DS06A(P)",
        "intercom",
        "beward.shodan-ds06-door-station",
    ),
    (
        "http.title",
        "DS06A(P) SIP Door Station",
        "Beward",
        "DS06A(P)",
        "intercom",
        "beward.shodan-ds06-door-station",
    ),
]

# Strings the same lists give as generic, other makers' strings of a similar shape, and the words
# the rules rest on used as ordinary words: none of the new rules may fire.
LOOK_ALIKES = [
    ("http.title", "IPCam Client"),
    ("http.title", "Network Camera"),
    ("http.title", "DVR"),
    ("http.title", "NVR"),
    ("http.title", "Axis Happiness Page"),
    ("http.title", "Avigilance report"),
    ("http.server", "Camera Web Server"),
    ("http.server", "HTTP-Server"),
    ("http.server", "Hikvision-Webs"),
    ("http.server", "webcamXP 5"),
    ("http.server", "GeoHttpServer"),
    ("http.server", "Netwave IP Camera"),
    ("http.server", "Linux/2.x UPnP/1.0 Avtech/1.0"),
    ("http.server", "Apache VVTK-HTTP-Server"),  # not sent as the header's own name
    ("rtsp.server", "Streaming Server"),
    ("rtsp.server", "Hipcam RealServer/V1.0"),
    ("rtsp.server", "Server: UBNT"),
    ("http.www_authenticate", 'Basic realm="WVC54GC"'),
    ("http.www_authenticate", 'Basic realm="WVC80NX"'),
    ("http.www_authenticate", 'Basic realm="SIP Door Station"'),
    ("http.www_authenticate", 'Basic realm="DS-2CD2042WD"'),
    ("http.www_authenticate", 'Basic realm="Intelligent Digital Security System"'),
    ("tls.subject", "CN=Grand Stream Hotel"),
    ("tls.subject", "O=HIKVISION"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("shodan-dorks", EXAMPLES, LOOK_ALIKES)
)


def test_dork_rules_cite_their_list_and_a_known_maker() -> None:
    commits = {repository: commit for repository, (commit, _) in SOURCES.items()}
    for rule, origin, repository in cited_rules_of_repositories(
        "shodan-dorks", "shodan-dorks", commits
    ):
        path = SOURCES[repository][1]
        assert origin.file == path and path in rule.note, rule.id
        assert "(fact only)" in origin.licence, rule.id
