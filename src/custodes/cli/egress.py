"""``custodes egress``: which local devices phone home to vendor cloud, P2P or update services."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn
from rich.table import Table
from rich.text import Text

from custodes.egress import (
    DEFAULT_LOCAL_NETWORKS,
    EgressError,
    EgressReport,
    analyse,
    load_devices,
)

__all__ = ["register"]

PROGRESS_THRESHOLD_BYTES = 32 * 1024 * 1024


def register(app: typer.Typer) -> None:
    """Add the top-level ``egress`` command to the root Typer app."""
    app.command(name="egress")(egress)


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
    local: Annotated[
        list[str] | None,
        typer.Option(
            "--local",
            metavar="CIDR",
            help="local network (repeatable); replaces the defaults: "
            + ", ".join(DEFAULT_LOCAL_NETWORKS),
        ),
    ] = None,
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
