"""Identification accuracy: precision and recall per manufacturer, on banners and on the lab."""

from __future__ import annotations

import csv
import gzip
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from custodes.discovery.lab.profiles import DeviceProfile
from custodes.discovery.models import Device, Observation
from custodes.discovery.naming import Resolver, canonical_names
from custodes.discovery.rules import RuleSet

RECOG_FIELDS = {
    "http_servers.xml": "http.server",
    "html_title.xml": "http.title",
    "http_wwwauth.xml": "http.www_authenticate",
    "rtsp_servers.xml": "rtsp.server",
    "x509_subjects.xml": "tls.subject",
    "favicons.xml": "http.favicon_md5",
    "ftp_banners.xml": "ftp.banner",
    "telnet_banners.xml": "telnet.banner",
    "snmp_sysdescr.xml": "snmp.sysdescr",
    "ssh_banners.xml": "ssh.banner",
}
UNLABELLED = frozenset({"generic/unknown", ""})
_SUFFIXES = re.compile(
    r"\b(?:technology|technologies|tech|co|ltd|inc|ab|gmbh|corporation|communications|networks)\b"
)


def _normal(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _SUFFIXES.sub("", name.casefold()))


def same_maker(label: str, predicted: str | None) -> bool:
    """Whether two spellings name the same company (ignoring legal suffixes and punctuation)."""
    if not predicted:
        return False
    left, right = _normal(label), _normal(predicted)
    if not left or not right:
        return False
    return left == right or (min(len(left), len(right)) >= 4 and (left in right or right in left))


@dataclass(slots=True)
class Score:
    """True positives, false positives and false negatives for one manufacturer."""

    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        """Share of predictions of this maker that were right (1.0 when none were made)."""
        made = self.true_positive + self.false_positive
        return self.true_positive / made if made else 1.0

    @property
    def recall(self) -> float:
        """Share of this maker's examples that were identified."""
        due = self.true_positive + self.false_negative
        return self.true_positive / due if due else 1.0


@dataclass(slots=True)
class AccuracyReport:
    """Scores per manufacturer plus the totals over all examples."""

    name: str
    per_maker: dict[str, Score] = field(default_factory=dict)
    total: Score = field(default_factory=Score)
    unlabelled_predicted: int = 0
    examples: int = 0

    def add(self, label: str | None, predictions: Sequence[str | None]) -> None:
        """Count one example: its true maker (``None`` if unbranded) and predicted names."""
        self.examples += 1
        made = [name for name in predictions if name]
        if label is None:
            if made:
                self.unlabelled_predicted += 1
            return
        score = self.per_maker.setdefault(label, Score())
        if any(same_maker(label, name) for name in made):
            score.true_positive += 1
            self.total.true_positive += 1
            return
        score.false_negative += 1
        self.total.false_negative += 1
        if made:
            wrong = next((key for key in self.per_maker if same_maker(key, made[0])), made[0])
            self.per_maker.setdefault(wrong, Score()).false_positive += 1
            self.total.false_positive += 1

    def to_text(self) -> str:
        """A plain-text table, one line per manufacturer."""
        lines = [
            f"{self.name}: {self.examples} examples",
            f"{'manufacturer':<28} {'TP':>4} {'FP':>4} {'FN':>4} {'precision':>9} {'recall':>7}",
        ]
        for maker, score in sorted(self.per_maker.items(), key=lambda item: item[0].casefold()):
            lines.append(
                f"{maker:<28} {score.true_positive:>4} {score.false_positive:>4} "
                f"{score.false_negative:>4} {score.precision:>9.2f} {score.recall:>7.2f}"
            )
        lines.append(
            f"{'ALL (micro)':<28} {self.total.true_positive:>4} {self.total.false_positive:>4} "
            f"{self.total.false_negative:>4} {self.total.precision:>9.2f} "
            f"{self.total.recall:>7.2f}"
        )
        lines.append(f"unbranded examples given a maker: {self.unlabelled_predicted}")
        return "\n".join(lines)


def read_banner_examples(path: Path) -> list[tuple[str, str, str]]:
    """(source file, vendor label, example string) rows of a Recog-style TSV."""
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [(row["recog_file"], row["vendor"], row["example_string"]) for row in reader]


def read_json_examples(path: Path) -> list[tuple[str, str, str]]:
    """(source file, vendor, example) rows of gzipped JSON lines ``{"file", "vendor", "example"}``.

    ``file`` may carry a directory (``xml/http_servers.xml``); only its name is kept.
    """
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle if line.strip()]
    return [(Path(item["file"]).name, item["vendor"], item["example"]) for item in records]


def evaluate_banners(rows: Iterable[tuple[str, str, str]], rules: RuleSet) -> AccuracyReport:
    """Run the rules on each banner alone; a row is right when maker or brand names the label."""
    report = AccuracyReport("banner-level (Recog examples)")
    for source, vendor, example in rows:
        label = None if vendor.casefold() in UNLABELLED else vendor
        field_name = RECOG_FIELDS.get(source)
        if field_name is None:
            report.add(label, [])
            continue
        attributes = rules.identify([Observation("eval", None, field_name, example)]).attributes
        report.add(label, [attributes.get("manufacturer"), attributes.get("brand")])
    return report


def evaluate_lab(
    devices: Iterable[Device],
    profiles: Sequence[DeviceProfile],
    addresses: Sequence[str],
    resolver: Resolver | None,
) -> AccuracyReport:
    """Compare scanned devices with the lab's ground truth (canonicalised the same way)."""
    report = AccuracyReport("lab scan")
    found = {device.address: device for device in devices}
    for profile, address in zip(profiles, addresses, strict=True):
        expected = profile.expect.manufacturer
        if expected is not None:
            expected = canonical_names(resolver, expected, None, None, None, None).manufacturer
        device = found.get(address)
        report.add(expected, [device.manufacturer] if device else [])
    return report


@dataclass(frozen=True, slots=True)
class WrongClaim:
    """A maker the rules named for a device labelled with another (or no) maker."""

    source: str
    vendor: str
    claimed: str
    example: str


def evaluate_non_cameras(
    rows: Iterable[tuple[str, str, str]], rules: RuleSet
) -> tuple[int, int, list[WrongClaim]]:
    """Examples, manufacturer claims and wrong claims on (source file, vendor, example) rows.

    A claim is wrong unless it names the row's own vendor; rows of unknown fields count as seen.
    """
    examples = claims = 0
    wrong: list[WrongClaim] = []
    for source, vendor, example in rows:
        examples += 1
        field_name = RECOG_FIELDS.get(source)
        if field_name is None:
            continue
        observation = Observation("eval", None, field_name, example)
        claimed = rules.identify([observation]).attributes.get("manufacturer")
        if claimed is None:
            continue
        claims += 1
        if not same_maker(vendor, claimed):
            wrong.append(WrongClaim(source, vendor, claimed, example))
    return examples, claims, wrong
