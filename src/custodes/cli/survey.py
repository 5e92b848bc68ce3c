"""Survey commands: rounds, contacts, responses (import, correct, history), findings, report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from custodes.cli._common import (
    body_or_fail,
    cli_actor,
    console,
    django_ready,
    fail,
    parse_moment,
    print_json,
)

round_app = typer.Typer(help="Create and run survey rounds.", no_args_is_help=True)
responses_app = typer.Typer(help="Returns: import, correct, history.", no_args_is_help=True)
contacts_app = typer.Typer(help="Who receives each body's invitation.", no_args_is_help=True)

RoundOption = Annotated[str, typer.Option("--round", "-r", help="Round name.")]
BodyOption = Annotated[str, typer.Option("--body", "-b", help="Body code, name or alias.")]
ByOption = Annotated[
    str | None,
    typer.Option(
        "--by", help="Who is acting (for the audit trail). Default: cli:<your user name>."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def register(app: typer.Typer) -> None:
    app.add_typer(round_app, name="round")
    app.add_typer(responses_app, name="responses")
    app.add_typer(contacts_app, name="contacts")
    app.command("findings")(findings)
    app.command("report")(report)


def _round(name: str):
    from custodes.web.surveys.lifecycle import SurveyError, round_named

    try:
        return round_named(name)
    except SurveyError as exc:
        fail(str(exc))


def _return_of(round_name: str, body: str):
    """The body's return in the round, or a clear error when it has none."""
    from custodes.web.surveys.lifecycle import SurveyError, existing_return

    round_, target = _round(round_name), body_or_fail(body)
    try:
        return existing_return(round_, target)
    except SurveyError as exc:
        fail(str(exc))


#
# Rounds
#


@round_app.command("create")
def round_create(
    name: Annotated[str, typer.Argument(help="Short name of the round, e.g. police-2026.")],
    questionnaire: Annotated[str, typer.Option(help="Shipped questionnaire name or a file.")],
    recipients: Annotated[str, typer.Option(help="Recipient list name, e.g. police-ew.")],
    closes: Annotated[str, typer.Option(help="Closing date (ISO); returns after it are late.")],
    opens: Annotated[str | None, typer.Option(help="Opening date (ISO). Default: now.")] = None,
    title: Annotated[str | None, typer.Option(help="Title shown to respondents.")] = None,
    remind_days: Annotated[
        int | None,
        typer.Option(
            "--remind-days",
            min=1,
            max=365,
            help="Remind bodies that have not responded this many days before closing "
            "(sent by the worker).",
        ),
    ] = None,
    by: ByOption = None,
) -> None:
    """Create a round: a questionnaire sent to a recipient list, with a closing date."""
    django_ready()
    from custodes.questionnaire import QuestionnaireError
    from custodes.web.surveys.lifecycle import SurveyError, create_round

    try:
        round_ = create_round(
            name,
            questionnaire=questionnaire,
            recipients=recipients,
            closes_at=parse_moment(closes, end_of_day=True),
            opens_at=parse_moment(opens, end_of_day=False) if opens else None,
            title=title,
            actor=cli_actor(by),
            reminder_days_before_close=remind_days,
        )
    except (SurveyError, QuestionnaireError) as exc:
        fail(str(exc))
    count = round_.recipient_list.bodies.count()
    console.print(
        f"Created round [bold]{round_.name}[/]: {round_.questionnaire} to "
        f"{round_.recipient_list} ({count} bodies), closes "
        f"{round_.closes_at:%Y-%m-%d %H:%M %Z}."
        + (f" Automatic reminder {remind_days} day(s) before closing." if remind_days else "")
    )


