"""The respondent form's conditional reveal and language switch in a real browser: follow-ups
hidden until the answer that reveals them, focus on the error summary, Welsh for a Welsh force."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def tokens(transactional_db) -> dict[str, str]:
    from datetime import timedelta

    from django.utils import timezone

    from custodes.web.bodies.models import Body
    from custodes.web.bodies.services import sync_roster
    from custodes.web.surveys.lifecycle import create_round
    from custodes.web.surveys.tokens import issue_invitation

    sync_roster()
    round_ = create_round(
        "reveal",
        questionnaire="police-estate-2022",
        recipients="police-ew",
        closes_at=timezone.now() + timedelta(days=7),
        actor="test",
    )
    return {
        code: issue_invitation(round_, Body.objects.get(code=code), actor="test")[1]
        for code in ("kent", "gwent")
    }


def test_follow_ups_appear_only_after_the_answer_that_reveals_them(tokens, live_server, new_page):
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/r/{tokens['kent']}/")
    page.goto(f"{base}/respond/ext_cctv/")
    count = page.get_by_label("How many external cameras does the system have?")
    panel = page.locator("#conditional-ext_cctv-operates-yes")
    short = page.evaluate("document.body.scrollHeight")
    assert not panel.is_visible() and not count.is_visible()
    operates = page.get_by_role(
        "group", name="Does your organisation operate external CCTV that covers public places?"
    )
    operates.get_by_label("Yes", exact=True).check()
    assert count.is_visible()
    assert page.evaluate("document.body.scrollHeight") > 2 * short
    assert "conditional-ext_cctv-operates-yes" in (
        operates.get_by_label("Yes", exact=True).get_attribute("aria-controls") or ""
    )
    operates.get_by_label("No", exact=True).check()
    assert not count.is_visible()
    # Required follow-up left empty: the error summary comes first and takes the focus.
    operates.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    # The title is read only once the reply has loaded (auto-waiting), never mid-navigation.
    expect(page).to_have_title(re.compile(r"^Error: "))
    focused = page.evaluate("document.activeElement.getAttribute('data-error-summary')")
    assert focused is not None
    assert count.is_visible()


def test_welsh_force_switches_to_welsh_and_stays_on_the_page(tokens, live_server, new_page):
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/r/{tokens['gwent']}/")
    page.goto(f"{base}/respond/drones/")
    page.get_by_role("link", name="Newid yr iaith i'r Gymraeg").click()
    assert page.url == f"{base}/respond/drones/"
    assert page.locator("html").get_attribute("lang") == "cy"
    assert page.get_by_role("heading", level=1).inner_text() == "Dronau"
    page.get_by_role(
        "group", name="A yw eich sefydliad yn gweithredu dronau sy'n cario camerâu?"
    ).get_by_label("Ie", exact=True).check()
    assert page.get_by_label("Faint o ddronau â chamerâu sydd gennych?").is_visible()
