"""``custodes questionnaire`` commands, run on a fresh Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from custodes.cli.questionnaire import register
from custodes.questionnaire import load_shipped

runner = CliRunner()


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)
    return app


def test_list_json() -> None:
    result = runner.invoke(_app(), ["questionnaire", "list", "--json"])
    assert result.exit_code == 0, result.output
    entries = json.loads(result.stdout)
    police = next(entry for entry in entries if entry["id"] == "police-estate-2022")
    assert police["fingerprint"] == load_shipped("police-estate-2022").fingerprint
    assert police["blocks"] == 9 and police["findings"] == 16


def test_list_human() -> None:
    result = runner.invoke(_app(), ["questionnaire", "list"])
    assert result.exit_code == 0 and "police-estate-2022" in result.stdout


def test_show_json_round_trips() -> None:
    result = runner.invoke(_app(), ["questionnaire", "show", "police-estate-2022", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["definition"]["blocks"][5]["when"] == {"question": "drones.operates", "in": ["yes"]}
    assert data["fingerprint"] == load_shipped("police-estate-2022").fingerprint


def test_show_human() -> None:
    result = runner.invoke(_app(), ["questionnaire", "show", "police-estate-2022"])
    assert result.exit_code == 0
    assert "drones.concerns" in result.stdout and "(personal)" in result.stdout


def test_show_unknown_source() -> None:
    result = runner.invoke(_app(), ["questionnaire", "show", "no-such-thing"])
    assert result.exit_code == 2
    assert "cannot read file" in result.stderr


def test_check_good_and_bad_files(tmp_path: Path, small_yaml: str) -> None:
    good = tmp_path / "good.yaml"
    good.write_text(small_yaml)
    result = runner.invoke(_app(), ["questionnaire", "check", str(good), "--json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["ok"] is True
    bad = tmp_path / "bad.yaml"
    bad.write_text(small_yaml.replace("type: count", "type: number"))
    result = runner.invoke(_app(), ["questionnaire", "check", str(bad), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"] == [
        {
            "line": 19,
            "field": "blocks[0].questions[1].type",
            "message": report["problems"][0]["message"],
        }
    ]
    result = runner.invoke(_app(), ["questionnaire", "check", str(bad)])
    assert result.exit_code == 1
    assert "line 19, field blocks[0].questions[1].type" in result.stderr
