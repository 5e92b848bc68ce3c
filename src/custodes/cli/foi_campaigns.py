"""``custodes foi`` campaign commands: campaigns, sending, events, replies, status, findings,
chasers, internal reviews, attachments and the report (added to the ``foi`` group)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from custodes.cli._common import (
    body_or_fail,
    cli_actor,
    console,
    django_ready,
    err_console,
    fail,
    parse_moment,
    print_json,
)
from custodes.cli.foi import app as foi_app

campaign_app = typer.Typer(help="FOI campaigns: one request to many bodies.", no_args_is_help=True)
replies_app = typer.Typer(help="Replies: import, correct.", no_args_is_help=True)
request_app = typer.Typer(help="Request files: list, show, check.", no_args_is_help=True)

CampaignOption = Annotated[str, typer.Option("--campaign", "-c", help="Campaign name.")]
BodyOption = Annotated[str, typer.Option("--body", "-b", help="Body code, name or alias.")]
BodiesOption = Annotated[
    list[str] | None, typer.Option("--body", "-b", help="Only these bodies (repeatable).")
]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who is acting (audit trail). Default: cli:<user>.")
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]
AsOfOption = Annotated[
    str | None,
    typer.Option(
        "--as-of", help="As the facts stood then (a date means the end of that day). Default: now."
    ),
]


def register(root: typer.Typer) -> None:
    """Add the campaign commands to ``custodes foi``."""
    foi_app.add_typer(campaign_app, name="campaign")
    foi_app.add_typer(replies_app, name="replies")
    foi_app.add_typer(request_app, name="request")
    for name, command in (
        ("event", event),
        ("status", status),
        ("findings", findings),
        ("timeline", timeline),
        ("chase", chase),
        ("review-request", review_request),
        ("attach", attach),
        ("register-import", register_import),
        ("evidence", evidence),
        ("report", report),
    ):
        foi_app.command(name)(command)


def _campaign(name: str):
    from custodes.web.foi.services import CampaignError, campaign_named

    try:
        return campaign_named(name)
    except CampaignError as exc:
        fail(str(exc))


def _request(campaign_name: str, body: str):
    from custodes.web.foi.services import CampaignError, request_for

    campaign = _campaign(campaign_name)
    try:
        return request_for(campaign, body_or_fail(body))
    except CampaignError as exc:
        fail(str(exc))


def _as_of(text: str | None):
    from django.utils import timezone

    return parse_moment(text, end_of_day=True) if text else timezone.now()


# --- request files -----------------------------------------------------------------------------


@request_app.command("list")
def request_list(json_output: JsonOption = False) -> None:
    """The shipped requests."""
    from custodes.foi.request import load_shipped_request, shipped_requests

    rows = [
        {"name": n, "version": (r := load_shipped_request(n)).version, "title": r.title}
        for n in shipped_requests()
    ]
    if json_output:
        print_json(rows)
        return
    table = Table("name", "version", "title")
    for row in rows:
        table.add_row(row["name"], row["version"], escape(row["title"]))
    console.print(table)


@request_app.command("show")
def request_show(
    name: Annotated[str, typer.Argument(help="Shipped request name or a request file.")],
    json_output: JsonOption = False,
) -> None:
    """The request's numbered questions and declared findings (or the letter as sent)."""
    request = _load_request(name)
    if json_output:
        print_json(request.model_dump(mode="json"))
        return
    console.print(f"[bold]{escape(request.title)}[/] ({request.id} v{request.version})")
    for number, question in enumerate(request.questions, 1):
        console.print(
            f"{number}. [dim]{question.id} ({question.type.value})[/] {escape(question.text)}"
        )
    for finding in request.findings:
        console.print(f"finding [bold]{finding.id}[/] ({finding.kind}): {escape(finding.title)}")


@request_app.command("check")
def request_check(path: Annotated[Path, typer.Argument(help="Request file (YAML).")]) -> None:
    """Validate a request file; errors name the line and field."""
    request = _load_request(str(path))
    console.print(
        f"{path}: valid ({len(request.questions)} questions, {len(request.findings)} findings)"
    )


def _load_request(name: str):
    from custodes.foi.request import (
        RequestError,
        load_request,
        load_shipped_request,
        shipped_requests,
    )

    try:
        if name in shipped_requests():
            return load_shipped_request(name)
        return load_request(name)
    except RequestError as exc:
        fail(str(exc))


# --- campaigns ---------------------------------------------------------------------------------


