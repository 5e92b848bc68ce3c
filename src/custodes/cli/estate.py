"""Equipment-register commands: import, exposure, discrepancies with returns, export."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from custodes.cli._common import (
    body_or_fail,
    cli_actor,
    console,
    django_ready,
    err_console,
    fail,
    parse_moment,
    print_json,
)

estate_app = typer.Typer(
    help="Bodies' equipment registers: import, exposure, discrepancies, export.",
    no_args_is_help=True,
)

_Found = TypeVar("_Found")
BodyOption = Annotated[str, typer.Option("--body", "-b", help="Body code, name or alias.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Who is acting (for the audit trail). Default: cli:<your user>."),
]


def register(app: typer.Typer) -> None:
    """Adds the ``estate`` sub-app to the root app."""
    app.add_typer(estate_app, name="estate")


def _day(text: str | None):
    return parse_moment(text, end_of_day=True).date() if text else None


@estate_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="Register file: CSV, XLSX or ODS.")],
    body: BodyOption,
    mapping: Annotated[
        Path | None, typer.Option("--mapping", "-m", help="Mapping file (YAML).")
    ] = None,
    reason: Annotated[str, typer.Option(help="Why (kept with every change).")] = "register import",
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Import a body's register; on any problem nothing is written and every problem is listed."""
    from custodes import estate as core

    try:
        mapping_data = core.load_mapping(mapping) if mapping else None
    except core.EstateError as exc:
        fail(str(exc))
    django_ready()
    from custodes.web.estate.services import import_register

    target = body_or_fail(body)
    total = core.estimate_rows(file) if file.is_file() else None
    columns = [
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    try:
        with Progress(*columns, console=err_console, transient=True) as progress:
            task = progress.add_task(f"Importing into {target.code}", total=total)
            result = import_register(
                target,
                file,
                actor=cli_actor(by),
                reason=reason,
                mapping=mapping_data,
                progress=lambda rows: progress.update(task, completed=rows),
                writing=lambda done, rows: progress.update(
                    task, description=f"Writing into {target.code}", completed=done, total=rows
                ),
            )
    except core.RegisterInvalid as exc:
        if json_output:
            print_json(
                {
                    "body": target.code,
                    "written": False,
                    "problem_count": exc.total,
                    "problems": [p.to_dict() for p in exc.problems],
                }
            )
            raise typer.Exit(1) from None
        table = Table(title=f"{exc.total} problem(s): nothing was written")
        for heading in ("Row", "Column", "Problem"):
            table.add_column(heading)
        for p in exc.problems:
            table.add_row(str(p.row), f"{p.letter} {p.column}".strip(), p.message)
        err_console.print(table)
        fail(f"{file.name}: {exc.total} problem(s); nothing was written")
    except core.EstateError as exc:
        fail(str(exc))
    if json_output:
        print_json({**result.to_dict(), "written": True})
        return
    console.print(
        f"Imported [bold]{file.name}[/] into {target.name}: {result.rows} rows "
        f"({result.created} new, {result.updated} updated, {result.unchanged} unchanged), "
        f"{result.devices} devices in service; header on row {result.header_row}."
    )
    if result.unused_columns:
        console.print("Columns not used: " + ", ".join(result.unused_columns), highlight=False)


@estate_app.command("exposure")
def exposure_command(
    body: Annotated[
        str | None, typer.Option("--body", "-b", help="One body (default: national).")
    ] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Day (ISO); default today.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Devices by manufacturer, by concern and by kind, for one body or the nation."""
    django_ready()
    from custodes.web.estate.services import exposure

    summary = exposure(body_or_fail(body) if body else None, _day(as_of))
    if json_output:
        print_json(summary.to_dict())
        return
    share = summary.share_of_concern
    console.print(
        f"[bold]{summary.scope}[/] as of {summary.as_of}: {summary.devices} devices, "
        f"{summary.devices_of_concern} of concern"
        + (f" ({share:.1%})" if share is not None else "")
        + f"; {summary.sensitive_site_devices_of_concern} of concern on sensitive sites; "
        f"{summary.kev_devices} with known exploited vulnerabilities (confirmed: model and "
        f"firmware in the affected range), {summary.kev_possible_devices} possibly affected "
        "(firmware or model unknown)."
    )
    table = Table(title="By manufacturer")
    for heading in ("Manufacturer", "Devices", "Concern"):
        table.add_column(heading)
    for m in summary.by_manufacturer:
        table.add_row(m.manufacturer or "unknown", str(m.devices), "yes" if m.concern else "")
    console.print(table)
    kinds = Table(title="By kind")
    for heading in ("Kind", "Devices", "Of concern"):
        kinds.add_column(heading)
    for k in summary.by_kind:
        kinds.add_row(k.kind.value, str(k.devices), str(k.devices_of_concern))
    console.print(kinds)


@estate_app.command("discrepancies")
def discrepancies_command(
    round_name: Annotated[str, typer.Option("--round", "-r", help="Round name.")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Moment (ISO); default now.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Where a body's return contradicts its register, for follow-up."""
    django_ready()
    from custodes.web.estate.services import round_named, round_reconciliations
    from custodes.web.surveys.enquiries import round_enquiries

    round_ = round_named(round_name)
    if round_ is None:
        fail(f"no round named {round_name!r}")
    moment = parse_moment(as_of, end_of_day=True) if as_of else None
    found = round_reconciliations(round_, moment)
    names = {item.body.code: item.body.name for item in found}
    discrepancies = [d for item in found for d in item.reconciliation.discrepancies]
    comparisons = [c for item in found for c in item.reconciliation.manufacturers]
    enquiries = round_enquiries(round_, moment)
    if json_output:
        print_json(
            {
                "round": round_.name,
                "discrepancies": [
                    {**d.to_dict(), "body_name": names[d.body]} for d in discrepancies
                ],
                "manufacturers": [c.to_dict() for c in comparisons],
                "enquiries": [e.to_dict() for e in enquiries],
            }
        )
        return
    if not discrepancies:
        console.print(f"No discrepancies between returns and registers in {round_.name}.")
    else:
        table = Table(title=f"{len(discrepancies)} discrepancies in {round_.name}")
        for heading in ("Body", "Question", "Answer", "Devices of concern", "Manufacturers"):
            table.add_column(heading)
        for d in discrepancies:
            table.add_row(
                names[d.body],
                d.question,
                d.answer,
                str(d.devices_of_concern),
                ", ".join(d.manufacturers),
            )
        console.print(table)
    differing = [c for c in comparisons if c.only_in_register or c.only_in_return]
    if differing:
        table = Table(title="Manufacturers: return against register")
        for heading in ("Body", "Block", "Only in return", "Only in register"):
            table.add_column(heading)
        for c in differing:
            table.add_row(
                names[c.body],
                c.block,
                ", ".join(c.only_in_return),
                ", ".join(c.only_in_register),
            )
        console.print(table)
    if enquiries:
        table = Table(title="Other enquiries")
        for heading in ("Body", "Topic", "Concerns", "What to ask about"):
            table.add_column(heading)
        for e in enquiries:
            table.add_row(e.body_name, e.topic, e.subject, e.detail)
        console.print(table)


@estate_app.command("export")
def export_command(
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (.csv, .xlsx); default CSV on stdout."),
    ] = None,
    body: Annotated[
        str | None, typer.Option("--body", "-b", help="One body (default: every body).")
    ] = None,
    what: Annotated[
        str, typer.Option("--what", help="register (assets with ids) or exposure.")
    ] = "register",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day for an exposure export.")
    ] = None,
) -> None:
    """Export registers (with asset ids, re-importable) or the exposure summary."""
    if what not in ("register", "exposure"):
        fail("--what must be register or exposure")
    suffix = output.suffix.casefold() if output else ".csv"
    if suffix not in (".csv", ".xlsx"):
        fail(f"{output}: write .csv or .xlsx")
    django_ready()
    from custodes.web.estate import exports
    from custodes.web.estate.services import exposure

    target = body_or_fail(body) if body else None
    if what == "register":
        headings, rows = exports.REGISTER_HEADINGS, exports.register_rows(target)
    else:
        summary = exposure(target, _day(as_of))
        headings, rows = exports.EXPOSURE_HEADINGS, exports.exposure_rows(summary)
    if output is None:
        exports.write_csv(sys.stdout, headings, rows)
        return
    if suffix == ".csv":
        with output.open("w", newline="", encoding="utf-8") as handle:
            count = exports.write_csv(handle, headings, rows)
    else:
        with output.open("wb") as handle:
            count = exports.write_xlsx(handle, headings, rows, title=what)
    err_console.print(f"Wrote {count} rows to {output}.")


