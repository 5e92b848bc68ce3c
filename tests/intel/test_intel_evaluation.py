"""Accuracy on the labelled evaluation set (see eval_set.origin.md)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from custodes.intel import Resolver

EVAL_SET = Path(__file__).parent / "eval_set.csv"
MUST_FLAG = {"Hikvision", "Dahua", "Huawei", "DJI"}


@dataclass(frozen=True)
class Row:
    text: str
    manufacturer: str | None
    concern: bool
    origin: str


def _rows() -> Iterator[Row]:
    with EVAL_SET.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            yield Row(
                text=row["input"],
                manufacturer=row["expected_manufacturer"] or None,
                concern=row["expected_concern"] == "true",
                origin=row["origin"],
            )


ROWS = list(_rows())


def _precision_recall(pairs: list[tuple[str | None, str | None]]) -> tuple[float, float]:
    """Precision over non-null answers, recall over non-null expectations."""
    answered = [(exp, got) for exp, got in pairs if got is not None]
    expected = [(exp, got) for exp, got in pairs if exp is not None]
    precision = sum(exp == got for exp, got in answered) / max(len(answered), 1)
    recall = sum(exp == got for exp, got in expected) / max(len(expected), 1)
    return precision, recall


def test_evaluation_set_is_large_and_varied() -> None:
    assert len(ROWS) >= 300
    assert len({row.manufacturer for row in ROWS if row.manufacturer}) >= 25
    origins = {row.origin.split(":")[0] for row in ROWS}
    assert {"osm-switzerland", "nc-agency-survey", "hand-written"} <= origins


def test_manufacturer_precision_and_recall(resolver: Resolver) -> None:
    pairs = [(row.manufacturer, resolver.resolve(row.text).manufacturer) for row in ROWS]
    precision, recall = _precision_recall(pairs)
    print(f"manufacturer precision {precision:.3f} recall {recall:.3f} on {len(pairs)} rows")
    assert precision >= 0.98
    assert recall >= 0.95


def test_concern_flag_precision_and_recall(resolver: Resolver) -> None:
    results = [(row.concern, resolver.resolve(row.text).has_concern) for row in ROWS]
    true_positive = sum(exp and got for exp, got in results)
    precision = true_positive / max(sum(got for _, got in results), 1)
    recall = true_positive / max(sum(exp for exp, _ in results), 1)
    print(f"concern flag precision {precision:.3f} recall {recall:.3f}")
    assert precision >= 0.98
    assert recall >= 0.97


@pytest.mark.parametrize("row", [r for r in ROWS if r.manufacturer in MUST_FLAG], ids=str)
def test_big_four_never_come_out_without_concern(resolver: Resolver, row: Row) -> None:
    result = resolver.resolve(row.text)
    assert result.has_concern, (row.text, result.manufacturer, result.evidence)
