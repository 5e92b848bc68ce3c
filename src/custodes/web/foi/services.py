"""FOI campaigns' services: creating campaigns, recording events and replies, corrections,
sending requests, chasers and review requests, and the states and findings as of a moment.

Every write runs in a transaction holding the request's row lock (``select_for_update``), so
two people recording the same body's reply or correcting the same value take turns and each
correction's recorded "old value" is what the value really was.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from custodes.foi import findings as fcore
from custodes.foi import states as score
from custodes.foi.request import (
    FoiRequest,
    load_request,
    load_shipped_request,
    shipped_requests,
)
from custodes.foi.values import (
    OUTCOMES,
    QUESTION_OUTCOMES,
    ValueProblem,
    parse_citations,
    parse_value,
    value_text,
)
from custodes.web.bodies import services as bodies_services
from custodes.web.bodies.models import Body
from custodes.web.foi.choices import OUTCOME_LABELS, Channel
from custodes.web.foi.models import Campaign, Event, Reply, Request, RequestDefinition

__all__ = [
    "MANUAL_EVENTS",
    "CampaignError",
    "Draft",
    "Overlap",
    "SendOutcome",
    "campaign_findings",
    "campaign_named",
    "campaign_statuses",
    "clean_answers",
    "code_answer",
    "correct_value",
    "create_campaign",
    "current_value",
    "definition_of",
    "draft_chaser",
    "draft_review",
    "load_definition",
    "overlapping_requests",
    "record_event",
    "record_reply",
    "record_sent",
    "request_facts",
    "request_for",
    "send_draft",
    "send_requests",
    "value_cell",
]

UK = ZoneInfo("Europe/London")
#: Events recorded by hand (replies and corrections have their own services).
MANUAL_EVENTS = tuple(
    k for k in score.EVENT_KINDS if k not in {"reply", "correction", "send_failed", "sent"}
)
ANSWER_FIELDS = ("value", "outcome", "exemptions", "source")


class CampaignError(Exception):
    """A campaign operation was refused; the message says why, for the person who asked."""


# --- definitions -------------------------------------------------------------------------------


def load_definition(name_or_path: str) -> RequestDefinition:
    """Stores a shipped request (by name) or a request file; idempotent."""
    path = Path(name_or_path)
    if name_or_path in shipped_requests():
        definition = load_shipped_request(name_or_path)
    elif path.suffix in {".yaml", ".yml"} and path.exists():
        definition = load_request(path)
    else:
        raise CampaignError(
            f"unknown request {name_or_path!r}: give a request file or one of "
            + ", ".join(shipped_requests())
        )
    return RequestDefinition.store(definition)


def definition_of(row: RequestDefinition) -> FoiRequest:
    """The typed request a stored row was made from (validated once per process)."""
    return row.typed(FoiRequest)


# --- campaigns ---------------------------------------------------------------------------------


def _start_of(day: date) -> datetime:
    """Nine in the morning, UK time, of ``day`` (or now, if that is still to come today):
    when a request recorded by date was sent."""
    return min(datetime.combine(day, dtime(9), tzinfo=UK), timezone.now())


def _reference(campaign: Campaign, body: Body) -> str:
    """Our reference for one body's request: campaign number, body code and a random tail."""
    return f"FOI-{campaign.pk}-{body.code[:20].upper()}-{secrets.token_hex(2).upper()}"


@transaction.atomic
def create_campaign(
    name: str,
    *,
    request: str,
    recipients: str,
    actor: str,
    sent: date | None = None,
    title: str | None = None,
    recipients_version: int | None = None,
) -> Campaign:
    """Creates a campaign and one request per body of the recipient list (pinned at its
    current or given version); ``sent`` records every request as sent elsewhere that day."""
    if Campaign.objects.filter(name=name).exists():
        raise CampaignError(f"a campaign named {name!r} already exists")
    recipient_list = bodies_services.recipient_list(recipients, recipients_version)
    if recipient_list is None:
        known = ", ".join(bodies_services.known_list_names())
        raise CampaignError(f"unknown recipient list {recipients!r} (known: {known or 'none'})")
    definition = load_definition(request)
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                name=name,
                title=title or definition.title,
                definition=definition,
                recipient_list=recipient_list,
                created_by=actor,
            )
    except IntegrityError:
        raise CampaignError(f"a campaign named {name!r} already exists") from None
    Request.objects.bulk_create(
        Request(
            campaign=campaign,
            body=body,
            reference=_reference(campaign, body),
            regime=body.foi_regime,
        )
        for body in recipient_list.bodies.order_by("name")
    )
    if sent is not None:
        record_sent(campaign, None, sent, actor=actor, via="recorded at creation")
    return campaign