@estate_app.command("agent-token")
def agent_token_command(
    body: BodyOption,
    days: Annotated[int, typer.Option("--days", min=1, max=3650, help="Days it lasts.")] = 365,
    label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "",
    by: ByOption = None,
) -> None:
    """Issue a scan-agent token for a body; it is printed once and stored only hashed."""
    django_ready()
    from custodes.web.estate.scans import issue_agent_token

    target = body_or_fail(body)
    row, raw = issue_agent_token(target, actor=cli_actor(by), label=label, days=days)
    err_console.print(
        f"Agent token {row.pk} for {target.name}, expires {row.expires_at:%Y-%m-%d}. "
        "It is shown only now:",
        highlight=False,
    )
    typer.echo(raw)


@estate_app.command("agent-tokens")
def agent_tokens_command(
    body: Annotated[str | None, typer.Option("--body", "-b", help="One body only.")] = None,
    json_output: JsonOption = False,
) -> None:
    """List scan-agent tokens (never the tokens themselves)."""
    django_ready()
    from custodes.web.estate.scans import agent_token_records

    items = agent_token_records(body_or_fail(body) if body else None)
    if json_output:
        print_json(items)
        return
    table = Table(title=f"{len(items)} agent token(s)")
    for heading in ("ID", "Body", "Label", "State", "Expires", "Last used"):
        table.add_column(heading)
    for i in items:
        table.add_row(
            str(i["id"]),
            i["body"],
            i["label"],
            i["state"],
            i["expires_at"][:10],
            (i["last_used_at"] or "never")[:16],
        )
    console.print(table)


