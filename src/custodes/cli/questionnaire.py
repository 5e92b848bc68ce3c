"""``custodes questionnaire``: list the shipped questionnaires, show one, check a file."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from custodes.questionnaire import (
    Questionnaire,
    QuestionnaireError,
    QuestionnaireFileError,
    load_questionnaire,
    load_shipped,
    shipped_names,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print plain JSON to stdout.")]
SourceArgument = Annotated[
    str, typer.Argument(help="A shipped questionnaire name (see `list`) or a YAML file.")
]


def _emit_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _summary(questionnaire: Questionnaire) -> dict[str, Any]:
    return {
        "id": questionnaire.id,
        "version": questionnaire.version,
        "title": questionnaire.title,
        "date": questionnaire.date.isoformat(),
        "source": questionnaire.source,
        "blocks": len(questionnaire.blocks),
        "questions": sum(1 for _ in questionnaire.questions()),
        "findings": len(questionnaire.findings),
        "fingerprint": questionnaire.fingerprint,
    }


def _load(source: str) -> Questionnaire:
    """A shipped questionnaire by name, otherwise the file at ``source``; exit 2 on error."""
    try:
        return load_shipped(source) if source in shipped_names() else load_questionnaire(source)
    except QuestionnaireError as error:
        Console(stderr=True).print(
            f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True
        )
        raise typer.Exit(2) from error


def list_questionnaires(as_json: JsonOption = False) -> None:
    """List the questionnaires that ship with Custodes."""
    summaries = [_summary(load_shipped(name)) for name in shipped_names()]
    if as_json:
        _emit_json(summaries)
        return
    table = Table("name", "version", "title", "questions", "fingerprint")
    for summary in summaries:
        table.add_row(
            summary["id"],
            summary["version"],
            summary["title"],
            str(summary["questions"]),
            summary["fingerprint"][:12],
        )
    Console().print(table)


def show(source: SourceArgument, as_json: JsonOption = False) -> None:
    """Show a questionnaire's blocks and questions (JSON: the full normalised definition)."""
    questionnaire = _load(source)
    if as_json:
        _emit_json(
            {
                "fingerprint": questionnaire.fingerprint,
                "definition": questionnaire.model_dump(mode="json", by_alias=True),
            }
        )
        return
    console = Console()
    console.print(
        f"[bold]{escape(questionnaire.title)}[/] ({questionnaire.id} {questionnaire.version})"
    )
    for block in questionnaire.blocks:
        condition = (
            f" when {block.when.question} in {', '.join(block.when.in_)}" if block.when else ""
        )
        table = Table("id", "type", "required", "when", "text", title=f"{block.title}{condition}")
        for question in questionnaire.questions():
            if questionnaire.block_of(question.id) is not block:
                continue
            when = (
                f"{question.when.question} in {', '.join(question.when.in_)}"
                if question.when
                else ""
            )
            flags = "yes" if question.required else ""
            if question.personal:
                flags = f"{flags} (personal)".strip()
            table.add_row(question.id, str(question.type), flags, when, escape(question.text))
        console.print(table)


def check(
    path: Annotated[str, typer.Argument(help="The questionnaire YAML file to check.")],
    as_json: JsonOption = False,
) -> None:
    """Check a questionnaire file; report every problem with its line and field."""
    try:
        questionnaire = load_questionnaire(path)
    except QuestionnaireFileError as error:
        if as_json:
            _emit_json(
                {
                    "ok": False,
                    "file": error.file,
                    "problems": [
                        {"line": p.line, "field": p.field, "message": p.message}
                        for p in error.problems
                    ],
                }
            )
        else:
            console = Console(stderr=True)
            for problem in error.problems:
                where = ", ".join(
                    part
                    for part in (
                        error.file,
                        f"line {problem.line}" if problem.line is not None else "",
                        f"field {problem.field}" if problem.field else "",
                    )
                    if part
                )
                console.print(
                    f"[red]error:[/red] {escape(where)}: {escape(problem.message)}",
                    highlight=False,
                    soft_wrap=True,
                )
        raise typer.Exit(1) from error
    if as_json:
        _emit_json({"ok": True, **_summary(questionnaire)})
        return
    summary = _summary(questionnaire)
    Console().print(
        f"[green]ok[/green] {escape(path)}: {summary['id']} {summary['version']}, "
        f"{summary['questions']} questions in {summary['blocks']} blocks, "
        f"{summary['findings']} findings, fingerprint {summary['fingerprint'][:12]}",
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add the ``questionnaire`` command group to the root app."""
    group = typer.Typer(
        name="questionnaire",
        help="Survey instruments: list the shipped ones, show one, check a file.",
        no_args_is_help=True,
    )
    group.command("list")(list_questionnaires)
    group.command("show")(show)
    group.command("check")(check)
    app.add_typer(group)
