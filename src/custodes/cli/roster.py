"""``custodes roster``: list the bodies, resolve a name, show the recipient lists."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from custodes.roster import (
    BODY_KINDS,
    AmbiguousBody,
    Body,
    RecipientList,
    Roster,
    RosterError,
    UnknownBody,
    load_roster,
    shipped_roster,
)

FileOption = Annotated[
    Path | None,
    typer.Option("--file", help="A roster YAML file instead of the shipped police roster."),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")]


def _fail(exc: RosterError, code: int) -> typer.Exit:
    """Print ``exc`` to stderr and return the exit to raise."""
    Console(stderr=True).print(
        f"[red]error:[/red] {escape(str(exc))}", highlight=False, soft_wrap=True
    )
    return typer.Exit(code)


def _roster(file: Path | None) -> Roster:
    try:
        return shipped_roster() if file is None else load_roster(file)
    except RosterError as exc:
        raise _fail(exc, 2) from exc


def _body_json(body: Body) -> dict[str, Any]:
    data = asdict(body)
    data["aliases"] = list(body.aliases)
    data["date"] = body.date.isoformat() if body.date else None
    if body.foi is not None:
        data["foi"]["date"] = body.foi.date.isoformat()
    return data


def _list_json(recipients: RecipientList) -> dict[str, Any]:
    data = asdict(recipients)
    data["codes"] = list(recipients.codes)
    data["date"] = recipients.date.isoformat()
    return data


def _print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def list_bodies(
    recipients: Annotated[
        str | None, typer.Option("--list", help="Only the bodies of this recipient list.")
    ] = None,
    version: Annotated[
        int | None, typer.Option("--version", help="Version of --list (default: latest).")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only bodies of this kind.")] = None,
    file: FileOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the bodies in the roster (or in one recipient list)."""
    if kind is not None and kind not in BODY_KINDS:
        raise typer.BadParameter(f"must be one of {', '.join(BODY_KINDS)}", param_hint="--kind")
    roster = _roster(file)
    try:
        bodies = roster.bodies if recipients is None else roster.recipients(recipients, version)
    except RosterError as exc:
        raise _fail(exc, 1) from exc
    if kind is not None:
        bodies = tuple(body for body in bodies if body.kind == kind)
    if as_json:
        _print_json([_body_json(body) for body in bodies])
        return
    table = Table(title=f"{len(bodies)} bodies")
    table.add_column("code", no_wrap=True)
    for column in ("name", "kind", "country"):
        table.add_column(column)
    for body in bodies:
        table.add_row(*(Text(cell) for cell in (body.code, body.name, body.kind, body.country)))
    Console().print(table)


def find_body(
    text: Annotated[str, typer.Argument(help="A code, name or alias, e.g. 'Avon & Somerset'.")],
    file: FileOption = None,
    as_json: JsonOption = False,
) -> None:
    """Resolve a name to one body; exit 1 (with suggestions) if none or several match."""
    roster = _roster(file)
    try:
        body = roster.get(text)
    except (UnknownBody, AmbiguousBody) as exc:
        others = exc.suggestions if isinstance(exc, UnknownBody) else exc.candidates
        if as_json:
            _print_json(
                {
                    "query": text,
                    "body": None,
                    "error": "unknown" if isinstance(exc, UnknownBody) else "ambiguous",
                    "message": str(exc),
                    "candidates": [_body_json(other) for other in others],
                }
            )
            raise typer.Exit(1) from exc
        raise _fail(exc, 1) from exc
    if as_json:
        _print_json({"query": text, "body": _body_json(body)})
        return
    console = Console()
    console.print(f"[bold]{escape(body.name)}[/bold] ({body.code})", highlight=False)
    console.print(f"{body.kind}, {body.country}", markup=False, highlight=False)
    if body.aliases:
        console.print("also: " + "; ".join(body.aliases), markup=False, highlight=False)
    if body.note:
        console.print(body.note, markup=False, highlight=False)
    foi = body.foi
    where = foi and " or ".join(filter(None, (foi.email, foi.web_form)))
    console.print(
        f"FOI ({body.foi_regime}): {where or 'no address on record'}",
        markup=False,
        highlight=False,
    )
    if foi is not None:
        console.print(f"  source: {foi.source} ({foi.date})", markup=False, highlight=False)
        if foi.note:
            console.print(f"  {foi.note}", markup=False, highlight=False)


def show_lists(file: FileOption = None, as_json: JsonOption = False) -> None:
    """Show the recipient lists (name, version, size, date and source)."""
    roster = _roster(file)
    if as_json:
        _print_json([_list_json(recipients) for recipients in roster.lists])
        return
    table = Table(title="recipient lists")
    table.add_column("name", no_wrap=True)
    for column in ("version", "bodies", "date", "title", "source"):
        table.add_column(column)
    for recipients in roster.lists:
        cells = (
            recipients.name,
            str(recipients.version),
            str(len(recipients.codes)),
            recipients.date.isoformat(),
            recipients.title,
            recipients.source,
        )
        table.add_row(*(Text(cell) for cell in cells))
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add the ``roster`` command group to the root ``custodes`` app."""
    roster_app = typer.Typer(help="The register of bodies and the survey recipient lists.")
    roster_app.command("list")(list_bodies)
    roster_app.command("find")(find_body)
    roster_app.command("lists")(show_lists)
    app.add_typer(roster_app, name="roster")
