"""The third banner set (banners_third.csv): real replies from sources no rule is written from,
all holdout, scored by ``custodes intel accuracy --independent`` as a separate figure.

The floors are set just below what identification achieves on it now (commit of this file); the
issue's targets are precision >= 0.99 and recall >= 0.8 on camera and recorder banners. Its first
three sources (intrigue-ident, EyeWitness, FingerprintHub) quote few whole camera replies (8
examples of 4 makers); the fourth, replies quoted in GitHub issue threads (issue_replies.csv),
adds the camera and recorder replies users pasted there, so the recall figure rests on more
examples, though still few.
"""

from __future__ import annotations

import csv
import json
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from custodes.cli import app
from custodes.discovery.independent import (
    ISSUE_REPLIES_FILE,
    SECOND_BANNER_SOURCES,
    SPLIT_FILE,
    THIRD_BANNER_GROUP,
    THIRD_BANNER_SOURCES,
    THIRD_BANNERS_FILE,
    ThirdBannerRun,
    example_id,
    issue_threads,
    load_examples,
    load_third_banners,
    read_split,
    rules_citing_third_set,
    run_third,
)
from custodes.discovery.naming import default_resolver
from custodes.discovery.rules import RuleSet, default_rules

EVAL = Path(__file__).parent / "eval"
COLUMNS = ["id", "source", "field", "value", "expected", "recall_scope", "lookalike"]
COLUMNS += ["label", "ref"]
FIELDS = {"http.server", "http.title", "http.www_authenticate", "http.favicon_md5"}
FIELDS |= {"ftp.banner", "telnet.banner", "ssh.banner"}
FIELDS |= {"rtsp.server", "rtsp.www_authenticate", "snmp.sysdescr"}
FIELDS |= {"upnp.server", "upnp.manufacturer", "onvif.manufacturer", "onvif.model"}
ISSUE_COLUMNS = ["url", "field", "value", "maker", "device", "camera", "quoted_by"]

# Measured when the issues source was added (2026-12-01): 334 examples, precision 0.929 (14 named,
# 1 wrong: an issue-thread RTSP server string the thread ties to no maker), recall 0.417 on the 24
# camera and recorder examples (13 makers), 0 wrong makers of concern on look-alikes. Before it:
# 291 examples, precision 1.000 (5 named, 0 wrong), recall 0.500 on 8 camera and recorder examples.
# Since the tenth session records Hipcam and Netwave as components (firmware families used under
# many brands, from sources outside the set; decided knowing the one wrong answer was a firmware
# name): precision 1.000 (13 named, 0 wrong), recall unchanged.
MIN_PRECISION_THIRD_BANNER_SET = 0.99
MIN_RECALL_THIRD_BANNER_SET = 0.41
# ... on its 7 camera and recorder replies that name their maker: 0.714 (5 found)
MIN_RECALL_NAMED_THIRD_BANNER_SET = 0.71
MAX_LOOKALIKE_MAKERS_OF_CONCERN = 0


@pytest.fixture(scope="module")
def third() -> ThirdBannerRun:
    outcome = run_third(EVAL, default_resolver(), default_rules())
    assert outcome is not None
    return outcome


def test_the_set_loads_from_its_four_sources() -> None:
    examples = load_third_banners(EVAL)
    counts = Counter(example.source for example in examples)
    assert set(counts) == THIRD_BANNER_SOURCES
    assert counts["intrigue"] >= 60 and counts["eyewitness"] >= 100
    assert counts["fingerprinthub"] >= 80 and counts["issues"] >= 40
    in_scope = [example for example in examples if example.recall_scope]
    assert len(in_scope) >= 24
    assert len({example.expected.casefold() for example in in_scope if example.expected}) >= 13
    issues_in_scope = [example for example in in_scope if example.source == "issues"]
    assert len(issues_in_scope) >= 16
    assert len({example.expected.casefold() for example in issues_in_scope}) >= 10
    assert all(example.label and example.ref for example in examples)