def campaign_named(name: str) -> Campaign:
    """The campaign called ``name``; the error lists those there are."""
    try:
        return Campaign.objects.select_related("definition", "recipient_list").get(name=name)
    except Campaign.DoesNotExist:
        known = ", ".join(Campaign.objects.values_list("name", flat=True)) or "none yet"
        raise CampaignError(f"no campaign named {name!r} (campaigns: {known})") from None


def request_for(campaign: Campaign, body: Body) -> Request:
    """The body's request in the campaign."""
    try:
        return Request.objects.select_related("body", "campaign").get(campaign=campaign, body=body)
    except Request.DoesNotExist:
        raise CampaignError(f"{body.name} is not a recipient of {campaign.name}") from None


def _locked(request: Request) -> Request:
    return Request.objects.select_for_update().select_related("body", "campaign").get(pk=request.pk)


def _check_moment(at: datetime, request: Request, kind: str) -> None:
    if timezone.is_naive(at):
        raise CampaignError("give a moment with its time zone")
    if at > timezone.now():
        raise CampaignError(f"{at:%Y-%m-%d %H:%M} is in the future")
    if kind != "sent":
        first = request.events.filter(kind="sent").order_by("at").first()
        if first is None:
            raise CampaignError(
                f"{request.body.name}'s request has not been sent: record it sent first"
            )
        if score.local_date(at) < score.local_date(first.at):
            raise CampaignError(
                f"{at:%Y-%m-%d} is before the request was sent ({first.at:%Y-%m-%d})"
            )


def record_event(
    request: Request,
    kind: str,
    at: datetime,
    *,
    actor: str,
    note: str = "",
    data: Mapping[str, Any] | None = None,
) -> Event:
    """Records one of :data:`MANUAL_EVENTS` (acknowledgement, clarification, fees, extension,
    chaser, internal review, complaint, decision notice, withdrawal, note)."""
    if kind not in MANUAL_EVENTS:
        raise CampaignError(f"unknown event {kind!r} (one of {', '.join(MANUAL_EVENTS)})")
    details = dict(data or {})
    if kind == "extension":
        days = details.setdefault("extra_days", 20)
        if not isinstance(days, int) or not 1 <= days <= 60:
            raise CampaignError("an extension is 1 to 60 further working days")
    with transaction.atomic():
        locked = _locked(request)
        _check_moment(at, locked, kind)
        return Event.objects.create(
            request=locked, kind=kind, at=at, by=actor, note=note, data=details
        )


def record_sent(
    campaign: Campaign,
    bodies: Iterable[Body] | None,
    on: date | datetime,
    *,
    actor: str,
    via: str = "",
) -> int:
    """Records requests as sent elsewhere (an FOI portal, post) on a date; bodies already
    recorded as sent are left alone. Returns how many were recorded."""
    at = on if isinstance(on, datetime) else _start_of(on)
    if at > timezone.now():
        raise CampaignError(f"{at:%Y-%m-%d} is in the future")
    requests = campaign.requests.select_related("body")
    if bodies is not None:
        requests = requests.filter(body__in=list(bodies))
    count = 0
    with transaction.atomic():
        for request in requests.order_by("pk"):
            locked = _locked(request)
            if locked.events.filter(kind="sent").exists():
                continue
            Event.objects.create(
                request=locked,
                kind="sent",
                at=at,
                by=actor,
                note=f"Sent elsewhere: {via}" if via else "Recorded as sent",
                data={"channel": "elsewhere", "via": via},
            )
            count += 1
    return count


@dataclass(frozen=True)
class SendOutcome:
    body: Body
    reference: str
    to: str
    error: str | None = None


