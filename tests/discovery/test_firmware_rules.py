"""Rules drawn from what cameras' own firmware says it sends (firmware.yaml): the string Foscam's
RTSP server program holds names Foscam in the RTSP replies the scanner records; other makers'
realms, the generic words alone, LIVE555's own strings and the string in HTTP fields name none."""

from __future__ import annotations

from .conftest import cited_rules_of_repositories, rule_file_tests

# The dumps read, each at one commit: repository -> (commit, file read, its licence).
SOURCES = {
    "OpenFoscam/FI-9900P_filesystem": (
        "a75621947ad119ad55f229be96e0ffb46184874a",
        "mnt/mtd/app/zbin.tar.xz",
        "no licence stated",
    ),
}

# field, value (as the firmware holds it, then as a camera sends it), manufacturer, device kind,
# the rule that must fire
EXAMPLES = [
    (
        "rtsp.www_authenticate",
        'Digest realm="Foscam IPCam Living Video"',
        "Foscam",
        "camera",
        "foscam.firmware-rtsp-string",
    ),
    (
        "rtsp.www_authenticate",
        'Digest realm="Foscam IPCam Living Video", nonce="3c889dbf8371d3660aa2496789a5d130"',
        "Foscam",
        "camera",
        "foscam.firmware-rtsp-string",
    ),
    ("rtsp.server", "Foscam IPCam Living Video", "Foscam", "camera", "foscam.firmware-rtsp-string"),
]

# Other makers' RTSP realms, LIVE555's own names, the generic words alone, a look-alike name,
# and the string in HTTP fields.
LOOK_ALIKES = [
    ("rtsp.www_authenticate", 'Basic realm="dahuartsp"'),
    ("rtsp.www_authenticate", 'Digest realm="LIVE555 Streaming Media", nonce="1"'),
    ("rtsp.www_authenticate", 'Digest realm="IPCam Living Video", nonce="1"'),
    ("rtsp.www_authenticate", 'Digest realm="IP Camera", nonce="1"'),
    ("rtsp.www_authenticate", 'Digest realm="Fosscam IPCam Living Video", nonce="1"'),
    ("rtsp.www_authenticate", 'Digest realm="NotFoscam IPCam Living Video", nonce="1"'),
    ("rtsp.server", "LIVE555 Streaming Media v2014.02.10"),
    ("http.server", "Foscam IPCam Living Video"),
    ("http.title", "Foscam IPCam Living Video"),
    ("http.www_authenticate", 'Basic realm="ipcamera_00626E000001"'),
    ("http.title", "IPCam Client"),
]


test_examples_name_the_maker, test_look_alikes_fire_no_rule, test_every_rule_has_an_example = (
    rule_file_tests("firmware", EXAMPLES, LOOK_ALIKES)
)


def test_firmware_rules_cite_their_file() -> None:
    commits = {repository: commit for repository, (commit, _, _) in SOURCES.items()}
    for rule, origin, repository in cited_rules_of_repositories("firmware", "firmware", commits):
        _, path, licence = SOURCES[repository]
        assert origin.file == path and path in rule.note, rule.id
        assert origin.licence == f"{licence} (fact only)", rule.id
        # the string is quoted as the firmware holds it, and the rule's pattern carries it
        assert origin.pattern in rule.pattern and origin.pattern in rule.note, rule.id
        assert path in origin.fingerprint, rule.id
