"""Build the independent evaluation set (tests/intel/eval/independent.csv) from third-party data.

Every label comes from the source itself: Recog's ``hw.vendor`` (else ``os.vendor``, else
``service.vendor``) parameter, the IEEE registrant's organisation name, OpenStreetMap's
``manufacturer`` tag (``brand``/``operator``: companies that are not camera makers), the News &
Observer survey's ``company`` answer. Nothing is read from Custodes' aliases or rules, except the
makers of concern, which are the companies named by the public lists cited in
``src/custodes/data/intel/concerns.yaml`` (their URLs are copied into makers_of_concern.csv).

    PYTHONPATH=src python scripts/build_independent_eval.py --recog RECOG_GIT_DIR [--ieee-csv F ...]

``RECOG_GIT_DIR`` is a git directory of github.com/rapid7/recog (read with ``git show``); the
IEEE registrations come from the IEEE CSV exports given with ``--ieee-csv`` or, without them,
from the MA-L and IAB registries bundled with netaddr.
"""

from __future__ import annotations

import argparse
import base64
import csv
import hashlib
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import netaddr
import yaml

from custodes.discovery.independent import example_id

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "intel" / "eval"
FIXTURES = ROOT / "tests" / "fixtures"
CONCERNS = ROOT / "src" / "custodes" / "data" / "intel" / "concerns.yaml"
OSM = FIXTURES / "osm_surveillance_switzerland_sample.json"
NC_SURVEY = FIXTURES / "nc_agency_survey20240430.csv"

RECOG_FIELDS = {
    "http_servers.xml": "http.server",
    "html_title.xml": "http.title",
    "http_wwwauth.xml": "http.www_authenticate",
    "rtsp_servers.xml": "rtsp.server",
    "x509_subjects.xml": "tls.subject",
    "ftp_banners.xml": "ftp.banner",
    "telnet_banners.xml": "telnet.banner",
    "snmp_sysdescr.xml": "snmp.sysdescr",
    "ssh_banners.xml": "ssh.banner",
    "favicons.xml": "http.favicon_md5",
}
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CAMERA_DEVICE = re.compile(
    r"camera|\bdvr\b|\bnvr\b|video (?:encoder|recorder|server)|web ?cam|surveillance", re.I
)
CONCERN_KINDS = {
    "national-security designation",
    "procurement ban",
    "sanction",
    "human-rights finding",
}
# IEEE registrant names of surveillance makers: (regex on the organisation name, the maker).
# The label is the registrant itself; the regex only groups one company's registrations.
IEEE_MAKERS: tuple[tuple[str, str], ...] = (
    (r"\bhikvision\b", "Hikvision"),
    (r"\bdahua\b", "Dahua"),
    (r"^axis communications\b", "Axis"),
    (r"\bhanwha (?:techwin|vision|aerospace)\b|^samsung techwin\b", "Hanwha Vision"),
    (r"^bosch security systems\b", "Bosch"),
    (r"^avigilon\b", "Avigilon"),
    (r"zhejiang uniview|\buniview\b", "Uniview"),
    (r"^vivotek\b", "Vivotek"),
    (r"^mobotix\b", "Mobotix"),
    (r"^pelco\b", "Pelco"),
    (r"^geovision\b", "GeoVision"),
    (r"^arecont vision\b", "Arecont Vision"),
    (r"\btiandy\b", "Tiandy"),
    (r"shenzhen tvt\b|\btvt digital\b", "TVT"),
    (r"xiongmai", "Xiongmai"),
    (r"^milesight\b|xiamen milesight", "Milesight"),
    (r"^iDIS co\b|^idis\b", "IDIS"),
    (r"^verkada\b", "Verkada"),
    (r"^reolink\b|shenzhen reolink", "Reolink"),
    (r"\bezviz\b", "Ezviz"),
    (r"^sz dji\b|\bdji technology\b|^dji\b", "DJI"),
    (r"^axon enterprise\b|^taser international\b", "Axon"),
    (r"^flir systems\b|teledyne flir", "Teledyne FLIR"),
    (r"^march networks\b", "March Networks"),
    (r"^genetec\b", "Genetec"),
    (r"^milestone systems\b", "Milestone Systems"),
    (r"^huawei technologies\b|^huawei device\b", "Huawei"),
    (r"^zte corporation\b", "ZTE"),
    (r"^hytera\b", "Hytera"),
    (r"^jovision\b|shenzhen jovision", "Jovision"),
    (r"^digital watchdog\b", "Digital Watchdog"),
    (r"^amcrest\b", "Amcrest"),
    (r"^lorex\b", "Lorex"),
    (r"^videotec\b", "Videotec"),
    (r"^dallmeier\b", "Dallmeier"),
)
# Registrants and brands whose names resemble a surveillance maker; each resolves to itself or
# nothing. Matched on IEEE registrant names; the others come from the sources listed.
LOOKALIKE_REGISTRANTS = re.compile(
    r"^(?:kbvision|haivision|ralink|axon networks|motorola mobility|xiaomi communications|"
    r"silicon laboratories|sharp corporation)",
    re.I,
)
LOOKALIKE_NAMES: tuple[tuple[str, str], ...] = (
    ("KBVISION", "issue 10 report: a real-world spelling that resolved to Hikvision"),
    ("SKVision", "issue 10 report: a real-world spelling that resolved to Hikvision"),
    ("Haivison", "issue 10 report: a real-world spelling that resolved to Hikvision"),
    ("hqvision", "issue 10 report: a real-world spelling that resolved to Hikvision"),
    ("hanwei", "issue 10 report: a real-world spelling that resolved to Huawei"),
    ("ralink", "issue 10 report: a real-world spelling that resolved to Reolink"),
    (
        "Hanwei Electronics Group Corporation",
        "https://en.imsilkroad.com/p/309303.html (Xinhua, 2019-11-11: a Zhengzhou sensor maker)",
    ),
)
OTHERS_ONE_IN = 35  # other registrants kept: one in 35, by hash of the prefix
# Telecom makers whose registrations are mostly phones and network gear, not cameras.
TELECOM_MAKERS = frozenset({"Huawei", "ZTE"})
PLACEHOLDERS = {"", "yes", "no", "unknown", "other", "?", "na", "n/a", "none"}


