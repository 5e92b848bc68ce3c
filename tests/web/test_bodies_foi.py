"""Roster refresh stores each body's FOI regime and address in the database."""

from __future__ import annotations

import datetime as dt

import pytest

from custodes.roster import parse_roster, shipped_roster
from custodes.web.bodies.models import Body, RecipientList
from custodes.web.bodies.services import known_list_names, recipient_list, sync_roster

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
        1 for body in shipped_roster().recipients("police-ew") if body.foi and body.foi.email
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


@pytest.mark.django_db
def test_a_list_not_preloaded_is_loaded_with_its_bodies_when_first_named() -> None:
    sync_roster()
    assert not Body.objects.filter(code__in=["police-scotland", "psni"]).exists()
    assert RecipientList.objects.filter(name="police-uk-other").count() == 0
    found = recipient_list("police-uk-other")
    assert found is not None and (found.name, found.version) == ("police-uk-other", 1)
    assert sorted(found.bodies.values_list("code", flat=True)) == [
        "nipb",
        "police-scotland",
        "psni",
        "spa",
    ]
    scotland = Body.objects.get(code="police-scotland")
    assert (scotland.kind, scotland.country, scotland.foi_regime) == (
        "territorial",
        "Scotland",
        "foisa",
    )
    assert scotland.foi_email == "foi@scotland.pnn.police.uk"
    assert Body.objects.get(code="spa").get_kind_display().startswith("Policing body")
    assert Body.objects.count() == 51
    # A later refresh keeps the list loaded (and refreshes its bodies); unknown lists stay unknown.
    sync_roster()
    assert RecipientList.objects.filter(name="police-uk-other").count() == 1
    assert recipient_list("police-uk-other", version=2) is None
    assert recipient_list("no-such-list") is None
    assert "police-uk-other" in known_list_names()


@pytest.mark.django_db
def test_other_kinds_of_public_body_are_stored() -> None:
    council = ROSTER.replace(
        "kind: territorial\n    country: England",
        "kind: local_authority\n    country: England\n    foi_regime: eir",
    )
    sync_roster(parse_roster(council))
    beta = Body.objects.get(code="beta")
    assert (beta.kind, beta.get_kind_display(), beta.foi_regime) == (
        "local_authority",
        "Local authority",
        "eir",
    )
