"""Identification measured on independent third-party data, split so rules never score themselves.

The evaluation set (``tests/intel/eval/independent.csv``, built by
``scripts/build_independent_eval.py``) holds real examples labelled by their own source: Recog's
vendor parameter, the IEEE registrant, OpenStreetMap's tag, a survey answer; model numbers come
from ``models_holdout.csv``; a second banner set (``banners.csv``, built by
``scripts/build_banner_eval.py``: WhatWeb, ztag, LibreNMS, scan samples) is split in halves by a
hash of each example's source file, and only its tuning half may inform rules; a third banner
set (``banners_third.csv``, built by ``scripts/build_banner_eval_third.py``: intrigue-ident,
EyeWitness, FingerprintHub and device replies quoted in GitHub issue threads, transcribed in
``issue_replies.csv``) is all holdout, never a rule source, scored by :func:`run_third`
and reported apart, its misses counted by maker only. Observation
rows go through the scanner's identification (:func:`custodes.discovery.identify.identify`),
name and model rows through the resolver.

The split is mechanical. An example is *shaping* when it helped write the data it is scored
against: its value appears verbatim in the shipped knowledge or fingerprint data or in the
resolver's own evaluation set, or a fingerprint rule that cites the example's Recog file matches
it or quotes its Recog pattern. Everything else is *holdout*. Once shaping, always shaping: the
split file records it, and an example never moves back.
"""

from __future__ import annotations

import csv
import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from custodes.discovery.identify import identify, observe
from custodes.discovery.naming import Resolver
from custodes.discovery.normalise import match_candidates
from custodes.discovery.rules import RuleSet
from custodes.discovery.scanner import Scanner

NAME_FIELDS = frozenset({"name", "model"})
SPLIT_FILE = "split.csv"
EXAMPLES_FILE = "independent.csv"
BANNERS_FILE = "banners.csv"  # the second banner source (WhatWeb, scan samples), same columns
THIRD_BANNERS_FILE = "banners_third.csv"  # the third banner set: all holdout, never a rule source
MODELS_FILE = "models_holdout.csv"
MODELS_SHAPING_FILE = "models_shaping.csv"  # beside the set's directory: read to write patterns
CONCERN_FILE = "makers_of_concern.csv"
RELATIONS_FILE = "label_relations.csv"
ANY_RECOG_FILE = "*"  # a rule that cites Recog without naming the file
# Sources of the second banner set, split in halves by a hash of each example's source file
# before any result was looked at: the tuning half may inform rules (so it is shaping), the
# other half is holdout unless a rule citing its file matches it.
SECOND_BANNER_SOURCES = frozenset({"whatweb", "ztag", "librenms", "scans"})
SECOND_BANNER_GROUP = "banners2"  # the tally of both sources together
# Sources of the third banner set (banners_third.csv): all of it is holdout. No rule may be written
# from it, so it is never split and never listed in split.csv; its misses are reported only as
# counts by maker, never by value.
THIRD_BANNER_SOURCES = frozenset({"intrigue", "eyewitness", "fingerprinthub", "issues"})
THIRD_BANNER_GROUP = "banners3"
THIRD_BANNER_REPOSITORIES = ("intrigue-ident", "EyeWitness", "FingerprintHub")
# The fourth source of the third set: device replies quoted in public GitHub issue and pull-request
# threads, one row per thread and reply (url,field,value,maker,device,camera,quoted_by).
ISSUE_REPLIES_FILE = "issue_replies.csv"
# Sources of the capture set (captures.csv, scored by custodes.discovery.capture_set): what named
# devices sent in public testbed captures; all holdout, never a rule source.
CAPTURE_SOURCES = frozenset({"iot-sentinel"})
CAPTURE_GROUP = "captures"
_THREAD = re.compile(r"github\.com/([\w.-]+/[\w.-]+)/(?:issues|pull)/(\d+)(?!\d)", re.I)
ASSERTED_KINDS = frozenset(
    {"national-security designation", "procurement ban", "sanction", "human-rights finding"}
)
_LEGAL = re.compile(
    r"\b(?:co|company|corp|corporation|inc|incorporated|ltd|limited|llc|plc|gmbh|ag|ab|sa|"
    r"s\.?a|bv|oy|srl|kg)\b\.?"
)
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@dataclass(frozen=True, slots=True)
class Example:
    """One labelled example: where it comes from, what was observed, which maker it names."""

    id: str
    source: str
    field: str
    value: str
    expected: str | None
    recall_scope: bool
    lookalike: bool
    label: str
    ref: str
    declared_shaping: bool = False


