"""The independent evaluation: third-party labels, a mechanical split, and the holdout figures.

The figures are guarded at what identification achieves now (see README, "Accuracy on
independent data"); the issue's targets are higher and the floors rise as rules improve.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodes.cli import app
from custodes.discovery import Scanner
from custodes.discovery.independent import (
    BANNERS_FILE,
    EXAMPLES_FILE,
    SECOND_BANNER_GROUP,
    SECOND_BANNER_SOURCES,
    SPLIT_FILE,
    Example,
    IndependentRun,
    Labels,
    MakerMentions,
    data_sets,
    evaluate,
    example_id,
    load_examples,
    read_split,
    run,
    same_company,
    shaping_reasons,
    shipped_strings,
    tuning_half,
)
from custodes.discovery.naming import default_resolver
from custodes.discovery.rules import Rule, RuleSet, default_rules
from custodes.intel import Resolver

EVAL = Path(__file__).parent / "eval"
LOOKALIKES = (
    "KBVision",
    "SKVision",
    "Haivision",
    "HQVision",
    "Ralink",
    "Hanwei",
    "Axon Networks",
    "Motorola Mobility",
    "Xiaomi Communications",
    "Silicon Laboratories",
    "SHARP",
)

# Floors on the holdout partition, set just below what identification achieves on this set now
# (commit of this file). Raise them as rules improve; the targets are precision >= 0.99,
# 0 wrong makers of concern on look-alikes, recall >= 0.8 on camera and recorder banners,
# >= 0.95 on surveillance makers' MAC registrations and >= 0.8 on model numbers. Every Recog
# camera banner a rule was written from is shaping, which leaves the holdout a handful of
# set-top-box and encoder banners (holdout recall 0.0 on 6): banner recall is guarded on the
# shaping partition only, marked as such (the rules fit their sources; not proof they generalise).
# The second banner set (banners.csv: WhatWeb, ztag's Censys FTP greetings, LibreNMS SNMP
# recordings, scan samples) is split in halves by a hash of each example's source file; rules were
# written from the tuning half only, and the holdout half measures what generalises: recall 0.355
# on its 31 camera and recorder examples (0.290 before the GHDB dork titles, two of which
# WhatWeb's plugins quote too; 0.258 before the Observium sysDescr rules; 0.194 before the IANA
# enterprise-number, nmap and nuclei-templates rules; none written from this set; 0.846 on the
# 65 of the shaping partition).
MIN_RECALL_SECOND_BANNER_SET = 0.35
# ... on its camera and recorder replies that name their maker (14 of the 31): 0.357
MIN_RECALL_NAMED_SECOND_BANNER_SET = 0.35
MIN_PRECISION_SECOND_BANNER_SET = 0.99
MIN_SHAPING_RECALL_SECOND_BANNER_SET = 0.84
MIN_PRECISION_OVERALL = 0.998
MAX_LOOKALIKE_MAKERS_OF_CONCERN = 0
# Recog's camera banners that rules were written from: a consistency figure. 0.967 until Hipcam
# and Netwave, which Recog labels as vendors, were recorded as components (firmware families used
# under many brands, components.yaml): their two examples now name no maker by design, 0.945.
MIN_SHAPING_RECALL_CAMERA_BANNERS = 0.94
MIN_PRECISION_RECOG = 0.99
MIN_RECALL_MAC_REGISTRATIONS = 0.99
MIN_RECALL_MODEL_NUMBERS = 0.86
MIN_CONCERN_PRECISION = 0.99
MIN_CONCERN_RECALL = (
    0.975  # 0.983 before the second banner set (22 ZTE router FTP greetings it adds)
)


@pytest.fixture(scope="module")
def examples() -> list[Example]:
    return load_examples(EVAL)


@pytest.fixture(scope="module")
def outcome() -> IndependentRun:
    return run(EVAL, default_resolver(), default_rules())


def test_examples_come_from_the_third_party_sources(examples: list[Example]) -> None:
    counts = Counter(example.source for example in examples)
    assert counts["recog"] >= 4000 and counts["ieee"] >= 3000
    assert counts["osm"] >= 50 and counts["nc-survey"] >= 5 and counts["lookalike"] >= 5
    known = {"recog", "ieee", "osm", "nc-survey", "lookalike", "models"}
    assert set(counts) <= known | SECOND_BANNER_SOURCES
    assert all(example.label and example.ref for example in examples)
    in_scope = [e for e in examples if e.source == "recog" and e.recall_scope]
    assert len(in_scope) >= 60  # camera and recorder examples, as Recog labels the device


def test_second_banner_set_is_real_camera_replies_of_many_makers(examples: list[Example]) -> None:
    second = [example for example in examples if example.source in SECOND_BANNER_SOURCES]
    counts = Counter(example.source for example in second)
    assert counts["whatweb"] >= 400 and counts["ztag"] >= 600 and counts["librenms"] >= 8
    in_scope = [example for example in second if example.recall_scope]
    assert len(in_scope) >= 90
    makers = {
        example.expected.casefold().replace("-", "") for example in in_scope if example.expected
    }
    assert len(makers) >= 15, sorted(makers)
    fields = {example.field for example in in_scope}
    assert {"http.server", "http.title", "ftp.banner", "snmp.sysdescr"} <= fields


def test_second_banner_set_is_halved_by_source_file(examples: list[Example]) -> None:
    second = [example for example in examples if example.source in SECOND_BANNER_SOURCES]
    by_file: dict[str, set[bool]] = {}
    for example in second:
        by_file.setdefault(example.ref, set()).add(tuning_half(example))
    assert all(len(halves) == 1 for halves in by_file.values())  # a file is never split
    tuning_files = sum(1 for halves in by_file.values() if True in halves)
    assert 0.35 < tuning_files / len(by_file) < 0.65
    reasons = shaping_reasons(second, RuleSet([]), set())
    assert {key for key, reason in reasons.items() if "tuning half" in reason} == {
        example.id for example in second if tuning_half(example)
    }


def test_a_rule_citing_a_second_set_file_makes_its_matches_shaping() -> None:
    def second(value: str, ref: str) -> Example:
        return Example(
            id=example_id("whatweb", "http.title", value),
            source="whatweb",
            field="http.title",
            value=value,
            expected="Acme",
            recall_scope=True,
            lookalike=False,
            label="test",
            ref=ref,
        )

    held = [
        ref for ref in (f"plugins/p{n}.rb" for n in range(40)) if not tuning_half(second("x", ref))
    ]
    cited, other = held[0], held[1]
    rules = RuleSet(
        [
            _rule(
                "acme.http.title",
                "http.title",
                "^Acme Cam",
                "Acme",
                f"https://github.com/urbanadventurer/WhatWeb/blob/main/{cited}",
            )
        ]
    )
    matched = second("Acme Cam 2", cited)
    unmatched = second("Other", cited)
    uncited = second("Acme Cam 3", other)
    reasons = shaping_reasons([matched, unmatched, uncited], rules, set())
    assert set(reasons) == {matched.id}
    assert "cites its file and matches it" in reasons[matched.id]


def test_ids_are_the_hash_of_the_example_and_unique(examples: list[Example]) -> None:
    assert len({example.id for example in examples}) == len(examples)
    for example in examples[::97]:
        assert example.id == example_id(example.source, example.field, example.value)


def test_lookalikes_are_in_the_set_and_are_never_of_concern(examples: list[Example]) -> None:
    labels = Labels.load(EVAL)
    lookalikes = [example for example in examples if example.lookalike]
    for name in LOOKALIKES:
        assert any(
            name.casefold() in (example.expected or "").casefold() for example in lookalikes
        ), name
    assert not any(labels.of_concern(example) for example in lookalikes)


def test_same_company_is_strict_for_lookalikes() -> None:
    assert same_company("Axis", "Axis Communications AB")
    assert same_company("Zhejiang Dahua Technology Co., Ltd.", "Dahua")
    assert same_company("Axon Networks Inc.", "Axon")
    assert not same_company("Axon Networks Inc.", "Axon", strict=True)
    assert same_company("AXON NETWORKS, INC.", "Axon Networks", strict=True)
    assert not same_company("Motorola Mobility LLC, a Lenovo Company", "Motorola Solutions")
    assert not same_company("SKVision", "Hikvision") and not same_company("hanwei", "Huawei")


def _rule(rule_id: str, field: str, pattern: str, maker: str, source: str) -> Rule:
    return Rule(
        id=rule_id,
        field=field,
        pattern=pattern,
        sets={"manufacturer": maker},
        weight=0.9,
        source=source,
        date=datetime.date(2026, 11, 30),
        note="written for this test",
    )


def _example(value: str, expected: str | None, *, ref: str = "xml/http_servers.xml#^X$") -> Example:
    return Example(
        id=example_id("recog", "http.server", value),
        source="recog",
        field="http.server",
        value=value,
        expected=expected,
        recall_scope=expected is not None,
        lookalike=False,
        label="test",
        ref=ref,
    )


def test_examples_a_rule_was_derived_from_are_shaping() -> None:
    rules = RuleSet(
        [
            _rule(
                "acme.http.server",
                "http.server",
                "^Acme-Webs",
                "Acme",
                "https://github.com/rapid7/recog/blob/main/xml/http_servers.xml",
            ),
            _rule("other.http.server", "http.server", "^Other", "Other", "https://example.org/x"),
            _rule("gamma.http.server", "http.server", "^Gamma", "Gamma", "Recog, BSD-2 licence"),
        ]
    )
    matched = _example("Acme-Webs/1.0", "Acme")
    # the first rule copies this example's Recog pattern (though it does not match the example)
    quoted = _example("Acme camera", "Acme", ref="xml/http_servers.xml#^Acme-Webs")
    uncited = _example("Other/2", "Other")
    used = _example("Used in an alias", "Acme")
    file_unnamed = _example("Gamma/1", "Gamma", ref="xml/ssh_banners.xml#^Gamma")
    examples = [matched, quoted, uncited, used, file_unnamed]
    reasons = shaping_reasons(examples, rules, {"used in an alias"})
    assert set(reasons) == {matched.id, quoted.id, used.id, file_unnamed.id}
    assert "cites Recog and matches it (http_servers.xml)" in reasons[matched.id]
    assert "quotes its Recog fingerprint" in reasons[quoted.id]


def test_naming_a_maker_the_label_does_not_name_is_wrong() -> None:
    rules = RuleSet(
        [_rule("acme.http.server", "http.server", "^Acme", "Acme", "https://example.org/acme")]
    )
    scanner = Scanner(rules=rules, resolver=None)
    examples = [
        _example("Acme-Webs", "Acme"),  # right
        _example("Acme httpd", None),  # the label names no maker: wrong
        _example("Acme/2 on a Beta box", "Beta Corp"),  # another maker: wrong
        _example("Beta-Webs", "Beta Corp"),  # nothing named: a miss
    ]
    labels = Labels(makers_of_concern=("Acme",), relations={})
    report = evaluate(examples, {}, scanner, Resolver(), labels)
    tally = report.groups[("holdout", "ALL", "ALL")]
    assert (tally.correct, tally.wrong, tally.examples) == (1, 2, 4)
    assert tally.precision == pytest.approx(1 / 3)
    assert tally.recall == pytest.approx(1 / 3)  # three examples should be identified
    assert len(report.wrong) == 2


def test_recall_is_also_read_where_the_reply_names_its_maker() -> None:
    resolver, labels = Resolver(), Labels(makers_of_concern=(), relations={})
    named = [
        _example("220 AXIS P1344 Network Camera 5.20 ready.", "Axis Communications"),
        _example("EZVIZ C6N", "Hikvision"),  # one of the maker's brands
        _example("Hik  Vision DVR", "Hikvision"),  # an alias, spaced as the device sends it
    ]
    unnamed = [
        _example("TAXIS/1.0", "Axis Communications"),  # inside another word
        _example("SNC-RZ30 HOME", "Sony"),  # a model only
        _example("Axis", None),  # nothing to identify
        replace(_example("Hikvision", "Hikvision"), recall_scope=False),
    ]
    mentions = MakerMentions(labels, resolver)
    assert all(mentions(example) for example in named)
    assert not any(mentions(example) for example in unnamed)
    rules = RuleSet(
        [_rule("axis.ftp", "http.server", "^220 AXIS", "Axis", "https://example.org/axis")]
    )
    scanner = Scanner(rules=rules, resolver=resolver)
    report = evaluate([*named, unnamed[0], unnamed[1]], {}, scanner, resolver, labels)
    tally = report.groups[("holdout", "ALL", "ALL")]
    assert (tally.named_due, tally.named_hit, tally.recall_due) == (3, 1, 5)
    assert tally.recall_when_named == pytest.approx(1 / 3)
    assert tally.to_dict()["reply_names_maker_examples"] == 3


def test_a_lookalike_is_right_only_as_itself() -> None:
    lookalike = Example(
        id="x",
        source="ieee",
        field="name",
        value="AXON NETWORKS, INC.",
        expected="AXON NETWORKS, INC.",
        recall_scope=False,
        lookalike=True,
        label="test",
        ref="test",
    )
    maker = _example("Axon body camera", "Axon")
    labels = Labels(makers_of_concern=(), relations={}).with_makers([lookalike, maker])
    assert labels.is_right(lookalike, "Axon Networks")
    assert not labels.is_right(lookalike, "Axon")
    kbvision = replace(lookalike, id="y", value="KBVISION GROUP", expected="KBVISION GROUP")
    assert labels.is_right(kbvision, "KBVision") and not labels.is_right(kbvision, "Hikvision")


def test_split_file_lists_every_example_and_every_shaping_one(examples: list[Example]) -> None:
    with (EVAL / SPLIT_FILE).open(encoding="utf-8", newline="") as handle:
        rows = {row["id"]: row for row in csv.DictReader(handle)}
    unlisted = {example.id for example in examples} - set(rows)
    assert not unlisted, (
        f"{len(unlisted)} examples are not in split.csv: run "
        "`custodes intel accuracy --independent --write-split` and commit split.csv"
    )
    assert {row["partition"] for row in rows.values()} == {"shaping", "holdout"}
    data_dirs, extra = data_sets(EVAL)
    now = shaping_reasons(examples, default_rules(), shipped_strings(data_dirs, extra))
    recorded = {key for key, reason in read_split(EVAL / SPLIT_FILE).items() if reason}
    missing = sorted(set(now) - recorded)
    assert not missing, (
        f"{len(missing)} examples now shape the rules or aliases but split.csv lists them as "
        "holdout: run `custodes intel accuracy --independent --write-split` and commit split.csv"
    )


def test_holdout_excludes_every_shaping_example(outcome: IndependentRun) -> None:
    holdout = outcome.report.groups[("holdout", "ALL", "ALL")].examples
    assert holdout == len(outcome.examples) - len(outcome.shaping)
    assert holdout >= 8000


def test_holdout_figures_do_not_fall(outcome: IndependentRun) -> None:
    figures = outcome.targets()
    print(json.dumps(figures, indent=1))
    assert figures["precision overall"] >= MIN_PRECISION_OVERALL
    assert figures["wrong makers of concern on look-alikes"] <= MAX_LOOKALIKE_MAKERS_OF_CONCERN
    recog = outcome.report.groups[("holdout", "recog", "ALL")]
    assert recog.precision >= MIN_PRECISION_RECOG
    assert (
        figures["recall on surveillance makers' MAC registrations"] >= MIN_RECALL_MAC_REGISTRATIONS
    )
    assert figures["concern-flag precision"] >= MIN_CONCERN_PRECISION
    assert figures["concern-flag recall"] >= MIN_CONCERN_RECALL
    assert figures["recall on model numbers"] >= MIN_RECALL_MODEL_NUMBERS
    shaping_recog = outcome.report.groups[("shaping", "recog", "ALL")]
    assert (shaping_recog.recall or 0.0) >= MIN_SHAPING_RECALL_CAMERA_BANNERS
    assert (
        figures["recall on camera and recorder banners (second set)"]
        >= MIN_RECALL_SECOND_BANNER_SET
    )
    assert figures["precision on the second banner set"] >= MIN_PRECISION_SECOND_BANNER_SET
    second_holdout = outcome.report.groups[("holdout", SECOND_BANNER_GROUP, "ALL")]
    assert second_holdout.recall_due >= 25  # camera and recorder examples never read for rules
    (named,) = outcome.context().values()
    assert (named["examples"], named["of"]) == (second_holdout.named_due, 31)
    assert (named["recall"] or 0.0) >= MIN_RECALL_NAMED_SECOND_BANNER_SET
    second_shaping = outcome.report.groups[("shaping", SECOND_BANNER_GROUP, "ALL")]
    assert (second_shaping.recall or 0.0) >= MIN_SHAPING_RECALL_SECOND_BANNER_SET
    assert second_shaping.precision >= MIN_PRECISION_SECOND_BANNER_SET


def test_one_command_prints_the_figures_per_source_and_field() -> None:
    result = CliRunner().invoke(app, ["intel", "accuracy", "--independent", "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["eval_set"]["examples"] >= 300
    assert payload["recog_camera_banners"]["examples"] == 116
    groups = {(g["partition"], g["source"], g["field"]) for g in payload["independent"]["groups"]}
    assert {("holdout", "recog", "http.server"), ("shaping", "ALL", "ALL")} <= groups
    assert set(payload["independent"]["targets"]) >= {"precision overall", "concern-flag recall"}
    assert all("recall" in figure for figure in payload["independent"]["context"].values())
    text = CliRunner().invoke(app, ["intel", "accuracy", "--independent"]).stdout
    assert "independent evaluation:" in text and "holdout   recog" in text


@pytest.mark.parametrize("name", [EXAMPLES_FILE, BANNERS_FILE])
def test_every_example_file_row_is_well_formed(name: str) -> None:
    with (EVAL / name).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            assert row["recall_scope"] in {"0", "1"} and row["lookalike"] in {"0", "1"}
            assert row["value"].strip()
            assert not (row["recall_scope"] == "1" and not row["expected"])
            assert row["id"] == example_id(row["source"], row["field"], row["value"])


def test_write_split_records_every_example_and_keeps_recorded_shaping(tmp_path: Path) -> None:
    intel = tmp_path / "tests" / "intel"
    (intel / "eval").mkdir(parents=True)
    for path in EVAL.glob("*.csv"):
        (intel / "eval" / path.name).write_bytes(path.read_bytes())
    (intel / "eval_set.csv").write_bytes((EVAL.parent / "eval_set.csv").read_bytes())
    banners = EVAL.parent.parent / "fixtures" / "recog-camera-examples.tsv"
    (tmp_path / "tests" / "fixtures").mkdir()
    (tmp_path / "tests" / "fixtures" / banners.name).write_bytes(banners.read_bytes())
    examples = load_examples(intel / "eval")
    recorded = read_split(EVAL / SPLIT_FILE)
    held = next(example for example in examples if not recorded[example.id])
    with (intel / "eval" / SPLIT_FILE).open("a", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerow([held.id, "shaping", "read by hand"])
    result = CliRunner().invoke(app, ["intel", "accuracy", "--data", str(tmp_path)])
    assert result.exit_code != 0 and "no eval_set.csv" in result.stderr
    result = CliRunner().invoke(app, ["intel", "accuracy", "--data", str(intel), "--write-split"])
    assert result.exit_code == 0, result.stderr
    written = read_split(intel / "eval" / SPLIT_FILE)
    assert {example.id for example in examples} == set(written)
    assert written[held.id] == "read by hand"  # once shaping, always shaping
