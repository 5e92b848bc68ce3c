"""Property tests of compute_findings over random rounds of the mini police survey."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.findings import (
    Correction,
    Recipient,
    ReturnRecord,
    RoundData,
    Submission,
    compute_findings,
)

OPENED = datetime(2022, 6, 24, tzinfo=UTC)
CLOSES = OPENED + timedelta(days=60)
CODES = ("A", "B", "C", "D", "E", "F")
QUESTIONS = ("external.concerns", "bwv.hikvision", "drones.operates", "drones.concerns")
RECIPIENTS = tuple(Recipient(code, f"Body {code}") for code in CODES[:5])
PROPERTY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

days = st.integers(min_value=0, max_value=200)
clear_values = st.sampled_from(["yes", "no", "unsure"])
hostile_values = st.one_of(
    clear_values,
    st.none(),
    st.text(max_size=8),
    st.integers(),
    st.lists(st.one_of(clear_values, st.text(max_size=4)), max_size=3),
)


def at(day: int) -> datetime:
    return OPENED + timedelta(days=day)


def answer_maps(values: st.SearchStrategy[object]) -> st.SearchStrategy[dict[str, object]]:
    return st.dictionaries(st.sampled_from(QUESTIONS), values, max_size=len(QUESTIONS))


def submissions(values: st.SearchStrategy[object]) -> st.SearchStrategy[Submission]:
    return st.builds(lambda day, answers: Submission(at(day), answers), days, answer_maps(values))


corrections = st.builds(
    lambda day, question, new: Correction(at(day), question, None, new, reason="r", by="x"),
    days,
    st.sampled_from(QUESTIONS),
    st.one_of(clear_values, st.none()),
)


@st.composite
def rounds(draw: st.DrawFn, *, fixed_answers: bool = False, values=clear_values) -> RoundData:
    """A round over five recipients; ``fixed_answers``: one submission, no corrections."""
    bodies = draw(st.lists(st.sampled_from(CODES), unique=True, max_size=len(CODES)))
    returns = []
    for body in bodies:
        covers = draw(st.frozensets(st.sampled_from(CODES), max_size=3))
        if fixed_answers:
            events = draw(st.lists(submissions(values), max_size=1))
        else:
            events = draw(st.lists(st.one_of(submissions(values), corrections), max_size=5))
        returns.append(ReturnRecord(body, covers, tuple(events)))
    return RoundData("random", CLOSES, RECIPIENTS, tuple(returns))


def assert_consistent(findings, data: RoundData) -> None:
    assert findings.recipients == len(data.recipients)
    assert findings.bodies_covered + len(findings.non_respondents) == findings.recipients
    assert len(findings.respondents) == findings.bodies_covered
    assert 0 <= findings.late_returns <= findings.returns <= len(data.returns)
    for result in findings.findings:
        assert 0 <= result.at_least <= result.at_most <= result.denominator
        assert result.denominator <= result.respondents == findings.returns
        assert result.at_most == result.at_least + result.unsure + result.unanswered
        assert len(result.yes_bodies) == result.at_least
        assert len(result.unsure_bodies) == result.unsure
        assert len(result.unanswered_bodies) == result.unanswered


@PROPERTY_SETTINGS
@given(rounds(), days)
def test_bounds_are_ordered(survey, data: RoundData, day: int) -> None:
    assert_consistent(compute_findings(survey, data, as_of=at(day)), data)


@PROPERTY_SETTINGS
@given(rounds(values=hostile_values), days)
def test_hostile_answer_values_keep_bounds_ordered(survey, data: RoundData, day: int) -> None:
    assert_consistent(compute_findings(survey, data, as_of=at(day)), data)


@PROPERTY_SETTINGS
@given(rounds(), days, days)
def test_counted_returns_never_decrease_as_as_of_moves_later(survey, data, day1, day2) -> None:
    early, late = sorted((day1, day2))
    before = compute_findings(survey, data, as_of=at(early))
    after = compute_findings(survey, data, as_of=at(late))
    assert before.returns <= after.returns
    assert before.bodies_covered <= after.bodies_covered
    assert before.late_returns <= after.late_returns
    assert set(after.non_respondents) <= set(before.non_respondents)


@PROPERTY_SETTINGS
@given(rounds(fixed_answers=True), days, days)
def test_without_corrections_at_least_never_decreases(survey, data, day1, day2) -> None:
    early, late = sorted((day1, day2))
    before = compute_findings(survey, data, as_of=at(early))
    after = compute_findings(survey, data, as_of=at(late))
    for old, new in zip(before.findings, after.findings, strict=True):
        assert old.at_least <= new.at_least
        assert old.at_most <= new.at_most
        assert old.denominator <= new.denominator


@PROPERTY_SETTINGS
@given(rounds())
def test_as_of_now_counts_every_past_event(survey, data: RoundData) -> None:
    now = compute_findings(survey, data)
    everything = compute_findings(survey, data, as_of=at(10_000))
    assert now.findings == everything.findings
    assert now.to_dict() | {"as_of": None} == everything.to_dict() | {"as_of": None}