def example_id(source: str, field_name: str, value: str) -> str:
    """Stable identifier of one example: the first 16 hex digits of its sha256."""
    return hashlib.sha256(f"{source}\x1f{field_name}\x1f{value}".encode()).hexdigest()[:16]


def company_key(name: str) -> str:
    """A company name without case, punctuation or legal form ("Axis Communications AB" ->
    "axiscommunications")."""
    return _NOT_ALNUM.sub("", _LEGAL.sub(" ", name.casefold()))


def _model_examples(path: Path, *, shaping: bool) -> list[Example]:
    """Model numbers (``value,expected_manufacturer,source``); none when the file is absent.
    ``shaping``: the file was read while writing the model patterns."""
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    examples = []
    for row in rows:
        expected = row["expected_manufacturer"].strip() or None
        examples.append(
            Example(
                id=example_id("models", "model", row["value"]),
                source="models",
                field="model",
                value=row["value"],
                expected=expected,
                recall_scope=expected is not None,
                lookalike=False,
                label=f"{path.name}: expected_manufacturer as the source labels it",
                ref=row["source"],
                declared_shaping=shaping,
            )
        )
    return examples


def _words(name: str) -> list[str]:
    return _NOT_ALNUM.sub(" ", _LEGAL.sub(" ", name.casefold())).split()


def same_company(label: str, name: str, *, strict: bool = False) -> bool:
    """Whether ``name`` names the company ``label`` names: equal keys, or (unless ``strict``)
    one name's words found together in the other's ("Axis" in "Axis Communications", "Dahua"
    in "Zhejiang Dahua Technology")."""
    left, right = company_key(label), company_key(name)
    if not left or not right:
        return False
    if left == right or strict:
        return left == right
    shorter, longer = sorted((_words(label), _words(name)), key=len)
    if len("".join(shorter)) < 3:
        return False
    width = len(shorter)
    return any(longer[start : start + width] == shorter for start in range(len(longer) - width + 1))


def _csv_examples(path: Path) -> list[Example]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            Example(
                id=row["id"],
                source=row["source"],
                field=row["field"],
                value=row["value"],
                expected=row["expected"] or None,
                recall_scope=row["recall_scope"] == "1",
                lookalike=row["lookalike"] == "1",
                label=row["label"],
                ref=row["ref"],
            )
            for row in csv.DictReader(handle)
        ]


def load_examples(directory: Path) -> list[Example]:
    """The evaluation examples of ``directory`` (``independent.csv``, then ``banners.csv`` when
    present) with the model numbers when present (``models_holdout.csv`` there,
    ``models_shaping.csv`` beside it); the first of duplicates."""
    examples = _csv_examples(directory / EXAMPLES_FILE)
    if (directory / BANNERS_FILE).exists():
        examples.extend(_csv_examples(directory / BANNERS_FILE))
    examples.extend(_model_examples(directory / MODELS_FILE, shaping=False))
    examples.extend(_model_examples(directory.parent / MODELS_SHAPING_FILE, shaping=True))
    return list({example.id: example for example in reversed(examples)}.values())[::-1]


