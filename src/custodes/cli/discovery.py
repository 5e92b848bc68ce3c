"""``custodes scan`` and ``custodes lab``: verify on the wire what registers and surveys claim."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
from rich.table import Table

from custodes.cli._common import LocalNetworksOption
from custodes.discovery import (
    DEFAULT_PORTS,
    DiscoveryError,
    Scanner,
    ScanOptions,
    ScanState,
    Scope,
    load_scope,
    parse_ports,
    upload_payload,
    upload_results,
)
from custodes.discovery.identify import (
    IdentifyInputError,
    identify,
    identify_sighting,
    read_inputs,
)
from custodes.discovery.lab import DEFAULT_BASE, Lab
from custodes.discovery.naming import default_resolver
from custodes.discovery.passive import CaptureInputError, observe_captures
from custodes.discovery.transport import DEFAULT_RATE, DEFAULT_TIMEOUT
from custodes.egress import file_size

__all__ = ["register"]

PROGRESS_THRESHOLD = 8
CAPTURE_PROGRESS_BYTES = 32 * 1024 * 1024
STATE_SAVE_INTERVAL = 1.0
console = Console()
err_console = Console(stderr=True)


PortOffsetOption = Annotated[
    int,
    typer.Option(
        "--port-offset",
        min=0,
        max=60000,
        help="Add this to every port: the lab without root listens on shifted ports, and a scan "
        "of it uses the same offset.",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the top-level ``scan`` and ``lab`` commands to the root Typer app."""
    app.command(name="scan")(scan)
    app.command(name="lab")(lab)
    app.command(name="identify")(identify_command)


def _fail(message: str, code: int = 1) -> typer.Exit:
    err_console.print(f"[bold red]Error:[/] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def scan(
    targets: Annotated[
        list[str], typer.Argument(help="Addresses, ranges (a.b.c.d-e) or CIDRs to scan.")
    ],
    scope: Annotated[
        Path | None,
        typer.Option(
            "--scope",
            help="File of addresses, ranges or CIDRs (one a line, # comments) that may be "
            "scanned; without it only 127.0.0.0/8 is allowed.",
            dir_okay=False,
        ),
    ] = None,
    ports: Annotated[
        str,
        typer.Option("--ports", help="TCP ports, e.g. 80,443,8000-8010."),
    ] = ",".join(str(port) for port in DEFAULT_PORTS),
    rate: Annotated[
        float, typer.Option("--rate", min=0.1, help="New connections and datagrams per second.")
    ] = DEFAULT_RATE,
    timeout: Annotated[
        float, typer.Option("--timeout", min=0.05, help="Seconds per probe exchange.")
    ] = DEFAULT_TIMEOUT,
    json_output: Annotated[
        bool, typer.Option("--json", help="One JSON object per device on stdout.")
    ] = False,
    community: Annotated[
        str | None,
        typer.Option("--community", help="SNMP v2c community; SNMP is not probed without it."),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=4096, help="Open connections at most.")
    ] = 64,
    port_offset: PortOffsetOption = 0,
    multicast: Annotated[
        str | None,
        typer.Option(
            "--multicast",
            metavar="INTERFACE_ADDRESS",
            help="Also send WS-Discovery, SSDP, SADP, DHIP and DNS-SD (mDNS) multicast (TTL 1) "
            "from the interface with this IPv4 address; replies from targets are used.",
        ),
    ] = None,
    state: Annotated[
        Path | None,
        typer.Option(
            "--state",
            dir_okay=False,
            help="Resume file: finished hosts are recorded here; rerun to resume.",
        ),
    ] = None,
    upload: Annotated[
        str | None, typer.Option("--upload", help="Server URL to send the results to.")
    ] = None,
    token: Annotated[str | None, typer.Option("--token", help="Bearer token for --upload.")] = None,
) -> None:
    """Find cameras, recorders and other devices and identify who really made them.

    Read-only and unauthenticated: no credentials, no exploits, no guessing.
    """
    if upload and not token:
        raise _fail("--upload needs --token")
    try:
        options = ScanOptions(
            ports=parse_ports(ports),
            rate=rate,
            timeout=timeout,
            concurrency=concurrency,
            community=community,
            port_offset=port_offset,
            multicast_interface=multicast,
        )
        allowed = load_scope(scope) if scope else Scope()
        scanner = Scanner(options=options, scope=allowed, resolver=default_resolver())
        addresses = scanner.plan(targets)
        resume = ScanState.load(state) if state else None
    except (DiscoveryError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    started_at = (resume.started_at if resume else None) or _now()
    if resume is not None:
        resume.started_at = started_at
    devices: list[dict[str, Any]] = list(resume.devices) if resume else []
    for record in devices:
        _emit(record, json_output)
    try:
        found = asyncio.run(_run_scan(scanner, targets, len(addresses), resume, json_output))
    except KeyboardInterrupt:
        if resume is not None:
            resume.save()
            err_console.print(f"Interrupted; progress saved to {state}. Rerun to resume.")
        else:
            err_console.print("Interrupted. Use --state FILE to make a scan resumable.")
        raise typer.Exit(130) from None
    devices.extend(found)
    if not json_output:
        _print_table(devices)
    if upload and token:
        payload = upload_payload(devices, list(targets), started_at, _now())
        try:
            reply = upload_results(upload, token, payload)
        except DiscoveryError as exc:
            raise _fail(str(exc)) from exc
        err_console.print(f"Uploaded {len(devices)} devices to {upload}.")
        if not json_output and reply:
            console.print_json(json.dumps(reply))


async def _run_scan(
    scanner: Scanner,
    targets: list[str],
    total: int,
    resume: ScanState | None,
    json_output: bool,
) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    skip = resume.completed if resume else set()
    last_save = time.monotonic()
    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=total < PROGRESS_THRESHOLD or not err_console.is_terminal,
    )
    task = progress.add_task("Scanning", total=total, completed=len(skip))

    def host_done(address: str, device: Any) -> None:
        nonlocal last_save
        progress.advance(task)
        if resume is not None:
            resume.record(address, device.to_dict() if device is not None else None)
            if time.monotonic() - last_save > STATE_SAVE_INTERVAL:
                resume.save()
                last_save = time.monotonic()

    with progress:
        try:
            async for device in scanner.scan(targets, skip=skip, on_host_done=host_done):
                record = device.to_dict()
                found.append(record)
                _emit(record, json_output)
        finally:
            if resume is not None:
                resume.save()
    return found