def _issue_replies() -> list[dict[str, str]]:
    with (EVAL / ISSUE_REPLIES_FILE).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == ISSUE_COLUMNS
        return list(reader)


def test_issue_replies_are_transcribed_cleanly() -> None:
    rows = _issue_replies()
    assert len({(row["url"], row["field"], row["value"]) for row in rows}) == len(rows)
    for row in rows:
        assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+/(issues|pull)/\d+", row["url"])
        assert row["field"] in FIELDS and row["field"] != "http.favicon_md5"
        assert row["value"].strip() and row["value"] == row["value"].strip()
        assert row["camera"] in {"0", "1"} and not (row["camera"] == "1" and not row["maker"])
        assert row["device"] and row["quoted_by"]
        # No Digest challenge (it carries a nonce), no credentials or addresses in a URL.
        assert "nonce=" not in row["value"] and "@" not in row["value"]
        assert not re.search(r"\b(?:192\.168|10)\.\d{1,3}\.\d{1,3}\b", row["value"])


def test_the_issues_rows_match_issue_replies_one_to_one() -> None:
    """One example per reply (field, value) transcribed, labelled with the maker and scope of
    the first thread quoting it, its thread as ref; replies the threads label with different
    makers are left out."""
    groups: dict[tuple[str, str], list[dict[str, str]]] = {}
    for row in _issue_replies():
        groups.setdefault((row["field"], row["value"]), []).append(row)
    agreed = {
        key: quoted
        for key, quoted in groups.items()
        if len({row["maker"].casefold() for row in quoted}) == 1
    }
    examples = [example for example in load_third_banners(EVAL) if example.source == "issues"]
    assert len(examples) == len({(example.field, example.value) for example in examples})
    assert {(example.field, example.value) for example in examples} == set(agreed)
    for example in examples:
        first = agreed[(example.field, example.value)][0]
        assert example.id == example_id("issues", example.field, example.value)
        assert (example.expected or "") == first["maker"]
        assert example.recall_scope == (first["camera"] == "1")
        assert example.ref == first["url"] and not example.lookalike


def test_columns_validate() -> None:
    with (EVAL / THIRD_BANNERS_FILE).open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        assert reader.fieldnames == COLUMNS
        rows = list(reader)
    assert len({row["id"] for row in rows}) == len(rows)
    for row in rows:
        assert row["id"] == example_id(row["source"], row["field"], row["value"])
        assert row["source"] in THIRD_BANNER_SOURCES and row["field"] in FIELDS
        assert row["recall_scope"] in {"0", "1"} and row["lookalike"] in {"0", "1"}
        assert row["value"].strip() and row["value"] == row["value"].strip()
        assert not (row["recall_scope"] == "1" and not row["expected"])


def test_the_set_is_all_holdout_and_never_a_rule_source() -> None:
    third = {example.id for example in load_third_banners(EVAL)}
    assert not third & {example.id for example in load_examples(EVAL)}  # not split, not shaping
    assert not third & set(read_split(EVAL / SPLIT_FILE))
    assert not THIRD_BANNER_SOURCES & SECOND_BANNER_SOURCES
    cited = rules_citing_third_set(default_rules(), EVAL)
    assert not cited, f"rules cite a source of the all-holdout third banner set: {cited}"


@dataclass
class _Cited:
    """Stands in for a rule: an id and a record holding one source."""

    id: str
    source: str

    def model_dump(self, mode: str = "python") -> dict[str, Any]:
        return {"id": self.id, "derived_from": [{"source": self.source}]}


