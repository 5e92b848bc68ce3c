"""Named-concern findings and the follow-up list of disagreements (pure, with a fake judge)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from custodes.findings import (
    InvalidFindingSpecError,
    Recipient,
    ReturnRecord,
    RoundData,
    Submission,
    compute_findings,
    disagreements,
)
from custodes.questionnaire import QuestionnaireFileError, parse_questionnaire

YAML = """\
schema: custodes.questionnaire/1
id: named
version: "1"
title: Named concerns
description: test
source: https://example.org/named
date: 2022-06-24
blocks:
  - id: bwv
    title: Body-worn video
    when: {question: bwv.operates, in: [yes]}
    questions:
      - {id: operates, text: "Operate BWV?", type: yes_no_unsure, required: true}
      - {id: manufacturers, text: "Who made it?", type: manufacturers}
      - {id: concerns, text: "Any of concern?", type: yes_no_unsure}
findings:
  - id: bwv-concerns
    title: declared
    block: bwv
    numerator: {question: bwv.concerns, equals: "yes"}
    denominator: respondents
    denominator_label: respondents
  - id: bwv-named-concern
    title: named
    block: bwv
    numerator: {question: bwv.manufacturers, named_concern: true}
    denominator: respondents
    denominator_label: respondents
    compare_with: bwv-concerns
"""
CONCERNING = {"hikvision": date(2019, 8, 13)}  # name -> date its concern took effect
KNOWN = {"hikvision", "axis"}
SUBMITTED = datetime(2022, 8, 1, tzinfo=UTC)


def judge(names, as_of):
    keys = [name.casefold() for name in names]
    if any(key in CONCERNING and CONCERNING[key] <= as_of for key in keys):
        return "yes"
    return "unsure" if any(key not in KNOWN for key in keys) else "no"


def round_with(answers_by_body):
    recipients = tuple(Recipient(code, code.title()) for code in answers_by_body)
    returns = tuple(
        ReturnRecord(
            body=code, covers=frozenset(), events=(Submission(at=SUBMITTED, answers=answers),)
        )
        for code, answers in answers_by_body.items()
    )
    return RoundData(round="r", closes_at=SUBMITTED, recipients=recipients, returns=returns)


@pytest.fixture
def questionnaire():
    return parse_questionnaire(YAML, "named.yaml")


def test_named_concern_bounds_and_disagreements(questionnaire):
    data = round_with(
        {
            "a": {"bwv.operates": "yes", "bwv.manufacturers": ["Hikvision"], "bwv.concerns": "no"},
            "b": {"bwv.operates": "yes", "bwv.manufacturers": ["Axis"], "bwv.concerns": "yes"},
            "c": {"bwv.operates": "yes", "bwv.manufacturers": ["Reveal"], "bwv.concerns": "no"},
            "d": {"bwv.operates": "yes", "bwv.concerns": "unsure"},
            "e": {"bwv.operates": "no"},
        }
    )
    result = compute_findings(questionnaire, data, judge_names=judge)
    named = next(f for f in result.findings if f.id == "bwv-named-concern")
    assert (named.at_least, named.unsure, named.unanswered, named.denominator) == (1, 1, 1, 5)
    assert (named.yes_bodies, named.no_bodies) == (("a",), ("b", "e"))
    found = {(d.body, d.declared, d.named) for d in disagreements(questionnaire.findings, result)}
    # a names Hikvision but declared no; b declared yes but names only Axis.
    assert found == {("a", "no", "yes"), ("b", "yes", "no")}


def test_concerns_after_the_cut_off_are_not_applied(questionnaire):
    data = round_with({"a": {"bwv.operates": "yes", "bwv.manufacturers": ["Hikvision"]}})
    before = compute_findings(
        questionnaire, data, as_of=datetime(2019, 1, 1, tzinfo=UTC), judge_names=judge
    )
    assert before.returns == 0  # submitted later; and the judge would not apply the concern
    data = RoundData(
        round="r",
        closes_at=SUBMITTED,
        recipients=data.recipients,
        returns=(
            ReturnRecord(
                body="a",
                covers=frozenset(),
                events=(
                    Submission(
                        at=datetime(2018, 1, 1, tzinfo=UTC),
                        answers={"bwv.operates": "yes", "bwv.manufacturers": ["Hikvision"]},
                    ),
                ),
            ),
        ),
    )
    early = compute_findings(
        questionnaire, data, as_of=datetime(2019, 1, 1, tzinfo=UTC), judge_names=judge
    )
    late = compute_findings(questionnaire, data, judge_names=judge)
    named = lambda r: next(f for f in r.findings if f.id == "bwv-named-concern")  # noqa: E731
    assert (named(early).at_least, named(late).at_least) == (0, 1)


def test_named_concern_needs_a_judge(questionnaire):
    data = round_with({"a": {"bwv.operates": "yes", "bwv.manufacturers": ["Axis"]}})
    with pytest.raises(InvalidFindingSpecError, match="judge_names"):
        compute_findings(questionnaire, data)


def test_named_concern_must_point_at_a_manufacturers_question():
    bad = YAML.replace(
        "{question: bwv.manufacturers, named_concern: true}",
        "{question: bwv.concerns, named_concern: true}",
    )
    with pytest.raises(QuestionnaireFileError, match="not a manufacturers question"):
        parse_questionnaire(bad, "bad.yaml")
    bad = YAML.replace("compare_with: bwv-concerns", "compare_with: nope")
    with pytest.raises(QuestionnaireFileError, match="unknown finding"):
        parse_questionnaire(bad, "bad.yaml")