def send_requests(
    campaign: Campaign,
    bodies: Sequence[Body] | None,
    *,
    actor: str,
    throttle: float = 60.0,
    resend: bool = False,
    sleep: Callable[[float], None] = time.sleep,
    on_sent: Callable[[SendOutcome], None] | None = None,
) -> list[SendOutcome]:
    """Emails the request to each body's FOI address, one at a time, ``throttle`` seconds
    apart, each with its own reference in the subject and text; every send, and every
    failure, is an event. Requests already sent are skipped unless ``resend``."""
    definition = definition_of(campaign.definition)
    requests = campaign.requests.select_related("body").order_by("body__name")
    if bodies is not None:
        requests = requests.filter(body__in=list(bodies))
    outcomes: list[SendOutcome] = []
    first = True
    for request in requests:
        if not resend and request.events.filter(kind="sent").exists():
            continue
        if not first and throttle > 0:
            sleep(throttle)
        first = False
        outcome = _send_one(campaign, definition, request, actor=actor, resend=resend)
        if outcome is None:
            continue  # sent by someone else meanwhile
        outcomes.append(outcome)
        if on_sent is not None:
            on_sent(outcome)
    return outcomes


def _send_one(
    campaign: Campaign, definition: FoiRequest, request: Request, *, actor: str, resend: bool
) -> SendOutcome | None:
    """Emails one body's request holding its row lock, so that two senders (the command line
    and a web job) never both send it; the send or the failure is recorded as an event."""
    body = request.body
    subject = campaign.request_subject.format_map(
        _Keep(title=campaign.title, reference=request.reference, body_name=body.name)
    )
    text = definition.letter(body_name=body.name, reference=request.reference)
    with transaction.atomic():
        locked = _locked(request)
        if not resend and locked.events.filter(kind="sent").exists():
            return None
        error = None
        if not body.foi_email:
            error = "no FOI email address for this body (see the roster)"
        else:
            try:
                send_mail(subject, text, settings.DEFAULT_FROM_EMAIL, [body.foi_email])
            except Exception as exc:  # any backend failure is logged as an event, not raised
                error = f"{type(exc).__name__}: {exc}"
        Event.objects.create(
            request=locked,
            kind="send_failed" if error else "sent",
            at=timezone.now(),
            by=actor,
            note=error or f"Emailed to {body.foi_email}",
            data={"channel": "email", "to": body.foi_email, "subject": subject},
        )
    return SendOutcome(body, request.reference, body.foi_email, error)


class _Keep(dict):
    """``str.format_map`` values that leave unknown ``{placeholders}`` as written."""

    def __init__(self, **values: Any) -> None:
        super().__init__(values)

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


AGGREGATION_WORKING_DAYS = 60


@dataclass(frozen=True)
class Overlap:
    """Another campaign's request to the same body sent within 60 working days: the costs of
    both may be aggregated (FOIA s.12(4) and the Fees Regulations, reg 5)."""

    body: Body
    campaign: str
    sent: date
    working_days: int


def overlapping_requests(campaign: Campaign, on: date | None = None) -> list[Overlap]:
    """Our own requests to the campaign's bodies sent by other campaigns within
    :data:`AGGREGATION_WORKING_DAYS` working days of ``on`` (default: when this campaign's
    request was sent, or today)."""
    from custodes.foi.clock import ClockError, working_days

    ours = {
        r.body_id: r for r in campaign.requests.select_related("body").prefetch_related("events")
    }
    found: list[Overlap] = []
    others = (
        Event.objects.filter(kind="sent", request__body_id__in=list(ours))
        .exclude(request__campaign=campaign)
        .select_related("request__campaign")
    )
    for event in others:
        request = ours[event.request.body_id]
        sent = [e.at for e in request.events.all() if e.kind == "sent"]
        day = on or (score.local_date(min(sent)) if sent else timezone.localdate())
        other = score.local_date(event.at)
        first, last = sorted((day, other))
        try:
            gap = working_days(request.regime).between(first, last)  # type: ignore[arg-type]
        except ClockError:
            continue
        if gap <= AGGREGATION_WORKING_DAYS:
            found.append(Overlap(request.body, event.request.campaign.name, other, gap))
    found.sort(key=lambda o: (o.body.name, o.sent))
    return found


# --- replies and corrections -------------------------------------------------------------------


