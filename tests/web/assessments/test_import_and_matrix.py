"""``custodes sat import`` and ``custodes sat matrix``: atomic imports with errors by row and
column, carry-over of open actions, and the matrix through the command line."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
import typer
from openpyxl import Workbook
from typer.testing import CliRunner

from custodes.cli import sat as sat_cli
from custodes.web.assessments.choices import ActionStatus
from custodes.web.assessments.models import ActionItem, Assessment, AssessmentEvent

pytestmark = pytest.mark.django_db
runner = CliRunner()
HEADER = [
    "body",
    "system",
    "assessed_on",
    "published_url",
    *[f"p{n}" for n in range(1, 13)],
    "p9.rationale",
    "p9.actions",
]


def _app() -> typer.Typer:
    app = typer.Typer()
    sat_cli.register(app)
    return app


def row(body, system, day, ratings=None, url="", rationale="", actions=""):
    values = {n: "met" for n in range(1, 13)} | (ratings or {})
    return [body, system, day, url, *[values[n] for n in range(1, 13)], rationale, actions]


def write(path: Path, rows: list[list[str]], header=HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([header, *rows])
    return path


def matrix_json(*args: str) -> dict:
    result = runner.invoke(_app(), ["sat", "matrix", *args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_import_then_matrix(roster, tmp_path):
    path = write(
        tmp_path / "sat.csv",
        [
            row(
                "Kent Police",
                "External CCTV",
                "2026-02-01",
                {1: "partly"},
                "https://kent.example/sat",
            ),
            row(
                "kent",
                "ANPR",
                "2026-03-01",
                {1: "not met", 9: "partly"},
                rationale="No pen test yet",
                actions="Pen test | Head of IT | 2026-06-30",
            ),
            row("Essex Police", "bwv", "2024-05-01", {2: "not assessed"}),
        ],
    )
    done = runner.invoke(_app(), ["sat", "import", "--framework", "scc-2013", str(path)])
    assert done.exit_code == 0, done.output
    assert "Imported 3 assessment(s)" in done.output
    assert Assessment.objects.count() == 3
    assert AssessmentEvent.objects.filter(action="assessment.imported").count() == 3
    item = ActionItem.objects.get()
    assert (item.principle, item.owner_role, item.due_on) == (9, "Head of IT", date(2026, 6, 30))

    data = matrix_json("--framework", "scc-2013", "--as-of", "2026-06-30")
    assert (data["bodies_in_scope"], data["bodies_assessed"], data["bodies_published"]) == (
        47,
        2,
        1,
    )
    p1 = data["principles"][0]
    assert (p1["met"], p1["partly"], p1["not_met"], p1["not_assessed"], p1["not_disclosed"]) == (
        1,
        0,
        1,
        0,
        45,
    )
    for p in data["principles"]:
        assert p["met"] + p["partly"] + p["not_met"] + p["not_assessed"] + p["not_disclosed"] == 47
    stale = {a["body"]: a["stale"] for a in data["assessments"]}
    assert stale == {"essex": True, "kent": False}
    early = matrix_json("--as-of", "2026-01-31")
    assert early["bodies_assessed"] == 1 and early["assessments"][0]["body"] == "essex"


def test_errors_name_row_and_column_and_nothing_is_written(roster, tmp_path):
    path = write(
        tmp_path / "bad.csv",
        [
            row("Kent Police", "ANPR", "2026-03-01"),
            row("Narnia Constabulary", "ANPR", "2026-03-01"),
            row("Essex Police", "ANPR", "2026-03-01", {5: "maybe"}),
            row("Kent Police", "anpr", "2026-03-01"),
        ],
    )
    result = runner.invoke(_app(), ["sat", "import", str(path)])
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "row 3, column 'body'" in output
    assert "row 4, column 'p5'" in output and "'maybe' is not a rating" in output
    assert "row 5, column 'system': same body, system and date as row 2" in output
    assert "nothing imported" in output
    assert Assessment.objects.count() == 0


def test_missing_columns_and_reimport_refused(roster, tmp_path):
    short = write(tmp_path / "short.csv", [["kent", "anpr"]], header=["body", "system"])
    result = runner.invoke(_app(), ["sat", "import", str(short)])
    assert result.exit_code == 1 and "row 1, column 'p12': missing column" in " ".join(
        result.output.split()
    )
    good = write(tmp_path / "good.csv", [row("kent", "anpr", "2026-03-01")])
    assert runner.invoke(_app(), ["sat", "import", str(good)]).exit_code == 0
    again = runner.invoke(_app(), ["sat", "import", str(good)])
    assert again.exit_code == 1 and "already on record" in again.output
    assert Assessment.objects.count() == 1


def test_xlsx_import_and_open_actions_carry_over(roster, tmp_path):
    first = write(
        tmp_path / "2025.csv",
        [
            row(
                "kent",
                "anpr",
                "2025-04-01",
                {9: "partly"},
                actions="Pen test | CISO | 2025-10-01; Signs",
            )
        ],
    )
    assert runner.invoke(_app(), ["sat", "import", str(first)]).exit_code == 0
    signs = ActionItem.objects.get(description="Signs")
    signs.status = ActionStatus.DONE
    signs.save()
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(row("kent", "anpr", "2026-04-01"))
    book.save(tmp_path / "2026.xlsx")
    done = runner.invoke(_app(), ["sat", "import", str(tmp_path / "2026.xlsx")])
    assert done.exit_code == 0, done.output
    assert "1 open action(s) carried over" in done.output
    newest = Assessment.objects.get(assessed_on=date(2026, 4, 1))
    (carried,) = newest.actions.all()
    assert carried.description == "Pen test" and carried.status == ActionStatus.OPEN
    assert carried.carried_from.status == ActionStatus.CARRIED_OVER


def test_unknown_framework_and_bad_date(roster, tmp_path):
    result = runner.invoke(_app(), ["sat", "matrix", "--framework", "nope", "--json"])
    assert result.exit_code == 1 and "scc-2013" in result.output
    result = runner.invoke(_app(), ["sat", "matrix", "--as-of", "yesterday", "--json"])
    assert result.exit_code == 1 and "not an ISO date" in result.output


def test_certify_reads_as_history_after_the_voiding(roster):
    from custodes.web.assessments.models import Certification

    result = runner.invoke(
        _app(),
        [
            "sat",
            "certify",
            "--body",
            "Kent Police",
            "--step",
            "full",
            "--issued",
            "2021-03-01",
            "--system",
            "ANPR",
            "--certifier",
            "NSI",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "History: certified (Step 2: full certification)" in " ".join(result.output.split())
    assert Certification.objects.get().systems == ["anpr"]
    bad = runner.invoke(
        _app(), ["sat", "certify", "--body", "kent", "--step", "advanced", "--issued", "2021-03-01"]
    )
    assert bad.exit_code == 1 and "no step 'advanced'" in bad.output


def test_frameworks_listing():
    result = runner.invoke(_app(), ["sat", "frameworks", "--json"])
    data = json.loads(result.stdout)
    (framework,) = data["frameworks"]
    assert (framework["id"], framework["version"], len(framework["principles"])) == (
        "scc-2013",
        "2022",
        12,
    )
    assert data["certification_schemes"][0]["voided_on"] == "2025-11-19"


def test_each_assessment_records_the_edition_in_force(roster, tmp_path):
    path = write(
        tmp_path / "eds.csv",
        [row("kent", "anpr", "2019-05-01"), row("kent", "bwv", "2023-05-01")],
    )
    assert runner.invoke(_app(), ["sat", "import", str(path)]).exit_code == 0
    versions = dict(Assessment.objects.values_list("systems__0", "framework_version"))
    assert versions == {"anpr": "2013", "bwv": "2022"}
