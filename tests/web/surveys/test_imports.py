"""`custodes responses import`: CSV and XLSX, all rows or none, errors by row and column."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from custodes.web.surveys.analysis import round_findings
from custodes.web.surveys.imports import ResponsesImportError, import_responses
from custodes.web.surveys.models import Return, Submission

pytestmark = pytest.mark.django_db

HEADER = "body,submitted_at,drones.operates,drones.concerns,drones.manufacturers,drones.count\n"


def write(tmp_path: Path, text: str, name: str = "returns.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_import_by_name_alias_and_code(past_round, tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "Kent Police,2022-08-01,yes,yes,DJI Mavic 3;Parrot Anafi,12\n"
        + "MoD Police,2022-10-15T10:30,Yes,unsure,,\n"
        + "essex,,no,,,\n"  # no date: submitted now, so late
        + ",,,,,\n",
    )
    result = import_responses(past_round, path, actor="t")
    assert sorted(result.imported) == ["essex", "kent", "mdp"]
    kent = Submission.objects.get(return_record__body__code="kent")
    assert kent.answers["drones.manufacturers"] == ["DJI Mavic 3", "Parrot Anafi"]
    assert kent.answers["drones.count"] == 12
    assert kent.channel == "import"
    findings = round_findings(past_round)
    drones = next(f for f in findings.findings if f.id == "drones-concerns")
    assert (drones.at_least, drones.unsure, drones.denominator) == (1, 1, 2)
    assert findings.late_returns == 2


@pytest.mark.parametrize(
    ("row", "column", "message"),
    [
        ("Atlantis Police,2022-08-01,yes,yes,,", "body", "Atlantis"),
        ("Kent Police,yesterday,yes,yes,,", "submitted_at", "ISO"),
        ("Kent Police,2022-08-01,perhaps,yes,,", "drones.operates", ""),
        ("Kent Police,2022-08-01,yes,yes,,many", "drones.count", ""),
    ],
)
def test_a_bad_row_imports_nothing(past_round, tmp_path, row, column, message):
    path = write(tmp_path, HEADER + "Essex Police,2022-08-01,no,,,\n" + row + "\n")
    with pytest.raises(ResponsesImportError) as excinfo:
        import_responses(past_round, path, actor="t")
    problem = excinfo.value.problems[0]
    assert (problem.row, problem.column) == (3, column)
    assert message in problem.message
    assert f"row 3, column {column!r}" in str(excinfo.value)
    assert not Return.objects.exists() and not Submission.objects.exists()


def test_duplicate_body_and_unknown_question_are_named(past_round, tmp_path):
    path = write(tmp_path, HEADER + "Kent,,yes,yes,,\nkent police,,no,,,\n")
    with pytest.raises(ResponsesImportError, match=r"row 3, column 'body'.*twice"):
        import_responses(past_round, path, actor="t")
    path = write(tmp_path, "body,drones.nope\nKent,1\n")
    with pytest.raises(ResponsesImportError, match=r"row 1, column 'drones.nope'"):
        import_responses(past_round, path, actor="t")
    assert not Submission.objects.exists()


def test_already_submitted_needs_replace(past_round, tmp_path):
    path = write(tmp_path, HEADER + "Kent,2022-08-01,yes,yes,,\n")
    import_responses(past_round, path, actor="t")
    with pytest.raises(ResponsesImportError, match="already has a submitted return"):
        import_responses(past_round, path, actor="t")
    import_responses(past_round, path, actor="t", replace=True)
    assert Submission.objects.count() == 2


def test_xlsx_import(past_round, tmp_path):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "body",
            "submitted_at",
            "ext_cctv.operates",
            "ext_cctv.count",
            "ext_cctv.manufacturers",
            "ext_cctv.concerns",
        ]
    )
    sheet.append(
        [
            "Avon and Somerset Police",
            "2022-07-01",
            "yes",
            120,
            "Hikvision DS-2CD2143G0-I; Axis",
            "yes",
        ]
    )
    sheet.append(["Hampshire and Isle of Wight Constabulary", None, "no", None, None, None])
    path = tmp_path / "returns.xlsx"
    workbook.save(path)
    result = import_responses(past_round, path, actor="t")
    assert sorted(result.imported) == ["avon-and-somerset", "hampshire"]
    answers = Submission.objects.get(return_record__body__code="avon-and-somerset").answers
    assert answers["ext_cctv.count"] == 120
    assert answers["ext_cctv.manufacturers"] == ["Hikvision DS-2CD2143G0-I", "Axis"]


def test_unsupported_file_type(past_round, tmp_path):
    with pytest.raises(ResponsesImportError, match="unsupported"):
        import_responses(past_round, write(tmp_path, "x", "returns.txt"), actor="t")
