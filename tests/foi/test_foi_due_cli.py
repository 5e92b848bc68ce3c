"""``custodes foi due``: the same calculation as the clock, as JSON or a table."""

from __future__ import annotations

import json
from datetime import date

import typer
from typer.testing import CliRunner

from custodes.cli import app as root_app
from custodes.cli.foi import register
from custodes.foi.clock import due_date

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_due_json() -> None:
    result = runner.invoke(_app(), ["foi", "due", "--received", "2022-12-05", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {
        "received": "2022-12-05",
        "regime": "foia",
        "due": "2023-01-06",
        "working_days": 20,
    }


def test_due_json_foisa_and_clarified() -> None:
    result = runner.invoke(
        _app(), ["foi", "due", "--received", "2023-04-03", "--regime", "foisa", "--json"]
    )
    assert json.loads(result.stdout)["due"] == "2023-05-03"
    result = runner.invoke(
        _app(),
        ["foi", "due", "--received", "2024-02-12", "--clarified", "2024-02-20", "--json"],
    )
    data = json.loads(result.stdout)
    assert data["due"] == due_date(date(2024, 2, 12), clarified=date(2024, 2, 20)).isoformat()
    assert data["due"] == "2024-03-20" and data["clarified"] == "2024-02-20"


def test_due_with_fees() -> None:
    args = ["foi", "due", "--received", "2024-02-12", "--fee-notice", "2024-02-19"]
    stopped = runner.invoke(_app(), [*args, "--json"])
    assert stopped.exit_code == 1 and "16 working days left" in stopped.output
    paid = runner.invoke(_app(), [*args, "--fee-paid", "2024-03-01", "--json"])
    assert json.loads(paid.stdout)["due"] == "2024-03-26"


def test_due_human_names_the_closures() -> None:
    result = runner.invoke(
        _app(), ["foi", "due", "--received", "2023-04-03"], env={"COLUMNS": "120"}
    )
    assert result.exit_code == 0, result.output
    assert "Due Thursday 4 May 2023" in result.stdout
    assert "Easter Monday (England and Wales, Northern Ireland)" in result.stdout


def test_bad_input() -> None:
    bad_date = runner.invoke(_app(), ["foi", "due", "--received", "5/12/2022"])
    assert bad_date.exit_code == 2 and "ISO date" in bad_date.output
    bad_regime = runner.invoke(_app(), ["foi", "due", "--received", "2022-12-05", "--regime", "x"])
    assert bad_regime.exit_code == 2 and "foia, foisa, eir" in bad_regime.output
    outside = runner.invoke(_app(), ["foi", "due", "--received", "2040-01-01"])
    assert outside.exit_code == 1 and "outside the holiday table" in outside.output


def test_registered_in_the_main_cli() -> None:
    result = runner.invoke(root_app, ["foi", "due", "--received", "2022-09-01", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["due"] == "2022-09-30"