@campaign_app.command("create")
def campaign_create(
    name: Annotated[str, typer.Argument(help="Short name, e.g. drones-2026.")],
    request: Annotated[str, typer.Option("--request", help="Shipped request name or a file.")],
    recipients: Annotated[
        str, typer.Option("--recipients", help="Recipient list, e.g. police-ew.")
    ],
    sent: Annotated[
        str | None,
        typer.Option("--sent", help="Record every request as sent elsewhere on this date."),
    ] = None,
    title: Annotated[str | None, typer.Option(help="Title (default: the request's).")] = None,
    by: ByOption = None,
) -> None:
    """Create a campaign: one request to every body of a recipient list."""
    django_ready()
    from custodes.foi.request import RequestError
    from custodes.web.foi.services import CampaignError, create_campaign

    try:
        campaign = create_campaign(
            name,
            request=request,
            recipients=recipients,
            sent=parse_moment(sent, end_of_day=False).date() if sent else None,
            title=title,
            actor=cli_actor(by),
        )
    except (CampaignError, RequestError) as exc:
        fail(str(exc))
    _warn_overlaps(campaign)
    count = campaign.requests.count()
    console.print(
        f"Created campaign [bold]{campaign.name}[/]: {campaign.definition} to "
        f"{campaign.recipient_list} ({count} bodies)"
        + (f", recorded as sent on {sent}." if sent else "; not sent yet.")
    )


def _warn_overlaps(campaign) -> None:
    """Warn about our own requests to the same bodies within 60 working days."""
    from custodes.web.foi.services import overlapping_requests

    overlaps = overlapping_requests(campaign)
    for overlap in overlaps[:20]:
        err_console.print(
            f"[yellow]Warning:[/] {escape(overlap.body.name)} was sent {overlap.campaign} on "
            f"{overlap.sent:%Y-%m-%d}, {overlap.working_days} working days apart: the body may "
            "aggregate the costs of both requests (s.12(4)).",
            highlight=False,
        )
    if len(overlaps) > 20:
        err_console.print(f"[yellow]Warning:[/] … and {len(overlaps) - 20} more overlaps.")


@campaign_app.command("list")
def campaign_list(json_output: JsonOption = False) -> None:
    """Campaigns, newest first."""
    django_ready()
    from custodes.web.foi.models import Campaign

    rows = [
        {
            "name": c.name,
            "title": c.title,
            "request": str(c.definition),
            "recipients": str(c.recipient_list),
            "created_at": c.created_at.isoformat(),
        }
        for c in Campaign.objects.select_related("definition", "recipient_list")
    ]
    if json_output:
        print_json(rows)
        return
    table = Table("name", "title", "request", "recipients")
    for row in rows:
        table.add_row(row["name"], escape(row["title"]), row["request"], row["recipients"])
    console.print(table)


@campaign_app.command("send")
def campaign_send(
    name: Annotated[str, typer.Argument(help="Campaign name.")],
    body: BodiesOption = None,
    throttle: Annotated[
        float, typer.Option(min=0, help="Seconds between two emails (default 60).")
    ] = 60.0,
    resend: Annotated[bool, typer.Option(help="Send again to bodies already sent to.")] = False,
    by: ByOption = None,
) -> None:
    """Email the request to each body's FOI address.

    Throttled, each with its own reference, every send logged. Without --body, every body
    not yet sent to."""
    django_ready()
    from custodes.web.foi.services import send_requests

    campaign = _campaign(name)
    bodies = [body_or_fail(b) for b in body] if body else None
    _warn_overlaps(campaign)

    def sent(outcome) -> None:
        if outcome.error:
            console.print(f"[red]not sent[/] {escape(outcome.body.name)}: {escape(outcome.error)}")
        else:
            console.print(f"sent {escape(outcome.body.name)} → {outcome.to} ({outcome.reference})")

    outcomes = send_requests(
        campaign, bodies, actor=cli_actor(by), throttle=throttle, resend=resend, on_sent=sent
    )
    failed = sum(1 for o in outcomes if o.error)
    console.print(f"{len(outcomes) - failed} sent, {failed} not sent.")
    if failed:
        raise typer.Exit(1)