def _git_show(git_dir: Path, path: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", str(git_dir), "show", f"HEAD:{path}"],
        check=True,
        capture_output=True,
    ).stdout


def recog_rows(git_dir: Path) -> Iterator[dict[str, str]]:
    """One row per Recog example of the fields the scanner records, labelled by Recog."""
    for file_name, field in RECOG_FIELDS.items():
        tree = ElementTree.fromstring(_git_show(git_dir, f"xml/{file_name}"))
        for fingerprint in tree.iter("fingerprint"):
            pattern = fingerprint.get("pattern", "")
            flags = re.I if "REG_ICASE" in fingerprint.get("flags", "") else 0
            params = {p.get("name"): p for p in fingerprint.iter("param")}
            for example in fingerprint.iter("example"):
                text = example.text or ""
                if example.get("_encoding") == "base64":
                    text = base64.b64decode(text).decode("utf-8", "replace")
                text = text.strip("\r\n")
                if not text.strip() or CONTROL.search(text):
                    continue
                vendor, how = _recog_vendor(params, example, pattern, flags, text)
                device = example.get("hw.device") or _param(params, "hw.device") or ""
                device = device or example.get("os.device") or _param(params, "os.device") or ""
                yield {
                    "source": "recog",
                    "field": field,
                    "value": text,
                    "expected": vendor,
                    "recall_scope": "1" if vendor and CAMERA_DEVICE.search(device) else "0",
                    "lookalike": "1" if vendor and LOOKALIKE_REGISTRANTS.match(vendor) else "0",
                    "label": f"recog xml/{file_name} {how} (device: {device or '-'})",
                    "ref": f"xml/{file_name}#{pattern}",
                }


def _param(params: dict[str | None, ElementTree.Element], name: str) -> str | None:
    param = params.get(name)
    if param is None or param.get("pos", "0") != "0":
        return None
    return param.get("value") or None


def _recog_vendor(
    params: dict[str | None, ElementTree.Element],
    example: ElementTree.Element,
    pattern: str,
    flags: int,
    text: str,
) -> tuple[str, str]:
    """The vendor Recog records for the hardware, else the OS, else the service software;
    '' when it names none."""
    for name in ("hw.vendor", "os.vendor", "service.vendor"):
        if example.get(name):
            return example.get(name, ""), f"example {name}"
        value = _param(params, name)
        if value:
            return value, name
        param = params.get(name)
        if param is not None:
            try:
                match = re.search(pattern, text, flags)
            except re.error:
                match = None
            if match is not None and match.group(int(param.get("pos", "0"))):
                return match.group(int(param.get("pos", "0"))), f"{name} (captured)"
    return "", "no vendor"


def _ieee_registrations(csv_files: list[Path]) -> Iterator[tuple[str, str, str]]:
    """(registry, hex prefix, organisation) from IEEE CSV exports or netaddr's registries."""
    if csv_files:
        for path in csv_files:
            with path.open(encoding="utf-8", newline="") as handle:
                for row in csv.DictReader(handle):
                    yield row["Registry"], row["Assignment"].upper(), row["Organization Name"]
        return
    base = Path(netaddr.__file__).parent / "eui"
    for registry, name in (("MA-L", "oui.txt"), ("IAB", "iab.txt")):
        text = (base / name).read_text(encoding="utf-8", errors="replace")
        for match in re.finditer(r"^([0-9A-F]{6,9})\s+\(base 16\)\t+(.*)$", text, re.M):
            prefix, organisation = match.group(1), match.group(2).strip()
            if registry == "IAB":
                prefix = prefix.replace("-", "")
            yield registry, prefix, organisation


def _full_mac(prefix: str) -> str:
    """A MAC inside the registered block: the prefix padded with zeros."""
    digits = (prefix + "0" * 12)[:12]
    return ":".join(digits[index : index + 2] for index in range(0, 12, 2))