@dataclass(frozen=True, slots=True)
class Labels:
    """What the labels mean beyond their own names, from public facts kept with the set:
    the makers of concern, companies whose name is also right for a label (its owner, its
    new name, the maker behind a relabel brand) and the surveillance makers the sources label
    (which a look-alike must never be named as)."""

    makers_of_concern: tuple[str, ...]
    relations: dict[str, tuple[str, ...]]
    makers: frozenset[str] = frozenset()

    def with_makers(self, examples: Iterable[Example]) -> Labels:
        """These labels knowing the surveillance makers: every company an example that should
        be identified is labelled with, the makers of concern and the related companies."""
        names = {example.expected for example in examples if example.recall_scope}
        names.update(self.makers_of_concern)
        names.update(name for related in self.relations.values() for name in related)
        return Labels(
            self.makers_of_concern,
            self.relations,
            frozenset(company_key(name) for name in names if name),
        )

    @classmethod
    def load(cls, directory: Path) -> Labels:
        """Read ``makers_of_concern.csv`` and ``label_relations.csv`` of ``directory``."""
        with (directory / CONCERN_FILE).open(encoding="utf-8", newline="") as handle:
            makers = tuple(row["maker"] for row in csv.DictReader(handle))
        relations: dict[str, tuple[str, ...]] = {}
        with (directory / RELATIONS_FILE).open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                key = company_key(row["label"])
                relations[key] = (*relations.get(key, ()), row["also_right"])
        return cls(makers, relations)

    def right_names(self, label: str) -> tuple[str, ...]:
        """The label and the companies also right for it."""
        return (label, *self.relations.get(company_key(label), ()))

    def is_right(self, example: Example, name: str) -> bool:
        """Whether ``name`` is right for the example's label. A look-alike may be named as
        itself ("KBVision" for "KBVISION GROUP"), never as a surveillance maker ("Axon" for
        "Axon Networks")."""
        if example.expected is None:
            return False
        if example.lookalike:
            own = same_company(example.expected, name, strict=True)
            return own or (
                same_company(example.expected, name) and company_key(name) not in self.makers
            )
        return any(same_company(label, name) for label in self.right_names(example.expected))

    def of_concern(self, example: Example) -> bool:
        """Whether the labelled maker (or the maker behind it) is a maker of concern."""
        if example.expected is None:
            return False
        if example.lookalike:
            return any(
                same_company(maker, example.expected, strict=True)
                for maker in self.makers_of_concern
            )
        return any(
            same_company(maker, label)
            for label in self.right_names(example.expected)
            for maker in self.makers_of_concern
        )

    def names_maker_of_concern(self, names: Iterable[str]) -> bool:
        """Whether any of ``names`` is a maker of concern."""
        return any(same_company(maker, name) for maker in self.makers_of_concern for name in names)


# -- the split -------------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(text.split()).casefold()


