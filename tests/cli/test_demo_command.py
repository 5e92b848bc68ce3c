"""``custodes demo --no-serve`` prints the address of every capability's pages, the FOI
campaign's and self-assessments' included, and ``custodes foi findings`` on the demo campaign
gives honest bounds."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from custodes.cli import app

pytestmark = pytest.mark.django_db(transaction=True)
runner = CliRunner()


def test_demo_prints_foi_and_assessment_pages_and_findings_have_bounds(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    shown = runner.invoke(app, ["demo", "--no-serve"], env={"COLUMNS": "240"})
    assert shown.exit_code == 0, shown.output
    for label, path in (
        ("FOI campaign", r"/foi/demo-drones/"),
        ("FOI report", r"/foi/demo-drones/report/"),
        ("Assessments", r"/assessments/"),
        ("Assessments report", r"/assessments/report/"),
        ("Published assessment", r"/sat/[a-z0-9-]+-scc-2013-\d{4}-\d{2}-\d{2}-\d+/"),
    ):
        assert re.search(rf"{label}:\s+http://\S+{path}\s", shown.output), label
    assert "custodes foi findings --campaign demo-drones" in shown.output

    from django.core.cache import cache

    from custodes.web.reports.cache import cache_key
    from custodes.web.surveys.models import Round

    demo_round = Round.objects.get(name="demo-2022")
    assert cache.get(cache_key(demo_round, None)) is not None  # the report's first reader waits not

    found = runner.invoke(app, ["foi", "findings", "--campaign", "demo-drones", "--json"])
    assert found.exit_code == 0, found.output
    findings = {f["id"]: f for f in json.loads(found.output)["findings"]}
    dji = findings["drones-dji"]
    assert 0 < dji["at_least"] < dji["at_most"]
