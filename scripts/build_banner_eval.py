"""Build the second banner evaluation set (tests/intel/eval/banners.csv) from third-party data.

A banner source independent of Recog, nmap and Greenbone (the sources the rules were written
from), each example labelled by that source itself:

* ``whatweb``: the literal observations in WhatWeb's plugins (github.com/urbanadventurer/WhatWeb,
  GPL-2.0; the strings are facts its authors saw on real devices, e.g. "ShodanHQ results as at
  2011-09-19"): an anchored ``headers[server]`` or ``headers[www-authenticate]`` pattern with no
  wildcard (``/^ADH-Web$/``, ``/^(Network Camera|Network Dome Camera)$/``) and page titles quoted
  whole (``:text=>'<title>WebGuard Login</title>'``). Patterns with wildcards, version captures or
  body text are left out. The label is the company the plugin names (``CAMERA_PLUGINS`` below,
  from the plugin's ``name`` and ``website``); other plugins (routers, printers, CMSs …) label
  their examples with the plugin's own name and are scored for precision only.
* ``ztag``: the FTP greetings Censys recorded on the Internet that zmap/ztag's annotations quote
  as their tests (github.com/zmap/ztag ``ztag/annotations/Ftp*.py``, Apache-2.0), labelled with
  the annotation's ``Manufacturer`` (none when the annotation names none, e.g. FTP server
  software); camera and recorder scope when the annotation types the device as a camera or DVR.
* ``librenms``: sysDescr and sysObjectID of the SNMP recordings of real devices in LibreNMS's
  tests (github.com/librenms/librenms ``tests/snmpsim/<os>.snmprec``, GPL-3.0; the commit of each
  file is recorded in independent.origin.md), labelled with the maker of the operating-system class
  LibreNMS files the recording under (``LIBRENMS_OS``). Given as copies of those files.
* ``scans``: Internet scan samples: the ``Server:`` headers the "Banner-Data-Cheatsheet" port
  scanner recorded for hosts it classed as ``hikvision`` (github.com/zh250/Banner-Data-Cheatsheet,
  CC BY-SA 4.0), and the UPnP ``SERVER`` header of the devices Ferret labelled "Security Camera"
  (github.com/talhajavedmukhtar/ARE-rt ``data/ferret_banners.json``, MIT).

    PYTHONPATH=src python scripts/build_banner_eval.py --whatweb WHATWEB_GIT_DIR \
      --ztag ZTAG_GIT_DIR --cheatsheet CHEATSHEET_GIT_DIR --are-rt ARE_RT_GIT_DIR \
      --librenms-snmprec axiscam.snmprec ...

Each argument is a git directory (read with ``git show HEAD:…``); the commits read are printed and
recorded in ``independent.origin.md``.
"""

from __future__ import annotations

import argparse
import ast
import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

from _snapshots import git, literal  # scripts/_snapshots.py, beside this script

from custodes.discovery.independent import BANNERS_FILE, example_id

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "intel" / "eval" / BANNERS_FILE

