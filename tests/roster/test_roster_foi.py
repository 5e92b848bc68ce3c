"""The roster's FOI regime and FOI address per body: schema, shipped data, CLI output."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import typer
from typer.testing import CliRunner

from custodes.cli.roster import register
from custodes.roster import FOI_REGIMES, FoiAddress, RosterFileError, parse_roster, shipped_roster

BASE = """\
schema: custodes.roster/1
source: https://example.org/roster
date: 2024-05-01
bodies:
  - code: alpha
    name: Alpha Police
    kind: territorial
    country: Scotland
"""


def _roster(extra: str):
    return parse_roster(BASE + extra, "roster.yaml")


def _error(extra: str) -> RosterFileError:
    with pytest.raises(RosterFileError) as caught:
        _roster(extra)
    return caught.value


def test_regime_defaults_to_foia_and_address_is_optional() -> None:
    body = _roster("").bodies[0]
    assert body.foi_regime == "foia" and body.foi is None


def test_a_full_foi_block() -> None:
    body = _roster(
        "    foi_regime: foisa\n"
        "    foi:\n"
        "      email: foi@alpha.example\n"
        "      web_form: https://alpha.example/foi/form\n"
        "      disclosure_log: https://alpha.example/foi/log\n"
        "      whatdotheyknow: https://www.whatdotheyknow.com/body/alpha\n"
        "      source: https://alpha.example/foi\n"
        "      date: 2026-11-30\n"
    ).bodies[0]
    assert body.foi_regime == "foisa"
    assert body.foi == FoiAddress(
        source="https://alpha.example/foi",
        date=dt.date(2026, 11, 30),
        email="foi@alpha.example",
        web_form="https://alpha.example/foi/form",
        disclosure_log="https://alpha.example/foi/log",
        whatdotheyknow="https://www.whatdotheyknow.com/body/alpha",
    )


def test_an_unsourced_address_is_marked_with_a_note() -> None:
    body = _roster(
        "    foi:\n"
        "      source: https://www.whatdotheyknow.com/body/alpha\n"
        "      date: 2026-11-30\n"
        "      note: No FOI address published; WhatDoTheyKnow has none either.\n"
    ).bodies[0]
    assert body.foi is not None and body.foi.email is None and body.foi.web_form is None


@pytest.mark.parametrize(
    ("extra", "line", "field", "message"),
    [
        ("    foi_regime: gdpr\n", 9, "bodies[0].foi_regime", "'foia', 'foisa' or 'eir'"),
        (
            "    foi:\n      email: not-an-address\n      source: https://x.example\n"
            "      date: 2026-11-30\n",
            10,
            "bodies[0].foi.email",
            "should match pattern",
        ),
        (
            "    foi:\n      email: foi@alpha.example\n      date: 2026-11-30\n",
            9,
            "bodies[0].foi.source",
            "Field required",
        ),
        (
            "    foi:\n      source: https://x.example\n      date: 2026-11-30\n",
            9,
            "bodies[0].foi",
            "or a note saying why none could be sourced",
        ),
        (
            "    foi:\n      web_form: alpha.example/form\n      source: https://x.example\n"
            "      date: 2026-11-30\n",
            10,
            "bodies[0].foi.web_form",
            "should match pattern",
        ),
    ],
)
def test_bad_foi_entries_name_line_and_field(
    extra: str, line: int, field: str, message: str
) -> None:
    error = _error(extra)
    assert (error.line, error.field) == (line, field), str(error)
    assert message in error.problem
    assert str(error).startswith(f"roster.yaml:{line}: {field}: ")


def test_shipped_roster_has_a_regime_and_a_sourced_foi_address_for_all_47() -> None:
    roster = shipped_roster()
    bodies = roster.recipients("police-ew")
    assert len(bodies) == 47
    for body in bodies:
        assert body.foi_regime in FOI_REGIMES
        assert body.foi_regime == "foia", body.code  # all 47 are FOIA public authorities
        foi = body.foi
        assert foi is not None, body.code
        assert foi.source.startswith("https://") and foi.date <= dt.date(2026, 11, 30)
        assert foi.email or foi.web_form or foi.note, body.code
        assert foi.whatdotheyknow and foi.whatdotheyknow.startswith(
            "https://www.whatdotheyknow.com/body/"
        )
    emails = [body.foi.email for body in bodies if body.foi and body.foi.email]
    assert len(emails) == len(set(e.lower() for e in emails)) == 47
    met = roster.get("met").foi
    assert met is not None and met.email == "foi@met.police.uk"


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    register(root)
    return root


def test_cli_shows_the_foi_address(app: typer.Typer) -> None:
    runner = CliRunner()
    data = json.loads(runner.invoke(app, ["roster", "find", "Met", "--json"]).stdout)
    assert data["body"]["foi_regime"] == "foia"
    assert data["body"]["foi"]["email"] == "foi@met.police.uk"
    assert data["body"]["foi"]["date"] == "2024-02-09"
    listed = json.loads(runner.invoke(app, ["roster", "list", "--json"]).stdout)
    assert all(entry["foi"]["source"] for entry in listed)
    human = runner.invoke(app, ["roster", "find", "Gloucestershire"], env={"COLUMNS": "200"})
    assert "FOI (foia): FOI@gloucestershire.pnn.police.uk" in human.stdout
    assert "later dataset lost this address" in human.stdout
