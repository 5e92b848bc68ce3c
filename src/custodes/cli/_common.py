"""Helpers shared by the CLI commands: consoles, Django start-up, dates, errors."""

from __future__ import annotations

import getpass
import json
import sys
from datetime import date, datetime, time, timedelta
from typing import Annotated, Any, NoReturn
from zoneinfo import ZoneInfo

import typer
from rich.console import Console

from custodes.egress import DEFAULT_LOCAL_NETWORKS

console = Console()
err_console = Console(stderr=True)

SITE_TIME_ZONE = ZoneInfo("Europe/London")

LocalNetworksOption = Annotated[
    list[str] | None,
    typer.Option(
        "--local",
        metavar="CIDR",
        help="local network of the capture (repeatable); replaces the defaults: "
        + ", ".join(DEFAULT_LOCAL_NETWORKS),
    ),
]


def django_ready() -> None:
    """Starts Django on the data directory (creating and migrating it on first use)."""
    from django.core.exceptions import ImproperlyConfigured
    from django.db import OperationalError

    from custodes.web.bootstrap import setup

    try:
        setup()
    except ImproperlyConfigured as exc:
        fail(str(exc))
    except OperationalError as exc:
        fail(f"cannot use the database: {exc}")


def fail(message: str, code: int = 1) -> NoReturn:
    """Prints an error the user can act on and exits non-zero."""
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def cli_actor(by: str | None = None) -> str:
    """Who is acting, for the audit trail: ``--by`` or the operating-system user."""
    if by:
        return by
    try:
        return f"cli:{getpass.getuser()}"
    except Exception:
        return "cli"


def parse_moment(text: str, *, end_of_day: bool) -> datetime:
    """An ISO date or date-time. A bare date means the start of that day, or its end
    (the last instant, inclusive) when ``end_of_day``; naive values are UK time."""
    try:
        if len(text.strip()) == 10:
            day = date.fromisoformat(text.strip())
            moment = datetime.combine(day, time.min)
            if end_of_day:
                moment = moment + timedelta(days=1) - timedelta(microseconds=1)
        else:
            moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        fail(f"{text!r} is not an ISO date (2022-09-30) or date-time (2022-09-30T17:00)")
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SITE_TIME_ZONE)
    return moment


def print_json(data: Any) -> None:
    """Plain JSON on stdout (no colour codes), for scripts."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def body_or_fail(text: str):
    """The body named by ``text`` (code, name or alias), or a clear error with suggestions."""
    from custodes import roster as roster_core
    from custodes.web.bodies.services import find_body

    try:
        return find_body(text)
    except roster_core.RosterError as exc:
        fail(str(exc))
