"""The synthetic demo FOI campaign: the shipped ``police-drones-2023`` request to the demo
round's recipients, with made-up replies.

Built through the paths real campaigns take: the campaign is created by ``create_campaign``,
each request recorded as sent (on dates relative to today, so that the clock gives overdue and
very overdue requests whenever the demo is built), the replies coded in a spreadsheet and read
by ``import_replies`` (which records each through ``record_reply``), and the other events
(acknowledgement, clarification, chaser) by ``record_event``. The campaign's title, every reply
summary and every note say "synthetic"; the figures are no body's real answer. Running it
again adds nothing.
"""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from custodes.web.bodies.models import Body
from custodes.web.foi.imports import import_replies
from custodes.web.foi.models import Campaign
from custodes.web.foi.services import create_campaign, record_event, record_sent, request_for
from custodes.web.surveys.models import Round

__all__ = ["DEMO_CAMPAIGN", "DemoCampaign", "build_demo_campaign"]

DEMO_CAMPAIGN = "demo-drones"
REQUEST = "police-drones-2023"
TITLE = "Police drones: numbers and manufacturers (SYNTHETIC DEMO DATA)"
ACTOR = "demo:synthetic"
NOTE = "SYNTHETIC DEMO DATA"
REFERRAL = "Synthetic national FOI referral unit (demo)"
COORDINATED = (
    "SYNTHETIC DEMO: to disclose the number or makes of our drones would reveal tactical "
    "capability; the information is withheld under s.24(1) and s.31(1)(a)."
)
UK = ZoneInfo("Europe/London")

# Days before today each group of requests was sent: the main batch is past its 20 working
# days, one request past the ICO's 40, two still within time.
SENT_MAIN, SENT_EARLY, SENT_RECENT = 45, 90, 8

# Fully answered replies: (drones, "make and model=count; …", suppliers, security assessed).
_ANSWERED = [
    (6, "DJI Matrice 300 RTK=4; DJI Mavic 3 Enterprise=2", "Synthetic Drones Ltd", "no"),
    (9, "DJI M30T=5; DJI Mavic 2 Enterprise=3; Parrot Anafi USA=1", "", "yes"),
    (4, "DJI Matrice 300 RTK=2; Skydio X2=2", "Synthetic Aviation Services", "yes"),
    (12, "DJI M30T=8; DJI Mavic 3 Enterprise=4", "", "no"),
    (3, "Parrot Anafi USA=3", "", "yes"),
    (7, "DJI Matrice 300 RTK=5; Synthetic Quadcopter X1=2", "Synthetic Drones Ltd", "no"),
    (0, "", "", ""),
    (5, "DJI Mavic 2 Enterprise=5", "", "no"),
    (10, "DJI M30T=6; DJI Matrice 300 RTK=2; Skydio X2=2", "", "yes"),
    (2, "DJI Mavic 3 Enterprise=2", "", "no"),
    (8, "DJI Matrice 300 RTK=6; Parrot Anafi USA=2", "Synthetic Aviation Services", "no"),
    (4, "DJI M30T=4", "", ""),
]
# Each body's own words (alike words would read as one coordinated decision).
_PARTIAL_WORDS = (
    "number given, makes withheld",
    "we disclose how many drones we fly but not their manufacturers",
    "count provided; the breakdown by model is exempt",
)
_NOT_HELD_WORDS = (
    "the force operates no drones",
    "no drones are owned or leased; a neighbouring force provides air support",
    "information not held: drone support comes from the regional unit",
)
# What each position in the recipient list (sorted by code) gets, after the answered ones.
_PLAN = (
    ["answered"] * len(_ANSWERED)
    + ["partial"] * 3
    + ["coordinated"] * 5
    + ["ncnd", "cost"]
    + ["not_held"] * 3
    + ["clarification"]
    + ["very_overdue"]
    + ["awaiting"] * 2
)
COLUMNS = [
    "body",
    "received_at",
    "outcome",
    "exemptions",
    "summary",
    "referred_to",
    "drones.count",
    "drones.by_manufacturer",
    "drones.by_manufacturer.outcome",
    "drones.by_manufacturer.exemptions",
    "drones.suppliers",
    "drones.security_assessed",
    "drones.notes",
]


@dataclass(frozen=True)
class DemoCampaign:
    """The demo campaign's name and the bodies whose requests show each case."""

    name: str
    answered: str
    coordinated: str
    clarification: str
    overdue: str
    very_overdue: str


def _at(days_ago: int, hour: int = 11) -> datetime:
    """``hour`` o'clock UK time, ``days_ago`` days before today (never in the future)."""
    day = timezone.localdate() - timedelta(days=days_ago)
    return min(datetime.combine(day, time(hour), tzinfo=UK), timezone.now())


