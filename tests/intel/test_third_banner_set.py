"""The third banner set (banners_third.csv): real replies from sources no rule is written from,
all holdout, scored by ``custodes intel accuracy --independent`` as a separate figure.

The floors are set just below what identification achieves on it now (commit of this file); the
issue's targets are precision >= 0.99 and recall >= 0.8 on camera and recorder banners. The set
is small on cameras (8 examples of 4 makers): its sources (intrigue-ident, EyeWitness,
FingerprintHub) quote few whole camera replies, so the recall figure is a weak signal.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest
from typer.testing import CliRunner

from custodes.cli import app
from custodes.discovery.independent import (
    SECOND_BANNER_SOURCES,
    SPLIT_FILE,
    THIRD_BANNER_GROUP,
    THIRD_BANNER_SOURCES,
    THIRD_BANNERS_FILE,
    ThirdBannerRun,
    example_id,
    load_examples,
    load_third_banners,
    read_split,
    rules_citing_third_set,
    run_third,
)
from custodes.discovery.naming import default_resolver
from custodes.discovery.rules import default_rules

EVAL = Path(__file__).parent / "eval"
COLUMNS = ["id", "source", "field", "value", "expected", "recall_scope", "lookalike"]
COLUMNS += ["label", "ref"]
FIELDS = {"http.server", "http.title", "http.www_authenticate", "http.favicon_md5"}
FIELDS |= {"ftp.banner", "telnet.banner", "ssh.banner"}

# Measured when the set was built: 291 examples, precision 1.000 (4 named, 0 wrong), recall 0.500
# on the 8 camera and recorder examples, 0 wrong makers of concern on look-alikes.
MIN_PRECISION_THIRD_BANNER_SET = 0.99
MIN_RECALL_THIRD_BANNER_SET = 0.49
MAX_LOOKALIKE_MAKERS_OF_CONCERN = 0


@pytest.fixture(scope="module")
def third() -> ThirdBannerRun:
    outcome = run_third(EVAL, default_resolver(), default_rules())
    assert outcome is not None
    return outcome


def test_the_set_loads_from_its_three_sources() -> None:
    examples = load_third_banners(EVAL)
    counts = Counter(example.source for example in examples)
    assert set(counts) == THIRD_BANNER_SOURCES
    assert counts["intrigue"] >= 60 and counts["eyewitness"] >= 100
    assert counts["fingerprinthub"] >= 80
    in_scope = [example for example in examples if example.recall_scope]
    assert len(in_scope) >= 8
    assert len({example.expected.casefold() for example in in_scope if example.expected}) >= 4
    assert all(example.label and example.ref for example in examples)


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
    cited = rules_citing_third_set(default_rules())
    assert not cited, f"rules cite a source of the all-holdout third banner set: {cited}"


def test_third_set_figures_do_not_fall(third: ThirdBannerRun) -> None:
    figures = third.figures()
    print(json.dumps(figures, indent=1))
    assert figures["precision"] >= MIN_PRECISION_THIRD_BANNER_SET
    assert (figures["recall on camera and recorder banners"] or 0.0) >= MIN_RECALL_THIRD_BANNER_SET
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
    values = {example.value for example in third.examples}
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