@round_app.command("list")
def round_list(json_output: JsonOption = False) -> None:
    """List rounds."""
    django_ready()
    from custodes.web.surveys.lifecycle import list_rounds

    rows = [
        {
            "name": r.name,
            "title": r.title,
            "questionnaire": r.questionnaire.slug,
            "recipients": str(r.recipient_list),
            "closes_at": r.closes_at.isoformat(),
            "synthetic": r.synthetic,
        }
        for r in list_rounds()
    ]
    if json_output:
        print_json(rows)
        return
    table = Table("name", "title", "questionnaire", "recipients", "closes")
    for row in rows:
        table.add_row(
            row["name"],
            row["title"] + (" (synthetic)" if row["synthetic"] else ""),
            row["questionnaire"],
            row["recipients"],
            row["closes_at"][:16],
        )
    console.print(table)


@round_app.command("status")
def round_status(
    name: Annotated[str, typer.Argument(help="Round name.")], json_output: JsonOption = False
) -> None:
    """Each recipient's status, and who is outstanding."""
    django_ready()
    from custodes.web.surveys.analysis import body_statuses

    statuses = body_statuses(_round(name))
    rows = [
        {
            "body": s.body.code,
            "name": s.body.name,
            "status": s.status.value,
            "submitted_at": s.first_submitted_at.isoformat() if s.first_submitted_at else None,
            "covered_by": s.covered_by.code if s.covered_by else None,
            "reopened": s.reopened,
        }
        for s in statuses
    ]
    if json_output:
        print_json(rows)
        return
    table = Table("body", "status", "submitted", "note")
    for s in statuses:
        note = (
            f"covered by {s.covered_by.name}"
            if s.covered_by
            else ("reopened" if s.reopened else "")
        )
        table.add_row(
            s.body.name,
            s.status.label,
            f"{s.first_submitted_at:%Y-%m-%d}" if s.first_submitted_at else "",
            note,
        )
    console.print(table)
    outstanding = [s.body.name for s in statuses if s.outstanding]
    console.print(
        f"{len(outstanding)} of {len(statuses)} outstanding"
        + (": " + ", ".join(outstanding) if outstanding else ".")
    )


@round_app.command("invite")
def round_invite(
    name: Annotated[str, typer.Argument(help="Round name.")],
    body: Annotated[
        list[str] | None, typer.Option("--body", "-b", help="Only these bodies (repeatable).")
    ] = None,
    reminder: Annotated[
        bool, typer.Option(help="Send the reminder text to bodies that have not yet submitted.")
    ] = False,
    show_links: Annotated[
        bool,
        typer.Option(
            "--show-links",
            help="Also print each link (to send by another route). Links are "
            "secrets: do not paste them into tickets or logs.",
        ),
    ] = False,
    deadline: Annotated[
        str | None,
        typer.Option(
            "--deadline",
            help="New date to answer by (ISO date), required once the round has closed: the "
            "emails give it instead of the closing date.",
        ),
    ] = None,
    by: ByOption = None,
) -> None:
    """Email each body a fresh secret link (invitation or reminder); earlier links stop working."""
    django_ready()
    from custodes.web.surveys.analysis import body_statuses
    from custodes.web.surveys.lifecycle import SurveyError
    from custodes.web.surveys.notifications import answer_by, round_closed, send_invitations

    round_ = _round(name)
    if deadline is not None and not round_closed(round_):
        fail(
            f"round {round_.name} is open until {round_.closes_at:%Y-%m-%d}: the emails give "
            "its closing date, so --deadline is only for a round that has closed"
        )
    try:
        day = parse_moment(deadline, end_of_day=False).date() if deadline else None
        new_deadline = answer_by(round_, day)
    except SurveyError as exc:
        fail(f"{exc} (--deadline YYYY-MM-DD)")
    if body:
        bodies = [body_or_fail(b) for b in body]
    else:
        bodies = [s.body for s in body_statuses(round_) if s.outstanding]
    if not bodies:
        console.print("Nobody to invite: every recipient has responded.")
        return
    failed = 0
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        task = progress.add_task("Sending", total=len(bodies))

        def sent(result) -> None:
            nonlocal failed
            if result.error:
                failed += 1
                progress.console.print(
                    f"[yellow]{result.body.name}: not emailed ({result.error})[/]"
                )
            else:
                progress.console.print(f"{result.body.name}: emailed {', '.join(result.sent_to)}")
            if show_links:
                progress.console.print(f"  {result.link}", highlight=False, soft_wrap=True)
            progress.advance(task)

        send_invitations(
            round_,
            bodies,
            actor=cli_actor(by),
            reminder=reminder,
            answer_by=new_deadline,
            on_sent=sent,
        )
    console.print(
        f"{len(bodies) - failed} sent, {failed} not sent."
        + (f" Answer by {new_deadline:%Y-%m-%d}." if new_deadline else "")
    )


