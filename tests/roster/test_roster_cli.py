"""``custodes roster`` commands, run against a fresh Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from custodes.cli.roster import register

SMALL_ROSTER = """\
schema: custodes.roster/1
source: https://example.org/roster
date: 2024-05-01
bodies:
  - {code: kp, name: Kent Police, kind: territorial, country: England}
  - {code: kc, name: Kent Constabulary, kind: territorial, country: England}
"""


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    register(root)
    return root


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


def test_find_prints_the_body(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roster", "find", "Avon & Somerset"])
    assert result.exit_code == 0, result.output
    assert "Avon and Somerset Constabulary (avon-and-somerset)" in result.output


def test_find_json(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roster", "find", "MoD Police", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["query"] == "MoD Police"
    assert data["body"]["code"] == "mdp"
    assert data["body"]["country"] == "United Kingdom"
    assert "Ministry of Defence" in data["body"]["aliases"]


def test_find_unknown_exits_1_with_suggestions(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roster", "find", "Kentt Police", "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert (data["body"], data["error"]) == (None, "unknown")
    assert data["candidates"][0]["code"] == "kent"
    human = runner.invoke(app, ["roster", "find", "Kentt Police"])
    assert human.exit_code == 1
    assert "Kent Police (kent)" in human.stderr


def test_find_ambiguous_in_another_roster(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "kent.yaml"
    path.write_text(SMALL_ROSTER, encoding="utf-8")
    result = runner.invoke(app, ["roster", "find", "Kent", "--file", str(path), "--json"])
    assert result.exit_code == 1
    data = json.loads(result.stdout)
    assert data["error"] == "ambiguous"
    assert [body["code"] for body in data["candidates"]] == ["kp", "kc"]


def test_bad_roster_file_exits_2_naming_the_line(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(SMALL_ROSTER.replace("kind: territorial", "kind: county", 1), "utf-8")
    result = runner.invoke(app, ["roster", "list", "--file", str(path)])
    assert result.exit_code == 2
    assert "bad.yaml:5: bodies[0].kind:" in result.stderr.replace("\n", "")


def test_list_json_of_a_recipient_list(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(
        app, ["roster", "list", "--list", "police-ew-2022-initial", "--version", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    codes = [body["code"] for body in json.loads(result.stdout)]
    assert len(codes) == 46
    assert "nca" not in codes


def test_list_by_kind_as_a_table(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roster", "list", "--kind", "special"])
    assert result.exit_code == 0, result.output
    assert "3 bodies" in result.output
    assert "Civil Nuclear Constabulary" in result.output


def test_list_unknown_recipient_list(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roster", "list", "--list", "nope"])
    assert result.exit_code == 1
    assert "no recipient list 'nope'" in result.stderr


def test_lists_json(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roster", "lists", "--json"])
    assert result.exit_code == 0, result.output
    data = {item["name"]: item for item in json.loads(result.stdout)}
    assert len(data["police-ew"]["codes"]) == 47
    assert data["police-ew-2022-initial"]["date"] == "2022-11-14"
    table = runner.invoke(app, ["roster", "lists"])
    assert "police-ew-2022-initial" in table.output


def test_list_refuses_an_unknown_kind(app: typer.Typer, runner: CliRunner) -> None:
    result = runner.invoke(app, ["roster", "list", "--kind", "county"])
    assert result.exit_code == 2
    assert "territorial" in result.output


def test_names_from_a_file_are_not_rich_markup(
    app: typer.Typer, runner: CliRunner, tmp_path: Path
) -> None:
    path = tmp_path / "markup.yaml"
    path.write_text(SMALL_ROSTER.replace("Kent Police", "'[red]Kent[/red] Police'"), "utf-8")
    found = runner.invoke(app, ["roster", "find", "kp", "--file", str(path)])
    assert found.exit_code == 0, found.output
    assert "[red]Kent[/red] Police (kp)" in found.output
    listed = runner.invoke(app, ["roster", "list", "--file", str(path)])
    assert "[red]Kent[/red] Police" in listed.output
