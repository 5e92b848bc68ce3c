"""Banner-level identification accuracy on Recog's camera examples (an evaluation set only)."""

from __future__ import annotations

from custodes.discovery import default_rules
from custodes.discovery.accuracy import (
    AccuracyReport,
    evaluate_banners,
    read_banner_examples,
    same_maker,
)

from .conftest import FIXTURES

EXAMPLES = FIXTURES / "recog-camera-examples.tsv"


def test_recog_banners_precision_and_recall() -> None:
    rows = read_banner_examples(EXAMPLES)
    assert len(rows) == 116
    report = evaluate_banners(rows, default_rules())
    assert report.total.precision >= 0.95, report.to_text()
    assert report.total.recall >= 0.75, report.to_text()
    assert report.unlabelled_predicted == 0, "generic banners must not be given a maker"
    for maker in ("Hikvision", "Bosch", "Xiongmai Technology", "Merit LILIN", "Avigilon"):
        assert report.per_maker[maker].recall >= 0.75, maker


def test_report_counts_and_spelling_tolerance() -> None:
    report = AccuracyReport("t")
    report.add("Xiongmai Technology", ["Xiongmai"])
    report.add("Lorex", ["Dahua"])
    report.add("Lorex", [None])
    report.add(None, ["Hikvision"])
    assert report.per_maker["Xiongmai Technology"].recall == 1.0
    assert report.per_maker["Lorex"].false_negative == 2
    assert report.per_maker["Dahua"].false_positive == 1
    assert report.unlabelled_predicted == 1
    assert report.total.precision == 0.5 and round(report.total.recall, 2) == 0.33
    assert same_maker("Axis Communications AB", "Axis") and not same_maker("HP", "HPE Aruba")
    assert "ALL (micro)" in report.to_text()