@campaign_app.command("record-sent")
def campaign_record_sent(
    name: Annotated[str, typer.Argument(help="Campaign name.")],
    date: Annotated[str, typer.Option("--date", help="When the requests were sent (ISO).")],
    body: BodiesOption = None,
    via: Annotated[str, typer.Option(help="How (an FOI portal, post, WhatDoTheyKnow).")] = "",
    by: ByOption = None,
) -> None:
    """Record requests sent elsewhere (a portal, post) on a date.

    Without --body, every body not yet recorded as sent."""
    django_ready()
    from custodes.web.foi.services import CampaignError, record_sent

    campaign = _campaign(name)
    bodies = [body_or_fail(b) for b in body] if body else None
    moment = parse_moment(date, end_of_day=False)
    try:
        count = record_sent(
            campaign,
            bodies,
            moment if len(date.strip()) > 10 else moment.date(),
            actor=cli_actor(by),
            via=via,
        )
    except CampaignError as exc:
        fail(str(exc))
    console.print(f"{count} request(s) recorded as sent on {moment:%Y-%m-%d}.")


def event(
    campaign: CampaignOption,
    body: BodyOption,
    kind: Annotated[
        str,
        typer.Option(
            "--kind",
            help="acknowledged, clarification_requested, clarification_answered, fee_notice, "
            "fee_paid, extension, chaser, review_requested, review_answered, complaint, "
            "decision_notice, withdrawn, note.",
        ),
    ],
    date: Annotated[str, typer.Option("--date", help="When it happened (ISO date or time).")],
    note: Annotated[str, typer.Option(help="What happened, in a few words.")] = "",
    extra_days: Annotated[
        int | None, typer.Option("--extra-days", help="extension: further working days (20).")
    ] = None,
    exceptional: Annotated[
        bool, typer.Option(help="extension: longer than the ICO's 20 further days.")
    ] = False,
    by: ByOption = None,
) -> None:
    """Record an event of a body's request (who and when are kept)."""
    django_ready()
    from custodes.web.foi.services import CampaignError, record_event

    request = _request(campaign, body)
    data: dict[str, object] = {}
    if extra_days is not None:
        data["extra_days"] = extra_days
    if exceptional:
        data["exceptional"] = True
    try:
        record_event(
            request,
            kind,
            parse_moment(date, end_of_day=False),
            actor=cli_actor(by),
            note=note,
            data=data,
        )
    except CampaignError as exc:
        fail(str(exc))
    console.print(f"Recorded {kind} for {escape(request.body.name)} on {date}.")


# --- replies -----------------------------------------------------------------------------------


@replies_app.command("import")
def replies_import(
    campaign: CampaignOption,
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or ODS, one row per body.")],
    by: ByOption = None,
) -> None:
    """Import coded replies from CSV, XLSX or ODS (all or nothing).

    Columns: body, received_at, outcome, exemptions, summary, referred_to, <qid>,
    <qid>.outcome, <qid>.exemptions."""
    django_ready()
    from custodes.web.foi.imports import RepliesImportError, import_replies

    target = _campaign(campaign)
    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        codes = import_replies(target, file, actor=cli_actor(by))
    except RepliesImportError as exc:
        fail(str(exc))
    console.print(
        f"Imported {len(codes)} repl{'y' if len(codes) == 1 else 'ies'} from {file.name}."
    )


@replies_app.command("correct")
def replies_correct(
    campaign: CampaignOption,
    body: BodyOption,
    field: Annotated[
        str,
        typer.Option(
            help="value, outcome or exemptions (of a question); outcome, "
            "exemptions or referred_to (of the reply, without --question)."
        ),
    ],
    value: Annotated[str, typer.Option(help="The new value, as written in an import cell.")],
    reason: Annotated[str, typer.Option(help="Why (kept with the correction).")],
    question: Annotated[str, typer.Option(help="Question id; empty for the reply itself.")] = "",
    by: ByOption = None,
) -> None:
    """Correct one coded value of the body's latest reply.

    The old value, who, when and why are kept."""
    django_ready()
    from custodes.web.foi.services import CampaignError, correct_value

    request = _request(campaign, body)
    reply = request.replies.order_by("-received_at", "-id").first()
    if reply is None:
        fail(f"{request.body.name} has no reply to correct")
    try:
        correct_value(
            reply, question=question, field=field, text=value, reason=reason, actor=cli_actor(by)
        )
    except CampaignError as exc:
        fail(str(exc))
    console.print(f"Corrected {question or 'reply'} {field} for {escape(request.body.name)}.")


# --- status and findings -----------------------------------------------------------------------


