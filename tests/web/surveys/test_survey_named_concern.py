"""Manufacturer answers resolved through the knowledge base, beside what bodies declared."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from custodes.web.bodies.models import Body
from custodes.web.surveys.analysis import follow_up, round_findings
from custodes.web.surveys.lifecycle import return_for, submit_return

pytestmark = pytest.mark.django_db


def submit(round_, code, answers):
    submit_return(
        return_for(round_, Body.objects.get(code=code)),
        answers,
        actor="t",
        submitted_at=datetime(2022, 8, 1, tzinfo=UTC),
        final=False,
    )


def test_named_concern_findings_and_follow_up(past_round):
    submit(
        past_round,
        "kent",
        {
            "ext_cctv.operates": "yes",
            "ext_cctv.concerns": "no",
            "ext_cctv.manufacturers": ["HIK VISION DS-2CD2143G0-I dome"],
        },
    )
    submit(
        past_round,
        "essex",
        {
            "ext_cctv.operates": "yes",
            "ext_cctv.concerns": "yes",
            "ext_cctv.manufacturers": ["Axis P3245", "Bosch"],
        },
    )
    submit(
        past_round,
        "surrey",
        {
            "ext_cctv.operates": "yes",
            "ext_cctv.concerns": "yes",
            "ext_cctv.manufacturers": ["Ezviz C6N"],
        },
    )
    result = round_findings(past_round)
    named = next(f for f in result.findings if f.id == "ext_cctv-named-concern")
    declared = next(f for f in result.findings if f.id == "ext_cctv-concerns")
    assert (declared.at_least, named.at_least) == (2, 2)
    assert set(named.yes_bodies) == {"kent", "surrey"}
    enquiries = {(d.body, d.declared, d.named) for d in follow_up(past_round, result)}
    assert enquiries == {("kent", "no", "yes"), ("essex", "yes", "no")}


def test_drone_concern_before_fcc_listing_still_counts_earlier_designations(past_round):
    submit(
        past_round,
        "kent",
        {
            "drones.operates": "yes",
            "drones.concerns": "yes",
            "drones.manufacturers": ["DJI Matrice 300 RTK"],
        },
    )
    interim = round_findings(past_round, as_of=datetime(2022, 11, 14, tzinfo=UTC))
    named = next(f for f in interim.findings if f.id == "drones-named-concern")
    assert (named.at_least, named.denominator) == (1, 1)
