"""Returns and registers against assessments: enquiries listed in the round's follow-up,
beside the returns-against-registers discrepancies."""

from __future__ import annotations

import csv
import json
import re
from datetime import date

import pytest
import typer
from typer.testing import CliRunner

from custodes import sat
from custodes.cli import estate as estate_cli
from custodes.web.assessments import services
from custodes.web.assessments.crosschecks import sat_enquiries
from custodes.web.bodies.models import Body
from custodes.web.surveys.enquiries import round_enquiries
from custodes.web.surveys.lifecycle import return_for, submit_return

pytestmark = pytest.mark.django_db
runner = CliRunner()

ANSWERS = {
    "respondent.name": "A Person",
    "respondent.role": "SRO",
    **{f"{b}.operates": "no" for b in ["int_cctv", "bwv", "drones", "helicopter", "frt", "other"]},
    "ext_cctv.operates": "yes",
    "ext_cctv.concerns": "yes",
    "ext_cctv.sat_completed": "yes",
    "ext_cctv.sat_published": "yes",
    "ext_cctv.sat_url": "https://www.kent.example/cctv/sat/",
    "anpr.operates": "yes",
    "anpr.concerns": "no",
    "anpr.sat_completed": "yes",
}


def _assess(body: Body, systems, day, *, rating9=sat.Rating.MET, url="", evidence=False):
    assessment = services.start_assessment(
        body, framework_id="scc-2013", systems=systems, actor="test"
    )
    services.save_principle(
        assessment,
        9,
        answers={},
        rating=rating9,
        rationale="",
        version=assessment.version,
        actor="test",
    )
    if evidence:
        services.add_evidence(
            assessment,
            9,
            evidence_type="security_assessment",
            title="Pen test 2026",
            url="https://kent.example/pentest.pdf",
            actor="test",
        )
    return services.complete_assessment(
        assessment, assessed_on=day, published_url=url, actor="test"
    )


def _submit(round_, code, answers):
    record = return_for(round_, Body.objects.get(code=code))
    submit_return(record, answers, actor="test", submitted_at=round_.closes_at)


def test_return_claims_without_assessment_on_record(past_round):
    _submit(past_round, "kent", ANSWERS)
    found = {(e.body_code, e.kind, e.subject) for e in sat_enquiries(past_round)}
    assert found == {("kent", "no_assessment", "ext_cctv"), ("kent", "no_assessment", "anpr")}


def test_address_that_differs_from_the_one_on_record(past_round):
    kent = Body.objects.get(code="kent")
    _assess(kent, ["ext_cctv"], date(2022, 5, 1), url="https://kent.example/old-sat")
    _assess(kent, ["anpr"], date(2022, 5, 1))
    _submit(past_round, "kent", ANSWERS)
    (enquiry,) = sat_enquiries(past_round)
    assert (enquiry.kind, enquiry.subject) == ("url_differs", "ext_cctv")
    assert "https://kent.example/old-sat" in enquiry.detail


def test_same_address_written_differently_is_no_enquiry(past_round):
    kent = Body.objects.get(code="kent")
    _assess(kent, ["ext_cctv", "anpr"], date(2022, 5, 1), url="https://kent.example/cctv/sat")
    _submit(past_round, "kent", ANSWERS)
    assert sat_enquiries(past_round) == []


def _register(tmp_path, body):
    from custodes.web.estate.services import import_register

    path = tmp_path / "register.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(
            [
                ["Asset ID", "Type", "Make", "Model", "Qty"],
                ["K1", "PTZ", "Dahua", "SD49225XA-HNR", "4"],
            ]
        )
    import_register(body, path, actor="test")


def test_security_met_without_evidence_despite_makers_of_concern(survey_round, tmp_path):
    kent, essex = Body.objects.get(code="kent"), Body.objects.get(code="essex")
    _register(tmp_path, kent)
    _register(tmp_path, essex)
    _assess(kent, ["ext_cctv"], date(2026, 1, 10))
    _assess(essex, ["ext_cctv"], date(2026, 1, 10), evidence=True)  # evidenced: no enquiry
    _assess(Body.objects.get(code="dorset"), ["ext_cctv"], date(2026, 1, 10))  # no register
    enquiries = round_enquiries(survey_round)
    assert [(e.body_code, e.kind) for e in enquiries] == [("kent", "security_unevidenced")]
    assert "4 device(s)" in enquiries[0].detail

    result = runner.invoke(
        _cli(), ["estate", "discrepancies", "--round", survey_round.name, "--json"]
    )
    data = json.loads(result.stdout)
    assert [(e["body"], e["kind"], e["topic"]) for e in data["enquiries"]] == [
        ("kent", "security_unevidenced", "Code of Practice self-assessment")
    ]


def test_follow_up_page_lists_the_enquiries(watchdog_client, past_round):
    _submit(past_round, "kent", ANSWERS)
    page = watchdog_client.get(f"/estate/rounds/{past_round.name}/discrepancies/")
    assert page.status_code == 200
    text = page.content.decode()
    title = re.search(r"<title>(.*?)</title>", text, re.S)[1]
    assert title.startswith("Discrepancies:") and "<" not in title
    enquiries = re.search(r'<table class="table" id="enquiries">(.*?)</table>', text, re.S)[1]
    assert enquiries.count("none is on record") == 2 and "Kent Police" in enquiries


def _cli() -> typer.Typer:
    app = typer.Typer()
    estate_cli.register(app)
    return app


def test_the_round_report_lists_the_enquiries_beside_the_discrepancies(past_round, tmp_path):
    from custodes.web.reports.build import write_report

    _submit(past_round, "kent", ANSWERS)
    paths = {p.name: p for p in write_report(past_round, tmp_path)}
    document = json.loads(paths["findings.json"].read_text())
    listed = {(e["body"], e["kind"], e["subject"]) for e in document["report"]["enquiries"]}
    assert listed == {("kent", "no_assessment", "ext_cctv"), ("kent", "no_assessment", "anpr")}
    html = paths["index.html"].read_text()
    start = html.index('id="enquiry-table"')
    table = html[start : html.index("</table>", start)]
    assert table.count('data-body="kent"') == 2
    # As the data stood before the return arrived, there was nothing to ask.
    early = write_report(past_round, tmp_path / "early", as_of=past_round.opens_at)
    early_doc = json.loads(next(p for p in early if p.name == "findings.json").read_text())
    assert early_doc["report"]["enquiries"] == []