@estate_app.command("revoke-token")
def revoke_token_command(
    token_id: Annotated[int, typer.Argument(help="Token id (from agent-tokens).")],
    by: ByOption = None,
) -> None:
    """Revoke a scan-agent token at once."""
    django_ready()
    from custodes.web.estate.scans import find_agent_token, revoke_agent_token

    row = find_agent_token(token_id)
    if row is None:
        fail(f"no agent token with id {token_id}")
    if revoke_agent_token(row, actor=cli_actor(by)):
        console.print(f"Agent token {token_id} for {row.body.name} revoked.")
    else:
        console.print(f"Agent token {token_id} was already revoked.")


@estate_app.command("scans")
def scans_command(body: BodyOption, json_output: JsonOption = False) -> None:
    """The latest scan upload of a body, reconciled with its register."""
    django_ready()
    from custodes.web.estate.scans import latest_reconciliation

    target = body_or_fail(body)
    found = _json_or_table(
        latest_reconciliation(target),
        json_output,
        f"no scan has been uploaded for {target.name}",
        lambda reconciliation: reconciliation.to_dict(),
    )
    if found is None:
        return
    console.print(
        f"[bold]{target.name}[/]: scan received {found.received_at:%Y-%m-%d %H:%M} "
        f"from {found.scanner}; {found.devices_seen} devices, {found.matched} matched.",
        highlight=False,
    )
    _print_unregistered(found.unregistered)
    _print_rows(
        f"Registered in range but not seen ({len(found.unseen)})",
        ("Asset", "IP", "Manufacturer", "Site"),
        ((a.asset_id, a.ip, a.manufacturer or "-", a.site or "-") for a in found.unseen),
    )
    _print_mismatches(found.mismatches)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _json_or_table(
    found: _Found | None, json_output: bool, missing: str, as_json: Callable[[_Found], Any]
) -> _Found | None:
    """With ``--json``, print ``found`` as JSON (``null`` when there is nothing) and return
    ``None``; otherwise return ``found`` for a table, or fail with ``missing``."""
    if json_output:
        print_json(as_json(found) if found is not None else None)
        return None
    if found is None:
        fail(missing)
    return found


def _print_rows(title: str, headings: tuple[str, ...], rows: Iterable[Sequence[str]]) -> None:
    table = Table(title=title)
    for heading in headings:
        table.add_column(heading)
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _print_unregistered(devices: list[Any]) -> None:
    """Devices seen but not in the register (``SeenDevice``s)."""
    _print_rows(
        f"Not in the register ({len(devices)})",
        ("Address", "Manufacturer", "Brand", "Model", "Kind"),
        (
            (d.address, d.manufacturer or "-", d.brand or "-", d.model or "-", d.device_kind or "-")
            for d in devices
        ),
    )


