"""Code of Practice commands: frameworks, importing assessments, the national matrix."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from custodes.cli._common import (
    body_or_fail,
    cli_actor,
    console,
    django_ready,
    fail,
    print_json,
)

sat_app = typer.Typer(
    help="Code of Practice self-assessments: frameworks, import, the national matrix.",
    no_args_is_help=True,
)

FrameworkOption = Annotated[
    str, typer.Option("--framework", "-f", help="Framework id (shipped: scc-2013).")
]


def register(app: typer.Typer) -> None:
    """Adds the ``sat`` sub-app to the root app."""
    app.add_typer(sat_app, name="sat")


def _framework(framework_id: str):
    from custodes import sat

    try:
        return sat.shipped_framework(framework_id)
    except sat.SatError as exc:
        fail(str(exc))


@sat_app.command("frameworks")
def frameworks_command(
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """The shipped frameworks and certification schemes, with their dates."""
    from custodes import sat

    frameworks = [sat.shipped_framework(i) for i in sat.shipped_framework_ids()]
    schemes = sat.certification_schemes()
    if json_output:
        print_json(
            {
                "frameworks": [
                    {
                        "id": f.id,
                        "version": f.version,
                        "title": f.title,
                        "editions": [
                            {
                                "version": e.version,
                                "in_force_from": e.in_force_from.isoformat(),
                                "in_force_until": e.in_force_until.isoformat()
                                if e.in_force_until
                                else None,
                            }
                            for e in f.editions
                        ],
                        "principles": [
                            {"principle": p.number, "title": p.title} for p in f.principles
                        ],
                    }
                    for f in frameworks
                ],
                "certification_schemes": [
                    {
                        "id": s.id,
                        "title": s.title,
                        "steps": [step.id for step in s.steps],
                        "voided_on": s.voided_on.isoformat() if s.voided_on else None,
                    }
                    for s in schemes
                ],
            }
        )
        return
    for f in frameworks:
        table = Table(
            title=f"{f.id} (version {f.version}): {f.title}, in force from {f.in_force_from}"
        )
        table.add_column("#")
        table.add_column("Principle")
        for p in f.principles:
            table.add_row(str(p.number), p.title)
        console.print(table)
    for s in schemes:
        voided = f"; every certificate void since {s.voided_on}" if s.voided_on else ""
        console.print(f"{s.id}: {s.title}, launched {s.launched_on}{voided}", highlight=False)


@sat_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="Assessments: CSV or XLSX, one row per body and system.")
    ],
    framework: FrameworkOption = "scc-2013",
    by: Annotated[
        str | None, typer.Option("--by", help="Who is acting (audit trail). Default: cli:<user>.")
    ] = None,
) -> None:
    """Import assessments; on any problem nothing is written and every problem is listed."""
    _framework(framework)
    django_ready()
    from custodes.web.assessments.imports import AssessmentImportError, import_assessments

    try:
        result = import_assessments(file, framework_id=framework, actor=cli_actor(by))
    except AssessmentImportError as exc:
        fail(str(exc))
    carried = f"; {result.carried_over} open action(s) carried over" if result.carried_over else ""
    console.print(f"Imported {result.count} assessment(s) against {framework}{carried}.")


@sat_app.command("matrix")
def matrix_command(
    framework: FrameworkOption = "scc-2013",
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Day (YYYY-MM-DD); default today.")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Body × principle: bodies per rating for each principle, as the assessments stood."""
    _framework(framework)
    day = None
    if as_of:
        try:
            day = date.fromisoformat(as_of.strip())
        except ValueError:
            fail(f"{as_of!r} is not an ISO date (2026-03-31)")
    django_ready()
    from custodes.web.assessments.services import matrix

    result, _ = matrix(framework, day)
    if json_output:
        print_json(result.to_dict())
        return
    console.print(
        f"{result.framework.id} as of {result.as_of}: {result.bodies_assessed} of "
        f"{result.bodies_in_scope} bodies in scope have a current assessment, "
        f"{result.bodies_published} published one. Not disclosed is never read as not met.",
        highlight=False,
    )
    table = Table(title="Bodies per rating")
    for heading in ("#", "Principle", "Met", "Partly", "Not met", "Not assessed", "Not disclosed"):
        table.add_column(heading)
    for p in result.principles:
        table.add_row(
            str(p.principle),
            p.title,
            *(str(n) for n in (p.met, p.partly, p.not_met, p.not_assessed, p.not_disclosed)),
        )
    console.print(table)


@sat_app.command("certify")
def certify_command(
    body: Annotated[str, typer.Option("--body", "-b", help="Body code, name or alias.")],
    step: Annotated[str, typer.Option("--step", help="Step of the scheme (desktop, full).")],
    issued: Annotated[str, typer.Option("--issued", help="Day issued (YYYY-MM-DD).")],
    scheme: Annotated[str, typer.Option("--scheme", help="Certification scheme.")] = "scc-tpc",
    expires: Annotated[
        str | None, typer.Option("--expires", help="Day it expires (YYYY-MM-DD).")
    ] = None,
    system: Annotated[
        list[str] | None, typer.Option("--system", help="System covered (repeatable).")
    ] = None,
    certifier: Annotated[str, typer.Option(help="Certification body.")] = "",
    by: Annotated[
        str | None, typer.Option("--by", help="Who is acting (audit trail). Default: cli:<user>.")
    ] = None,
) -> None:
    """Record a certificate a body held; it reads as history once its scheme voided it."""
    from custodes import sat

    try:
        issued_on = date.fromisoformat(issued)
        expires_on = date.fromisoformat(expires) if expires else None
        systems = [sat.parse_system(s) for s in system or []]
        scheme_data = sat.certification_scheme(scheme)
    except (ValueError, KeyError) as exc:
        fail(str(exc).strip("'\""))
    django_ready()
    from custodes.web.assessments.services import AssessmentError, record_certification

    target = body_or_fail(body)
    try:
        record_certification(
            target,
            scheme_id=scheme,
            step=step,
            issued_on=issued_on,
            expires_on=expires_on,
            systems=systems,
            certifier=certifier,
            actor=cli_actor(by),
        )
    except AssessmentError as exc:
        fail(str(exc))
    wording = sat.certificate_wording(scheme_data, step, issued_on, expires_on, date.today())
    console.print(f"{target.name}: {wording}.", highlight=False)
