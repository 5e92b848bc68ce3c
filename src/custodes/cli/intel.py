"""``custodes intel list|show|import-kev|import-oui`` and ``custodes resolve``."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from custodes.intel import (
    IntelError,
    KnowledgeBase,
    Manufacturer,
    Resolution,
    Resolver,
    load_knowledge,
)
from custodes.intel._ieee import IeeeRegistry, import_ieee_csv, load_registry
from custodes.intel._kev import import_kev
from custodes.intel._knowledge import data_dir_from_env

MAX_FILE_LINES = 1_000_000

intel_app = typer.Typer(help="Vendor intelligence: manufacturers, brands, OEMs and concerns.")


def _console() -> Console:
    return Console(highlight=False)


def _fail(error: Exception) -> typer.Exit:
    Console(stderr=True, highlight=False).print(f"[red]error:[/red] {error}", markup=True)
    return typer.Exit(code=2)


def _knowledge_line(knowledge: KnowledgeBase) -> str:
    kev = ", ".join(
        f"KEV {c.catalog_version} ({c.entries} entries)" for c in knowledge.kev_catalogs
    )
    return f"knowledge {knowledge.version} of {knowledge.date.isoformat()}; {kev}"


def _knowledge_json(knowledge: KnowledgeBase) -> dict[str, Any]:
    return {
        "version": knowledge.version,
        "date": knowledge.date.isoformat(),
        "kev_catalogs": [
            {"catalog_version": c.catalog_version, "date": c.date.isoformat(), "entries": c.entries}
            for c in knowledge.kev_catalogs
        ],
    }


def _fact_json(fact: Any) -> dict[str, Any]:
    return {
        "source": fact.source,
        "date": fact.date.isoformat(),
        "confidence": fact.confidence,
        "note": fact.note,
    }


def _optional_date(value: date | None) -> str | None:
    return value.isoformat() if value else None


def manufacturer_json(maker: Manufacturer) -> dict[str, Any]:
    """Everything known about one manufacturer, with sources, as plain JSON."""
    return {
        "name": maker.name,
        "country": maker.country,
        "legal_names": list(maker.legal_names),
        "aliases": list(maker.aliases),
        "misspellings": list(maker.misspellings),
        "products": list(maker.products),
        **_fact_json(maker.fact),
        "owners": [
            {
                "owner": o.owner,
                "since": _optional_date(o.since),
                "until": _optional_date(o.until),
                **_fact_json(o.fact),
            }
            for o in maker.owners
        ],
        "brands": [
            {
                "name": b.name,
                "aliases": list(b.aliases),
                "relation": b.relation,
                "since": _optional_date(b.since),
                "until": _optional_date(b.until),
                **_fact_json(b.fact),
            }
            for b in maker.brands
        ],
        "made_by": [
            {"maker": m.maker, "scope": m.scope, **_fact_json(m.fact)} for m in maker.made_by
        ],
        "model_patterns": [
            {
                "family": p.family,
                "prefix": p.prefix,
                "regex": p.regex.pattern,
                "device_kind": p.device_kind,
                **_fact_json(p.fact),
            }
            for p in maker.model_patterns
        ],
        "product_lines": [
            {"name": line.name, "device_kind": line.device_kind, **_fact_json(line.fact)}
            for line in maker.product_lines
        ],
        "oui_registrants": list(maker.oui_registrants),
        "concerns": [{**c.to_dict(), "scope": list(c.scope)} for c in maker.concerns],
        "unverified_concerns": [
            {**c.to_dict(), "scope": list(c.scope)} for c in maker.unverified_concerns
        ],
    }


@intel_app.command("list")
def list_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print plain JSON.")] = False,
) -> None:
    """List the manufacturers in the knowledge base with their concerns and sources."""
    try:
        knowledge = load_knowledge()
        registry = load_registry(data_dir_from_env())
    except IntelError as error:
        raise _fail(error) from error
    if as_json:
        rows = [
            {
                "name": m.name,
                "country": m.country,
                "brands": [b.name for b in m.brands],
                "made_by": [link.maker for link in m.made_by],
                "concern_kinds": sorted({c.kind for c in m.concerns}),
                "concerns": len(m.concerns),
                "source": m.fact.source,
            }
            for m in knowledge.manufacturers
        ]
        payload = {
            "knowledge": _knowledge_json(knowledge),
            "ieee_registry": _registry_json(registry),
            "manufacturers": rows,
        }
        typer.echo(json.dumps(payload))
        return
    console = _console()
    console.print(_knowledge_line(knowledge))
    console.print(registry.describe())
    table = Table("manufacturer", "country", "brands", "concerns", "source")
    for maker in knowledge.manufacturers:
        kinds = sorted({c.kind for c in maker.concerns})
        table.add_row(
            maker.name,
            maker.country,
            ", ".join(b.name for b in maker.brands),
            f"{len(maker.concerns)}: {', '.join(kinds)}" if kinds else "-",
            maker.fact.source,
        )
    console.print(table)


@intel_app.command("show")
def show_command(
    name: Annotated[str, typer.Argument(help="Manufacturer name, legal name or alias.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print plain JSON.")] = False,
) -> None:
    """Show everything known about one manufacturer, each fact with its source."""
    try:
        knowledge = load_knowledge()
        maker = knowledge.manufacturer(name)
    except IntelError as error:
        raise _fail(error) from error
    if as_json:
        payload = {"knowledge": _knowledge_json(knowledge), **manufacturer_json(maker)}
        typer.echo(json.dumps(payload))
        return
    console = _console()
    console.print(_knowledge_line(knowledge))
    console.print(f"[bold]{maker.name}[/bold] ({maker.country}) source: {maker.fact.source}")
    if maker.legal_names:
        console.print(f"legal names: {'; '.join(maker.legal_names)}")
    for owner in maker.owners:
        console.print(
            f"owner: {owner.owner} {_optional_date(owner.since) or '?'}.."
            f"{_optional_date(owner.until) or 'now'} ({owner.fact.confidence}) {owner.fact.source}"
        )
    for brand in maker.brands:
        console.print(
            f"brand: {brand.name} ({brand.relation}) ({brand.fact.confidence}) {brand.fact.source}"
        )
    for link in maker.made_by:
        console.print(
            f"made by: {link.maker} ({link.scope}) ({link.fact.confidence}) {link.fact.source}"
        )
    for pattern in maker.model_patterns:
        console.print(f"model family: {pattern.family} ({pattern.fact.confidence})")
    for registrant in maker.oui_registrants:
        console.print(f"OUI registrant: {registrant}")
    table = Table("date", "kind", "authority", "summary", "source")
    for concern in maker.concerns:
        table.add_row(
            concern.date.isoformat(),
            concern.kind,
            concern.authority,
            concern.summary,
            concern.source,
        )
    console.print(table if maker.concerns else "no concerns recorded")
    for concern in maker.unverified_concerns:
        console.print(f"unverified (not applied): {concern.authority}: {concern.summary}")


@intel_app.command("import-kev")
def import_kev_command(
    file: Annotated[Path, typer.Argument(help="CISA KEV catalog, JSON or CSV.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print plain JSON.")] = False,
) -> None:
    """Import CISA KEV entries for known manufacturers into $CUSTODES_DATA_DIR/intel/kev.json."""
    data_dir = data_dir_from_env()
    try:
        result, target = import_kev(file, data_dir, load_knowledge(data_dir))
        knowledge = load_knowledge(data_dir)
    except IntelError as error:
        raise _fail(error) from error
    by_maker: dict[str, int] = {}
    for entry in result.matched:
        by_maker[entry.manufacturer] = by_maker.get(entry.manufacturer, 0) + 1
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "knowledge": _knowledge_json(knowledge),
                    "catalog_version": result.catalog_version,
                    "total": result.total,
                    "matched": len(result.matched),
                    "by_manufacturer": by_maker,
                    "written": str(target),
                }
            )
        )
        return
    console = _console()
    console.print(_knowledge_line(knowledge))
    console.print(
        f"KEV {result.catalog_version}: {len(result.matched)} of {result.total} entries "
        f"concern known manufacturers; written to {target}"
    )
    for maker, count in sorted(by_maker.items()):
        console.print(f"  {maker}: {count}")


def _registry_json(registry: IeeeRegistry) -> dict[str, Any]:
    return {
        "date": _optional_date(registry.date),
        "imported": registry.imported,
        "registries": [source.to_dict() for source in registry.sources],
    }


@intel_app.command("import-oui")
def import_oui_command(
    files: Annotated[
        list[Path],
        typer.Argument(help="IEEE CSV exports: oui.csv (MA-L), mam.csv, oui36.csv, iab.csv."),
    ],
    published: Annotated[
        str | None,
        typer.Option("--date", help="Date of the files (YYYY-MM-DD); default: newest file's."),
    ] = None,
    source: Annotated[
        str | None, typer.Option("--source", help="Where the files came from (default: names).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print plain JSON.")] = False,
) -> None:
    """Load the IEEE's MAC registries from its CSV exports into the data directory; they replace
    the shipped copy for look-ups (registries not given are kept from the copy in use)."""
    when: date | None = None
    if published is not None:
        try:
            when = date.fromisoformat(published)
        except ValueError as error:
            raise typer.BadParameter(f"--date must be YYYY-MM-DD, got {published!r}") from error
    try:
        registry, target = import_ieee_csv(
            files, data_dir_from_env(), published=when, source=source
        )
    except IntelError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps({"ieee_registry": _registry_json(registry), "written": str(target)}))
        return
    console = _console()
    console.print(registry.describe())
    console.print(f"{len(registry):,} assignments written to {target}")


def _inputs(texts: list[str], file: Path | None) -> list[str]:
    inputs = list(texts)
    if file is not None:
        try:
            with file.open(encoding="utf-8", errors="replace") as handle:
                for number, line in enumerate(handle, start=1):
                    if number > MAX_FILE_LINES:
                        raise typer.BadParameter(f"{file}: more than {MAX_FILE_LINES} lines")
                    stripped = line.rstrip("\r\n")
                    if stripped.strip():
                        inputs.append(stripped)
        except OSError as error:
            raise typer.BadParameter(f"cannot read {file}: {error}") from error
    return inputs


def resolve_command(
    texts: Annotated[list[str] | None, typer.Argument(help="Strings to resolve.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Resolve each non-empty line of this file.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Apply only concerns in effect on this date (YYYY-MM-DD)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per input.")] = False,
) -> None:
    """Resolve vendor names, brands, model numbers or MAC addresses to manufacturers."""
    when: date | None = None
    if as_of is not None:
        try:
            when = date.fromisoformat(as_of)
        except ValueError as error:
            raise typer.BadParameter(f"--as-of must be YYYY-MM-DD, got {as_of!r}") from error
    inputs = _inputs(texts or [], file)
    if not inputs:
        raise typer.BadParameter("give TEXT arguments or --file")
    try:
        knowledge = load_knowledge()
    except IntelError as error:
        raise _fail(error) from error
    resolver = Resolver(knowledge)
    results: list[Resolution] = [resolver.resolve(text, as_of=when) for text in inputs]
    if as_json:
        for result in results:
            typer.echo(json.dumps(result.to_dict()))
        return
    console = _console()
    console.print(_knowledge_line(knowledge))
    table = Table("input", "manufacturer", "brand", "model", "kind", "conf.", "concerns")
    for result in results:
        table.add_row(
            result.input,
            result.manufacturer or "-",
            result.brand or "-",
            result.model or "-",
            result.device_kind or "-",
            f"{result.confidence:.2f}",
            ", ".join(sorted({c.authority for c in result.concerns})) or "none",
        )
    console.print(table)


def _checkout_tests() -> Path:
    """``tests/intel`` of the source checkout this package runs from."""
    return Path(__file__).resolve().parents[3] / "tests" / "intel"


def _eval_set_figures(directory: Path, resolver: Resolver) -> dict[str, Any]:
    """Manufacturer and concern-flag precision and recall on the resolver's evaluation set."""
    import csv

    with (directory / "eval_set.csv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    right = named = due = found = flag_tp = flag_raised = flag_due = 0
    for row in rows:
        result = resolver.resolve(row["input"])
        expected = row["expected_manufacturer"] or None
        named += result.manufacturer is not None
        right += result.manufacturer is not None and result.manufacturer == expected
        due += expected is not None
        found += expected is not None and result.manufacturer == expected
        flagged, flag_expected = result.has_concern, row["expected_concern"] == "true"
        flag_tp += flagged and flag_expected
        flag_raised += flagged
        flag_due += flag_expected
    return {
        "examples": len(rows),
        "precision": round(right / max(named, 1), 4),
        "recall": round(found / max(due, 1), 4),
        "concern_precision": round(flag_tp / max(flag_raised, 1), 4),
        "concern_recall": round(flag_tp / max(flag_due, 1), 4),
    }


@intel_app.command("accuracy")
def accuracy_command(
    independent: Annotated[
        bool,
        typer.Option(
            "--independent",
            help="Also score the independent third-party set (tests/intel/eval), per source "
            "and field, split into shaping and holdout examples, the third banner set and the "
            "capture set (both all holdout).",
        ),
    ] = False,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            file_okay=False,
            help="Directory with eval_set.csv and eval/ (default: tests/intel of the checkout).",
        ),
    ] = None,
    write_split: Annotated[
        bool,
        typer.Option("--write-split", help="Record the shaping/holdout split in eval/split.csv."),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print plain JSON.")] = False,
) -> None:
    """Precision and recall of identification: the evaluation set, Recog's camera banners and,
    with --independent, independent third-party data."""
    from custodes.discovery.accuracy import evaluate_banners, read_banner_examples
    from custodes.discovery.capture_set import run_captures
    from custodes.discovery.independent import run
    from custodes.discovery.rules import default_rules

    directory = data or _checkout_tests()
    if not (directory / "eval_set.csv").exists():
        raise _fail(
            IntelError(f"no eval_set.csv in {directory}: run from a source checkout or use --data")
        )
    try:
        knowledge = load_knowledge()
    except IntelError as error:
        raise _fail(error) from error
    resolver = Resolver(knowledge)
    rules = default_rules()
    eval_set = _eval_set_figures(directory, resolver)
    banner_file = directory.parent / "fixtures" / "recog-camera-examples.tsv"
    banners = evaluate_banners(read_banner_examples(banner_file), rules)
    outcome = third = captures = None
    if independent or write_split:
        try:
            outcome = run(directory / "eval", resolver, rules, write=write_split, third=independent)
            third = outcome.third
            if independent:
                captures = run_captures(directory / "eval", resolver, rules, _egress_vendor())
        except (OSError, KeyError, ValueError) as error:
            where = directory / "eval"
            raise _fail(IntelError(f"independent evaluation set in {where}: {error}")) from error
    if as_json:
        payload: dict[str, Any] = {
            "knowledge": _knowledge_json(knowledge),
            "eval_set": eval_set,
            "recog_camera_banners": {
                "examples": banners.examples,
                "precision": round(banners.total.precision, 4),
                "recall": round(banners.total.recall, 4),
            },
        }
        if outcome is not None:
            payload["independent"] = outcome.to_dict()
        if third is not None:
            payload["third_banner_set"] = third.to_dict()
        if captures is not None:
            payload["capture_set"] = captures.to_dict()
        typer.echo(json.dumps(payload))
        return
    console = _console()
    console.print(_knowledge_line(knowledge))
    console.print(
        f"evaluation set ({eval_set['examples']} rows, written alongside the aliases): "
        f"manufacturer precision {eval_set['precision']:.3f} recall {eval_set['recall']:.3f}; "
        f"concern flag precision {eval_set['concern_precision']:.3f} "
        f"recall {eval_set['concern_recall']:.3f}"
    )
    typer.echo(banners.to_text())
    if outcome is not None:
        typer.echo(outcome.to_text())
    if third is not None:
        typer.echo(third.to_text())
    if captures is not None:
        typer.echo(captures.to_text())


def _egress_vendor() -> Callable[[str], str | None]:
    """The vendor whose service a host name belongs to, by the shipped egress rules."""
    from custodes.egress.endpoints import load_endpoint_rules, match_host

    endpoints = load_endpoint_rules()
    return lambda name: match_host(endpoints, name)["vendor"]


def register(app: typer.Typer) -> None:
    """Add the ``intel`` sub-app and the top-level ``resolve`` command to the root app."""
    app.add_typer(intel_app, name="intel")
    app.command("resolve")(resolve_command)
