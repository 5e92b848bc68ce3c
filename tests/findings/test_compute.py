"""compute_findings on hand-built rounds, including a reproduction of the 2022 police survey."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from custodes.findings import (
    Correction,
    FindingResult,
    InvalidFindingSpecError,
    InvalidRoundError,
    NaiveDatetimeError,
    Recipient,
    ReturnRecord,
    RoundData,
    RoundFindings,
    Submission,
    compute_findings,
    describe,
)

OPENED = datetime(2022, 6, 24, 9, 0, tzinfo=UTC)
CLOSES = datetime(2022, 8, 31, 23, 59, tzinfo=UTC)
INTERIM = datetime(2022, 11, 14, 9, 0, tzinfo=UTC)
PUBLISHED = datetime(2023, 2, 15, 9, 0, tzinfo=UTC)
WITHDRAWN = datetime(2023, 2, 20, 12, 0, tzinfo=UTC)

# The eight bodies the 2023 press coverage named as not having responded.
NON_RESPONDENTS_2022 = (
    "City of London Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Gwent Police",
    "Merseyside Police",
    "South Yorkshire Police",
    "Thames Valley Police",
    "National Crime Agency",
)


def by_code(findings: RoundFindings, finding_id: str) -> FindingResult:
    (result,) = (f for f in findings.findings if f.id == finding_id)
    return result


def round_2022() -> RoundData:
    """47 recipients, 39 returns; answers chosen to give the published 2022 headline figures.

    External CCTV: 18 yes, 4 unsure, 2 unanswered, 15 no. Drones: 31 operate, 23 of them
    with equipment of concern. Body-worn video: 2 Hikvision, withdrawn by correction after
    publication. 36 returns by the interim analysis, 3 more later (all 3 late), plus one
    early return sent in after the closing date (4 late in all).
    """
    respondents = [Recipient(f"R{n:02d}", f"Responding force {n:02d}") for n in range(1, 40)]
    silent = [Recipient(f"N{n}", name) for n, name in enumerate(NON_RESPONDENTS_2022, 1)]
    recipients = tuple(respondents[:20] + silent + respondents[20:])
    returns = []
    for index, recipient in enumerate(respondents):
        answers: dict[str, str] = {}
        if index < 18:
            answers["external.concerns"] = "yes"
        elif index < 22:
            answers["external.concerns"] = "unsure"
        elif index >= 24:
            answers["external.concerns"] = "no"
        answers["drones.operates"] = "yes" if index < 31 else "no"
        if index < 31:
            answers["drones.concerns"] = "yes" if index < 23 else "no"
        answers["bwv.hikvision"] = "yes" if index in (5, 6) else "no"
        if index < 35:
            submitted = OPENED + timedelta(days=30 + index)
        elif index == 35:
            submitted = INTERIM - timedelta(days=1)
        else:
            submitted = INTERIM + timedelta(days=20 * (index - 35))
        events: list[Submission | Correction] = [Submission(submitted, answers)]
        if index in (5, 6):
            events.append(
                Correction(
                    WITHDRAWN,
                    "bwv.hikvision",
                    "yes",
                    "no",
                    reason="follow-up enquiries: not Hikvision body-worn video",
                    by="analyst",
                )
            )
        returns.append(ReturnRecord(recipient.code, frozenset(), tuple(events)))
    return RoundData("police-2022", CLOSES, recipients, tuple(returns))


def test_2022_published_figures(survey) -> None:
    findings = compute_findings(survey, round_2022(), as_of=PUBLISHED)
    assert (findings.recipients, findings.returns, findings.bodies_covered) == (47, 39, 39)
    assert findings.non_respondents == NON_RESPONDENTS_2022
    assert len(findings.respondents) == 39
    external = by_code(findings, "external-concerns")
    assert (external.at_least, external.at_most, external.denominator) == (18, 24, 39)
    assert (external.unsure, external.unanswered) == (4, 2)
    assert describe(external, findings) == (
        "at least 18 of 39 respondents (46%); up to 24 if the 6 unsure or unanswered are yes; "
        "8 of 47 bodies did not respond"
    )
    drones = by_code(findings, "drones-concerns")
    assert (drones.at_least, drones.at_most, drones.denominator) == (23, 23, 31)
    assert describe(drones, findings) == (
        "at least 23 of the 31 respondents that operate drones (74%); "
        "no unsure or unanswered answers; 8 of 47 bodies did not respond"
    )
    assert by_code(findings, "bwv-hikvision").at_least == 2


def test_non_operators_count_as_clear_no_over_all_respondents(survey) -> None:
    findings = compute_findings(survey, round_2022(), as_of=PUBLISHED)
    drones_all = by_code(findings, "drones-concerns-all")
    assert (drones_all.at_least, drones_all.at_most, drones_all.denominator) == (23, 23, 39)


def test_withdrawn_bwv_figure_stays_reproducible(survey) -> None:
    data = round_2022()
    at_publication = compute_findings(survey, data, as_of=PUBLISHED)
    after_update = compute_findings(survey, data, as_of=WITHDRAWN)
    today = compute_findings(survey, data)
    assert by_code(at_publication, "bwv-hikvision").at_least == 2
    assert by_code(at_publication, "bwv-hikvision").yes_bodies == ("R06", "R07")
    assert by_code(after_update, "bwv-hikvision").at_least == 0
    assert by_code(today, "bwv-hikvision").at_least == 0
    assert by_code(today, "bwv-hikvision").at_most == 0


def test_interim_analysis_counts_only_returns_in_by_then(survey) -> None:
    interim = compute_findings(survey, round_2022(), as_of=INTERIM)
    assert interim.returns == 36
    assert interim.as_of == INTERIM
    assert by_code(interim, "external-concerns").respondents == 36
    assert len(interim.non_respondents) == 11


def test_late_returns_use_the_first_submission(survey) -> None:
    data = round_2022()
    # Returns 1-35 arrive 30-64 days after opening: day 68 is the closing date, so none late.
    assert compute_findings(survey, data, as_of=INTERIM).late_returns == 1
    assert compute_findings(survey, data, as_of=PUBLISHED).late_returns == 4
    early = data.returns[0]
    resubmitted = ReturnRecord(
        early.body,
        early.covers,
        (*early.events, Submission(PUBLISHED, {"external.concerns": "no"})),
    )
    changed = RoundData(
        data.round, data.closes_at, data.recipients, (resubmitted, *data.returns[1:])
    )
    assert compute_findings(survey, changed, as_of=PUBLISHED).late_returns == 4


def lead_force_round() -> RoundData:
    recipients = tuple(Recipient(code, f"Force {code}") for code in ("A", "B", "C", "D", "E"))
    submitted = OPENED + timedelta(days=10)
    answers = {"external.concerns": "yes", "drones.operates": "no", "bwv.hikvision": "no"}
    return RoundData(
        "collaboration",
        CLOSES,
        recipients,
        (
            ReturnRecord(
                "A", frozenset({"B", "C", "NOT-A-RECIPIENT"}), (Submission(submitted, answers),)
            ),
            ReturnRecord("D", frozenset(), (Submission(submitted, answers),)),
            ReturnRecord("E", frozenset(), ()),
        ),
    )


def test_lead_force_returns_count_returns_and_bodies_separately(survey) -> None:
    findings = compute_findings(survey, lead_force_round(), as_of=PUBLISHED)
    assert (findings.returns, findings.bodies_covered, findings.recipients) == (2, 4, 5)
    assert findings.non_respondents == ("Force E",)
    assert [r.code for r in findings.respondents] == ["A", "B", "C", "D"]
    external = by_code(findings, "external-concerns")
    assert (external.at_least, external.denominator, external.respondents) == (2, 2, 2)
    assert describe(external, findings) == (
        "at least 2 of 2 respondents (100%); no unsure or unanswered answers; "
        "2 returns cover 4 of 5 bodies; 1 of 5 bodies did not respond"
    )
    drones = by_code(findings, "drones-concerns")
    assert describe(drones, findings).startswith(
        "no respondents that operate drones yet, so no percentage can be given; 2 returns"
    )


def test_applicability_unknown_is_unanswered_and_stale_answers_do_not_count(survey) -> None:
    submitted = OPENED + timedelta(days=1)
    returns = (
        # Operates unsure: the drones block may or may not apply, so its yes is not counted.
        ReturnRecord(
            "A",
            frozenset(),
            (Submission(submitted, {"drones.operates": "unsure", "drones.concerns": "yes"}),),
        ),
        # Does not operate drones, but an answer was left in the block: not applicable, a no.
        ReturnRecord(
            "B",
            frozenset(),
            (Submission(submitted, {"drones.operates": "no", "drones.concerns": "yes"}),),
        ),
        ReturnRecord(
            "C",
            frozenset(),
            (Submission(submitted, {"drones.operates": "yes", "drones.concerns": "  UNSURE "}),),
        ),
        ReturnRecord("D", frozenset(), (Submission(submitted, {"drones.operates": "yes"}),)),
    )
    recipients = tuple(Recipient(code, code) for code in "ABCD")
    data = RoundData("r", CLOSES, recipients, returns)
    findings = compute_findings(survey, data, as_of=PUBLISHED)
    over_all = by_code(findings, "drones-concerns-all")
    assert (over_all.at_least, over_all.unsure, over_all.unanswered) == (0, 1, 2)
    assert over_all.unanswered_bodies == ("A", "D")
    assert over_all.unsure_bodies == ("C",)
    assert over_all.rest == 1
    operators = by_code(findings, "drones-concerns")
    assert (operators.denominator, operators.unsure, operators.unanswered) == (2, 1, 1)
    assert describe(operators, findings) == (
        "at least 0 of the 2 respondents that operate drones (0%); up to 2 if the 2 unsure or "
        "unanswered are yes; all 4 bodies responded"
    )


def test_to_dict_has_exactly_the_published_keys(survey) -> None:
    findings = compute_findings(survey, round_2022(), as_of=PUBLISHED)
    document = findings.to_dict()
    assert list(document) == [
        "round",
        "as_of",
        "recipients",
        "returns",
        "bodies_covered",
        "late_returns",
        "non_respondents",
        "findings",
    ]
    assert document["as_of"] == "2023-02-15T09:00:00+00:00"
    assert document["non_respondents"] == list(NON_RESPONDENTS_2022)
    assert set(document["findings"][0]) == {
        "id",
        "title",
        "at_least",
        "at_most",
        "unsure",
        "unanswered",
        "denominator",
        "denominator_label",
        "respondents",
        "recipients",
    }
    assert json.loads(json.dumps(document)) == document


def test_as_of_none_means_now_in_utc(survey) -> None:
    before = datetime.now(UTC)
    findings = compute_findings(survey, lead_force_round())
    assert before <= findings.as_of <= datetime.now(UTC)
    assert findings.as_of.utcoffset() == timedelta(0)


def test_naive_as_of_is_rejected(survey) -> None:
    with pytest.raises(NaiveDatetimeError, match="as_of"):
        compute_findings(survey, lead_force_round(), as_of=datetime(2023, 1, 1))


def test_round_data_rejects_duplicates_and_foreign_items() -> None:
    recipient = Recipient("A", "Force A")
    with pytest.raises(InvalidRoundError, match="duplicate recipient code 'A'"):
        RoundData("r", CLOSES, (recipient, recipient), ())
    record = ReturnRecord("A", frozenset(), ())
    with pytest.raises(InvalidRoundError, match="duplicate return body 'A'"):
        RoundData("r", CLOSES, (recipient,), (record, record))
    with pytest.raises(InvalidRoundError, match="item 0 must be a Recipient"):
        RoundData("r", CLOSES, ("A",), ())  # type: ignore[arg-type]
    with pytest.raises(InvalidRoundError, match="covers must be a set"):
        ReturnRecord("A", "BC", ())  # type: ignore[arg-type]
    with pytest.raises(InvalidRoundError, match="return of 'A': answer event 0"):
        ReturnRecord("A", frozenset(), ({"q": "yes"},))  # type: ignore[arg-type]
    with pytest.raises(NaiveDatetimeError, match="closes_at"):
        RoundData("r", datetime(2022, 8, 31), (), ())


def test_finding_result_rejects_impossible_bounds() -> None:
    with pytest.raises(InvalidRoundError, match="at_least <= at_most"):
        FindingResult("f", "F", 3, 2, 0, 0, 5, "respondents", 5, 5)
    with pytest.raises(InvalidRoundError, match="at_least \\+ unsure"):
        FindingResult("f", "F", 1, 3, 1, 0, 5, "respondents", 5, 5)


def test_unknown_denominator_kind_is_rejected_even_without_returns(survey) -> None:
    spec = survey.findings[0].model_copy(update={"denominator": "everyone"})
    broken = survey.model_copy(update={"findings": [spec]})
    empty = RoundData("r", CLOSES, (), ())
    with pytest.raises(InvalidFindingSpecError, match=r"'external-concerns'.*'everyone'"):
        compute_findings(broken, empty, as_of=PUBLISHED)