def test_a_rule_citing_a_quoted_thread_is_flagged_but_not_its_repository() -> None:
    threads = issue_threads(EVAL)
    assert ("alexxit/go2rtc", 7) in threads and len(threads) >= 30

    def citing(text: str) -> RuleSet:
        return cast(RuleSet, SimpleNamespace(rules=[_Cited("probe", text)]))

    assert rules_citing_third_set(citing("https://github.com/AlexxIT/go2rtc/issues/7"), EVAL)
    assert rules_citing_third_set(citing("see github.com/alexxit/go2rtc/pull/7."), EVAL)
    assert not rules_citing_third_set(citing("https://github.com/AlexxIT/go2rtc/issues/77"), EVAL)
    assert not rules_citing_third_set(citing("https://github.com/AlexxIT/go2rtc"), EVAL)
    assert not rules_citing_third_set(citing("https://github.com/AlexxIT/go2rtc/issues/7"))


def test_third_set_figures_do_not_fall(third: ThirdBannerRun) -> None:
    figures = third.figures()
    print(json.dumps(figures, indent=1))
    assert figures["precision"] >= MIN_PRECISION_THIRD_BANNER_SET
    assert (figures["recall on camera and recorder banners"] or 0.0) >= MIN_RECALL_THIRD_BANNER_SET
    named = figures["recall on camera and recorder replies that name their maker"]
    assert (named or 0.0) >= MIN_RECALL_NAMED_THIRD_BANNER_SET
    assert figures["wrong makers of concern on look-alikes"] <= MAX_LOOKALIKE_MAKERS_OF_CONCERN
    assert set(third.report.groups) >= {("holdout", THIRD_BANNER_GROUP, "ALL")}
    assert {key[0] for key in third.report.groups} == {"holdout", "all"}


def test_the_command_reports_the_third_set_without_missed_values(third: ThirdBannerRun) -> None:
    result = CliRunner().invoke(app, ["intel", "accuracy", "--independent", "--json"])
    assert result.exit_code == 0, result.stderr
    payload = json.loads(result.stdout)["third_banner_set"]
    assert payload["figures"]["examples"] == len(third.examples)
    groups = {(group["source"], group["field"]) for group in payload["groups"]}
    assert {(THIRD_BANNER_GROUP, "ALL"), ("eyewitness", "http.title")} <= groups
    assert "wrong" not in payload  # misses are counted by maker, never listed by value
    assert set(payload["by_maker"]) >= {"Sony", "ACTi"}
    makers = {example.expected for example in third.examples}
    values = {example.value for example in third.examples} - makers  # "EYEPLUS" is both
    assert not values & set(json.dumps(payload["by_maker"]).split('"'))
    text = CliRunner().invoke(app, ["intel", "accuracy", "--independent"]).stdout
    assert "third banner set (all holdout):" in text and "holdout   eyewitness" in text


@pytest.fixture(scope="module")
def builder(repo_script) -> ModuleType:
    return repo_script("scripts/build_banner_eval_third.py")


def test_builder_takes_only_whole_literal_values(builder: ModuleType) -> None:
    observe = builder.intrigue_observations
    assert list(observe("content_headers", r"^server:\ DNVRS-Webs$", "http")) == [
        ("http.server", "DNVRS-Webs")
    ]
    assert not list(observe("content_headers", r"^server: mcdhttpd/?.*$", "http"))
    assert not list(observe("content_headers", r"server: Adeptia", "http"))  # not anchored
    assert list(observe("content_body", r"<title>Apache Druid</title>", "http")) == [
        ("http.title", "Apache Druid")
    ]
    assert not list(observe("content_title", r"AXIS", "http"))
    assert list(observe("content_banner", r"^ArrayOS$", "ssh")) == [("ssh.banner", "ArrayOS")]


def test_builder_labels_eyewitness_with_the_company_named(builder: ModuleType) -> None:
    device = builder.eyewitness_device
    assert device("Sony SNC-RZ50 admin/admin") == "Sony SNC-RZ50"
    assert device("Brother HL-2270DW - admin/access") == "Brother HL-2270DW"
    assert device("DigitalSI HVR/DVR - administrator/<nopassword>") == "DigitalSI"
    assert device("admin / password") == ""
    assert builder.eyewitness_maker("Brother HL-2270DW") == "Brother"
    assert builder.eyewitness_maker("Wireless Access Point") == ""
    assert builder.eyewitness_maker("") == ""