def clean_answers(
    definition: FoiRequest, answers: Mapping[str, Mapping[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Checks per-question answers (``{qid: {"value", "outcome", "exemptions", "source"}}``,
    values already typed) and returns them in stored form; raises :class:`CampaignError`."""
    cleaned: dict[str, dict[str, Any]] = {}
    for qid, answer in answers.items():
        try:
            definition.question(qid)
        except KeyError:
            raise CampaignError(f"{qid!r} is not a question of {definition.id}") from None
        unknown = set(answer) - set(ANSWER_FIELDS)
        if unknown:
            raise CampaignError(f"{qid}: unknown field(s) {', '.join(sorted(unknown))}")
        outcome = answer.get("outcome") or None
        if outcome is not None and outcome not in QUESTION_OUTCOMES:
            raise CampaignError(f"{qid}: outcome must be one of {', '.join(QUESTION_OUTCOMES)}")
        entry = {
            "value": answer.get("value"),
            "outcome": outcome,
            "exemptions": list(answer.get("exemptions") or []),
        }
        if answer.get("source"):
            entry["source"] = dict(answer["source"])
        if entry["value"] is not None or outcome or entry["exemptions"] or "source" in entry:
            cleaned[qid] = entry
    return cleaned


def record_reply(
    request: Request,
    *,
    received_at: datetime,
    outcome: str,
    actor: str,
    exemptions: Sequence[str] = (),
    summary: str = "",
    referred_to: str = "",
    answers: Mapping[str, Mapping[str, Any]] | None = None,
    review: bool = False,
    channel: str = Channel.WEB,
) -> Reply:
    """Records a reply (or an internal review's answer) with its coded values, and its event."""
    if outcome not in OUTCOMES:
        raise CampaignError(f"outcome must be one of {', '.join(OUTCOMES)}")
    definition = definition_of(request.campaign.definition)
    stored = clean_answers(definition, answers or {})
    with transaction.atomic():
        locked = _locked(request)
        _check_moment(received_at, locked, "reply")
        reply = Reply.objects.create(
            request=locked,
            received_at=received_at,
            outcome=outcome,
            exemptions=[str(c) for c in parse_citations("; ".join(exemptions))],
            summary=summary.strip(),
            referred_to=" ".join(referred_to.split()),
            answers=stored,
            review=review,
            channel=channel,
            recorded_by=actor,
        )
        Event.objects.create(
            request=locked,
            kind="review_answered" if review else "reply",
            at=received_at,
            by=actor,
            note=OUTCOME_LABELS[outcome],
            reply=reply,
        )
    return reply


def current_value(reply: Reply, question: str, field: str) -> Any:
    """A reply's coded value now, its corrections applied."""
    facts = request_facts(reply.request)
    core = next(r for r in facts.replies if r.key == reply.pk)
    fixed = score.corrected(core, facts.corrections, timezone.now())
    if not question:
        value = getattr(fixed, field)
        return list(value) if isinstance(value, tuple) else value
    answer = fixed.answers.get(question, score.Answer())
    value = getattr(answer, field)
    return list(value) if isinstance(value, tuple) else value


def correct_value(
    reply: Reply,
    *,
    question: str,
    field: str,
    text: str,
    reason: str,
    actor: str,
) -> Event:
    """Corrects one coded value of a reply (a question's ``value``/``outcome``/``exemptions``,
    or with ``question=""`` the reply's ``outcome``/``exemptions``/``referred_to``), keeping the
    old value, the new one, who, when and why. ``text`` is parsed as an import cell would be."""
    if not reason.strip():
        raise CampaignError("a correction needs a reason")
    definition = definition_of(reply.request.campaign.definition)
    try:
        value = _parse_field(definition, question, field, text)
    except ValueProblem as exc:
        raise CampaignError(str(exc)) from None
    with transaction.atomic():
        locked = _locked(reply.request)
        old = current_value(reply, question, field)
        if old == value:
            raise CampaignError("that is already the value: nothing to correct")
        return Event.objects.create(
            request=locked,
            kind="correction",
            at=timezone.now(),
            by=actor,
            note=reason.strip(),
            reply=reply,
            data={"question": question, "field": field, "old": old, "new": value},
        )


def code_answer(
    reply: Reply,
    question: str,
    *,
    value: str,
    outcome: str,
    exemptions: str,
    source: Mapping[str, Any] | None,
    actor: str,
    reason: str = "",
) -> list[Event]:
    """Codes one question of a reply (value, outcome, exemptions and the attachment and page
    the figure came from) as it was read; each change is a correction event, so the coding is
    audited and the figures as of any earlier moment stay as they were."""
    definition = definition_of(reply.request.campaign.definition)
    wanted: dict[str, Any] = {}
    try:
        wanted["value"] = _parse_field(definition, question, "value", value)
        wanted["outcome"] = _parse_field(definition, question, "outcome", outcome)
        wanted["exemptions"] = _parse_field(definition, question, "exemptions", exemptions)
    except ValueProblem as exc:
        raise CampaignError(str(exc)) from None
    if wanted["outcome"] in {"withheld", "not_held"} and wanted["value"] is not None:
        raise CampaignError(f"{wanted['outcome']} but a value is given: leave one of them empty")
    wanted["source"] = dict(source) if source else None
    events = []
    with transaction.atomic():
        locked = _locked(reply.request)
        for field, new in wanted.items():
            old = current_value(reply, question, field)
            if old == new or (not old and not new):
                continue
            events.append(
                Event.objects.create(
                    request=locked,
                    kind="correction",
                    at=timezone.now(),
                    by=actor,
                    note=reason.strip() or "Coded from the reply",
                    reply=reply,
                    data={"question": question, "field": field, "old": old, "new": new},
                )
            )
    return events


def _parse_field(definition: FoiRequest, question: str, field: str, text: str) -> Any:
    from custodes.foi.values import parse_outcome, parse_question_outcome

    if not question:
        if field == "outcome":
            return parse_outcome(text)
        if field == "exemptions":
            return [str(c) for c in parse_citations(text)]
        if field == "referred_to":
            return " ".join(text.split())
        raise CampaignError("a reply's outcome, exemptions or referred_to can be corrected")
    try:
        kind = definition.question(question).type
    except KeyError:
        raise CampaignError(f"{question!r} is not a question of {definition.id}") from None
    if field == "value":
        return parse_value(kind, text)
    if field == "outcome":
        return parse_question_outcome(text) if text.strip() else None
    if field == "exemptions":
        return [str(c) for c in parse_citations(text)]
    raise CampaignError("a question's value, outcome or exemptions can be corrected")


# --- states and findings -----------------------------------------------------------------------


def _core_reply(reply: Reply) -> score.Reply:
    return score.Reply(
        key=reply.pk,
        at=reply.received_at,
        outcome=reply.outcome,
        exemptions=tuple(reply.exemptions),
        summary=reply.summary,
        referred_to=reply.referred_to,
        answers={
            qid: score.Answer(
                value=a.get("value"),
                outcome=a.get("outcome"),
                exemptions=tuple(a["exemptions"]),
                source=a.get("source"),
            )
            for qid, a in reply.answers.items()
        },
    )


def request_facts(
    request: Request,
    events: Sequence[Event] | None = None,
    replies: Sequence[Reply] | None = None,
) -> score.RequestFacts:
    """The core's view of a request (events and replies may be given pre-fetched)."""
    events = list(request.events.all()) if events is None else events
    replies = list(request.replies.all()) if replies is None else replies
    return score.RequestFacts(
        code=request.body.code,
        name=request.body.name,
        regime=request.regime,  # type: ignore[arg-type]
        reference=request.reference,
        events=tuple(score.Event(e.kind, e.at, e.data) for e in events if e.kind != "correction"),
        replies=tuple(_core_reply(r) for r in replies),
        corrections=tuple(
            score.Correction(
                reply=e.reply_id or 0,
                at=e.at,
                question=e.data.get("question", ""),
                field=e.data["field"],
                value=e.data.get("new"),
            )
            for e in events
            if e.kind == "correction"
        ),
    )


def campaign_statuses(campaign: Campaign, as_of: datetime | None = None) -> list[score.Status]:
    """Every request's status as of ``as_of`` (default now), in body-name order."""
    as_of = as_of or timezone.now()
    requests = list(campaign.requests.select_related("body").order_by("body__name"))
    events: dict[int, list[Event]] = {r.pk: [] for r in requests}
    replies: dict[int, list[Reply]] = {r.pk: [] for r in requests}
    for event in Event.objects.filter(request__campaign=campaign).order_by("at", "id"):
        events[event.request_id].append(event)
    for reply in Reply.objects.filter(request__campaign=campaign).order_by("received_at", "id"):
        replies[reply.request_id].append(reply)
    return [
        score.request_status(request_facts(r, events[r.pk], replies[r.pk]), as_of) for r in requests
    ]


def campaign_findings(campaign: Campaign, as_of: datetime | None = None) -> dict[str, Any]:
    """The object printed by ``custodes foi findings --json``."""
    as_of = as_of or timezone.now()
    return fcore.campaign_findings(
        campaign.name,
        definition_of(campaign.definition),
        campaign_statuses(campaign, as_of),
        as_of,
        fcore.knowledge_maker(),
    )


# --- chasers and internal reviews --------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """An email drafted from the campaign's editable template, ready to send or log."""

    request: Request
    kind: str  # "chaser" or "review_requested"
    to: str
    subject: str
    text: str


def _values(request: Request, status: score.Status) -> dict[str, str]:
    definition = definition_of(request.campaign.definition)
    return {
        "title": request.campaign.title,
        "reference": request.reference,
        "body_name": request.body.name,
        "sent": f"{status.sent:%d %B %Y}" if status.sent else "(not sent)",
        "due": f"{status.due:%d %B %Y}" if status.due else "(no due date)",
        "replied": f"{score.local_date(status.reply.at):%d %B %Y}" if status.reply else "",
        "outcome": OUTCOME_LABELS[status.reply.outcome] if status.reply else "",
        "letter": definition.letter(body_name=request.body.name, reference=request.reference),
    }


def draft_chaser(request: Request, as_of: datetime | None = None) -> Draft:
    """A chaser for an overdue request, from the campaign's chaser template."""
    status = score.request_status(request_facts(request), as_of or timezone.now())
    if status.state not in {"overdue", "very_overdue"}:
        raise CampaignError(f"{request.body.name}'s request is {status.state}, not overdue")
    values = _values(request, status)
    campaign = request.campaign
    return Draft(
        request,
        "chaser",
        request.body.foi_email,
        campaign.chaser_subject.format_map(_Keep(**values)),
        campaign.chaser_body.format_map(_Keep(**values)),
    )


def draft_review(request: Request, reasons: str) -> Draft:
    """A request for internal review of the body's reply, from the campaign's template."""
    status = score.request_status(request_facts(request), timezone.now())
    if status.reply is None:
        raise CampaignError(f"{request.body.name} has not replied: chase it instead")
    if not reasons.strip():
        raise CampaignError("say why the reply should be reviewed")
    values = {**_values(request, status), "reasons": reasons.strip()}
    campaign = request.campaign
    return Draft(
        request,
        "review_requested",
        request.body.foi_email,
        campaign.review_subject.format_map(_Keep(**values)),
        campaign.review_body.format_map(_Keep(**values)),
    )


def send_draft(draft: Draft, *, actor: str, send: bool) -> Event:
    """Emails the draft (``send``) or only logs it as sent by other means; either way the
    event (chaser or internal review asked) is recorded with its text."""
    error = None
    if send:
        if not draft.to:
            raise CampaignError(f"no FOI email address for {draft.request.body.name}")
        try:
            send_mail(draft.subject, draft.text, settings.DEFAULT_FROM_EMAIL, [draft.to])
        except Exception as exc:  # reported, and nothing recorded as sent
            error = f"{type(exc).__name__}: {exc}"
    if error:
        raise CampaignError(f"not sent: {error}")
    with transaction.atomic():
        locked = _locked(draft.request)
        return Event.objects.create(
            request=locked,
            kind=draft.kind,
            at=timezone.now(),
            by=actor,
            note=("Emailed to " + draft.to) if send else "Logged (sent by other means)",
            data={
                "channel": "email" if send else "logged",
                "to": draft.to,
                "subject": draft.subject,
                "text": draft.text,
            },
        )


def value_cell(definition: FoiRequest, qid: str, value: Any) -> str:
    """A coded value as a spreadsheet cell or table text."""
    return value_text(definition.question(qid).type, value)
