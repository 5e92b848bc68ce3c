"""Applicability: three-valued conditions over the shipped questionnaire."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.questionnaire import Condition, Questionnaire, load_shipped

POLICE = load_shipped("police-estate-2022")
CONTROLLERS = sorted({c.question for q in POLICE.questions() for c in POLICE.conditions_of(q.id)})


@pytest.mark.parametrize(
    ("in_", "answer", "expected"),
    [
        (["yes"], "yes", True),
        (["yes"], " YES ", True),
        (["yes"], "no", False),
        (["yes"], "unsure", None),
        (["yes", "unsure"], "unsure", True),
        (["yes"], None, None),
        (["yes"], "", None),
        (["yes"], [], None),
        (["mobile"], ["fixed", "mobile"], True),
        (["mobile"], ["fixed"], False),
        (["yes"], 3, None),
    ],
)
def test_condition_evaluate(in_: list[str], answer: Any, expected: bool | None) -> None:
    assert Condition(question="a.b", in_=in_).evaluate(answer) is expected


def _answers() -> st.SearchStrategy[dict[str, Any]]:
    """Partial answer sets over the questions that control others, plus some noise."""
    value = st.sampled_from(["yes", "no", "unsure", "YES", "", None, "garbage"])
    return st.dictionaries(st.sampled_from(CONTROLLERS), value, max_size=len(CONTROLLERS))


@settings(max_examples=200)
@given(answers=_answers())
def test_single_and_bulk_agree(answers: dict[str, Any]) -> None:
    bulk = POLICE.applicability_map(answers)
    assert set(bulk) == {q.id for q in POLICE.questions()}
    for qid in ("frt.types", "drones.concerns_details", "anpr.sat_url", "other.operates"):
        assert POLICE.applicability(qid, answers) is bulk[qid]


@settings(max_examples=200)
@given(answers=_answers())
def test_operating_switches_blocks(answers: dict[str, Any]) -> None:
    bulk = POLICE.applicability_map(answers)
    for block in POLICE.blocks:
        if block.when is None:
            assert all(bulk[q.id] is True for q in block.questions)
            continue
        controller = block.when.question
        assert bulk[controller] is True
        operates = answers.get(controller)
        others = [bulk[q.id] for q in block.questions if q.id != controller]
        if isinstance(operates, str) and operates.strip().casefold() == "no":
            assert all(value is False for value in others)
        elif operates in (None, "", "unsure"):
            assert True not in others
        if True in others:
            assert isinstance(operates, str) and operates.strip().casefold() == "yes"


@settings(max_examples=200)
@given(answers=_answers(), qid=st.sampled_from([q.id for q in POLICE.questions()]))
def test_answering_more_never_reverses_a_decision(answers: dict[str, Any], qid: str) -> None:
    """Filling in a blank controlling answer can settle an unknown, never flip True/False."""
    before = POLICE.applicability(qid, answers)
    blanks = [c for c in CONTROLLERS if answers.get(c) in (None, "")]
    for filled in ("yes", "no", "unsure"):
        after = POLICE.applicability(qid, {**answers, **dict.fromkeys(blanks, filled)})
        if before is not None:
            assert after is before


def test_applicability_of_unknown_question() -> None:
    with pytest.raises(KeyError, match=r"nope\.nope"):
        POLICE.applicability("nope.nope", {})


def test_questions_in_file_order(police: Questionnaire) -> None:
    ids = [q.id for q in police.questions()]
    assert ids[0] == "respondent.name"
    assert ids.index("ext_cctv.operates") < ids.index("ext_cctv.concerns") < ids.index("anpr.count")
    assert len(ids) == len(set(ids))


@settings(max_examples=200, deadline=None)  # 100+ fresh decisions per example
@given(
    answers=_answers(),
    noise=st.dictionaries(
        st.sampled_from([q.id for q in POLICE.questions()]),
        st.one_of(st.integers(), st.lists(st.sampled_from(["fixed", "mobile", "x"]))),
        max_size=4,
    ),
)
def test_remembered_maps_equal_fresh_ones(answers: dict[str, Any], noise: dict[str, Any]) -> None:
    """The map remembered for the answers its conditions test is the one worked out afresh,
    and changing a returned map never changes the next."""
    answers = {**noise, **answers}
    first = POLICE.applicability_map(answers)
    first["frt.types"] = "changed by a caller"
    again = POLICE.applicability_map(answers)
    for question in POLICE.questions():
        assert again[question.id] is POLICE.applicability(question.id, answers)
