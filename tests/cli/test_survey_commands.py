"""The survey commands as a newcomer's script calls them (exit codes, JSON shapes, messages)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from custodes.cli import app

pytestmark = pytest.mark.django_db
runner = CliRunner()

FINDING_KEYS = {
    "id",
    "title",
    "at_least",
    "at_most",
    "unsure",
    "unanswered",
    "denominator",
    "denominator_label",
    "respondents",
    "recipients",
}
TOP_KEYS = {
    "round",
    "as_of",
    "recipients",
    "returns",
    "bodies_covered",
    "late_returns",
    "non_respondents",
    "findings",
}


def invoke(*args: str):
    result = runner.invoke(app, list(args))
    return result


@pytest.fixture
def cli_round(roster):
    result = invoke(
        "round",
        "create",
        "r22",
        "--questionnaire",
        "police-estate-2022",
        "--recipients",
        "police-ew",
        "--opens",
        "2022-06-24",
        "--closes",
        "2022-09-30",
    )
    assert result.exit_code == 0, result.output
    return "r22"


def write_returns(tmp_path: Path) -> Path:
    path = tmp_path / "returns.csv"
    path.write_text(
        "body,submitted_at,drones.operates,drones.concerns,bwv.operates,bwv.concerns\n"
        "Kent Police,2022-08-01,yes,yes,yes,yes\n"
        "Essex Police,2022-09-01,yes,no,yes,no\n"
        "Met,2022-12-20,yes,unsure,yes,no\n"
    )
    return path


def test_round_create_reports_and_refuses_duplicates(cli_round):
    result = invoke(
        "round",
        "create",
        cli_round,
        "--questionnaire",
        "police-estate-2022",
        "--recipients",
        "police-ew",
        "--closes",
        "2030-01-01",
    )
    assert result.exit_code == 1
    assert "already exists" in result.output


def test_import_findings_correct_history_as_of(cli_round, tmp_path):
    result = invoke("responses", "import", "--round", cli_round, str(write_returns(tmp_path)))
    assert result.exit_code == 0, result.output
    assert "Imported 3" in result.output

    result = invoke("findings", "--round", cli_round, "--json")
    data = json.loads(result.stdout)
    assert set(data) == TOP_KEYS
    assert (data["recipients"], data["returns"], data["bodies_covered"], data["late_returns"]) == (
        47,
        3,
        3,
        1,
    )
    assert len(data["non_respondents"]) == 44
    assert "Greater Manchester Police" in data["non_respondents"]
    drones = next(f for f in data["findings"] if f["id"] == "drones-concerns")
    assert set(drones) == FINDING_KEYS
    assert (drones["at_least"], drones["at_most"], drones["unsure"], drones["denominator"]) == (
        1,
        2,
        1,
        3,
    )
    assert drones["denominator_label"] == "respondents that operate drones"

    result = invoke(
        "responses",
        "correct",
        "--round",
        cli_round,
        "--body",
        "kent",
        "--question",
        "bwv.concerns",
        "--value",
        "no",
        "--reason",
        "follow-up enquiry",
        "--by",
        "analyst",
    )
    assert result.exit_code == 0, result.output

    history = json.loads(
        invoke(
            "responses", "history", "--round", cli_round, "--body", "Kent Police", "--json"
        ).stdout
    )
    correction = history["events"][-1]
    assert (
        correction["kind"],
        correction["old_value"],
        correction["new_value"],
        correction["by"],
        correction["reason"],
    ) == ("correction", "yes", "no", "analyst", "follow-up enquiry")

    now = json.loads(invoke("findings", "--round", cli_round, "--json").stdout)
    assert next(f for f in now["findings"] if f["id"] == "bwv-concerns")["at_least"] == 0
    interim = json.loads(
        invoke("findings", "--round", cli_round, "--as-of", "2022-11-14", "--json").stdout
    )
    assert interim["returns"] == 2 and interim["late_returns"] == 0
    assert next(f for f in interim["findings"] if f["id"] == "bwv-concerns")["at_least"] == 1
    assert interim["as_of"].startswith("2022-11-14T23:59:59")

    text = invoke("findings", "--round", cli_round).output
    assert "at least 1 of the 3 respondents that operate drones" in text


def test_bad_import_exits_non_zero_naming_row_and_column(cli_round, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("body,drones.operates\nKent,yes\nNowhere Constabulary,yes\n")
    result = invoke("responses", "import", "--round", cli_round, str(path))
    assert result.exit_code != 0
    assert "row 3, column 'body'" in result.output
    data = json.loads(invoke("findings", "--round", cli_round, "--json").stdout)
    assert data["returns"] == 0


def test_errors_name_the_problem(cli_round):
    assert "no round named" in invoke("findings", "--round", "nope").output
    result = invoke(
        "responses",
        "correct",
        "--round",
        cli_round,
        "--body",
        "kent",
        "--question",
        "bwv.concerns",
        "--value",
        "no",
        "--reason",
        "x",
    )
    assert result.exit_code == 1 and "no return" in result.output
    result = invoke("findings", "--round", cli_round, "--as-of", "last tuesday")
    assert result.exit_code == 1 and "ISO date" in result.output


def test_status_and_invite(cli_round):
    assert (
        invoke("contacts", "add", "--body", "kent", "--email", "sro@kent.example.org").exit_code
        == 0
    )
    result = invoke("round", "invite", cli_round, "--body", "Kent Police", "--show-links")
    assert result.exit_code == 1  # the round closed in 2022: a new deadline is needed
    assert "closed on 30 September 2022" in result.output and "--deadline" in result.output
    result = invoke("round", "invite", cli_round, "--body", "kent", "--deadline", "2001-01-01")
    assert result.exit_code == 1 and "already passed" in result.output
    result = invoke(
        "round",
        "invite",
        cli_round,
        "--body",
        "Kent Police",
        "--show-links",
        "--deadline",
        "2099-03-31",
    )
    assert result.exit_code == 0, result.output
    assert "/r/" in result.output and "Answer by 2099-03-31" in result.output
    statuses = json.loads(invoke("round", "status", cli_round, "--json").stdout)
    assert next(s for s in statuses if s["body"] == "kent")["status"] == "invited"


def test_a_deadline_is_only_for_a_closed_round(survey_round):
    result = invoke("round", "invite", survey_round.name, "--deadline", "2099-03-31")
    assert result.exit_code == 1 and "only for a round that has closed" in result.output


@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="checks the embedded SQLite default"
)
def test_a_fresh_data_dir_is_created_and_migrated(tmp_path):
    env = {**os.environ, "CUSTODES_DATA_DIR": str(tmp_path / "fresh")}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "custodes"]
    created = subprocess.run(
        [
            *command,
            "round",
            "create",
            "fresh",
            "--questionnaire",
            "police-estate-2022",
            "--recipients",
            "police-ew",
            "--closes",
            "2030-01-31",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert (tmp_path / "fresh" / "custodes.sqlite3").exists()
    found = subprocess.run(
        [*command, "findings", "--round", "fresh", "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert json.loads(found.stdout)["recipients"] == 47