@round_app.command("revoke")
def round_revoke(
    name: Annotated[str, typer.Argument(help="Round name.")], body: BodyOption, by: ByOption = None
) -> None:
    """Withdraw a body's link at once (issue a new one with `round invite`)."""
    django_ready()
    from custodes.web.surveys.tokens import revoke_active_invitations

    round_, target = _round(name), body_or_fail(body)
    if not revoke_active_invitations(round_, target, actor=cli_actor(by)):
        fail(f"{target.name} has no active link in {round_.name}")
    console.print(f"Revoked {target.name}'s link.")


@round_app.command("reopen")
def round_reopen(
    name: Annotated[str, typer.Argument(help="Round name.")],
    body: BodyOption,
    reason: Annotated[str, typer.Option(help="Why it is reopened.")],
    by: ByOption = None,
) -> None:
    """Let a body change its submitted return (its submission still counts until resubmitted)."""
    django_ready()
    from custodes.web.surveys.lifecycle import SurveyError, reopen_return

    record = _return_of(name, body)
    target = record.body
    try:
        reopen_return(record, actor=cli_actor(by), reason=reason)
    except SurveyError as exc:
        fail(str(exc))
    console.print(f"Reopened {target.name}'s return.")


#
# Contacts
#


@contacts_app.command("add")
def contacts_add(
    body: BodyOption,
    email: Annotated[str, typer.Option(help="Email address.")],
    name: Annotated[str, typer.Option(help="Person's name.")] = "",
    role: Annotated[str, typer.Option(help="sro, chief, cctv, security, other")] = "sro",
) -> None:
    """Add (or update) who receives a body's invitations."""
    django_ready()
    from custodes.web.surveys.contacts import set_contact
    from custodes.web.surveys.lifecycle import SurveyError

    target = body_or_fail(body)
    try:
        set_contact(target, email, name=name, role=role)
    except SurveyError as exc:
        fail(str(exc))
    console.print(f"{target.name}: {email} receives invitations.")


@contacts_app.command("list")
def contacts_list(json_output: JsonOption = False) -> None:
    """List contacts by body."""
    django_ready()
    from custodes.web.surveys.contacts import list_contacts

    rows = [
        {"body": c.body.code, "name": c.name, "email": c.email, "role": c.role}
        for c in list_contacts()
    ]
    if json_output:
        print_json(rows)
        return
    table = Table("body", "name", "email", "role")
    for row in rows:
        table.add_row(row["body"], row["name"], row["email"], row["role"])
    console.print(table)


#
# Responses
#


@responses_app.command("import")
def responses_import(
    file: Annotated[
        Path,
        typer.Argument(
            exists=True, dir_okay=False, readable=True, help="CSV or XLSX, one row per body."
        ),
    ],
    round_name: RoundOption,
    replace: Annotated[
        bool, typer.Option(help="Record rows for bodies that already submitted as resubmissions.")
    ] = False,
    by: ByOption = None,
) -> None:
    """Import returns received on paper or by email. All rows or none."""
    django_ready()
    from custodes.web.surveys.imports import ResponsesImportError, import_responses

    round_ = _round(round_name)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task("Importing", total=None)
        try:
            result = import_responses(
                round_,
                file,
                actor=cli_actor(by),
                replace=replace,
                progress=lambda: progress.advance(task),
            )
        except ResponsesImportError as exc:
            progress.stop()
            fail(str(exc))
    console.print(f"Imported {result.count} return(s) into {round_.name}.")


