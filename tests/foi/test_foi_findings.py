"""Findings that count refusals, partial replies, "not held" and silence honestly."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from custodes.foi.findings import campaign_findings, coordinated_groups, knowledge_maker
from custodes.foi.request import load_shipped_request
from custodes.foi.states import UK, Answer, Event, Reply, RequestFacts, request_status

REQUEST = load_shipped_request("police-drones-2023")
AS_OF = datetime(2023, 3, 31, 23, 59, tzinfo=UK)


def at(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(10), tzinfo=UK)


def body(code, *replies, sent=True) -> RequestFacts:
    events = (Event("sent", at("2023-01-03")),) if sent else ()
    return RequestFacts(code, code.title(), "foia", f"R-{code}", events, tuple(replies))


def reply(
    outcome, *, count=None, makers=None, makers_outcome=None, summary="", referred="", exemptions=()
):
    answers = {}
    if count is not None:
        answers["drones.count"] = Answer(count)
    if makers is not None or makers_outcome:
        answers["drones.by_manufacturer"] = Answer(makers, makers_outcome)
    return Reply(
        hash(summary + outcome) % 1000,
        at("2023-01-25"),
        outcome,
        tuple(exemptions),
        summary,
        referred,
        answers,
    )


def findings(records, maker_of=None):
    statuses = [request_status(r, AS_OF) for r in records]
    return campaign_findings("c", REQUEST, statuses, AS_OF, maker_of or knowledge_maker())


def by_id(result):
    return {f["id"]: f for f in result["findings"]}


@pytest.fixture
def records():
    return [
        # answered in full: 4 DJI + 1 Parrot
        body("a", reply("answered", count=5, makers=[["DJI Mavic 3", 4], ["Parrot Anafi USA", 1]])),
        # partial: gives the count, withholds the makers
        body("b", reply("partial", count=10, makers_outcome="withheld", exemptions=("s.24(1)",))),
        # answered the count, listed only some makers (2 not stated)
        body("c", reply("answered", count=6, makers=[["Matrice 300 RTK", 3], ["Autel EVO II", 1]])),
        # refused everything
        body("d", reply("refused", exemptions=("s.24(1)", "s.31(1)(a)"))),
        # operates none
        body("e", reply("answered", count=0)),
        # information not held
        body("f", reply("not_held")),
        # silence
        body("g"),
        # not sent: not asked
        body("h", sent=False),
    ]


def test_the_published_shape(records) -> None:
    result = findings(records)
    assert (result["asked"], result["replied"], result["outstanding"], result["overdue"]) == (
        7,
        6,
        1,
        1,
    )
    assert result["outcomes"] == {"answered": 3, "not_held": 1, "partial": 1, "refused": 1}
    assert result["exemptions"] == {"s.24(1)": 2, "s.31(1)(a)": 1}
    dji = by_id(result)["drones-dji"]
    # at least 4 + 3 DJI (Matrice is DJI's); at most adds b's 10 withheld and c's 2 unstated
    assert (dji["at_least"], dji["at_most"], dji["denominator"]) == (7, 19, 21)
    assert (dji["bodies_reporting"], dji["bodies_withheld"], dji["bodies_not_replied"]) == (3, 1, 1)
    total = by_id(result)["drones-total"]
    assert (total["at_least"], total["at_most"], total["denominator"]) == (21, None, None)
    assert (total["bodies_reporting"], total["bodies_withheld"], total["bodies_not_replied"]) == (
        3,
        1,
        1,
    )


def test_a_refusal_is_never_a_no(records) -> None:
    assessed = by_id(findings(records))["drones-security-assessed"]
    assert assessed["at_least"] == 0
    assert assessed["at_most"] == 7 and assessed["denominator"] == 7  # nobody said no
    assert assessed["bodies_withheld"] == 1  # d refused; b (partial, silent on it) is unknown


def test_total_is_exact_only_when_every_body_disclosed() -> None:
    records = [
        body("a", reply("answered", count=5)),
        body("b", reply("answered", makers=[["DJI Mini 2", 2]])),  # breakdown stands in
        body("e", reply("answered", count=0)),
    ]
    total = by_id(findings(records))["drones-total"]
    assert (total["at_least"], total["at_most"], total["bodies_reporting"]) == (7, 7, 2)


def test_findings_follow_as_of(records) -> None:
    early = [request_status(r, at("2023-01-10")) for r in records]
    result = campaign_findings("c", REQUEST, early, at("2023-01-10"), knowledge_maker())
    assert (result["asked"], result["replied"], result["overdue"]) == (7, 0, 0)
    assert by_id(result)["drones-dji"]["denominator"] == 0


def test_maker_resolution_is_injected(records) -> None:
    everything_dji = findings(records, maker_of=lambda name: "DJI")
    assert by_id(everything_dji)["drones-dji"]["at_least"] == 9  # 5 + 4 listed


def test_coordinated_by_referral_and_wording() -> None:
    words = "The Kent force can neither confirm nor deny holding information about drones."
    records = [
        body("kent", reply("ncnd", summary=words, referred="NPCC Central Referral Unit")),
        body(
            "essex",
            reply(
                "ncnd",
                summary=words.replace("Kent", "Essex"),
                referred="npcc central  referral unit",
            ),
        ),
        body("surrey", reply("ncnd", summary=words.replace("Kent", "Surrey"))),
        body("sussex", reply("answered", count=2, summary="Here you are.")),
    ]
    statuses = [request_status(r, AS_OF) for r in records]
    groups = coordinated_groups(statuses)
    wording = next(g for g in groups if g["kind"] == "wording")
    referral = next(g for g in groups if g["kind"] == "referral")
    assert wording["bodies"] == ["Essex", "Kent", "Surrey"] and wording["outcomes"] == {"ncnd": 3}
    assert referral["bodies"] == ["Essex", "Kent"]
    assert len(groups) == 2
