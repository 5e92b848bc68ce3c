"""Roster refresh stores each body's FOI regime and address in the database."""

from __future__ import annotations

import datetime as dt

import pytest

from custodes.roster import parse_roster, shipped_roster
from custodes.web.bodies.models import Body
from custodes.web.bodies.services import sync_roster

ROSTER = """\
schema: custodes.roster/1
source: https://example.org/roster
date: 2024-05-01
bodies:
  - code: alpha
    name: Alpha Police
    kind: territorial
    country: Scotland
    foi_regime: foisa
    foi:
      email: foi@alpha.example
      web_form: https://alpha.example/foi/form
      source: https://alpha.example/foi
      date: 2026-11-30
  - code: beta
    name: Beta Police
    kind: territorial
    country: England
"""


@pytest.mark.django_db
def test_shipped_roster_syncs_the_foi_fields() -> None:
    sync_roster()
    assert Body.objects.count() == 47
    met = Body.objects.get(code="met")
    assert (met.foi_regime, met.foi_email) == ("foia", "foi@met.police.uk")
    assert met.foi_whatdotheyknow == "https://www.whatdotheyknow.com/body/the_met"
    assert met.foi_source.startswith("https://github.com/") and met.foi_date == dt.date(2024, 2, 9)
    assert Body.objects.exclude(foi_email="").count() == sum(
        1 for body in shipped_roster().bodies if body.foi and body.foi.email
    )


@pytest.mark.django_db
def test_refresh_updates_and_clears_the_address() -> None:
    sync_roster(parse_roster(ROSTER))
    alpha = Body.objects.get(code="alpha")
    assert (alpha.foi_regime, alpha.foi_email, alpha.foi_web_form) == (
        "foisa",
        "foi@alpha.example",
        "https://alpha.example/foi/form",
    )
    beta = Body.objects.get(code="beta")
    assert (beta.foi_regime, beta.foi_email, beta.foi_source, beta.foi_date) == (
        "foia",
        "",
        "",
        None,
    )
    changed = ROSTER.replace("foi@alpha.example", "requests@alpha.example").replace(
        "      web_form: https://alpha.example/foi/form\n", ""
    )
    sync_roster(parse_roster(changed))
    alpha.refresh_from_db()
    assert (alpha.foi_email, alpha.foi_web_form) == ("requests@alpha.example", "")
    assert Body.objects.filter(code="alpha").count() == 1
