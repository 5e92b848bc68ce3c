"""`custodes check`: deployment problems, as a table or JSON; exit status 1 on any error."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from custodes.cli._common import console, django_ready, print_json
from custodes.cli.web import ThreadsOption, WorkersOption, server_sizes

LEVEL_STYLES = {"error": "bold red", "warning": "yellow", "info": "dim"}


def register(app: typer.Typer) -> None:
    app.command("check")(check)


def check(
    workers: WorkersOption = None,
    threads: ThreadsOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Report deployment problems: DEBUG, secret key, hosts, HTTPS, email, database
    connections (pass the --workers and --threads that `custodes serve` will use), and
    Django's own `check --deploy`. Exits 1 when any problem is an error."""
    server_sizes(workers, threads)
    django_ready()
    from custodes.web.deployment import Level, deployment_problems

    problems = deployment_problems()
    errors = sum(problem.level is Level.ERROR for problem in problems)
    warnings = sum(problem.level is Level.WARNING for problem in problems)
    if as_json:
        print_json(
            {
                "problems": [problem.as_json() for problem in problems],
                "errors": errors,
                "warnings": warnings,
            }
        )
    else:
        table = Table(show_lines=True)
        for column in ("level", "check", "problem", "what to do"):
            table.add_column(column, overflow="fold")
        for problem in problems:
            style = LEVEL_STYLES[problem.level.value]
            table.add_row(
                f"[{style}]{problem.level.value}[/]", problem.id, problem.message, problem.hint
            )
        console.print(table)
        console.print(f"{errors} error(s), {warnings} warning(s).")
    if errors:
        raise typer.Exit(1)