def _emit(record: dict[str, Any], json_output: bool) -> None:
    if json_output:
        typer.echo(json.dumps(record, ensure_ascii=False))


def _print_table(devices: list[dict[str, Any]]) -> None:
    table = Table(title=f"{len(devices)} devices found")
    for column in (
        "address",
        "manufacturer",
        "brand",
        "model",
        "kind",
        "conf.",
        "ports",
        "concerns",
    ):
        table.add_column(column)
    for record in sorted(devices, key=lambda item: ipaddress.ip_address(item["address"])):
        table.add_row(
            record["address"],
            record["manufacturer"] or "-",
            record["brand"] or "-",
            record["model"] or "-",
            record["device_kind"] or "-",
            f"{record['confidence']:.2f}",
            ",".join(str(port) for port in record["open_ports"]),
            str(len(record["concerns"])),
        )
    console.print(table)


def identify_command(
    values: Annotated[
        list[str] | None, typer.Argument(help="Values of --field, one device each.")
    ] = None,
    fields: Annotated[
        list[str] | None,
        typer.Option(
            "--field",
            help="Observation field of the VALUEs, e.g. http.server (once; for several fields"
            " of one device use --file).",
        ),
    ] = None,
    file: Annotated[
        str | None,
        typer.Option(
            "--file",
            help='JSON lines: {"field", "value"} or {"observations": [{"field", "value"}, ...]}'
            " per device; - for stdin.",
        ),
    ] = None,
    captures: Annotated[
        list[Path] | None,
        typer.Option(
            "--capture",
            help="pcap or pcapng file (repeatable): identify each local device from what it sent"
            " (MAC, replies, greetings, announcements); nothing is sent.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    local: LocalNetworksOption = None,
    json_output: Annotated[
        bool, typer.Option("--json", help="One JSON object per device on stdout.")
    ] = False,
) -> None:
    """Identify devices from observations (banners, headers, MAC prefixes) or from packet
    captures, as the scanner does."""
    if fields and len(fields) > 1:
        # Given twice, click would keep the last silently and read every VALUE as that field.
        raise _fail(
            "give --field once: every VALUE is of that field; for several fields of one device"
            ' use --file with {"observations": [...]}'
        )
    field = fields[0] if fields else None
    if values and field is None:
        raise _fail("VALUEs need --field FIELD")
    if field is not None and not values:
        raise _fail("--field needs at least one VALUE")
    if local and not captures:
        raise _fail("--local needs --capture")
    inputs: list[list[tuple[str, str]]] = [[(field, value)] for value in values or []]
    try:
        if file == "-":
            inputs.extend(read_inputs(sys.stdin, "stdin"))
        elif file is not None:
            with Path(file).open(encoding="utf-8", errors="replace") as handle:
                inputs.extend(read_inputs(handle, file))
        if not inputs and not captures:
            raise _fail("give --field FIELD VALUE..., --file F or --capture F")
        scanner = Scanner(resolver=default_resolver())
        devices = [identify(scanner, pairs) for pairs in inputs]
        labels = ["; ".join(f"{name}={value[:40]}" for name, value in pairs) for pairs in inputs]
        if captures:
            for record in _identify_captures(scanner, captures, local):
                devices.append(record)
                labels.append(record["address"])
    except OSError as exc:
        raise _fail(f"cannot read {file}: {exc.strerror or exc}") from exc
    except (IdentifyInputError, CaptureInputError) as exc:
        raise _fail(str(exc)) from exc
    if json_output:
        for record in devices:
            _emit(record, True)
        return
    table = Table(title=f"{len(devices)} devices identified")
    table.add_column("input (or address)", min_width=15)
    for column in ("manufacturer", "brand", "model", "kind", "conf.", "concerns"):
        table.add_column(column)
    for label, record in zip(labels, devices, strict=True):
        table.add_row(
            label,
            record["manufacturer"] or "-",
            record["brand"] or "-",
            record["model"] or "-",
            record["device_kind"] or "-",
            f"{record['confidence']:.2f}",
            str(len(record["concerns"])),
        )
    console.print(table)


def _identify_captures(
    scanner: Scanner, captures: list[Path], local: list[str] | None
) -> list[dict[str, Any]]:
    """Devices sighted in ``captures``, identified; problems with the files go to stderr."""
    total = sum(file_size(path) for path in captures)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=total < CAPTURE_PROGRESS_BYTES,
    ) as bar:
        task = bar.add_task("reading captures", total=total)
        result = observe_captures(
            captures, local, progress=lambda done: bar.update(task, completed=done)
        )
    for problem in result.problems:
        err_console.print(
            f"[yellow]warning:[/yellow] {problem.path}: offset {problem.offset}: {problem.message}",
            highlight=False,
            soft_wrap=True,
        )
    return [identify_sighting(scanner, sighting) for sighting in result.sightings]


def lab(
    base: Annotated[
        str, typer.Option("--base", help="Loopback base address; devices get base+1, base+2, ...")
    ] = DEFAULT_BASE,
    port_offset: PortOffsetOption = 0,
    duration: Annotated[
        float | None,
        typer.Option("--duration", min=0.1, help="Stop after this many seconds (default: Ctrl-C)."),
    ] = None,
) -> None:
    """Start the emulated test lab of cameras, recorders and ordinary hosts on loopback."""
    try:
        asyncio.run(_run_lab(base, port_offset, duration))
    except KeyboardInterrupt:
        err_console.print("Lab stopped.")
    except DiscoveryError as exc:
        raise _fail(str(exc)) from exc


async def _run_lab(base: str, port_offset: int, duration: float | None) -> None:
    async with Lab(base=base, port_offset=port_offset) as running:
        table = Table(title=f"Custodes lab on {base} (port offset {port_offset})")
        for column in ("address", "device", "maker (truth)", "brand", "kind"):
            table.add_column(column)
        for device in running.devices:
            expect = device.profile.expect
            table.add_row(
                device.address,
                device.profile.name,
                expect.manufacturer or "-",
                expect.brand or "-",
                expect.device_kind or "-",
            )
        console.print(table)
        first, last = running.addresses[0], running.addresses[-1].rsplit(".", 1)[1]
        offset = f" --port-offset {port_offset}" if port_offset else ""
        console.print(f"Scan it with: custodes scan {first}-{last}{offset}")
        if duration is None:
            await asyncio.Event().wait()
        else:
            await asyncio.sleep(duration)