# WhatWeb plugins about cameras, recorders and camera software, and plugins whose ``website`` is
# a camera maker's: the company the plugin names (from its ``name`` and ``website``) and whether
# the plugin is about camera or recorder hardware (recall scope) or software and other devices
# (precision only).
CAMERA_PLUGINS: dict[str, tuple[str, bool]] = {
    "avtech-video-web-server.rb": ("AVTech", True),
    "axis-network-camera.rb": ("Axis", True),
    "axis-printserver.rb": ("Axis", False),
    "canon-print-server.rb": ("Canon", False),
    "canon-printer.rb": ("Canon", False),
    "d-link-router.rb": ("D-Link", False),
    "edimax.rb": ("Edimax", False),
    "geohttpserver.rb": ("GeoVision", True),
    "sony-locationfree-tv.rb": ("Sony", False),
    "sony-projector.rb": ("Sony", False),
    "toshiba-cable-modem.rb": ("Toshiba", False),
    "toshiba-projector.rb": ("Toshiba", False),
    "trendnet-print-server.rb": ("TRENDnet", False),
    "trendnet-router.rb": ("TRENDnet", False),
    "biromsoft-webcam.rb": ("Biromsoft", False),
    "canon-network-camera.rb": ("Canon", True),
    "d-link-network-camera.rb": ("D-Link", True),
    "dedicated-micros-device.rb": ("Dedicated Micros", True),
    "dibos.rb": ("Bosch", True),
    "everfocus-cctv.rb": ("EverFocus", True),
    "grandstream-phone.rb": ("Grandstream", False),
    "grandtec-x-guard.rb": ("GrandTec", True),
    "hikvision.rb": ("Hikvision", True),
    "i-catcher-console.rb": ("iCode", False),
    "idvr.rb": ("iDVR", False),
    "intellinet-ip-camera.rb": ("Intellinet", True),
    "linksys-wireless-g-camera.rb": ("Linksys", True),
    "my-webcamxp-server.rb": ("webcamXP", False),
    "netsnap-web-camera.rb": ("NetSnap", False),
    "panasonic-network-camera.rb": ("Panasonic", True),
    "polycom-viewstation.rb": ("Polycom", False),
    "qnap-nas.rb": ("QNAP", False),
    "sony-network-camera.rb": ("Sony", True),
    "sony-video-network-station.rb": ("Sony", True),
    "teveolive-video-broadcast-software.rb": ("TeveoLive", False),
    "toshiba-network-camera.rb": ("Toshiba", True),
    "veo-observer.rb": ("Veo", True),
    "visiongs-webcam.rb": ("VisionGS", False),
    "vivotek-network-camera.rb": ("Vivotek", True),
    "webeye-network-camera.rb": ("Webgate", True),
    "webguard.rb": ("Novus", True),
}
# LibreNMS operating-system classes (the recording's file name): the maker, camera or recorder.
LIBRENMS_OS: dict[str, tuple[str, bool]] = {
    "axiscam": ("Axis", True),
    "axisdocserver": ("Axis", False),
    "bosch": ("Bosch", True),
    "dahua-nvr": ("Dahua", True),
    "hikvision": ("Hikvision", True),
    "hikvision-nvr": ("Hikvision", True),
    "vivotek": ("Vivotek", True),
}
SNMP_FIELDS = {"1.3.6.1.2.1.1.1.0": "snmp.sysdescr", "1.3.6.1.2.1.1.2.0": "snmp.sysobjectid"}
HEADER_FIELDS = {"server": "http.server", "www-authenticate": "http.www_authenticate"}
_HEADER = re.compile(
    r"""headers\[["']?(server|www-authenticate)["']?\]["']?\s*,\s*:regexp\s*=>\s*/(.*?)/[imx]*\s*[,}]"""
    r"""|@headers\[["'](server|www-authenticate)["']\]\s*=~\s*/(.*?)/[imx]*(?:\s|$)""",
    re.I,
)
_TEXT = re.compile(r""":text\s*=>\s*(['"])(.*?)\1""")
_REGEXP = re.compile(r":regexp\s*=>\s*/(.*?)/[imx]*\s*[,}]")
_TITLE = re.compile(r"<title>(.*?)<\\?/title>", re.I)
_META = re.compile(r"[\[\](){}*+?|^$\\]")
_NAME = re.compile(r'^name\s+"([^"]+)"', re.M)
_WEBSITE = re.compile(r'^website\s+"([^"]*)"', re.M)
_ALTERNATION = re.compile(r"\^\(([^()]*)\)\$")


def _literal(fragment: str) -> str | None:
    """The text a regex fragment matches when it has no wildcard (escapes undone), else None."""
    return literal(fragment, _META)


def _header_values(pattern: str) -> list[str]:
    """The whole header values an anchored pattern matches: ``^X$`` or ``^(A|B)$``."""
    alternation = _ALTERNATION.fullmatch(pattern)
    if alternation:
        return [value for part in alternation.group(1).split("|") if (value := _literal(part))]
    if pattern.startswith("^") and pattern.endswith("$") and not pattern.endswith("\\$"):
        value = _literal(pattern[1:-1])
        return [value] if value else []
    return []


