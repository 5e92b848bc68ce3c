"""correction_effects: each correction's own change, never a whole day's change twice."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from custodes.findings import (
    Correction,
    NaiveDatetimeError,
    Recipient,
    ReturnRecord,
    RoundData,
    Submission,
    compute_findings,
    correction_effects,
)

SUBMITTED = datetime(2022, 9, 1, 10, 0, tzinfo=UTC)
CLOSES = datetime(2022, 9, 30, 23, 59, tzinfo=UTC)
SAME_DAY = datetime(2023, 2, 20, 10, 0, tzinfo=UTC)
NOW = datetime(2023, 3, 1, tzinfo=UTC)
BODIES = ("a", "b", "c", "d")


def _fix(at: datetime, question: str, new: str, ident: int | None) -> Correction:
    return Correction(
        at=at,
        question_id=question,
        old_value="yes",
        new_value=new,
        reason="follow-up",
        by="t",
        id=ident,
    )


def _round(corrections: dict[str, list[Correction]]) -> RoundData:
    answers = {"external.concerns": "yes", "bwv.hikvision": "yes", "drones.operates": "no"}
    return RoundData(
        round="r",
        closes_at=CLOSES,
        recipients=tuple(Recipient(code, code.upper()) for code in BODIES),
        returns=tuple(
            ReturnRecord(
                body=code,
                covers=frozenset(),
                events=(Submission(at=SUBMITTED, answers=answers), *corrections.get(code, [])),
            )
            for code in BODIES
        ),
    )


def _figure(result, finding_id: str) -> tuple[int, int]:
    found = next(f for f in result.findings if f.id == finding_id)
    return found.at_least, found.at_most


def test_two_corrections_at_the_same_instant_each_count_once(survey):
    data = _round(
        {
            "a": [_fix(SAME_DAY, "bwv.hikvision", "no", 7)],
            "b": [_fix(SAME_DAY, "bwv.hikvision", "no", 8)],
        }
    )
    first, second = correction_effects(survey, data, as_of=NOW)
    assert (first.body, second.body) == ("a", "b")
    [(old, new)] = first.changed()
    assert (old.id, old.at_least, new.at_least) == ("bwv-hikvision", 4, 3)
    [(old, new)] = second.changed()
    assert (old.id, old.at_least, new.at_least) == ("bwv-hikvision", 3, 2)
    # The steps add up to the whole change, each counted once.
    total = compute_findings(survey, data, as_of=NOW)
    assert _figure(total, "bwv-hikvision") == (2, 2)
    assert _figure(first.before, "bwv-hikvision") == (4, 4)


def test_ties_are_broken_by_the_stored_id_not_the_order_of_returns(survey):
    data = _round(
        {
            "a": [_fix(SAME_DAY, "bwv.hikvision", "unsure", 9)],
            "b": [_fix(SAME_DAY, "bwv.hikvision", "no", 3)],
        }
    )
    effects = correction_effects(survey, data, as_of=NOW)
    assert [e.correction.id for e in effects] == [3, 9]
    assert [_figure(e.after, "bwv-hikvision") for e in effects] == [(3, 3), (2, 3)]


def test_correction_that_changes_nothing_has_no_change(survey):
    data = _round({"c": [_fix(SAME_DAY, "drones.concerns", "no", 1)]})
    [effect] = correction_effects(survey, data, as_of=NOW)
    assert effect.changed() == ()


def test_corrections_on_different_days_see_the_data_of_their_own_day(survey):
    later = SAME_DAY + timedelta(days=3)
    data = _round(
        {
            "a": [_fix(SAME_DAY, "external.concerns", "no", 1)],
            "b": [_fix(later, "external.concerns", "no", 2)],
        }
    )
    first, second = correction_effects(survey, data, as_of=NOW)
    assert (first.before.as_of, second.before.as_of) == (SAME_DAY, later)
    assert [_figure(e.after, "external-concerns") for e in (first, second)] == [(3, 3), (2, 2)]


def test_corrections_after_the_cut_off_are_left_out(survey):
    data = _round({"a": [_fix(NOW + timedelta(days=1), "bwv.hikvision", "no", 1)]})
    assert correction_effects(survey, data, as_of=NOW) == ()


def test_naive_cut_off_is_refused(survey):
    with pytest.raises(NaiveDatetimeError):
        correction_effects(survey, _round({}), as_of=datetime(2023, 3, 1))