def status(
    campaign: CampaignOption, as_of: AsOfOption = None, json_output: JsonOption = False
) -> None:
    """Each body's state and due date, as of a moment (overdue bodies first in the table)."""
    django_ready()
    from custodes.web.foi.choices import STATE_LABELS
    from custodes.web.foi.services import campaign_statuses

    target = _campaign(campaign)
    moment = _as_of(as_of)
    statuses = campaign_statuses(target, moment)
    if json_output:
        print_json(
            {
                "campaign": target.name,
                "as_of": moment.isoformat(),
                "requests": [s.to_dict() for s in statuses],
            }
        )
        return
    order = {"very_overdue": 0, "overdue": 1, "clarification": 2, "awaiting": 3}
    table = Table("body", "state", "sent", "due", "replied", "outcome")
    for s in sorted(statuses, key=lambda s: (order.get(s.state, 9), s.facts.name)):
        row = s.to_dict()
        table.add_row(
            escape(s.facts.name),
            STATE_LABELS[s.state],
            row["sent"] or "",
            row["due"] or "",
            row["replied"] or "",
            row["outcome"] or "",
        )
    console.print(table)


def findings(
    campaign: CampaignOption, as_of: AsOfOption = None, json_output: JsonOption = False
) -> None:
    """The campaign's findings, refusals and silence counted honestly.

    At least, at most, of what, with the bodies that withheld or have not replied, outcomes,
    exemptions and coordinated replies."""
    django_ready()
    from custodes.web.foi.report import finding_sentence
    from custodes.web.foi.services import campaign_findings

    target = _campaign(campaign)
    result = campaign_findings(target, _as_of(as_of))
    if json_output:
        print_json(result)
        return
    console.print(f"[bold]{escape(target.title)}[/] ({target.name}), as of {result['as_of'][:16]}")
    console.print(
        f"{result['asked']} asked, {result['replied']} replied, {result['outstanding']} "
        f"outstanding ({result['overdue']} overdue)."
    )
    for finding in result["findings"]:
        console.print(f"\n[bold]{escape(finding['title'])}[/] [dim]({finding['id']})[/]")
        console.print(escape(finding_sentence(finding, result)), highlight=False)
    for group in result["coordinated"]:
        console.print(
            f"\nCoordinated ({group['kind']}): {escape(', '.join(group['bodies']))} — "
            f"{escape(group['shared'][:120])}"
        )


def timeline(campaign: CampaignOption, body: BodyOption, json_output: JsonOption = False) -> None:
    """Every event of a body's request: what, when, recorded by whom."""
    django_ready()
    from custodes.web.foi.report import timeline_rows

    request = _request(campaign, body)
    rows = timeline_rows(request, personal=True)
    if json_output:
        print_json({"reference": request.reference, "body": request.body.name, "events": rows})
        return
    table = Table("when", "event", "note", "by")
    for row in rows:
        table.add_row(row["at"][:16], row["label"], escape(row["note"]), escape(row["by"]))
    console.print(f"{escape(request.body.name)}: our ref. {request.reference}")
    console.print(table)


# --- chasers and reviews -----------------------------------------------------------------------

SendOption = Annotated[bool, typer.Option("--send", help="Email it to the body's FOI address.")]
LogOption = Annotated[
    bool, typer.Option("--log", help="Record it as sent by other means (not emailed).")
]


def chase(
    campaign: CampaignOption,
    body: BodiesOption = None,
    send: SendOption = False,
    log: LogOption = False,
    by: ByOption = None,
) -> None:
    """Chasers for overdue requests, from the campaign's template.

    Printed, or emailed (--send), or logged as sent another way (--log). Without --body,
    every overdue body."""
    django_ready()
    from custodes.web.foi.services import (
        CampaignError,
        campaign_statuses,
        draft_chaser,
        request_for,
        send_draft,
    )

    if send and log:
        fail("give --send or --log, not both")
    target = _campaign(campaign)
    if body:
        requests = [request_for(target, body_or_fail(b)) for b in body]
    else:
        overdue = {
            s.facts.code
            for s in campaign_statuses(target)
            if s.state in {"overdue", "very_overdue"}
        }
        requests = [
            r for r in target.requests.select_related("body", "campaign") if r.body.code in overdue
        ]
    if not requests:
        console.print("No overdue requests.")
        return
    for request in requests:
        try:
            draft = draft_chaser(request)
            if send or log:
                send_draft(draft, actor=cli_actor(by), send=send)
        except CampaignError as exc:
            fail(str(exc))
        if send or log:
            console.print(f"{'sent' if send else 'logged'} chaser to {escape(request.body.name)}")
        else:
            console.print(f"[bold]To: {draft.to}[/]\n[bold]Subject: {escape(draft.subject)}[/]\n")
            console.print(escape(draft.text), highlight=False)


