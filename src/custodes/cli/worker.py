"""``custodes worker``: runs background jobs (capture analyses, emails, imports, reports) and
the scheduled work (reminders, sweeps of expired links, orphaned uploads and lost jobs)."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
from rich.logging import RichHandler

from custodes.cli._common import console, django_ready


def register(app: typer.Typer) -> None:
    app.command("worker")(worker)


def worker(
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", "-w", min=1, help="Jobs run at once (default CUSTODES_JOB_WORKERS, 2)."
        ),
    ] = None,
    periodic: Annotated[
        bool,
        typer.Option(
            help="Also run the scheduled work. Leave it on for at least one worker per queue."
        ),
    ] = True,
    quiet: Annotated[bool, typer.Option("--quiet", help="Log warnings and errors only.")] = False,
    parent: Annotated[
        int | None, typer.Option(hidden=True, help="Stop when this process has gone.")
    ] = None,
) -> None:
    """Run background jobs until Ctrl-C (running jobs finish first; a second Ctrl-C stops now)."""
    django_ready()
    from huey.contrib.djhuey import HUEY

    from custodes.web.jobs.registry import kinds
    from custodes.web.jobs.worker import consumer_options, queue_description, run_worker

    logger = logging.getLogger("huey")
    logger.handlers = [RichHandler(console=console, show_path=False, rich_tracebacks=True)]
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
    if not quiet:
        options = consumer_options(workers, periodic)
        console.print(f"[bold]Custodes worker[/] — queue: {queue_description()}")
        console.print(
            f"  {options['workers']} job(s) at once; scheduled work "
            + ("on" if periodic else "off")
        )
        console.print("  Jobs: " + ", ".join(kind.label for kind in kinds()))
        periodic_names = [task.name for task in HUEY._registry.periodic_tasks]
        if periodic:
            console.print("  Scheduled: " + ", ".join(periodic_names))
        console.print("Press Ctrl-C to stop.")
    run_worker(workers, periodic, parent)
