"""Request states computed from events as of any moment, with the statutory clock."""

from __future__ import annotations

from datetime import date, datetime, time

from custodes.foi.states import (
    UK,
    Answer,
    Correction,
    Event,
    Reply,
    RequestFacts,
    corrected,
    request_status,
)


def at(day: str, hour: int = 10) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(hour), tzinfo=UK)


def end(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(23, 59), tzinfo=UK)


def facts(*events: Event, replies=(), corrections=(), regime="foia") -> RequestFacts:
    return RequestFacts(
        "kent", "Kent Police", regime, "R", tuple(events), tuple(replies), tuple(corrections)
    )


SENT = Event("sent", at("2023-01-03"))  # a Tuesday


def test_not_sent_then_awaiting_overdue_very_overdue() -> None:
    record = facts(SENT)
    assert request_status(record, at("2023-01-02")).state == "not_sent"
    status = request_status(record, end("2023-01-31"))
    assert (status.state, status.due) == ("awaiting", date(2023, 1, 31))  # the due day itself
    assert request_status(record, end("2023-02-01")).state == "overdue"
    assert status.very_overdue_after == date(2023, 2, 28)
    assert request_status(record, end("2023-02-28")).state == "overdue"
    assert request_status(record, end("2023-03-01")).state == "very_overdue"


def test_bank_holidays_move_the_due_date_by_regime() -> None:
    # Sent Thursday 6 April 2023: Good Friday 7 April; Easter Monday 10 April (not Scotland),
    # 1 May, 8 May (coronation, proclaimed) count as holidays under FOIA.
    sent = Event("sent", at("2023-04-06"))
    foia = request_status(facts(sent), end("2023-04-06"))
    foisa = request_status(facts(sent, regime="foisa"), end("2023-04-06"))
    assert foia.due == date(2023, 5, 10)
    assert foisa.due == date(2023, 5, 9)


def test_clarification_stops_then_restarts_the_clock() -> None:
    asked = Event("clarification_requested", at("2023-01-10"))
    answered = Event("clarification_answered", at("2023-01-20"))
    record = facts(SENT, asked, answered)
    during = request_status(record, end("2023-01-15"))
    assert (during.state, during.due) == ("clarification", None)
    after = request_status(record, end("2023-02-01"))
    assert (after.state, after.due) == ("awaiting", date(2023, 2, 17))


def test_fees_pause_and_extension_extends() -> None:
    record = facts(SENT, Event("fee_notice", at("2023-01-10")), Event("fee_paid", at("2023-01-16")))
    assert request_status(record, end("2023-01-12")).due is None  # stopped: no due date
    # 4 working days used before the notice, 16 more from the day after payment
    assert request_status(record, end("2023-02-01")).due == date(2023, 2, 7)
    extended = facts(SENT, Event("extension", at("2023-01-30"), {"extra_days": 20}))
    status = request_status(extended, end("2023-02-10"))
    assert (status.state, status.due) == ("awaiting", date(2023, 2, 28))
    assert status.note == "public-interest extension"
    # FOISA allows no extension: the original date stands, and says why.
    scottish = request_status(
        facts(SENT, Event("extension", at("2023-01-30")), regime="foisa"), end("2023-02-10")
    )
    assert scottish.state == "overdue" and "FOISA" in scottish.note


def test_replies_reviews_regulator_and_withdrawal() -> None:
    reply = Reply(1, at("2023-01-20"), "refused", ("s.24(1)",))
    record = facts(
        SENT,
        Event("review_requested", at("2023-01-25")),
        Event("complaint", at("2023-03-20")),
        replies=[reply],
    )
    assert request_status(record, end("2023-01-19")).state == "awaiting"
    assert request_status(record, end("2023-01-21")).state == "refused"
    review = request_status(record, end("2023-02-01"))
    assert (review.state, review.review_due) == ("internal_review", date(2023, 2, 22))
    assert request_status(record, end("2023-03-21")).state == "with_regulator"
    later = Reply(2, at("2023-04-03"), "answered", answers={"drones.count": Answer(3)})
    settled = facts(*record.events, replies=[reply, later])
    assert request_status(settled, end("2023-04-04")).state == "answered"
    gone = facts(SENT, Event("withdrawn", at("2023-01-05")))
    assert request_status(gone, end("2023-06-01")).state == "withdrawn"


def test_outcome_states() -> None:
    for outcome, state in {
        "partial": "partial",
        "ncnd": "refused",
        "cost": "refused",
        "not_held": "not_held",
        "clarification_requested": "clarification",
    }.items():
        record = facts(SENT, replies=[Reply(1, at("2023-01-20"), outcome)])
        assert request_status(record, end("2023-01-21")).state == state


def test_corrections_apply_from_when_they_were_made() -> None:
    reply = Reply(7, at("2023-01-20"), "answered", answers={"drones.count": Answer(5)})
    fix = Correction(7, at("2023-02-10"), "drones.count", "value", 6)
    outcome_fix = Correction(7, at("2023-02-11"), "", "outcome", "partial")
    record = facts(SENT, replies=[reply], corrections=[fix, outcome_fix])
    before = request_status(record, end("2023-02-09"))
    assert before.reply.answers["drones.count"].value == 5 and before.state == "answered"
    after = request_status(record, end("2023-02-12"))
    assert after.reply.answers["drones.count"].value == 6 and after.state == "partial"
    assert corrected(reply, [fix], end("2023-02-10")).answers["drones.count"].value == 6
