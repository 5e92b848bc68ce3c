"""``custodes report`` writes the same four files through the CLI."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from custodes.cli import survey

from .conftest import ReportedRound

pytestmark = pytest.mark.django_db


def test_report_command_writes_the_files(reported: ReportedRound, tmp_path):
    app = typer.Typer()
    survey.register(app)
    out = tmp_path / "published"
    result = CliRunner().invoke(
        app, ["report", "--round", reported.round.name, "--out", str(out), "--as-of", "2023-02-01"]
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "findings.csv",
        "findings.json",
        "index.html",
        "responses.csv",
    ]
    document = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert document["as_of"].startswith("2023-02-01T23:59:59.999999")
    assert document["report"]["updates"] == []
    assert "wrote" in result.output
