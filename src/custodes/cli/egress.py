"""``custodes egress``: which local devices phone home to vendor cloud, P2P or update services;
``custodes egress match``: which vendor service a host name belongs to."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn
from rich.table import Table
from rich.text import Text
from typer.core import TyperGroup

from custodes.cli._common import LocalNetworksOption
from custodes.egress import (
    EgressError,
    EgressReport,
    analyse,
    load_devices,
    load_endpoint_rules,
)
from custodes.egress.endpoints import match_host

__all__ = ["register"]

PROGRESS_THRESHOLD_BYTES = 32 * 1024 * 1024


ANALYSE_COMMAND = "analyse"
MAX_HOSTS_FILE_BYTES = 64 * 1024 * 1024


class _EgressGroup(TyperGroup):
    """``egress`` with subcommands, where anything that is not a subcommand's name goes to the
    capture analysis: ``custodes egress CAPTURE...`` keeps working beside ``egress match``."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [ANALYSE_COMMAND, *args]
        return super().parse_args(ctx, args)


def register(app: typer.Typer) -> None:
    """Add ``egress`` (capture analysis, the default) and ``egress match`` to the root app."""
    group = typer.Typer(
        cls=_EgressGroup,
        help="Traffic from local devices to vendor services: 'custodes egress CAPTURE...' "
        "analyses captures; 'custodes egress match HOST...' looks host names up.",
        no_args_is_help=True,
    )
    group.command(name=ANALYSE_COMMAND)(egress)
    group.command(name="match")(match)
    app.add_typer(group, name="egress")


def egress(
    captures: Annotated[
        list[Path],
        typer.Argument(help="pcap or pcapng files, read in order", exists=True, dir_okay=False),
    ],
    devices: Annotated[
        Path | None,
        typer.Option(
            "--devices",
            help="scan result (JSON Lines from 'custodes scan --json') or register CSV with an "
            "IP column; adds device names and manufacturers",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    local: LocalNetworksOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="one JSON object per device per line (JSON Lines)")
    ] = False,
) -> None:
    """Find traffic from local devices to vendor cloud, P2P and update services."""
    errors = Console(stderr=True)
    try:
        directory = load_devices(devices) if devices is not None else None
        total = sum(path.stat().st_size for path in captures)
        if total >= PROGRESS_THRESHOLD_BYTES:
            with Progress(
                "[progress.description]{task.description}",
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                console=errors,
                transient=True,
            ) as bar:
                task = bar.add_task("reading captures", total=total)
                report = analyse(
                    captures,
                    devices=directory,
                    local_networks=local or None,
                    progress=lambda done: bar.update(task, completed=done),
                )
        else:
            report = analyse(captures, devices=directory, local_networks=local or None)
    except EgressError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(code=1) from exc
    for problem in report.problems:
        errors.print(
            f"[yellow]warning:[/yellow] {problem.path}: offset {problem.offset}: {problem.message}",
            highlight=False,
            markup=True,
        )
    if as_json:
        for item in report.to_dicts():
            typer.echo(json.dumps(item, ensure_ascii=False))
        return
    _print_table(report)


def _print_table(report: EgressReport) -> None:
    console = Console()
    table = Table(title="Traffic to vendor services", show_lines=False)
    table.add_column("device", no_wrap=True, min_width=15)
    if report.with_directory:
        table.add_column("name")
        table.add_column("manufacturer")
    for heading in ("vendor", "service", "kind", "packets", "bytes", "first seen", "evidence"):
        table.add_column(heading, justify="right" if heading in ("packets", "bytes") else "left")
    for item in report.to_dicts():
        directory_cells = (
            [item.get("name") or "", item.get("manufacturer") or ""]
            if report.with_directory
            else []
        )
        services = item["vendor_services"] or [None]
        for usage in services:
            if usage is None:
                cells = ["-", "(none seen)", "", "", "", "", ""]
            else:
                cells = [
                    usage["vendor"],
                    usage["service"],
                    usage["kind"],
                    str(usage["packets"]),
                    str(usage["bytes"]),
                    usage["first_seen"],
                    ", ".join(usage["evidence"][:3]),
                ]
            row = [item["device"], *directory_cells, *cells]
            table.add_row(*(Text(str(cell)) for cell in row))
    console.print(table)
    console.print(
        f"{report.packets_read} packets, {report.bytes_read} bytes read; "
        f"{len(report.devices)} local devices with egress; {len(report.problems)} problems",
        highlight=False,
    )


def _hosts_from(file: Path) -> list[str]:
    """Host names in ``file`` (``-``: standard input), one a line; blank lines and ``#``
    comments skipped."""
    if str(file) == "-":
        text = sys.stdin.read()
    else:
        try:
            if file.stat().st_size > MAX_HOSTS_FILE_BYTES:
                raise EgressError(f"{file}: larger than {MAX_HOSTS_FILE_BYTES} bytes")
            text = file.read_text(encoding="utf-8", errors="replace")
        except OSError as exc:
            raise EgressError(f"{file}: cannot read: {exc.strerror or exc}") from exc
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def match(
    hosts: Annotated[
        list[str] | None, typer.Argument(help="host names (DNS names, TLS SNI, HTTP Host)")
    ] = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", help="host names, one a line ('-' reads standard input)"),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="one JSON object per host name per line (JSON Lines)"),
    ] = False,
) -> None:
    """Which vendor service each host name belongs to (name, vendor, service, kind, source)."""
    errors = Console(stderr=True)
    try:
        names = [*(hosts or []), *(_hosts_from(file) if file is not None else [])]
        rules = load_endpoint_rules()
    except EgressError as exc:
        errors.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(code=1) from exc
    if not names:
        errors.print("[red]error:[/red] give host names or --file", highlight=False)
        raise typer.Exit(code=2)
    results = [match_host(rules, name) for name in names]
    if as_json:
        for item in results:
            typer.echo(json.dumps(item, ensure_ascii=False))
        return
    table = Table(title="Host names and vendor services")
    for heading in ("name", "vendor", "service", "kind", "source"):
        table.add_column(heading)
    for item in results:
        table.add_row(*(Text(item[key] or "-") for key in item))
    Console().print(table)
