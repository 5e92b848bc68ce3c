"""The ``custodes`` command line: one Typer app, thin commands over the core and Django services."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from custodes import __version__

app = typer.Typer(
    name="custodes",
    help="Oversight of public bodies' surveillance-camera estates.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_show_locals=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"custodes {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            envvar="CUSTODES_DATA_DIR",
            help="Data directory (embedded SQLite database, secret key, imports). "
            "Default: ./custodes-data. DATABASE_URL switches to PostgreSQL.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Custodes: survey rounds, honest findings, vendor intelligence, verification on the wire."""
    if data_dir is not None:
        os.environ["CUSTODES_DATA_DIR"] = str(data_dir.resolve())


def _register_commands() -> None:
    from custodes.cli import (
        check,
        discovery,
        egress,
        estate,
        intel,
        questionnaire,
        roster,
        survey,
        web,
        worker,
    )

    for module in (
        check, discovery, egress, estate, intel, questionnaire, roster, survey, web, worker
    ):
        module.register(app)


_register_commands()


def main() -> None:
    app()