def plugin_observations(source: str) -> Iterator[tuple[str, str]]:
    """(field, value) for each literal Server/WWW-Authenticate value and whole page title."""
    for line in source.splitlines():
        line = line.strip()
        if line.startswith("#"):
            continue
        header = _HEADER.search(line)
        if header:
            name = (header.group(1) or header.group(3)).casefold()
            for value in _header_values(header.group(2) or header.group(4)):
                yield HEADER_FIELDS[name], value
            continue
        for text in _TEXT.finditer(line):
            for title in _TITLE.finditer(text.group(2)):
                if title.group(1).strip():
                    yield "http.title", title.group(1).strip()
        for regexp in _REGEXP.finditer(line):
            for title in _TITLE.finditer(regexp.group(1)):
                value = _literal(title.group(1))
                if value:
                    yield "http.title", value


def whatweb_rows(git_dir: Path) -> Iterator[dict[str, str]]:
    """One row per literal observation of every WhatWeb plugin, labelled by the plugin."""
    names = git(git_dir, "ls-tree", "--name-only", "HEAD", "plugins/").decode().split()
    for path in sorted(name for name in names if name.endswith(".rb")):
        source = git(git_dir, "show", f"HEAD:{path}").decode("utf-8", "replace")
        plugin = path.removeprefix("plugins/")
        name_match = _NAME.search(source)
        website_match = _WEBSITE.search(source)
        name = name_match.group(1) if name_match else plugin
        website = website_match.group(1) if website_match else ""
        maker, camera = CAMERA_PLUGINS.get(plugin, (name, False))
        how = "company the plugin names" if plugin in CAMERA_PLUGINS else "plugin name"
        for field, value in sorted(set(plugin_observations(source))):
            yield {
                "source": "whatweb",
                "field": field,
                "value": value,
                "expected": maker,
                "recall_scope": "1" if camera else "0",
                "lookalike": "0",
                "label": f"whatweb {path} {how} (name '{name}', website '{website or '-'}')",
                "ref": path,
            }


_ZTAG_MANUFACTURER = re.compile(r"^    ([A-Z0-9_]+) = \"([^\"]+)\"", re.M)
_ZTAG_USED = re.compile(r"Manufacturer\.([A-Z0-9_]+)")
_ZTAG_DOC = re.compile(r'"""(.*?)"""', re.S)
_ZTAG_QUOTED = re.compile(r'^\s*("(?:[^"\\]|\\.)*")\s*,?\s*$', re.M)
_ZTAG_CAMERA = re.compile(r"Type\.(?:CAMERA|DVR)\b")


def ztag_rows(git_dir: Path) -> Iterator[dict[str, str]]:
    """The FTP greetings quoted as tests in ztag's FTP annotations, labelled by the annotation."""
    annotation = git(git_dir, "show", "HEAD:ztag/annotation.py").decode()
    manufacturers_block = annotation.split("class Manufacturer", 1)[1].split("\nclass ", 1)[0]
    names = dict(_ZTAG_MANUFACTURER.findall(manufacturers_block))
    paths = git(git_dir, "ls-tree", "--name-only", "HEAD", "ztag/annotations/").decode().split()
    for path in sorted(p for p in paths if Path(p).name.startswith("Ftp") and p.endswith(".py")):
        source = git(git_dir, "show", f"HEAD:{path}").decode("utf-8", "replace")
        used = list(dict.fromkeys(_ZTAG_USED.findall(source)))
        maker = names.get(used[0], "") if used else ""
        camera = bool(maker and _ZTAG_CAMERA.search(source))
        seen: set[str] = set()
        for doc in _ZTAG_DOC.findall(source):
            for quoted in _ZTAG_QUOTED.findall(doc):
                value = ast.literal_eval(quoted).strip("\r\n")
                if not value.strip() or value in seen:
                    continue
                seen.add(value)
                yield {
                    "source": "ztag",
                    "field": "ftp.banner",
                    "value": value,
                    "expected": maker,
                    "recall_scope": "1" if camera else "0",
                    "lookalike": "0",
                    "label": f"ztag {path}: the annotation's manufacturer "
                    f"({'Manufacturer.' + used[0] if used else 'none named'})",
                    "ref": path,
                }


