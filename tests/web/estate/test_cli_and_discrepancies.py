"""The estate commands as a newcomer's script calls them, and discrepancies with a round."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from custodes.cli import estate as estate_cli
from custodes.web.estate.models import Asset
from custodes.web.estate.services import round_reconciliations
from custodes.web.surveys.lifecycle import return_for, submit_return

pytestmark = pytest.mark.django_db
runner = CliRunner()

EXPOSURE_KEYS = {
    "scope",
    "devices",
    "devices_of_concern",
    "share_of_concern",
    "sensitive_site_devices_of_concern",
    "kev_devices",
    "kev_possible_devices",
    "by_manufacturer",
    "by_kind",
}
ANSWERS = {
    "respondent.name": "A Person",
    "respondent.role": "SRO",
    **{
        f"{block}.operates": "no"
        for block in ["anpr", "bwv", "drones", "helicopter", "frt", "other"]
    },
    "ext_cctv.operates": "yes",
    "ext_cctv.concerns": "no",
    "ext_cctv.manufacturers": ["Axis"],
    "int_cctv.operates": "yes",
    "int_cctv.concerns": "no",
    "int_cctv.manufacturers": ["Axis Communications"],
}


def _app() -> typer.Typer:
    app = typer.Typer()
    estate_cli.register(app)
    return app


def test_import_exposure_export_commands(kent, kent_register, tmp_path):
    app = _app()
    done = runner.invoke(app, ["estate", "import", "--body", "Kent Police", str(kent_register)])
    assert done.exit_code == 0, done.output
    assert "5 rows" in done.output
    shown = runner.invoke(app, ["estate", "exposure", "--body", "kent", "--json"])
    data = json.loads(shown.stdout)
    assert set(data) == EXPOSURE_KEYS
    assert (data["devices"], data["devices_of_concern"]) == (36, 16)
    for entry in data["by_manufacturer"]:
        assert set(entry) == {"manufacturer", "devices", "concern"}
    for entry in data["by_kind"]:
        assert set(entry) == {"kind", "devices", "devices_of_concern"}
    past = json.loads(
        runner.invoke(app, ["estate", "exposure", "--as-of", "2019-01-01", "--json"]).stdout
    )
    assert (past["scope"], past["devices"]) == ("national", 17)
    out = tmp_path / "register.xlsx"
    exported = runner.invoke(app, ["estate", "export", "--body", "kent", "--output", str(out)])
    assert exported.exit_code == 0, exported.output
    again = runner.invoke(app, ["estate", "import", "--body", "kent", str(out), "--json"])
    assert json.loads(again.stdout)["unchanged"] == 5
    summary_csv = runner.invoke(app, ["estate", "export", "--what", "exposure"])
    assert summary_csv.stdout.startswith("Scope,Breakdown,Name,Devices")


def test_import_errors_list_row_and_column_and_write_nothing(kent, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Make,Type,Qty\nDahua,PTZ,twelve\nAxis,toaster,1\n")
    app = _app()
    result = runner.invoke(app, ["estate", "import", "--body", "kent", str(bad), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["written"] is False and report["problem_count"] == 2
    assert [(p["row"], p["letter"], p["column"]) for p in report["problems"]] == [
        (2, "C", "Qty"),
        (3, "B", "Type"),
    ]
    assert not Asset.objects.exists()
    plain = runner.invoke(app, ["estate", "import", "--body", "kent", str(bad)])
    assert plain.exit_code == 1 and "nothing was written" in plain.output


def test_bad_mapping_file_is_named(kent, kent_register, tmp_path):
    mapping = tmp_path / "m.yaml"
    mapping.write_text("columns:\n  Make: maker\n")
    result = runner.invoke(
        _app(), ["estate", "import", "-b", "kent", str(kent_register), "--mapping", str(mapping)]
    )
    assert result.exit_code == 1 and "m.yaml, line 2" in result.output


def test_return_saying_no_while_register_holds_dahua(past_round, kent_imported):
    record = return_for(past_round, kent_imported)
    submit_return(record, ANSWERS, actor="test", submitted_at=past_round.closes_at)
    (found,) = round_reconciliations(past_round)
    assert found.body == kent_imported
    by_block = {d.block: d for d in found.reconciliation.discrepancies}
    assert set(by_block) == {"ext_cctv", "int_cctv"}
    assert by_block["ext_cctv"].devices_of_concern == 15
    assert by_block["ext_cctv"].manufacturers == ("Dahua", "Hikvision")
    # The custody-suite NVR belongs with the custody suite's internal cameras.
    assert by_block["int_cctv"].devices_of_concern == 1
    ext = next(c for c in found.reconciliation.manufacturers if c.block == "ext_cctv")
    assert ext.in_return == ("Axis Communications",)
    assert ext.only_in_register == ("Dahua", "Hikvision")

    result = runner.invoke(
        _app(), ["estate", "discrepancies", "--round", past_round.name, "--json"]
    )
    data = json.loads(result.stdout)
    assert data["round"] == past_round.name
    assert {(d["body"], d["question"]) for d in data["discrepancies"]} == {
        ("kent", "ext_cctv.concerns"),
        ("kent", "int_cctv.concerns"),
    }
    assert all(d["body_name"] == "Kent Police" for d in data["discrepancies"])


def test_no_discrepancy_when_the_return_admits_concerns(past_round, kent_imported):
    record = return_for(past_round, kent_imported)
    answers = {**ANSWERS, "ext_cctv.concerns": "yes", "int_cctv.concerns": "unsure"}
    submit_return(record, answers, actor="test", submitted_at=past_round.closes_at)
    (found,) = round_reconciliations(past_round)
    assert found.reconciliation.discrepancies == ()


def test_the_survey_report_lists_returns_contradicted_by_registers(
    past_round, kent_imported, tmp_path
):
    from custodes.web.reports.build import write_report

    record = return_for(past_round, kent_imported)
    submit_return(record, ANSWERS, actor="test", submitted_at=past_round.closes_at)
    paths = {p.name: p for p in write_report(past_round, tmp_path)}
    document = json.loads(paths["findings.json"].read_text())
    listed = {(d["body"], d["question"]) for d in document["report"]["register_discrepancies"]}
    assert listed == {("kent", "ext_cctv.concerns"), ("kent", "int_cctv.concerns")}
    html = paths["index.html"].read_text()
    start = html.index('id="register-discrepancy-table"')
    table = html[start : html.index("</table>", start)]
    assert table.count('data-body="kent"') == 2 and "Dahua; Hikvision" in table


def test_override_a_manufacturer_and_read_the_history(kent_imported):
    result = runner.invoke(
        _app(),
        [
            "estate",
            "override",
            "--body",
            "kent",
            "--asset",
            "K3",
            "--manufacturer",
            "Dahua",
            "--reason",
            "Dahua label seen on site visit",
            "--by",
            "analyst",
        ],
    )
    assert result.exit_code == 0, result.output
    asset = Asset.objects.get(body=kent_imported, asset_id="K3")
    assert (asset.manufacturer, asset.manufacturer_override) == ("Dahua", "Dahua")
    assert asset.concern_since is not None
    history = json.loads(
        runner.invoke(_app(), ["estate", "history", "-b", "kent", "--asset", "K3", "--json"]).stdout
    )
    last = history["changes"][-1]
    assert set(history) == {"body", "asset", "changes"}
    assert set(last) == {"at", "action", "by", "reason", "before", "after"}
    assert (last["by"], last["reason"]) == ("analyst", "Dahua label seen on site visit")
    assert last["before"]["manufacturer"] == "Axis Communications"
    assert last["after"]["manufacturer"] == "Dahua"
    missing = runner.invoke(
        _app(),
        [
            "estate",
            "override",
            "-b",
            "kent",
            "--asset",
            "NOPE",
            "--manufacturer",
            "x",
            "--reason",
            "r",
        ],
    )
    assert missing.exit_code == 1 and "no asset" in missing.output