def _print_mismatches(found: list[Any]) -> None:
    """Devices whose maker differs from the register's (``Mismatch``es)."""
    _print_rows(
        f"Manufacturer differs ({len(found)})",
        ("Asset", "Address", "Register", "Device", "Matched by"),
        (
            (
                m.asset.asset_id,
                m.device.address,
                m.asset.manufacturer,
                m.device.manufacturer or "-",
                m.matched_by,
            )
            for m in found
        ),
    )


@estate_app.command("captures")
def captures_command(body: BodyOption, json_output: JsonOption = False) -> None:
    """The latest analysed capture of a body: the devices seen in it, set against its register,
    and their traffic to vendor services."""
    django_ready()
    from custodes.web.estate.captures import capture_report, latest_capture
    from custodes.web.estate.scans import compare_with_register

    target = body_or_fail(body)
    analysis = _json_or_table(
        latest_capture(target),
        json_output,
        f"no analysed capture has been uploaded for {target.name}",
        capture_report,
    )
    if analysis is None:
        return
    comparison = compare_with_register(analysis.body_id, analysis.devices)
    console.print(
        f"[bold]{target.name}[/]: capture {analysis.file_name} uploaded "
        f"{analysis.uploaded_at:%Y-%m-%d %H:%M} by {analysis.uploaded_by}; "
        f"{_count(len(analysis.devices), 'device')} seen, {comparison.matched} matched; "
        f"{_count(len(analysis.result), 'device')} sent traffic beyond the local networks.",
        highlight=False,
    )
    _print_rows(
        f"Devices seen ({len(analysis.devices)})",
        ("Address", "MAC", "Manufacturer", "Brand", "Model", "Kind", "Concerns"),
        (
            (
                d["address"],
                d["mac"] or "-",
                d["manufacturer"] or "-",
                d["brand"] or "-",
                d["model"] or "-",
                d["device_kind"] or "-",
                str(len(d["concerns"])),
            )
            for d in analysis.devices
        ),
    )
    _print_unregistered(comparison.unregistered)
    _print_mismatches(comparison.mismatches)
    _print_rows(
        "Traffic to vendor services",
        ("Device", "Service", "Vendor", "Kind", "Packets", "Bytes"),
        (
            (d["device"], u["service"], u["vendor"], u["kind"], str(u["packets"]), str(u["bytes"]))
            for d in analysis.result
            for u in d["vendor_services"]
        ),
    )


def _asset(body: str, asset_id: str):
    from custodes.web.estate.services import find_asset

    target = body_or_fail(body)
    asset = find_asset(target, asset_id)
    if asset is None:
        fail(f"{target.name} has no asset {asset_id!r} (asset ids are in `estate export`)")
    return asset


@estate_app.command("override")
def override(
    body: BodyOption,
    asset_id: Annotated[str, typer.Option("--asset", help="Asset id, as in the register.")],
    manufacturer: Annotated[
        str, typer.Option(help="Who really made it (empty: back to the resolver's answer).")
    ],
    reason: Annotated[str, typer.Option(help="Why, e.g. the label seen on site.")],
    by: ByOption = None,
) -> None:
    """Override an asset's resolved manufacturer, with a reason; the change is kept."""
    django_ready()
    from custodes.web.estate.services import update_asset

    asset = _asset(body, asset_id)
    override_to = manufacturer.strip()
    try:
        changed = update_asset(
            asset,
            {
                "manufacturer_override": override_to,
                "override_reason": reason if override_to else "",
            },
            actor=cli_actor(by),
            reason=reason,
        )
    except ValueError as exc:
        fail(str(exc))
    console.print(
        f"{asset.asset_id}: manufacturer {asset.manufacturer or 'unknown'}"
        + ("" if changed else " (unchanged)")
    )


@estate_app.command("history")
def history(
    body: BodyOption,
    asset_id: Annotated[str, typer.Option("--asset", help="Asset id, as in the register.")],
    json_output: JsonOption = False,
) -> None:
    """Every change to an asset: what, who, when and why."""
    django_ready()
    from custodes.web.estate.services import asset_history

    asset = _asset(body, asset_id)
    changes = asset_history(asset)
    if json_output:
        print_json({"body": asset.body.code, "asset": asset.asset_id, "changes": changes})
        return
    table = Table("when", "what", "who", "why", "changed")
    for change in changes:
        fields = sorted(set(change["before"]) | set(change["after"]))
        shown = "; ".join(
            f"{f}: {change['before'].get(f)!r} → {change['after'].get(f)!r}" for f in fields
        )
        table.add_row(change["at"][:16], change["action"], change["by"], change["reason"], shown)
    console.print(table)