def librenms_rows(paths: list[Path]) -> Iterator[dict[str, str]]:
    """sysDescr and sysObjectID of LibreNMS's SNMP recordings, labelled by the OS class."""
    for path in paths:
        maker, camera = LIBRENMS_OS[path.stem]
        for line in path.read_text("utf-8").splitlines():
            oid, _, rest = line.partition("|")
            kind, _, value = rest.partition("|")
            if oid not in SNMP_FIELDS or not value.strip():
                continue
            if kind == "4x":
                value = bytes.fromhex(value).decode("utf-8", "replace")
            yield {
                "source": "librenms",
                "field": SNMP_FIELDS[oid],
                "value": value.strip(),
                "expected": maker,
                "recall_scope": "1" if camera else "0",
                "lookalike": "0",
                "label": f"LibreNMS OS class '{path.stem}' (the maker it names)",
                "ref": f"librenms/librenms:tests/snmpsim/{path.name}",
            }


def cheatsheet_rows(git_dir: Path) -> Iterator[dict[str, str]]:
    """The ``Server:`` headers recorded for hosts the scanner classed as ``hikvision``."""
    path = "port scanner sample.csv"
    text = git(git_dir, "show", f"HEAD:{path}").decode("utf-8", "replace")
    seen: set[str] = set()
    for row in csv.DictReader(io.StringIO(text)):
        server = re.search(r"Server:(.+)$", row.get("banner") or "")
        if row.get("service") != "hikvision" or not server:
            continue
        value = server.group(1).strip()
        if value in seen:
            continue
        seen.add(value)
        yield {
            "source": "scans",
            "field": "http.server",
            "value": value,
            "expected": "Hikvision",
            "recall_scope": "1",
            "lookalike": "0",
            "label": "zh250/Banner-Data-Cheatsheet: the scanner's service class 'hikvision'",
            "ref": f"zh250/Banner-Data-Cheatsheet:{path}",
        }


def ferret_rows(git_dir: Path) -> Iterator[dict[str, str]]:
    """The UPnP SERVER header of devices Ferret labelled "Security Camera", with its vendor."""
    path = "data/ferret_banners.json"
    banners = json.loads(git(git_dir, "show", f"HEAD:{path}"))
    for banner in banners.values():
        server = re.search(r"^SERVER:\s*(.+?)\s*$", banner["banner"], re.I | re.M)
        for device in banner.get("ferretLabels", []):
            label = device["label"]
            if "Security Camera" not in label.get("deviceTypes", []) or not server:
                continue
            for vendor in label.get("vendor") or []:
                yield {
                    "source": "scans",
                    "field": "upnp.server",
                    "value": server.group(1),
                    "expected": vendor,
                    "recall_scope": "1",
                    "lookalike": "0",
                    "label": "ARE-rt Ferret label: vendor of a 'Security Camera' device",
                    "ref": f"talhajavedmukhtar/ARE-rt:{path}",
                }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--whatweb", type=Path, required=True, help="git dir of WhatWeb")
    parser.add_argument("--ztag", type=Path, required=True, help="git dir of zmap/ztag")
    parser.add_argument("--cheatsheet", type=Path, required=True, help="git dir of zh250/…")
    parser.add_argument("--are-rt", type=Path, required=True, help="git dir of ARE-rt")
    parser.add_argument("--librenms-snmprec", type=Path, nargs="*", default=[])
    args = parser.parse_args()
    for git_dir in (args.whatweb, args.ztag, args.cheatsheet, args.are_rt):
        print(git_dir, git(git_dir, "rev-parse", "HEAD").decode().strip())
    rows: dict[str, dict[str, str]] = {}
    for row in (
        *whatweb_rows(args.whatweb),
        *ztag_rows(args.ztag),
        *librenms_rows(args.librenms_snmprec),
        *cheatsheet_rows(args.cheatsheet),
        *ferret_rows(args.are_rt),
    ):
        key = example_id(row["source"], row["field"], row["value"])
        rows.setdefault(key, {"id": key, **row})
    columns = ["id", "source", "field", "value", "expected", "recall_scope", "lookalike"]
    columns += ["label", "ref"]
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows.values(), key=lambda row: (row["source"], row["id"])))
    print(f"{len(rows)} examples written to {OUT}")


if __name__ == "__main__":
    main()