def _reply_row(kind: str, body: Body, index: int) -> dict[str, str] | None:
    """The coded reply of one body (None: no reply), as a person codes it in the sheet."""
    row = {c: "" for c in COLUMNS}
    row["body"] = body.code
    if kind == "answered":
        count, makes, suppliers, assessed = _ANSWERED[index]
        row.update(
            {
                "received_at": _at(SENT_MAIN - 18 - index % 6).isoformat(),
                "outcome": "answered",
                "summary": f"{NOTE}: full answer",
                "drones.count": str(count),
                "drones.by_manufacturer": makes,
                "drones.suppliers": suppliers,
                "drones.security_assessed": assessed,
                "drones.notes": "Synthetic reply made up for the Custodes demo.",
            }
        )
    elif kind == "partial":
        row.update(
            {
                "received_at": _at(SENT_MAIN - 20).isoformat(),
                "outcome": "partial",
                "exemptions": "s.31(1)(a)",
                "summary": f"{NOTE}: " + _PARTIAL_WORDS[index % len(_PARTIAL_WORDS)],
                "drones.count": str(3 + index),
                "drones.by_manufacturer.outcome": "withheld",
                "drones.by_manufacturer.exemptions": "s.24(1); s.31(1)(a)",
                "drones.security_assessed": "yes" if index % 2 else "",
            }
        )
    elif kind == "coordinated":
        row.update(
            {
                "received_at": _at(SENT_MAIN - 19).isoformat(),
                "outcome": "refused",
                "exemptions": "s.24(1); s.31(1)(a)",
                "summary": COORDINATED,
                "referred_to": REFERRAL,
            }
        )
    elif kind == "ncnd":
        row.update(
            {
                "received_at": _at(SENT_MAIN - 25).isoformat(),
                "outcome": "ncnd",
                "exemptions": "s.23(5); s.24(2)",
                "summary": f"{NOTE}: neither confirm nor deny",
            }
        )
    elif kind == "cost":
        row.update(
            {
                "received_at": _at(SENT_MAIN - 22).isoformat(),
                "outcome": "cost",
                "exemptions": "s.12(1)",
                "summary": f"{NOTE}: finding the makes would exceed the cost limit",
            }
        )
    elif kind == "not_held":
        row.update(
            {
                "received_at": _at(SENT_MAIN - 10).isoformat(),
                "outcome": "not_held",
                "summary": f"{NOTE}: " + _NOT_HELD_WORDS[index % len(_NOT_HELD_WORDS)],
            }
        )
    else:
        return None
    return row


def _replies_file(rows: list[dict[str, str]], folder: Path) -> Path:
    path = folder / "synthetic-demo-replies.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


def _describe(campaign: Campaign, plan: dict[str, str]) -> DemoCampaign:
    def first(kind: str) -> str:
        return next(code for code, k in plan.items() if k == kind)

    return DemoCampaign(
        name=campaign.name,
        answered=first("answered"),
        coordinated=first("coordinated"),
        clarification=first("clarification"),
        overdue=first("overdue"),
        very_overdue=first("very_overdue"),
    )


def _plan(round_: Round) -> dict[str, str]:
    """What each recipient's request shows, by body code: the plan's cases in order, the
    remaining bodies overdue."""
    codes = list(round_.recipient_list.bodies.order_by("code").values_list("code", flat=True))
    if len(codes) < len(_PLAN) + 1:
        raise RuntimeError(f"the demo campaign needs at least {len(_PLAN) + 1} recipients")
    # Interleave so that the cases are spread over the list, not grouped by name.
    order = codes[::2] + codes[1::2]
    return {code: (_PLAN[i] if i < len(_PLAN) else "overdue") for i, code in enumerate(order)}


def build_demo_campaign(round_: Round) -> DemoCampaign:
    """Creates (once) the synthetic campaign ``demo-drones`` to the demo round's recipients,
    with replies, refusals, silence and a clarification; returns what it shows where."""
    plan = _plan(round_)
    existing = Campaign.objects.filter(name=DEMO_CAMPAIGN).first()
    if existing is not None:
        return _describe(existing, plan)
    with transaction.atomic():
        campaign = create_campaign(
            DEMO_CAMPAIGN,
            request=REQUEST,
            recipients=round_.recipient_list.name,
            recipients_version=round_.recipient_list.version,
            actor=ACTOR,
            title=TITLE,
        )
        bodies = {b.code: b for b in round_.recipient_list.bodies.all()}
        today = timezone.localdate()
        groups: dict[int, list[Body]] = {}
        for code, kind in plan.items():
            days = {"very_overdue": SENT_EARLY, "awaiting": SENT_RECENT}.get(kind, SENT_MAIN)
            groups.setdefault(days, []).append(bodies[code])
        for days, members in groups.items():
            record_sent(
                campaign,
                members,
                date.fromordinal(today.toordinal() - days),
                actor=ACTOR,
                via="synthetic demo (no email was sent)",
            )
        rows: list[dict[str, str]] = []
        position: dict[str, int] = {}
        for code, kind in plan.items():
            index = position.get(kind, 0)
            position[kind] = index + 1
            row = _reply_row(kind, bodies[code], index)
            if row is not None:
                rows.append(row)
        with tempfile.TemporaryDirectory() as folder:
            import_replies(campaign, _replies_file(rows, Path(folder)), actor=ACTOR)
        for code, kind in plan.items():
            request = request_for(campaign, bodies[code])
            if kind in {"answered", "coordinated", "overdue"}:
                record_event(
                    request,
                    "acknowledged",
                    _at(SENT_MAIN - 2, 10),
                    actor=ACTOR,
                    note=f"{NOTE}: acknowledged",
                )
            if kind == "clarification":
                record_event(
                    request,
                    "clarification_requested",
                    _at(SENT_MAIN - 6),
                    actor=ACTOR,
                    note=f"{NOTE}: does 'operate' include drones borrowed from a neighbour?",
                )
            if kind == "very_overdue":
                record_event(
                    request,
                    "chaser",
                    _at(SENT_EARLY - 35),
                    actor=ACTOR,
                    note=f"{NOTE}: chaser sent, no answer",
                )
    return _describe(campaign, plan)
