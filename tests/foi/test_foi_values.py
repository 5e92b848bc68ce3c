"""Coded values of FOI replies: outcomes, exemption citations, counts by manufacturer."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes.foi.request import QuestionType
from custodes.foi.values import (
    Citation,
    ValueProblem,
    format_counts,
    parse_citation,
    parse_citations,
    parse_counts,
    parse_outcome,
    parse_question_outcome,
    parse_value,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("s.24(1)", "s.24(1)"),
        ("s24(1)", "s.24(1)"),
        ("Section 31 (1)(a)", "s.31(1)(a)"),
        ("FOIA s.31(1)(a)", "FOIA s.31(1)(a)"),
        ("foisa section 35(1)(a)", "FOISA s.35(1)(a)"),
        ("reg 12(5)(a)", "EIR reg.12(5)(a)"),
        ("S. 40 (2)", "s.40(2)"),
        ("s.12", "s.12"),
    ],
)
def test_citations_are_normalised(text: str, expected: str) -> None:
    assert str(parse_citation(text)) == expected


def test_citations_are_structured_and_deduplicated() -> None:
    found = parse_citations("s.24(1); s.31(1)(a);\nS 24(1)")
    assert found == [Citation(24, "", ("1",)), Citation(31, "", ("1", "a"))]
    assert found[1].to_dict() == {
        "citation": "s.31(1)(a)",
        "act": None,
        "section": 31,
        "suffix": "",
        "parts": ["1", "a"],
        "regulation": False,
    }
    assert parse_citations("") == []


@pytest.mark.parametrize("text", ["national security", "s.", "24(1)", "s.24(1", "s.24(1)x"])
def test_bad_citations_are_refused(text: str) -> None:
    with pytest.raises(ValueProblem, match="not an exemption citation"):
        parse_citation(text)


citations = st.builds(
    Citation,
    section=st.integers(1, 999),
    suffix=st.sampled_from(["", "a"]),
    parts=st.lists(st.sampled_from(["1", "2", "3", "a", "b", "iv"]), max_size=3).map(tuple),
    act=st.sampled_from([None, "FOIA", "FOISA"]),
)


@given(st.lists(citations, min_size=1, max_size=5, unique=True))
def test_citations_round_trip(items: list[Citation]) -> None:
    assert parse_citations("; ".join(str(c) for c in items)) == items


def test_outcomes() -> None:
    assert parse_outcome("Not held") == "not_held"
    assert parse_outcome("NCND") == "ncnd"
    assert parse_outcome("neither confirm nor deny") == "ncnd"
    assert parse_outcome("clarification requested") == "clarification_requested"
    with pytest.raises(ValueProblem, match="not an outcome"):
        parse_outcome("no")
    assert parse_question_outcome("refused") == "withheld"
    assert parse_question_outcome("not held") == "not_held"
    with pytest.raises(ValueProblem):
        parse_question_outcome("partial")


def test_counts_by_manufacturer() -> None:
    assert parse_counts("DJI Mavic 3=4; Parrot Anafi USA=1") == [
        ("DJI Mavic 3", 4),
        ("Parrot Anafi USA", 1),
    ]
    assert parse_counts("DJI  Matrice 300: 2\nDJI Matrice 300=1") == [("DJI Matrice 300", 3)]
    for bad in ("DJI Mavic 3", "=4", "DJI=four", "DJI=-1"):
        with pytest.raises(ValueProblem):
            parse_counts(bad)


names = (
    st.text(st.characters(whitelist_categories=("L", "N"), whitelist_characters=" -."), min_size=1)
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@given(st.dictionaries(names, st.integers(0, 10_000), min_size=1, max_size=6))
def test_counts_round_trip(entries: dict[str, int]) -> None:
    pairs = list(entries.items())
    assert parse_counts(format_counts(pairs)) == pairs


def test_typed_values() -> None:
    assert parse_value(QuestionType.COUNT, "1,200") == 1200
    assert parse_value(QuestionType.COUNT, " ") is None
    assert parse_value(QuestionType.YES_NO, "Y") == "yes"
    assert parse_value(QuestionType.MANUFACTURER_LIST, "Cleveland Drones; DJI;DJI") == [
        "Cleveland Drones",
        "DJI",
    ]
    assert parse_value(QuestionType.COUNTS_BY_MANUFACTURER, "DJI M30=2") == [["DJI M30", 2]]
    assert parse_value(QuestionType.FREE_TEXT, "  policy v2 ") == "policy v2"
    with pytest.raises(ValueProblem):
        parse_value(QuestionType.YES_NO, "maybe")
    with pytest.raises(ValueProblem):
        parse_value(QuestionType.COUNT, "about 5")


@given(st.sampled_from(list(QuestionType)), st.text(max_size=200))
def test_any_cell_text_parses_or_is_refused_with_a_message(kind: QuestionType, text: str) -> None:
    try:
        parse_value(kind, text)
    except ValueProblem as problem:
        assert str(problem)


@given(st.text(max_size=200))
def test_any_citation_or_outcome_text_parses_or_is_refused(text: str) -> None:
    for parse in (parse_citations, parse_outcome, parse_question_outcome):
        try:
            parse(text)
        except ValueProblem as problem:
            assert str(problem)
