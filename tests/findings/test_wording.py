"""describe() and percent_half_up() on hand-built results."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes.findings import FindingResult, RoundFindings, describe, percent_half_up

AS_OF = datetime(2023, 2, 15, tzinfo=UTC)


def result(
    at_least: int,
    unsure: int,
    unanswered: int,
    denominator: int,
    *,
    label: str = "respondents",
    conditional: bool = False,
) -> FindingResult:
    return FindingResult(
        id="f",
        title="A finding",
        at_least=at_least,
        at_most=at_least + unsure + unanswered,
        unsure=unsure,
        unanswered=unanswered,
        denominator=denominator,
        denominator_label=label,
        respondents=denominator,
        recipients=47,
        conditional=conditional,
    )


def round_findings(
    recipients: int, returns: int, covered: int, finding: FindingResult
) -> RoundFindings:
    return RoundFindings(
        round="r",
        as_of=AS_OF,
        recipients=recipients,
        returns=returns,
        bodies_covered=covered,
        late_returns=0,
        non_respondents=tuple(f"Body {n}" for n in range(recipients - covered)),
        respondents=(),
        findings=(finding,),
    )


def test_singular_forms() -> None:
    one = result(0, 1, 0, 1)
    assert describe(one, round_findings(47, 1, 1, one)) == (
        "at least 0 of 1 respondent (0%); up to 1 if the 1 unsure or unanswered is yes; "
        "46 of 47 bodies did not respond"
    )


def test_singular_conditional_denominator_keeps_the_label_plural() -> None:
    one = result(0, 0, 1, 1, label="respondents that operate drones", conditional=True)
    assert describe(one, round_findings(47, 46, 46, one)) == (
        "at least 0 of 1 among respondents that operate drones (0%); "
        "up to 1 if the 1 unsure or unanswered is yes; 1 of 47 bodies did not respond"
    )


def test_zero_denominator_gives_no_percentage() -> None:
    empty = result(0, 0, 0, 0)
    assert describe(empty, round_findings(47, 0, 0, empty)) == (
        "no respondents yet, so no percentage can be given; 47 of 47 bodies did not respond"
    )


def test_everyone_responding() -> None:
    finding = result(10, 0, 0, 47)
    assert describe(finding, round_findings(47, 47, 47, finding)).endswith(
        "; all 47 bodies responded"
    )


def test_single_recipient_round() -> None:
    finding = result(1, 0, 0, 1)
    assert describe(finding, round_findings(1, 1, 1, finding)).endswith(
        "; the only recipient responded"
    )
    nobody = result(0, 0, 0, 0)
    assert describe(nobody, round_findings(1, 0, 0, nobody)).endswith(
        "; the only recipient did not respond"
    )


def test_no_recipients() -> None:
    nothing = result(0, 0, 0, 0)
    assert describe(nothing, round_findings(0, 0, 0, nothing)).endswith(
        "no recipients are listed for this round"
    )


def test_one_return_covering_several_bodies() -> None:
    finding = result(1, 0, 0, 1)
    assert describe(finding, round_findings(5, 1, 3, finding)).endswith(
        "; 1 return covers 3 of 5 bodies; 2 of 5 bodies did not respond"
    )


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(18, 39, 46), (23, 31, 74), (1, 8, 13), (1, 200, 1), (1, 201, 0), (0, 5, 0), (5, 5, 100)],
)
def test_percent_rounds_half_up(part: int, whole: int, expected: int) -> None:
    assert percent_half_up(part, whole) == expected


def test_percent_of_nothing_is_an_error() -> None:
    with pytest.raises(ValueError, match="undefined"):
        percent_half_up(0, 0)


@given(st.integers(min_value=1, max_value=10_000), st.data())
def test_percent_is_within_half_a_point(whole: int, data: st.DataObject) -> None:
    part = data.draw(st.integers(min_value=0, max_value=whole))
    value = percent_half_up(part, whole)
    assert 0 <= value <= 100
    # |value - 100*part/whole| <= 1/2, ties going up: checked in exact integers.
    assert -whole <= 2 * (100 * part - value * whole) < whole