def review_request(
    campaign: CampaignOption,
    body: BodyOption,
    reasons: Annotated[str, typer.Option(help="Why the reply should be reviewed.")],
    send: SendOption = False,
    log: LogOption = False,
    by: ByOption = None,
) -> None:
    """A request for internal review, from the campaign's template.

    Printed, or emailed (--send), or logged as sent another way (--log); either is recorded
    as 'internal review asked'."""
    django_ready()
    from custodes.web.foi.services import CampaignError, draft_review, send_draft

    if send and log:
        fail("give --send or --log, not both")
    request = _request(campaign, body)
    try:
        draft = draft_review(request, reasons)
        if send or log:
            send_draft(draft, actor=cli_actor(by), send=send)
    except CampaignError as exc:
        fail(str(exc))
    if send or log:
        console.print(
            f"{'sent' if send else 'logged'} internal review request to {escape(request.body.name)}"
        )
    else:
        console.print(f"[bold]To: {draft.to}[/]\n[bold]Subject: {escape(draft.subject)}[/]\n")
        console.print(escape(draft.text), highlight=False)


# --- attachments -------------------------------------------------------------------------------


def attach(
    campaign: CampaignOption,
    body: BodyOption,
    file: Annotated[Path, typer.Argument(help="PDF, XLSX, CSV, DOCX or EML.")],
    public: Annotated[
        bool,
        typer.Option(help="Holds no personal data of officials: may be published in the report."),
    ] = False,
    by: ByOption = None,
) -> None:
    """Attach a document to the body's latest reply (stored with its SHA-256)."""
    django_ready()
    from custodes.web.foi.attachments import store_attachment
    from custodes.web.foi.services import CampaignError

    request = _request(campaign, body)
    if not file.is_file():
        fail(f"{file}: no such file")
    reply = request.replies.order_by("-received_at", "-id").first()
    try:
        with file.open("rb") as handle:
            attachment = store_attachment(
                request,
                file.name,
                iter(lambda: handle.read(1 << 16), b""),
                actor=cli_actor(by),
                reply=reply,
                personal_data=not public,
            )
    except CampaignError as exc:
        fail(str(exc))
    console.print(f"Attachment {attachment.pk}: {attachment.name} sha256 {attachment.sha256}")


def register_import(
    campaign: CampaignOption,
    body: BodyOption,
    attachment: Annotated[int, typer.Option(help="Attachment number (from foi attach).")],
    by: ByOption = None,
) -> None:
    """Import a reply's spreadsheet into the body's equipment register, with its provenance."""
    django_ready()
    from custodes import estate as estate_core
    from custodes.web.foi.attachments import import_into_register
    from custodes.web.foi.services import CampaignError

    request = _request(campaign, body)
    found = request.attachments.filter(pk=attachment).first()
    if found is None:
        fail(f"no attachment {attachment} on {request.body.name}'s request")
    try:
        result = import_into_register(found, actor=cli_actor(by))
    except (CampaignError, estate_core.EstateError) as exc:
        fail(str(exc))
    console.print(f"Imported into {escape(request.body.name)}'s register: {result.to_dict()}")


def evidence(
    campaign: CampaignOption,
    body: BodyOption,
    out: Annotated[Path, typer.Option("--out", help="The zip file to write.")],
) -> None:
    """A request's evidence zip, for a review or a complaint.

    The letter, every event, replies as received and as corrected, and documents. It holds
    personal data."""
    django_ready()
    from custodes.web.foi.evidence import write_evidence

    request = _request(campaign, body)
    with out.open("wb") as handle:
        names = write_evidence(request, handle)
    console.print(f"Wrote {out} ({len(names)} files).")


# --- report ------------------------------------------------------------------------------------


def report(
    campaign: CampaignOption,
    out: Annotated[Path, typer.Option("--out", help="Folder to write the report into.")],
    as_of: AsOfOption = None,
) -> None:
    """Write the campaign report.

    index.html, findings.json, requests.csv, requests.json, replies.csv and the publishable
    documents."""
    django_ready()
    from custodes.web.foi.report import write_report

    written = write_report(_campaign(campaign), out, _as_of(as_of))
    console.print(f"Wrote {', '.join(p.name for p in written)} to {out}")
