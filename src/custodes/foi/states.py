"""A request's life as facts, and its state computed as of any moment.

A request is a body's copy of a campaign's letter. Everything that happens to it is an
:class:`Event` with a moment (sent, acknowledged, clarification, fees, extension, reviews,
complaints, withdrawal, corrections); replies are :class:`Reply` records, corrected later by
:class:`Correction` facts. :func:`request_status` folds those facts that had happened by
``as_of`` into a :class:`Status`: the state (the issue's eleven, plus ``not_sent``), the
statutory due date from :mod:`custodes.foi.clock` and the reply then current. Nothing is stored
about the state: the same facts and ``as_of`` always give the same answer.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from custodes.foi.clock import (
    ClockError,
    Regime,
    due_date,
    extended_due,
    review_due,
    very_overdue_date,
)
from custodes.foi.values import REFUSALS

__all__ = [
    "EVENT_KINDS",
    "OPEN_STATES",
    "STATES",
    "Answer",
    "Correction",
    "Event",
    "Reply",
    "RequestFacts",
    "Status",
    "local_date",
    "request_status",
]

UK = ZoneInfo("Europe/London")

#: Every kind of event a request keeps (``reply`` events carry a :class:`Reply`).
EVENT_KINDS: tuple[str, ...] = (
    "sent",
    "send_failed",
    "acknowledged",
    "clarification_requested",
    "clarification_answered",
    "fee_notice",
    "fee_paid",
    "extension",
    "chaser",
    "reply",
    "review_requested",
    "review_answered",
    "complaint",
    "decision_notice",
    "withdrawn",
    "correction",
    "note",
)
#: The states a request can be in, as of a moment.
STATES: tuple[str, ...] = (
    "not_sent",
    "awaiting",
    "overdue",
    "very_overdue",
    "clarification",
    "answered",
    "partial",
    "refused",
    "not_held",
    "internal_review",
    "with_regulator",
    "withdrawn",
)
#: States in which the body still owes an answer.
OPEN_STATES = frozenset({"awaiting", "overdue", "very_overdue", "clarification"})
_OUTCOME_STATE = {
    "answered": "answered",
    "partial": "partial",
    "not_held": "not_held",
    "withdrawn": "withdrawn",
    "clarification_requested": "clarification",
    **{outcome: "refused" for outcome in REFUSALS},
}
# The events after which the latest one decides the state (besides replies).
_DECIDING = frozenset(
    {
        "clarification_requested",
        "clarification_answered",
        "review_requested",
        "review_answered",
        "complaint",
        "decision_notice",
    }
)


def local_date(moment: datetime) -> date:
    """The UK calendar date of an aware moment (the clock counts UK days)."""
    return moment.astimezone(UK).date()


@dataclass(frozen=True)
class Event:
    """Something that happened to a request, ``at`` an aware moment; ``data`` holds details
    (``extra_days`` and ``exceptional`` of an extension, ``to`` of a sent email...)."""

    kind: str
    at: datetime
    data: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Answer:
    """One question's coded reply: the value, and optionally its outcome and exemptions."""

    value: Any = None
    outcome: str | None = None
    exemptions: tuple[str, ...] = ()
    source: Mapping[str, Any] | None = None  # the attachment and page a figure came from


@dataclass(frozen=True)
class Reply:
    """A reply received ``at``; ``key`` identifies it for corrections."""

    key: int
    at: datetime
    outcome: str
    exemptions: tuple[str, ...] = ()
    summary: str = ""
    referred_to: str = ""
    answers: Mapping[str, Answer] = field(default_factory=dict)


@dataclass(frozen=True)
class Correction:
    """A coded value changed later: ``field`` of question ``question`` (or of the reply itself
    when ``question`` is empty: ``outcome``, ``exemptions``, ``referred_to``) of reply ``reply``."""

    reply: int
    at: datetime
    question: str
    field: str
    value: Any


@dataclass(frozen=True)
class RequestFacts:
    """Everything known about one body's request."""

    code: str
    name: str
    regime: Regime
    reference: str
    events: tuple[Event, ...] = ()
    replies: tuple[Reply, ...] = ()
    corrections: tuple[Correction, ...] = ()