@responses_app.command("correct")
def responses_correct(
    round_name: RoundOption,
    body: BodyOption,
    question: Annotated[str, typer.Option(help="Question id, e.g. bwv.concerns.")],
    value: Annotated[str, typer.Option(help="New value (lists separated by ';'; empty to clear).")],
    reason: Annotated[str, typer.Option(help="Why (e.g. the follow-up enquiry).")],
    by: ByOption = None,
) -> None:
    """Correct one answer after a follow-up enquiry; the original stays on record."""
    django_ready()
    from custodes.questionnaire import AnswerError
    from custodes.web.surveys.lifecycle import SurveyError, correct_answer

    record = _return_of(round_name, body)
    target = record.body
    try:
        correction = correct_answer(record, question, value, reason=reason, actor=cli_actor(by))
    except (SurveyError, AnswerError) as exc:
        fail(str(exc))
    console.print(
        f"{target.name}, {question}: {correction.old_value!r} → "
        f"{correction.new_value!r} ({correction.corrected_at:%Y-%m-%d %H:%M})."
    )


@responses_app.command("history")
def responses_history(
    round_name: RoundOption, body: BodyOption, json_output: JsonOption = False
) -> None:
    """A return's submissions and corrections: original and new values, who, when and why."""
    django_ready()
    from custodes.web.surveys.lifecycle import return_history

    record = _return_of(round_name, body)
    round_, target = record.round, record.body
    events = return_history(record)
    if json_output:
        print_json({"round": round_.name, "body": target.code, "events": events})
        return
    table = Table("when", "what", "question", "from", "to", "who", "why")
    for e in events:
        if e["kind"] == "submission":
            table.add_row(
                e["at"][:16],
                f"submitted ({e['channel']})",
                "",
                "",
                "",
                e["by"],
                f"{e['answers']} answers",
            )
        else:
            table.add_row(
                e["at"][:16],
                "corrected",
                e["question"],
                repr(e["old_value"]),
                repr(e["new_value"]),
                e["by"],
                e["reason"],
            )
    console.print(f"[bold]{target.name}[/] in {round_.name}")
    console.print(table)


#
# Findings and report
#


def findings(
    round_name: RoundOption,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Recompute as the data stood then (a date means the end of that day): "
            "returns and corrections made after it are ignored.",
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Findings of a round: at least N, at most M, of K, with named denominators."""
    django_ready()
    from custodes.findings import describe
    from custodes.web.surveys.analysis import round_findings

    round_ = _round(round_name)
    result = round_findings(round_, as_of=parse_moment(as_of, end_of_day=True) if as_of else None)
    if json_output:
        print_json(result.to_dict())
        return
    if round_.synthetic:
        console.print("[bold yellow]SYNTHETIC DEMO DATA: not real returns.[/]")
    console.print(
        f"[bold]{round_.title}[/] ({round_.name}), as of {result.as_of:%Y-%m-%d %H:%M %Z}"
    )
    console.print(
        f"{result.returns} returns covering {result.bodies_covered} of "
        f"{result.recipients} bodies; {result.late_returns} late."
    )
    for finding in result.findings:
        console.print(f"\n[bold]{finding.title}[/] [dim]({finding.id})[/]")
        console.print(describe(finding, result), highlight=False)


def report(
    round_name: RoundOption,
    out: Annotated[Path, typer.Option(help="Folder to write the report into.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="As the data stood then.")] = None,
    pdf: Annotated[
        bool, typer.Option("--pdf", help="Also write report.pdf (A4, made with WeasyPrint).")
    ] = False,
) -> None:
    """Write the publishable report: index.html, findings.csv, findings.json, responses.csv
    (and report.pdf with --pdf)."""
    django_ready()
    from custodes.web.reports.build import write_report
    from custodes.web.reports.errors import ReportError

    round_ = _round(round_name)
    try:
        written = write_report(
            round_, out, as_of=parse_moment(as_of, end_of_day=True) if as_of else None, pdf=pdf
        )
    except ReportError as exc:
        fail(str(exc))
    for path in written:
        console.print(f"wrote {path}")