def _strings(node: Any) -> Iterable[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _strings(value)


def shipped_strings(data_dirs: Sequence[Path], extra_csv: Sequence[Path] = ()) -> set[str]:
    """Every string of the shipped YAML data and the first column of ``extra_csv`` files,
    normalised: values used to write aliases, registrant lists, rules or model patterns."""
    found: set[str] = set()
    for directory in data_dirs:
        for path in sorted(directory.rglob("*.yaml")):
            found.update(
                _normal(text) for text in _strings(yaml.safe_load(path.read_text("utf-8")))
            )
    for path in extra_csv:
        if path.exists():
            with path.open(encoding="utf-8", newline="") as handle:
                found.update(_normal(row[0]) for row in csv.reader(handle) if row)
    return found


def shaping_reasons(
    examples: Sequence[Example], rules: RuleSet, used_strings: set[str]
) -> dict[str, str]:
    """Why each shaping example is shaping, by example id (the others are holdout)."""
    reasons: dict[str, str] = {}
    citing: dict[str, list[tuple[Any, str]]] = {}
    provenances: list[tuple[Any, str]] = []
    for rule in rules.rules:
        provenance = " ".join(_strings(rule.model_dump(mode="json")))
        provenances.append((rule, provenance))
        files = set(re.findall(r"\b([a-z0-9_]+\.xml)\b", provenance))
        if not files and "recog" in provenance.casefold():
            files = {ANY_RECOG_FILE}
        for file_name in files:
            citing.setdefault(file_name, []).append((rule, provenance))
    mac_rules = [rule for rule in rules.rules if "mac.oui" in rule.field]
    for example in examples:
        if example.declared_shaping:
            reasons[example.id] = "read while writing the model patterns"
            continue
        if example.field == "mac.oui":
            observed = observe([(example.field, example.value)])[0][0]
            forms = match_candidates(observed.field, observed.value)
            rule = next((rule for rule in mac_rules if rule.apply(forms) is not None), None)
            if rule is not None:
                reasons[example.id] = f"rule {rule.id} lists its prefix"
            continue
        if _normal(example.value) in used_strings:
            reasons[example.id] = "value appears in the shipped data or the resolver's eval set"
            continue
        if example.source in SECOND_BANNER_SOURCES:
            if tuning_half(example):
                reasons[example.id] = "tuning half of the second banner set (hash of its file)"
                continue
            source_file = example.ref.rpartition(":")[2]  # "owner/repo:path" or a path
            candidates = match_candidates(example.field, example.value)
            for rule, provenance in provenances:
                if (
                    source_file in provenance
                    and example.field in rule.field
                    and rule.apply(candidates) is not None
                ):
                    reasons[example.id] = f"rule {rule.id} cites its file and matches it"
                    break
            continue
        if example.source != "recog":
            continue
        recog_file, _, pattern = example.ref.removeprefix("xml/").partition("#")
        candidates = match_candidates(example.field, example.value)
        for rule, provenance in (*citing.get(recog_file, ()), *citing.get(ANY_RECOG_FILE, ())):
            if pattern and pattern in provenance:
                reasons[example.id] = f"rule {rule.id} quotes its Recog fingerprint"
                break
            if example.field in rule.field and rule.apply(candidates) is not None:
                reasons[example.id] = f"rule {rule.id} cites Recog and matches it ({recog_file})"
                break
    return reasons


def tuning_half(example: Example) -> bool:
    """Whether a second-banner-set example is in the tuning half: the first hex digit of the
    sha256 of its source file (``ref``) is below 8. Fixed before any result was looked at."""
    return hashlib.sha256(example.ref.encode()).hexdigest()[0] < "8"


def read_split(path: Path) -> dict[str, str]:
    """The recorded split: example id -> why it is shaping ("" for a holdout example)."""
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        return {
            row["id"]: (row["reason"] or "listed as shaping")
            if row["partition"] == "shaping"
            else ""
            for row in csv.DictReader(handle)
        }


def write_split(path: Path, examples: Sequence[Example], shaping: dict[str, str]) -> None:
    """Record every example's partition (shaping with its reason, or holdout)."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, ["id", "partition", "reason"], lineterminator="\n")
        writer.writeheader()
        for example in sorted(examples, key=lambda item: item.id):
            reason = shaping.get(example.id)
            writer.writerow(
                {
                    "id": example.id,
                    "partition": "shaping" if reason else "holdout",
                    "reason": reason or "",
                }
            )


def split(
    examples: Sequence[Example], rules: RuleSet, used_strings: set[str], recorded: dict[str, str]
) -> dict[str, str]:
    """Shaping examples (id -> reason): the recorded ones plus those shaping now."""
    shaping = {key: reason for key, reason in recorded.items() if reason}
    for key, reason in shaping_reasons(examples, rules, used_strings).items():
        shaping.setdefault(key, reason)
    return shaping


# -- scoring ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Tally:
    """Counts for one group of examples."""

    examples: int = 0
    correct: int = 0
    wrong: int = 0
    recall_due: int = 0
    recall_hit: int = 0
    concern_tp: int = 0
    concern_fp: int = 0
    concern_fn: int = 0
    lookalike_concern: int = 0
    named_due: int = 0  # examples to identify whose reply names their maker (or its brand)
    named_hit: int = 0

    @property
    def precision(self) -> float:
        """Right makers among the makers named (1.0 when none was named)."""
        named = self.correct + self.wrong
        return self.correct / named if named else 1.0

    @property
    def recall(self) -> float | None:
        """Makers found among examples that should be identified (None when there are none)."""
        return self.recall_hit / self.recall_due if self.recall_due else None

    @property
    def recall_when_named(self) -> float | None:
        """Recall on the examples to identify whose reply names their maker or one of its
        brands (None when there are none): what the rules miss where the reply says who made
        it, apart from replies that cannot say."""
        return self.named_hit / self.named_due if self.named_due else None

    @property
    def concern_precision(self) -> float:
        """Concern flags raised that the label supports."""
        raised = self.concern_tp + self.concern_fp
        return self.concern_tp / raised if raised else 1.0

    @property
    def concern_recall(self) -> float | None:
        """Makers of concern whose concern was flagged."""
        due = self.concern_tp + self.concern_fn
        return self.concern_tp / due if due else None

    def to_dict(self) -> dict[str, Any]:
        """JSON form with the counts and rates."""
        return {
            "examples": self.examples,
            "named_right": self.correct,
            "named_wrong": self.wrong,
            "precision": round(self.precision, 4),
            "recall": _rounded(self.recall),
            "recall_examples": self.recall_due,
            "recall_when_reply_names_maker": _rounded(self.recall_when_named),
            "reply_names_maker_examples": self.named_due,
            "concern_precision": round(self.concern_precision, 4),
            "concern_recall": _rounded(self.concern_recall),
            "wrong_makers_of_concern_on_lookalikes": self.lookalike_concern,
        }


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


@dataclass(slots=True)
class Outcome:
    """What identification made of one example."""

    example: Example
    names: tuple[str, ...]
    concern: bool
    right: bool | None


@dataclass(slots=True)
class IndependentReport:
    """Tallies per partition, per source and per source and field."""

    groups: dict[tuple[str, str, str], Tally] = field(default_factory=dict)
    wrong: list[Outcome] = field(default_factory=list)
    found: list[Example] = field(default_factory=list)  # identified, of those to identify

    def tally(self, partition: str, source: str = "ALL", field_name: str = "ALL") -> Tally:
        """The tally of one group (``ALL`` for every source or field)."""
        return self.groups.setdefault((partition, source, field_name), Tally())

    def to_dict(self) -> dict[str, Any]:
        """JSON form: one object per group."""
        return {
            "groups": [
                {"partition": part, "source": source, "field": name, **tally.to_dict()}
                for (part, source, name), tally in sorted(self.groups.items())
            ],
            "wrong": [
                {
                    "source": item.example.source,
                    "field": item.example.field,
                    "value": item.example.value[:200],
                    "expected": item.example.expected,
                    "named": list(item.names),
                }
                for item in self.wrong
            ],
        }

    def to_text(self) -> str:
        """A plain-text table, one line per group."""
        lines = [
            f"{'partition':<9} {'source':<10} {'field':<22} {'n':>5} {'right':>5} {'wrong':>5} "
            f"{'prec.':>6} {'recall':>6} {'c.prec':>6} {'c.rec':>6} {'lookalike-c':>11}"
        ]
        for (part, source, name), tally in sorted(self.groups.items()):
            recall = "-" if tally.recall is None else f"{tally.recall:.3f}"
            c_recall = "-" if tally.concern_recall is None else f"{tally.concern_recall:.3f}"
            lines.append(
                f"{part:<9} {source:<10} {name:<22} {tally.examples:>5} {tally.correct:>5} "
                f"{tally.wrong:>5} {tally.precision:>6.3f} {recall:>6} "
                f"{tally.concern_precision:>6.3f} {c_recall:>6} {tally.lookalike_concern:>11}"
            )
        return "\n".join(lines)


def _asserted(concerns: Iterable[dict[str, Any]]) -> bool:
    """Whether any concern is asserted (a national-security, procurement, sanction or
    human-rights concern not marked as only possible)."""
    for concern in concerns:
        possible = concern.get("possible") or concern.get("status") == "possible"
        if concern.get("kind") in ASSERTED_KINDS and not possible:
            return True
    return False


class MakerMentions:
    """Whether an example to identify carries, as a word of its reply, a name of its labelled
    maker (or of a company also right for the label): the canonical name, a legal name, alias,
    misspelling or brand name the knowledge base records. Names shorter than three characters
    are not looked for. One pattern per label, built the first time the label is seen."""

    def __init__(self, labels: Labels, resolver: Resolver) -> None:
        self._labels = labels
        self._resolver = resolver
        self._patterns: dict[str, re.Pattern[str] | None] = {}

    def __call__(self, example: Example) -> bool:
        if not example.recall_scope or example.expected is None:
            return False
        if example.expected not in self._patterns:
            self._patterns[example.expected] = self._pattern(example.expected)
        pattern = self._patterns[example.expected]
        return pattern is not None and pattern.search(example.value.casefold()) is not None

    def _pattern(self, label: str) -> re.Pattern[str] | None:
        names = {
            name
            for right in self._labels.right_names(label)
            for name in (right, *self._resolver.names_of(right))
        }
        words = [name.casefold().split() for name in names]
        alternatives = sorted(
            {r"\s+".join(map(re.escape, parts)) for parts in words if len("".join(parts)) >= 3},
            key=len,
            reverse=True,
        )
        if not alternatives:
            return None
        return re.compile(rf"(?<![0-9a-z])(?:{'|'.join(alternatives)})(?![0-9a-z])")


def predict(example: Example, scanner: Scanner, resolver: Resolver) -> tuple[tuple[str, ...], bool]:
    """The company names identification gives an example, and whether it raises a concern."""
    if example.field in NAME_FIELDS:
        result = resolver.resolve(example.value)
        record = {
            "manufacturer": result.manufacturer,
            "brand": result.brand,
            "owner": getattr(result, "owner", None),
        }
        concerns = [concern.to_dict() for concern in result.concerns]
    else:
        record = identify(scanner, [(example.field, example.value)])
        concerns = record["concerns"]
    return named_companies(record), _asserted(concerns)


def named_companies(record: dict[str, Any]) -> tuple[str, ...]:
    """The distinct manufacturer, brand and owner an identification names, in that order."""
    names = (
        str(getattr(record.get(key), "name", record.get(key)))
        for key in ("manufacturer", "brand", "owner")
        if record.get(key)
    )
    return tuple(dict.fromkeys(names))


def evaluate(
    examples: Sequence[Example],
    shaping: dict[str, str],
    scanner: Scanner,
    resolver: Resolver,
    labels: Labels,
) -> IndependentReport:
    """Score every example; tallies per partition (shaping/holdout), source and field.

    A named company is right only when it is the labelled one (or related to it by
    ``labels``); naming a company where the label names another or none is wrong; naming none
    is a miss, counted against recall on the examples that should be identified.
    """
    report = IndependentReport()
    labels = labels.with_makers(examples)
    mentions = MakerMentions(labels, resolver)
    for example in examples:
        names, concern = predict(example, scanner, resolver)
        right = any(labels.is_right(example, name) for name in names) if names else None
        outcome = Outcome(example, names, concern, right)
        if right is False:
            report.wrong.append(outcome)
        elif right and example.recall_scope:
            report.found.append(example)
        expected_concern = labels.of_concern(example)
        lookalike_concern = example.lookalike and (concern or labels.names_maker_of_concern(names))
        named = mentions(example)
        partition = "shaping" if example.id in shaping else "holdout"
        sources = [example.source]
        if example.source in SECOND_BANNER_SOURCES:
            sources.append(SECOND_BANNER_GROUP)
        elif example.source in THIRD_BANNER_SOURCES:
            sources.append(THIRD_BANNER_GROUP)
        elif example.source in CAPTURE_SOURCES:
            sources.append(CAPTURE_GROUP)
        for part in (partition, "all"):
            groups: list[tuple[str, ...]] = [(part,)]
            for source in sources:
                groups += [(part, source), (part, source, example.field)]
            for group in groups:
                _count(report.tally(*group), outcome, expected_concern, lookalike_concern, named)
    return report


def _count(
    tally: Tally, outcome: Outcome, expected_concern: bool, lookalike_concern: bool, named: bool
) -> None:
    tally.examples += 1
    if outcome.right is True:
        tally.correct += 1
    elif outcome.right is False:
        tally.wrong += 1
    if outcome.example.recall_scope:
        tally.recall_due += 1
        tally.recall_hit += outcome.right is True
    if named:
        tally.named_due += 1
        tally.named_hit += outcome.right is True
    if outcome.concern and expected_concern:
        tally.concern_tp += 1
    elif outcome.concern:
        tally.concern_fp += 1
    elif expected_concern:
        tally.concern_fn += 1
    tally.lookalike_concern += lookalike_concern


# -- one run ---------------------------------------------------------------------------------

TARGETS = (
    ("precision overall", "holdout", "ALL", "ALL", "precision"),
    ("wrong makers of concern on look-alikes", "all", "ALL", "ALL", "lookalike_concern"),
    ("recall on camera and recorder banners (Recog)", "holdout", "recog", "ALL", "recall"),
    (
        "recall on camera and recorder banners (second set)",
        "holdout",
        SECOND_BANNER_GROUP,
        "ALL",
        "recall",
    ),
    ("precision on the second banner set", "holdout", SECOND_BANNER_GROUP, "ALL", "precision"),
    ("recall on surveillance makers' MAC registrations", "holdout", "ieee", "mac.oui", "recall"),
    ("recall on model numbers", "holdout", "models", "model", "recall"),
    ("concern-flag precision", "holdout", "ALL", "ALL", "concern_precision"),
    ("concern-flag recall", "holdout", "ALL", "ALL", "concern_recall"),
)


# Figures read beside the targets: recall where the reply names its maker (or a brand of it).
CONTEXT = (
    (
        "recall on camera and recorder replies that name their maker (second set)",
        "holdout",
        SECOND_BANNER_GROUP,
        "ALL",
    ),
)


def data_sets(directory: Path) -> tuple[list[Path], list[Path]]:
    """The shipped data directories and the resolver evaluation set whose strings shape."""
    package = Path(__file__).resolve().parent.parent / "data"
    return [package / "intel", package / "fingerprints"], [directory.parent / "eval_set.csv"]


@dataclass(slots=True)
class IndependentRun:
    """One evaluation: the examples, the split and the report (and the third banner set's,
    when asked for)."""

    examples: list[Example]
    shaping: dict[str, str]
    report: IndependentReport
    third: ThirdBannerRun | None = None

    def targets(self) -> dict[str, float | int | None]:
        """The headline figures the issue sets targets for (``None``: no examples)."""
        figures: dict[str, float | int | None] = {}
        for title, partition, source, field_name, attribute in TARGETS:
            tally = self.report.groups.get((partition, source, field_name))
            value = getattr(tally, attribute) if tally is not None else None
            figures[title] = round(value, 4) if isinstance(value, float) else value
        return figures

    def context(self) -> dict[str, dict[str, float | int | None]]:
        """Recall on the examples whose reply names their maker, with their number."""
        figures = {}
        for title, partition, source, field_name in CONTEXT:
            tally = self.report.groups.get((partition, source, field_name), Tally())
            figures[title] = {
                "recall": _rounded(tally.recall_when_named),
                "examples": tally.named_due,
                "of": tally.recall_due,
            }
        return figures

    def to_text(self) -> str:
        """The headline figures, then one line per partition, source and field."""
        holdout = sum(1 for example in self.examples if example.id not in self.shaping)
        lines = [
            f"independent evaluation: {len(self.examples)} examples, "
            f"{len(self.examples) - holdout} shaping, {holdout} holdout",
        ]
        for title, value in self.targets().items():
            shown = (
                "-" if value is None else (f"{value:.3f}" if isinstance(value, float) else value)
            )
            lines.append(f"  {title}: {shown}")
        for title, figure in self.context().items():
            lines.append(f"  {title}: {_context_text(figure)}")
        lines.append(self.report.to_text())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the counts, the headline figures, the groups and the wrong answers."""
        return {
            "examples": len(self.examples),
            "shaping": len(self.shaping),
            "targets": self.targets(),
            "context": self.context(),
            **self.report.to_dict(),
        }


def _context_text(figure: dict[str, float | int | None]) -> str:
    recall = figure["recall"]
    shown = "-" if recall is None else f"{recall:.3f}"
    return f"{shown} ({figure['examples']} of the {figure['of']} camera and recorder examples)"


def run(
    directory: Path,
    resolver: Resolver,
    rules: RuleSet,
    *,
    write: bool = False,
    third: bool = False,
) -> IndependentRun:
    """Evaluate the set in ``directory`` with ``rules`` and ``resolver``; ``write`` records the
    split (recorded shaping examples stay shaping); ``third`` also scores the third banner set
    (the shipped data is read once for both)."""
    examples = load_examples(directory)
    data_dirs, extra = data_sets(directory)
    shipped = shipped_strings(data_dirs, extra)
    shaping = split(examples, rules, shipped, read_split(directory / SPLIT_FILE))
    if write:
        write_split(directory / SPLIT_FILE, examples, shaping)
    scanner = Scanner(rules=rules, resolver=resolver)
    report = evaluate(examples, shaping, scanner, resolver, Labels.load(directory))
    scored_third = run_third(directory, resolver, rules, shipped=shipped) if third else None
    return IndependentRun(examples, shaping, report, scored_third)


# -- the third banner set (all holdout) -------------------------------------------------------


def load_third_banners(directory: Path) -> list[Example]:
    """The third banner set of ``directory`` (none when ``banners_third.csv`` is absent)."""
    path = directory / THIRD_BANNERS_FILE
    return _csv_examples(path) if path.exists() else []


def issue_threads(directory: Path) -> frozenset[tuple[str, int]]:
    """The GitHub threads the issue-reply source of ``directory`` quotes, as (``owner/repo``
    lower-cased, number) pairs (none when ``issue_replies.csv`` is absent). An issue and a pull
    request share one numbering, so ``/issues/N`` and ``/pull/N`` are the same thread."""
    path = directory / ISSUE_REPLIES_FILE
    if not path.exists():
        return frozenset()
    with path.open(encoding="utf-8", newline="") as handle:
        urls = [row["url"] for row in csv.DictReader(handle)]
    return frozenset(
        (found.group(1).casefold(), int(found.group(2)))
        for url in urls
        if (found := _THREAD.search(url))
    )


def rules_citing_third_set(rules: RuleSet, directory: Path | None = None) -> list[str]:
    """Rules whose record cites a source of the third banner set (there must be none): one of
    its repositories by name, or (with ``directory``, the set's directory) one of the GitHub
    threads its issue-reply source quotes. A thread counts only as its whole path,
    ``github.com/OWNER/REPO/issues/N`` or ``…/pull/N``: a rule citing another thread of the same
    repository, or the repository itself, is not flagged for it."""
    threads = issue_threads(directory) if directory is not None else frozenset()
    cited = []
    for rule in rules.rules:
        provenance = " ".join(_strings(rule.model_dump(mode="json"))).casefold()
        named = any(name.casefold() in provenance for name in THIRD_BANNER_REPOSITORIES)
        quoted = any(
            (found.group(1), int(found.group(2))) in threads
            for found in _THREAD.finditer(provenance)
        )
        if named or quoted:
            cited.append(rule.id)
    return cited


@dataclass(slots=True)
class ThirdBannerRun:
    """The third banner set scored: every example is holdout."""

    examples: list[Example]
    report: IndependentReport
    in_shipped_data: int

    def figures(self) -> dict[str, float | int | None]:
        """Precision, recall on camera and recorder examples and the concern figures."""
        tally = self.report.groups.get(("holdout", THIRD_BANNER_GROUP, "ALL"), Tally())
        return {
            "examples": tally.examples,
            "camera and recorder examples": tally.recall_due,
            "makers of camera and recorder examples": len(
                {company_key(e.expected) for e in self.examples if e.recall_scope and e.expected}
            ),
            "precision": round(tally.precision, 4),
            "recall on camera and recorder banners": _rounded(tally.recall),
            "camera and recorder replies that name their maker": tally.named_due,
            "recall on camera and recorder replies that name their maker": _rounded(
                tally.recall_when_named
            ),
            "concern-flag precision": round(tally.concern_precision, 4),
            "concern-flag recall": _rounded(tally.concern_recall),
            "wrong makers of concern on look-alikes": tally.lookalike_concern,
            "values also in the shipped data": self.in_shipped_data,
        }

    def by_maker(self) -> dict[str, dict[str, int]]:
        """Counts by labelled maker (no values): camera and recorder examples, those found, and
        the examples named wrongly."""
        counts: dict[str, dict[str, int]] = {}
        wrong = Counter(item.example.expected or "(none)" for item in self.report.wrong)
        for example in self.examples:
            if example.recall_scope and example.expected:
                entry = counts.setdefault(example.expected, {"due": 0, "found": 0, "wrong": 0})
                entry["due"] += 1
        for example in self.report.found:
            if example.expected in counts:
                counts[example.expected]["found"] += 1
        for maker, number in wrong.items():
            counts.setdefault(maker, {"due": 0, "found": 0, "wrong": 0})["wrong"] = number
        return dict(sorted(counts.items()))

    def to_text(self) -> str:
        """The headline figures, then one line per source and field."""
        lines = ["third banner set (all holdout):"]
        for title, value in self.figures().items():
            shown = (
                "-" if value is None else (f"{value:.3f}" if isinstance(value, float) else value)
            )
            lines.append(f"  {title}: {shown}")
        groups = IndependentReport(
            {key: tally for key, tally in self.report.groups.items() if key[0] == "holdout"}
        )
        lines.append(groups.to_text())
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON form: the figures, the groups and counts by maker (never the missed values)."""
        groups = self.report.to_dict()["groups"]
        return {
            "figures": self.figures(),
            "groups": [group for group in groups if group["partition"] == "holdout"],
            "by_maker": self.by_maker(),
        }


def run_third(
    directory: Path, resolver: Resolver, rules: RuleSet, *, shipped: set[str] | None = None
) -> ThirdBannerRun | None:
    """Score the third banner set of ``directory`` (None when it has none): all holdout.
    ``shipped``: the shipped data's strings, when the caller has read them already."""
    examples = load_third_banners(directory)
    if not examples:
        return None
    used = shipped if shipped is not None else shipped_strings(*data_sets(directory))
    scanner = Scanner(rules=rules, resolver=resolver)
    report = evaluate(examples, {}, scanner, resolver, Labels.load(directory))
    in_shipped = sum(1 for example in examples if _normal(example.value) in used)
    return ThirdBannerRun(examples, report, in_shipped)