@dataclass(frozen=True)
class Status:
    """A request as of a moment."""

    facts: RequestFacts
    state: str
    sent: date | None
    due: date | None
    very_overdue_after: date | None
    reply: Reply | None
    review_due: date | None = None
    note: str = ""

    @property
    def replied(self) -> bool:
        """A substantive reply (a request for clarification is not one) has come."""
        return self.reply is not None and self.reply.outcome not in {
            "clarification_requested",
        }

    @property
    def outstanding(self) -> bool:
        return self.state in OPEN_STATES

    def to_dict(self) -> dict[str, Any]:
        return {
            "body": self.facts.name,
            "code": self.facts.code,
            "reference": self.facts.reference,
            "regime": self.facts.regime,
            "state": self.state,
            "sent": _iso(self.sent),
            "due": _iso(self.due),
            "very_overdue_after": _iso(self.very_overdue_after),
            "review_due": _iso(self.review_due),
            "replied": _iso(local_date(self.reply.at)) if self.reply else None,
            "outcome": self.reply.outcome if self.reply else None,
            "exemptions": list(self.reply.exemptions) if self.reply else [],
            "note": self.note,
        }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def corrected(reply: Reply, corrections: Sequence[Correction], as_of: datetime) -> Reply:
    """The reply with every correction made by ``as_of`` applied, in order."""
    answers = dict(reply.answers)
    for fix in sorted(corrections, key=lambda c: c.at):
        if fix.reply != reply.key or fix.at > as_of:
            continue
        if not fix.question:
            value = tuple(fix.value or ()) if fix.field == "exemptions" else (fix.value or "")
            reply = replace(reply, **{fix.field: value})
            continue
        current = answers.get(fix.question, Answer())
        value = tuple(fix.value or ()) if fix.field == "exemptions" else fix.value
        answers[fix.question] = replace(current, **{fix.field: value})
    return replace(reply, answers=answers)


def _clock(
    facts: RequestFacts, events: list[Event], sent: date
) -> tuple[date | None, date | None, str]:
    """Due date, very-overdue date and a note, from the clock events since the last sending."""

    def last(kind: str) -> date | None:
        days = [local_date(e.at) for e in events if e.kind == kind and local_date(e.at) >= sent]
        return max(days) if days else None

    clarified = last("clarification_answered")
    fee_notice, fee_paid = last("fee_notice"), last("fee_paid")
    if fee_paid is not None and (fee_notice is None or fee_paid < fee_notice):
        fee_paid = None
    start = clarified or sent
    if fee_notice is not None and fee_notice < start:
        fee_notice = fee_paid = None
    arguments = {"clarified": clarified, "fee_notice": fee_notice, "fee_paid": fee_paid}
    try:
        due = due_date(sent, facts.regime, **arguments)
        very = very_overdue_date(sent, facts.regime, **arguments)
    except ClockError as exc:
        return None, None, str(exc)
    note = ""
    extensions = [e for e in events if e.kind == "extension" and local_date(e.at) >= start]
    if extensions:
        latest = max(extensions, key=lambda e: e.at)
        try:
            due = extended_due(
                due,
                facts.regime,
                extra_days=int(latest.data.get("extra_days", 20)),
                exceptional=bool(latest.data.get("exceptional", False)),
            )
            note = "public-interest extension"
        except ClockError as exc:
            note = f"extension not applied: {exc}"
    return due, very, note


def request_status(facts: RequestFacts, as_of: datetime) -> Status:
    """The request's state as of ``as_of`` (an aware moment), from the facts known by then."""
    events = sorted((e for e in facts.events if e.at <= as_of), key=lambda e: e.at)
    replies = sorted((r for r in facts.replies if r.at <= as_of), key=lambda r: r.at)
    reply = corrected(replies[-1], facts.corrections, as_of) if replies else None
    sent_events = [e for e in events if e.kind == "sent"]
    if not sent_events:
        return Status(facts, "not_sent", None, None, None, reply)
    sent = local_date(sent_events[-1].at)
    due, very, note = _clock(facts, events, sent)
    base = Status(facts, "awaiting", sent, due, very, reply, note=note)
    if any(e.kind == "withdrawn" for e in events):
        return replace(base, state="withdrawn")
    deciding: list[tuple[datetime, str, Event | None]] = [
        (e.at, e.kind, e) for e in events if e.kind in _DECIDING
    ]
    deciding += [(r.at, "reply", None) for r in replies]
    if deciding:
        _at, kind, event = max(deciding, key=lambda item: item[0])
        if kind in {"complaint", "decision_notice"}:
            return replace(base, state="with_regulator")
        if kind == "review_requested" and event is not None:
            return replace(
                base,
                state="internal_review",
                review_due=_review_due(facts.regime, local_date(event.at)),
            )
        if kind == "clarification_requested":
            return replace(base, state="clarification", due=None, very_overdue_after=None)
        if kind in {"reply", "review_answered"} and reply is not None:
            state = _OUTCOME_STATE[reply.outcome]
            if state == "clarification":
                return replace(base, state=state, due=None, very_overdue_after=None)
            return replace(base, state=state)
    today = local_date(as_of)
    if due is None:
        return base
    if very is not None and today > very:
        return replace(base, state="very_overdue")
    if today > due:
        return replace(base, state="overdue")
    return base


def _review_due(regime: Regime, requested: date) -> date | None:
    try:
        return review_due(requested, regime)
    except ClockError:
        return None
