"""The demo's FOI campaign: the shipped drones request to the demo round's recipients, its
replies imported through the replies spreadsheet, every state a campaign meets (answered,
refused with a shared referral, not held, clarification, overdue, very overdue, awaiting),
labelled synthetic, honest bounds in its findings, and nothing added by a second run."""

from __future__ import annotations

from collections import Counter

import pytest
from django.urls import reverse

from custodes.web.estate.demo import build_demo_estate
from custodes.web.foi.demo import DEMO_CAMPAIGN, REFERRAL, build_demo_campaign
from custodes.web.foi.models import Campaign, Event, Reply
from custodes.web.foi.services import (
    campaign_findings,
    campaign_named,
    campaign_statuses,
    create_campaign,
)
from custodes.web.surveys.demo import build_demo_round

pytestmark = pytest.mark.django_db(transaction=True)
BANNER = "FOI requests shown here include the demonstration"


@pytest.fixture
def demo(settings, tmp_path, roster):
    settings.DATA_DIR = tmp_path / "data"
    round_ = build_demo_round()
    build_demo_estate(round_)
    return round_, build_demo_campaign(round_)


def test_demo_campaign_shows_every_state_and_honest_findings(demo):
    round_, shown = demo
    campaign = campaign_named(shown.name)
    assert shown.name == DEMO_CAMPAIGN and "SYNTHETIC" in campaign.title
    assert campaign.definition.slug == "police-drones-2023"
    assert campaign.requests.count() == round_.recipient_list.bodies.count()
    states = {s.facts.code: s.state for s in campaign_statuses(campaign)}
    counts = Counter(states.values())
    for state in ("answered", "partial", "refused", "not_held", "clarification", "awaiting"):
        assert counts[state] >= 1, state
    assert counts["overdue"] >= 2 and counts["very_overdue"] == 1
    assert states[shown.answered] == "answered"
    assert states[shown.coordinated] == "refused"
    assert states[shown.clarification] == "clarification"
    assert states[shown.overdue] == "overdue"
    assert states[shown.very_overdue] == "very_overdue"
    # Replies went through the replies import (each with its reply event) and say synthetic.
    assert Reply.objects.count() == Event.objects.filter(kind="reply").count() > 0
    assert all("SYNTHETIC" in r.summary for r in Reply.objects.all())
    assert all(e.by == "demo:synthetic" for e in Event.objects.all())

    found = campaign_findings(campaign)
    by_id = {f["id"]: f for f in found["findings"]}
    assert by_id["drones-total"]["at_least"] > 0 and by_id["drones-total"]["at_most"] is None
    dji = by_id["drones-dji"]
    assert 0 < dji["at_least"] < dji["at_most"] <= dji["denominator"]
    assessed = by_id["drones-security-assessed"]
    assert 0 < assessed["at_least"] < assessed["at_most"] < assessed["denominator"]
    assert found["exemptions"]["s.24(1)"] >= 5
    referral = [g for g in found["coordinated"] if g["kind"] == "referral"]
    assert [g["shared"] for g in referral] == [REFERRAL] and len(referral[0]["bodies"]) == 5
    # Only the coordinated refusal is a coordinated group.
    assert {g["outcomes"].keys() == {"refused"} for g in found["coordinated"]} == {True}


def test_rerun_adds_nothing(demo):
    _, shown = demo
    before = (Campaign.objects.count(), Event.objects.count(), Reply.objects.count())
    assert build_demo_campaign(build_demo_round()) == shown
    assert (Campaign.objects.count(), Event.objects.count(), Reply.objects.count()) == before


def test_demo_campaign_on_the_watchdog_pages(demo, watchdog_client):
    _, shown = demo
    for url in (
        reverse("foi:campaigns"),
        reverse("foi:campaign", args=[shown.name]),
        reverse("foi:report", args=[shown.name]),
        reverse("foi:request", args=[shown.name, shown.coordinated]),
    ):
        page = watchdog_client.get(url)
        assert page.status_code == 200, url
        assert "SYNTHETIC" in page.content.decode(), url
        assert BANNER in page.content.decode(), url
    # Another campaign's pages carry no banner.
    create_campaign("real-drones", request="police-drones-2023", recipients="police-ew", actor="t")
    other = watchdog_client.get(reverse("foi:campaign", args=["real-drones"])).content.decode()
    assert BANNER not in other
