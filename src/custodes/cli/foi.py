"""``custodes foi``: Freedom of Information — the statutory clock (``foi due``) and campaigns."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from custodes.cli._common import console, fail, print_json
from custodes.foi.clock import (
    DEFAULT_DAYS,
    REGIME_LABELS,
    REGIMES,
    ClockError,
    Regime,
    due_date,
    working_days,
)
from custodes.foi.holidays import Holiday

app = typer.Typer(
    help="Freedom of Information: statutory clocks and FOI campaigns.", no_args_is_help=True
)


def _date(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not an ISO date (2022-09-30)", param_hint=option
        ) from None


def _regime(text: str) -> Regime:
    value = text.strip().lower()
    if value not in REGIMES:
        raise typer.BadParameter(f"must be one of {', '.join(REGIMES)}", param_hint="--regime")
    return value  # type: ignore[return-value]


DIVISION_LABELS = {
    "england-and-wales": "England and Wales",
    "scotland": "Scotland",
    "northern-ireland": "Northern Ireland",
}


def _long(day: date) -> str:
    """``Thursday 4 May 2023``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _why(day: date, holidays: tuple[Holiday, ...]) -> str:
    """``Easter Monday (England and Wales, Northern Ireland)``: each name with its divisions."""
    if not holidays:
        return "Christmas Day" if (day.month, day.day) == (12, 25) else "Good Friday"
    divisions: dict[str, list[str]] = {}
    for holiday in holidays:
        divisions.setdefault(holiday.name, []).append(DIVISION_LABELS[holiday.division])
    return "; ".join(f"{name} ({', '.join(where)})" for name, where in divisions.items())


@app.command("due")
def due_command(
    received: Annotated[
        str, typer.Option("--received", help="Date the body received the request (day 0).")
    ],
    regime: Annotated[str, typer.Option("--regime", help="foia (default), foisa or eir.")] = "foia",
    clarified: Annotated[
        str | None,
        typer.Option("--clarified", help="Date the body received a clarification (restarts)."),
    ] = None,
    fee_notice: Annotated[
        str | None, typer.Option("--fee-notice", help="Date a fees notice was given (stops).")
    ] = None,
    fee_paid: Annotated[
        str | None, typer.Option("--fee-paid", help="Date the fee was received (resumes).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")] = False,
) -> None:
    """The statutory due date: the 20th working day after receipt, under FOIA or FOISA."""
    day0 = _date(received, "--received")
    assert day0 is not None
    chosen = _regime(regime)
    clarified_on = _date(clarified, "--clarified")
    try:
        due = due_date(
            day0,
            chosen,
            clarified=clarified_on,
            fee_notice=_date(fee_notice, "--fee-notice"),
            fee_paid=_date(fee_paid, "--fee-paid"),
        )
    except ClockError as exc:
        fail(str(exc))
    if as_json:
        data: dict[str, object] = {
            "received": day0.isoformat(),
            "regime": chosen,
            "due": due.isoformat(),
            "working_days": DEFAULT_DAYS,
        }
        if clarified_on is not None:
            data["clarified"] = clarified_on.isoformat()
        print_json(data)
        return
    start = clarified_on or day0
    console.print(
        f"[bold]Due {_long(due)}[/]: the {DEFAULT_DAYS}th working day after "
        f"{_long(start)}{' (clarification)' if clarified_on else ''}, "
        f"under the {REGIME_LABELS[chosen]}.",
        highlight=False,
    )
    closures = working_days(chosen).closures(start, due)
    if closures:
        table = Table(title="Weekdays that do not count")
        table.add_column("date", no_wrap=True)
        table.add_column("why")
        for day, holidays in closures:
            table.add_row(f"{day:%a} {day.day} {day:%b %Y}", escape(_why(day, holidays)))
        console.print(table)


def register(root: typer.Typer) -> None:
    """Add the ``foi`` command group to the root ``custodes`` app."""
    root.add_typer(app, name="foi")
