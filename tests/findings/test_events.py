"""Tests for answer events and answers_as_of."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from custodes.findings import (
    Correction,
    InvalidRoundError,
    NaiveDatetimeError,
    Submission,
    answers_as_of,
)

T0 = datetime(2022, 6, 24, 9, 0, tzinfo=UTC)


def at(days: float) -> datetime:
    """A time ``days`` after the round opened."""
    return T0 + timedelta(days=days)


def correction(days: float, question: str, old: object, new: object) -> Correction:
    return Correction(at(days), question, old, new, reason="follow-up", by="analyst")


def test_no_submission_gives_none() -> None:
    assert answers_as_of([], None) is None
    assert answers_as_of([correction(1, "q", None, "yes")], None) is None


def test_submission_before_cut_off_counts_and_later_one_does_not() -> None:
    events = [Submission(at(1), {"q": "yes"}), Submission(at(5), {"q": "no"})]
    assert answers_as_of(events, at(0.5)) is None
    assert answers_as_of(events, at(1)) == {"q": "yes"}
    assert answers_as_of(events, at(4)) == {"q": "yes"}
    assert answers_as_of(events, at(5)) == {"q": "no"}


def test_submission_replaces_all_answers() -> None:
    events = [Submission(at(1), {"a": "yes", "b": "no"}), Submission(at(2), {"a": "no"})]
    assert answers_as_of(events, None) == {"a": "no"}


def test_correction_sets_and_none_removes() -> None:
    events = [
        Submission(at(1), {"a": "yes", "b": "no"}),
        correction(2, "a", "yes", "no"),
        correction(3, "b", "no", None),
        correction(4, "c", None, 3),
    ]
    assert answers_as_of(events, at(2)) == {"a": "no", "b": "no"}
    assert answers_as_of(events, at(3)) == {"a": "no"}
    assert answers_as_of(events, None) == {"a": "no", "c": 3}


def test_events_are_sorted_by_time_not_input_order() -> None:
    events = [correction(3, "a", "yes", "no"), Submission(at(1), {"a": "yes"})]
    assert answers_as_of(events, None) == {"a": "no"}
    assert answers_as_of(events, at(2)) == {"a": "yes"}


def test_equal_times_put_submission_before_correction() -> None:
    events = [correction(1, "a", "yes", "no"), Submission(at(1), {"a": "yes"})]
    assert answers_as_of(events, at(1)) == {"a": "no"}


def test_equal_time_corrections_keep_input_order() -> None:
    events = [
        Submission(at(1), {}),
        correction(2, "a", None, "first"),
        correction(2, "a", "first", "second"),
    ]
    assert answers_as_of(events, None) == {"a": "second"}


def test_correction_before_submission_is_overwritten() -> None:
    events = [correction(1, "a", None, "yes"), Submission(at(2), {"b": "no"})]
    assert answers_as_of(events, None) == {"b": "no"}


def test_result_is_a_fresh_copy() -> None:
    submission = Submission(at(1), {"a": "yes"})
    folded = answers_as_of([submission], None)
    assert folded is not None
    folded["a"] = "no"
    assert submission.answers["a"] == "yes"


def test_submission_answers_cannot_be_changed_after_creation() -> None:
    source = {"a": "yes"}
    submission = Submission(at(1), source)
    source["a"] = "no"
    assert submission.answers["a"] == "yes"
    with pytest.raises(TypeError):
        submission.answers["a"] = "no"  # type: ignore[index]


@pytest.mark.parametrize(
    "build",
    [
        lambda: Submission(datetime(2022, 7, 1), {}),
        lambda: Correction(datetime(2022, 7, 1), "q", "a", "b", reason="r", by="x"),
        lambda: answers_as_of([], datetime(2022, 7, 1)),
    ],
)
def test_naive_datetimes_are_rejected(build) -> None:
    with pytest.raises(NaiveDatetimeError, match="timezone-aware"):
        build()


def test_foreign_event_is_rejected_with_its_position() -> None:
    with pytest.raises(InvalidRoundError, match="answer event 1"):
        answers_as_of([Submission(at(1), {}), {"a": "yes"}], None)  # type: ignore[list-item]


def test_bad_submission_fields_are_rejected() -> None:
    with pytest.raises(InvalidRoundError, match="mapping"):
        Submission(at(1), ["yes"])  # type: ignore[arg-type]
    with pytest.raises(InvalidRoundError, match="question_id"):
        Correction(at(1), "", "a", "b", reason="r", by="x")


answer_values = st.sampled_from(["yes", "no", "unsure", None, 3])
questions = st.sampled_from(["a", "b", "c"])
offsets = st.integers(min_value=0, max_value=20)
submissions = st.builds(
    lambda day, answers: Submission(at(day), answers),
    offsets,
    st.dictionaries(questions, answer_values, max_size=3),
)
corrections = st.builds(
    lambda day, question, new: correction(day, question, None, new),
    offsets,
    questions,
    answer_values,
)
event_lists = st.lists(st.one_of(submissions, corrections), max_size=12)


@given(event_lists)
def test_none_cut_off_equals_folding_everything(events) -> None:
    latest = max((event.at for event in events), default=T0)
    assert answers_as_of(events, None) == answers_as_of(events, latest)
    assert answers_as_of(events, None) == answers_as_of(events, latest + timedelta(days=365))


@given(event_lists, offsets)
def test_result_is_none_exactly_when_no_submission_by_cut_off(events, day) -> None:
    has_submission = any(isinstance(e, Submission) and e.at <= at(day) for e in events)
    assert (answers_as_of(events, at(day)) is None) == (not has_submission)


@given(event_lists, offsets)
def test_cut_off_ignores_later_events(events, day) -> None:
    earlier = [event for event in events if event.at <= at(day)]
    assert answers_as_of(events, at(day)) == answers_as_of(earlier, None)


@given(event_lists, st.randoms(use_true_random=False))
def test_input_order_of_distinct_kinds_and_times_does_not_matter(events, random) -> None:
    keys = [(event.at, type(event)) for event in events]
    assume(len(set(keys)) == len(keys))
    shuffled = list(events)
    random.shuffle(shuffled)
    assert answers_as_of(shuffled, None) == answers_as_of(events, None)