def ieee_rows(csv_files: list[Path]) -> Iterator[dict[str, str]]:
    """Registrations of surveillance makers and look-alikes, plus a sample of the others."""
    seen_names: set[str] = set()
    for registry, prefix, organisation in _ieee_registrations(csv_files):
        if not organisation:
            continue
        maker = next(
            (name for regex, name in IEEE_MAKERS if re.search(regex, organisation, re.I)), None
        )
        lookalike = LOOKALIKE_REGISTRANTS.match(organisation) is not None
        sampled = int(hashlib.sha256(prefix.encode()).hexdigest(), 16) % OTHERS_ONE_IN == 0
        if maker is None and not lookalike and not sampled:
            continue
        base = {
            "source": "ieee",
            "expected": maker or organisation,
            "recall_scope": "1" if maker else "0",
            "lookalike": "1" if lookalike else "0",
            "ref": f"{registry} {prefix}",
        }
        how = "registrant grouped by the maker table" if maker else "registrant itself"
        if maker in TELECOM_MAKERS:
            base["recall_scope"] = "0"
            how += " (telecom maker: scored for precision and concern, not MAC recall)"
        yield {
            **base,
            "field": "mac.oui",
            "value": _full_mac(prefix),
            "label": f"IEEE {registry} {prefix} registrant {organisation!r}: {how}",
        }
        if organisation.casefold() not in seen_names:
            seen_names.add(organisation.casefold())
            yield {
                **base,
                "field": "name",
                "value": organisation,
                "label": f"IEEE {registry} registrant name: {how}",
            }


def osm_rows() -> Iterator[dict[str, str]]:
    """OpenStreetMap tags of mapped surveillance cameras.

    ``manufacturer`` names the camera's maker. In this sample ``brand`` and ``operator`` name
    who runs the camera (banks, shops, weather services; ``brand:wikidata`` points at them):
    companies that are not camera makers, expected to resolve to themselves or nothing.
    """
    for element in json.loads(OSM.read_text(encoding="utf-8")):
        tags = element.get("tags", {})
        for tag in ("manufacturer", "brand", "operator"):
            value = str(tags.get(tag, "")).strip()
            if value.casefold() in PLACEHOLDERS:
                continue
            maker = tag == "manufacturer"
            yield {
                "source": "osm",
                "field": "name",
                "value": value,
                "expected": value,
                "recall_scope": "1" if maker else "0",
                "lookalike": "0",
                "label": f"OSM tag {tag}: "
                + ("names the maker" if maker else "names the operator, not a camera maker"),
                "ref": f"{element.get('type')}/{element.get('id')}",
            }


def nc_rows() -> Iterator[dict[str, str]]:
    """The ANPR vendor each North Carolina agency named (``company``)."""
    with NC_SURVEY.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            value = row["company"].strip()
            if value.casefold() in PLACEHOLDERS:
                continue
            yield {
                "source": "nc-survey",
                "field": "name",
                "value": value,
                "expected": value,
                "recall_scope": "1",
                "lookalike": "0",
                "label": "survey answer company names the ANPR vendor",
                "ref": f"agency {row['id']}",
            }


def lookalike_rows() -> Iterator[dict[str, str]]:
    """Names of companies that resemble a surveillance maker and are none."""
    for value, origin in LOOKALIKE_NAMES:
        yield {
            "source": "lookalike",
            "field": "name",
            "value": value,
            "expected": value,
            "recall_scope": "0",
            "lookalike": "1",
            "label": "look-alike: expected itself or nothing",
            "ref": origin,
        }


def makers_of_concern() -> list[dict[str, str]]:
    """Makers named by national-security, procurement, sanction or human-rights lists."""
    data = yaml.safe_load(CONCERNS.read_text(encoding="utf-8"))
    rows: dict[str, dict[str, str]] = {}
    for concern in data["concerns"]:
        if concern["kind"] not in CONCERN_KINDS or concern.get("confidence") == "low":
            continue
        for maker in concern["manufacturers"]:
            rows.setdefault(
                maker,
                {"maker": maker, "authority": concern["authority"], "source": concern["source"]},
            )
    return sorted(rows.values(), key=lambda row: row["maker"].casefold())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recog", type=Path, required=True, help="git dir of rapid7/recog")
    parser.add_argument("--ieee-csv", type=Path, action="append", default=[])
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    rows: dict[str, dict[str, str]] = {}
    for row in (
        *recog_rows(args.recog),
        *ieee_rows(args.ieee_csv),
        *osm_rows(),
        *nc_rows(),
        *lookalike_rows(),
    ):
        key = example_id(row["source"], row["field"], row["value"])
        rows.setdefault(key, {"id": key, **row})
    columns = ["id", "source", "field", "value", "expected", "recall_scope", "lookalike"]
    columns += ["label", "ref"]
    with (OUT / "independent.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows.values(), key=lambda row: (row["source"], row["id"])))
    with (OUT / "makers_of_concern.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["maker", "authority", "source"], lineterminator="\n")
        writer.writeheader()
        writer.writerows(makers_of_concern())
    print(f"{len(rows)} examples written to {OUT / 'independent.csv'}")


if __name__ == "__main__":
    main()
