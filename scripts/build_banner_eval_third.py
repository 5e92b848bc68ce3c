"""Build the third banner evaluation set (tests/intel/eval/banners_third.csv), all holdout.

Sources no identification rule has been or may be written from (the rules come from Recog, nmap,
Greenbone, WhatWeb, ztag, LibreNMS, nuclei-templates, IANA/Wireshark and the scan samples of the
second set), each example labelled by that source itself. Only facts are taken (the literal
strings devices send and the company the source names); no code or prose:

* ``intrigue``: intrigue-ident's checks (github.com/intrigueio/intrigue-ident ``checks/**.rb`` at
  the last commit under BSD-3-Clause, before the 2021 change to a non-commercial licence):
  ``content_headers`` patterns anchored at both ends with no wildcard (``/^server:\\ X$/``,
  ``www-authenticate``), ``content_title`` and ``content_banner`` patterns ``/^X$/``, and whole
  titles in ``content_body`` patterns (``<title>X</title>``). Labelled with the check's ``vendor``
  (none for ``Generic``); camera and recorder scope for the checks in ``INTRIGUE_CAMERAS``.
* ``eyewitness``: the page titles quoted whole (``<title>X</title>``) in EyeWitness's
  ``Python/signatures.txt`` (github.com/RedSiege/EyeWitness, GPL-3.0), labelled with the device
  the signature's description names (the first word of the description before the default
  credentials, e.g. "Brother HL-2270DW admin/access" -> Brother); a title quoted under two
  different descriptions is left out, and so is a description that names no company.
  Camera and recorder scope for the descriptions in ``EYEWITNESS_CAMERAS``.
* ``fingerprinthub``: the favicon MD5 hashes of FingerprintHub's web fingerprints
  (github.com/0x727/FingerprintHub ``web-fingerprint/<vendor>/<product>.yaml``, MIT), labelled with
  the vendor directory (or, under ``00_unknown``, the product name); camera and recorder scope
  for the products in ``FINGERPRINTHUB_CAMERAS``. Its titles and header words are stored
  lower-cased (not as devices send them) and are left out.
* ``issues``: replies of real devices quoted verbatim in public GitHub issue and pull-request
  threads, transcribed by hand in ``tests/intel/eval/issue_replies.csv``
  (``url,field,value,maker,device,camera,quoted_by``; the queries that found the threads and the
  procedure are in ``independent.origin.md``), labelled with the maker the thread names for the
  device (none when it names none); camera and recorder scope where ``camera`` is 1. A reply
  quoted in several threads gives one example (the first thread is its ``ref``); one the threads
  label with different makers is left out.

    PYTHONPATH=src python scripts/build_banner_eval_third.py --intrigue INTRIGUE_GIT_DIR \\
      --eyewitness EYEWITNESS_GIT_DIR --fingerprinthub FINGERPRINTHUB_GIT_DIR \\
      [--issues tests/intel/eval/issue_replies.csv]

Each repository argument is a git directory (read with ``git show <commit>:…``); the commits read
are printed and recorded in ``independent.origin.md``. No rule may ever be written from this set.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import yaml
from _snapshots import git, literal  # scripts/_snapshots.py, beside this script

from custodes.discovery.independent import ISSUE_REPLIES_FILE, THIRD_BANNERS_FILE, example_id

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "intel" / "eval" / THIRD_BANNERS_FILE
ISSUES = ROOT / "tests" / "intel" / "eval" / ISSUE_REPLIES_FILE
ISSUE_COLUMNS = ["url", "field", "value", "maker", "device", "camera", "quoted_by"]
# The observation fields a quoted reply may be transcribed as.
ISSUE_FIELDS = frozenset(
    {
        "http.server",
        "http.www_authenticate",
        "http.title",
        "rtsp.server",
        "rtsp.www_authenticate",
        "ftp.banner",
        "telnet.banner",
        "ssh.banner",
        "snmp.sysdescr",
        "upnp.server",
        "upnp.manufacturer",
        "onvif.manufacturer",
        "onvif.model",
    }
)
_ISSUE_URL = re.compile(r"https://github\.com/[\w.-]+/[\w.-]+/(?:issues|pull)/\d+")
# The last commit of intrigue-ident under BSD-3-Clause (the next one, 2a36297, moved it to the
# "Mandiant Limited Open Source License").
INTRIGUE_BSD_COMMIT = "e083b864eb60dfb2b48bdac9b430773290a02e6f"

# intrigue-ident checks about cameras and recorders: (vendor, product) as the check names them.
INTRIGUE_CAMERAS = frozenset(
    {("Axis", "Network Camera Firmware"), ("HikVision", "DNVRS"), ("HikVision", "Camera")}
)
INTRIGUE_PROTOCOL_FIELDS = {"ftp": "ftp.banner", "telnet": "telnet.banner", "ssh": "ssh.banner"}
# EyeWitness descriptions of cameras and recorders: the device the description names -> the
# maker (its first word names it) and whether the description calls it a camera or recorder.
EYEWITNESS_CAMERAS: dict[str, tuple[str, bool]] = {
    "DigitalSI": ("DigitalSI", True),
    "Sony SNC-RZ50": ("Sony", True),
    "ACTi Web Configurator Camera": ("ACTi", True),
    "AxisTV Login": ("Axis", False),
    "DVR IP Camera": ("", False),
}
# FingerprintHub products (vendor directory/product file) of cameras, recorders and video
# management software of surveillance makers, with the maker the product names.
FINGERPRINTHUB_CAMERAS: dict[str, tuple[str, bool]] = {
    "00_unknown/avtech-video-web-server.yaml": ("AVTech", True),
    "00_unknown/hikvision-ip-camera.yaml": ("Hikvision", True),
    "00_unknown/hikvision-isecure-center.yaml": ("Hikvision", True),
    "00_unknown/综合安防管理平台 hikvision-isecure-center.yaml": ("Hikvision", True),
    "00_unknown/hikvision-ip网络对讲广播系统.yaml": ("Hikvision", False),
}
_META = re.compile(r"[\[\](){}*+?|^$\\.]")
_STRING = re.compile(r"""^\s*(vendor|product):\s*(['"])(.*?)\2""")
_MATCH_TYPE = re.compile(r"match_type:\s*:(\w+)")
_MATCH_CONTENT = re.compile(r"match_content:\s*(?:/(.*)/([imx]*)|%r\{(.*)\}([imx]*))\s*,?\s*$")
_HEADER = re.compile(r"\^(server|www-authenticate):(?:\\ | |\\s)(.+)\$", re.I)
_BODY_TITLE = re.compile(r"<title>(.*?)</title>", re.I)
_EYEWITNESS_TITLE = re.compile(r"\s*<title>([^<]*)</title>\s*", re.I)
_GENERIC_WORDS = frozenset(
    {"dect", "firewall", "ip", "print", "smart", "ultra-elegant", "wireless", "no", "gs324tp"}
)
_CREDENTIALS = re.compile(
    r"\s(?:-\s|/\s|\w*<?\w+>?/\S|<pass)"
    r"|\s(?:admin|administrator|root|password|initpass|no default|windows auth)\b",
    re.I,
)


def _literal(fragment: str) -> str | None:
    """The text a regex fragment matches when it has no wildcard (escapes undone), else None."""
    return literal(fragment, _META)


def intrigue_observations(
    match_type: str, pattern: str, protocol: str
) -> Iterator[tuple[str, str]]:
    """(field, value) for a pattern that matches one whole literal value."""
    if match_type == "content_headers":
        header = _HEADER.fullmatch(pattern)
        if header and (value := _literal(header.group(2))):
            yield f"http.{header.group(1).casefold().replace('-', '_')}", value
    elif match_type in {"content_title", "content_banner"}:
        field = "http.title" if match_type == "content_title" else None
        field = field or INTRIGUE_PROTOCOL_FIELDS.get(protocol)
        anchored = pattern.startswith("^") and pattern.endswith("$")
        if field and anchored and (value := _literal(pattern[1:-1])):
            yield field, value
    elif match_type == "content_body":
        title = _BODY_TITLE.fullmatch(pattern)
        if title and (value := _literal(title.group(1))):
            yield "http.title", value


def intrigue_rows(git_dir: Path, commit: str) -> Iterator[dict[str, str]]:
    """One row per literal observation of every intrigue-ident check, labelled by its vendor."""
    paths = git(git_dir, "ls-tree", "-r", "--name-only", commit, "checks/").decode().split("\n")
    for path in sorted(p for p in paths if p.endswith(".rb")):
        source = git(git_dir, "show", f"{commit}:{path}").decode("utf-8", "replace")
        protocol = path.split("/")[1]
        vendor = product = match_type = ""
        for line in source.splitlines():
            if found := _STRING.match(line):
                if found.group(1) == "vendor":
                    vendor, product, match_type = found.group(3), "", ""
                else:
                    product = found.group(3)
                continue
            if found := _MATCH_TYPE.search(line):
                match_type = found.group(1)
            content = _MATCH_CONTENT.search(line)
            if not content or not vendor:
                continue
            pattern = content.group(1) if content.group(1) is not None else content.group(3)
            for field, value in intrigue_observations(match_type, pattern, protocol):
                maker = "" if vendor == "Generic" else vendor
                yield {
                    "source": "intrigue",
                    "field": field,
                    "value": value,
                    "expected": maker,
                    "recall_scope": "1" if (vendor, product) in INTRIGUE_CAMERAS else "0",
                    "lookalike": "0",
                    "label": f"intrigue-ident {path}: the check's vendor "
                    f"('{vendor}', product '{product or '-'}')",
                    "ref": f"intrigueio/intrigue-ident:{path}",
                }


def eyewitness_device(description: str) -> str:
    """The device an EyeWitness description names: its words before the default credentials."""
    text = " " + description
    cut = _CREDENTIALS.search(text)
    return (text[: cut.start()] if cut else text).strip(" -/")


def eyewitness_maker(device: str) -> str:
    """The company a device description names: its first word, when that is a name (capital
    initial, not a generic word such as "Wireless" or "Firewall"); else empty."""
    first = device.split()[0] if device.split() else ""
    if not first[:1].isupper() or first.casefold() in _GENERIC_WORDS:
        return ""
    return first


def eyewitness_rows(git_dir: Path) -> Iterator[dict[str, str]]:
    """The whole page titles of EyeWitness's signatures, labelled with the device named."""
    path = "Python/signatures.txt"
    text = git(git_dir, "show", f"HEAD:{path}").decode("utf-8", "replace")
    labels: dict[str, set[str]] = defaultdict(set)
    for line in text.splitlines():
        signature, _, description = line.rpartition("|")
        for part in signature.split(";"):
            title = _EYEWITNESS_TITLE.fullmatch(part)
            if title and title.group(1).strip():
                labels[title.group(1).strip()].add(eyewitness_device(description.strip()))
    for value, devices in sorted(labels.items()):
        if len(devices) != 1 or not (device := next(iter(devices))):
            continue
        maker, camera = EYEWITNESS_CAMERAS.get(device, (eyewitness_maker(device), False))
        if not maker and device not in EYEWITNESS_CAMERAS:
            continue
        yield {
            "source": "eyewitness",
            "field": "http.title",
            "value": value,
            "expected": maker,
            "recall_scope": "1" if camera else "0",
            "lookalike": "0",
            "label": f"EyeWitness signature: the company its description names ('{device}')",
            "ref": f"RedSiege/EyeWitness:{path}",
        }


def fingerprinthub_rows(git_dir: Path) -> Iterator[dict[str, str]]:
    """The favicon MD5 hashes of FingerprintHub's web fingerprints, labelled by vendor."""
    paths = git(git_dir, "ls-tree", "-r", "--name-only", "-z", "HEAD", "web-fingerprint/")
    for path in sorted(p for p in paths.decode().split("\0") if p.endswith(".yaml")):
        document = yaml.safe_load(git(git_dir, "show", f"HEAD:{path}")) or {}
        key = path.removeprefix("web-fingerprint/")
        vendor, _, product = key.partition("/")
        own = product.removesuffix(".yaml") if vendor == "00_unknown" else vendor
        maker, camera = FINGERPRINTHUB_CAMERAS.get(key, (own, False))
        for request in document.get("http") or []:
            for matcher in request.get("matchers") or []:
                for value in matcher.get("hash") or []:
                    if not re.fullmatch(r"[0-9a-f]{32}", str(value)):
                        continue  # a murmur hash (Shodan's form), not an MD5
                    yield {
                        "source": "fingerprinthub",
                        "field": "http.favicon_md5",
                        "value": str(value),
                        "expected": maker,
                        "recall_scope": "1" if camera else "0",
                        "lookalike": "0",
                        "label": f"FingerprintHub {key}: the vendor directory or product named",
                        "ref": f"0x727/FingerprintHub:{path}",
                    }


def read_issue_replies(path: Path) -> list[dict[str, str]]:
    """The rows of ``issue_replies.csv``, checked: known columns and fields, a thread URL, a value
    without surrounding blanks, camera 0 or 1 (1 only with a maker)."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ISSUE_COLUMNS:
            raise ValueError(f"{path}: columns {reader.fieldnames}, expected {ISSUE_COLUMNS}")
        rows = list(reader)
    for number, row in enumerate(rows, start=2):
        problems = [
            "field" if row["field"] not in ISSUE_FIELDS else "",
            "url" if not _ISSUE_URL.fullmatch(row["url"]) else "",
            "value" if not row["value"].strip() or row["value"] != row["value"].strip() else "",
            "camera" if row["camera"] not in {"0", "1"} else "",
            "maker" if row["camera"] == "1" and not row["maker"] else "",
        ]
        if any(problems):
            raise ValueError(f"{path}:{number}: bad {', '.join(p for p in problems if p)}")
    return rows


def issues_rows(path: Path) -> Iterator[dict[str, str]]:
    """One example per reply (field and value) quoted in the threads of ``path``, labelled with
    the maker the first thread quoting it names; replies the threads label with different makers
    are yielded once per maker, so that the caller leaves them out."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = defaultdict(list)
    for row in read_issue_replies(path):
        groups[(row["field"], row["value"])].append(row)
    for (field, value), quoted in groups.items():
        by_maker: dict[str, dict[str, str]] = {}
        for row in quoted:
            by_maker.setdefault(row["maker"].casefold(), row)
        others = len({row["url"] for row in quoted}) - 1
        plural = "s" if others > 1 else ""
        also = f" (also quoted in {others} other thread{plural})" if others else ""
        for first in by_maker.values():
            yield {
                "source": "issues",
                "field": field,
                "value": value,
                "expected": first["maker"],
                "recall_scope": first["camera"],
                "lookalike": "0",
                "label": f"GitHub thread, reply quoted by {first['quoted_by']}: "
                f"{first['device']} ({field}){also}",
                "ref": first["url"],
            }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--intrigue", type=Path, required=True, help="git dir of intrigue-ident")
    parser.add_argument("--intrigue-commit", default=INTRIGUE_BSD_COMMIT)
    parser.add_argument("--eyewitness", type=Path, required=True, help="git dir of EyeWitness")
    parser.add_argument("--fingerprinthub", type=Path, required=True, help="git dir of 0x727/…")
    parser.add_argument(
        "--issues", type=Path, default=ISSUES, help="replies quoted in GitHub threads (CSV)"
    )
    args = parser.parse_args()
    print(args.intrigue, args.intrigue_commit)
    print(args.issues, hashlib.sha256(args.issues.read_bytes()).hexdigest())
    for git_dir in (args.eyewitness, args.fingerprinthub):
        print(git_dir, git(git_dir, "rev-parse", "HEAD").decode().strip())
    rows: dict[str, dict[str, str]] = {}
    labels: dict[str, set[str]] = defaultdict(set)
    for row in (
        *intrigue_rows(args.intrigue, args.intrigue_commit),
        *eyewitness_rows(args.eyewitness),
        *fingerprinthub_rows(args.fingerprinthub),
        *issues_rows(args.issues),
    ):
        key = example_id(row["source"], row["field"], row["value"])
        labels[key].add(row["expected"].casefold())
        rows.setdefault(key, {"id": key, **row})
    # A value one source labels with two different companies says nothing: left out.
    kept = [row for key, row in rows.items() if len(labels[key]) == 1]
    columns = ["id", "source", "field", "value", "expected", "recall_scope", "lookalike"]
    columns += ["label", "ref"]
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(kept, key=lambda row: (row["source"], row["id"])))
    cameras = [row for row in kept if row["recall_scope"] == "1"]
    makers = {row["expected"].casefold() for row in cameras}
    print(f"{len(kept)} examples ({len(cameras)} cameras/recorders, {len(makers)} makers) to {OUT}")


if __name__ == "__main__":
    main()
