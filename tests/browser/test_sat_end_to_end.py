"""A body completes and publishes a self-assessment in a real browser with JavaScript off,
by label alone; the watchdog's matrix then shows its ratings."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def setup(transactional_db, settings, tmp_path):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from custodes.web.bodies.models import Body
    from custodes.web.bodies.services import sync_roster
    from custodes.web.surveys.lifecycle import create_round
    from custodes.web.surveys.tokens import issue_invitation

    settings.DATA_DIR = tmp_path
    sync_roster()
    round_ = create_round(
        "e2e-sat",
        questionnaire="police-estate-2022",
        recipients="police-ew",
        closes_at=timezone.now() + timedelta(days=7),
        actor="test",
    )
    _, token = issue_invitation(round_, Body.objects.get(code="kent"), actor="test")
    get_user_model().objects.create_user(
        "analyst", password="a long test password 42", is_staff=True
    )
    return token


def test_body_completes_publishes_and_watchdog_sees_it(setup, live_server, browser):
    base = live_server.url
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.goto(f"{base}/r/{setup}/")
    page.get_by_role("link", name="your Code of Practice self-assessments").click()
    page.get_by_role("button", name="Start the assessment").click()
    assert (
        "Select the systems this assessment covers" in page.locator(".error-summary").inner_text()
    )
    page.get_by_label("Body-worn video").check()
    page.get_by_role("button", name="Start the assessment").click()
    page.get_by_role("link", name="9. Security of the system and its data").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Security of the system and its data"
    )
    page.get_by_role(
        "group", name="Has the security of the system been assessed or tested?"
    ).get_by_label("Partly").check()
    page.get_by_label("Partly met").check()
    page.get_by_label("Why this rating?").fill("Network segregated; no penetration test yet")
    page.get_by_role("button", name="Save and come back later").click()
    expect(page.get_by_text("Principle 9 saved.")).to_be_visible()
    page.get_by_label("Date of the assessment", exact=True).fill("2026-01-15")
    page.get_by_role("button", name="Complete the assessment").click()
    page.get_by_role("button", name="Publish the assessment").click()
    expect(page.get_by_text("Assessment published.")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"kent-scc-2013-2026-01-15-\d+")).click()
    # Read once the page has loaded, never mid-navigation.
    page.wait_for_load_state("load")
    assert "Network segregated" in page.content() and "Partly met" in page.content()
    context.close()

    watchdog = browser.new_page()
    watchdog.goto(f"{base}/assessments/")
    watchdog.get_by_label("Username").fill("analyst")
    watchdog.get_by_label("Password").fill("a long test password 42")
    watchdog.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    cell = watchdog.locator("#matrix tr", has_text="Kent Police").locator("td[data-principle='9']")
    assert "Partly met" in cell.inner_text() and "2026-01-15" in cell.inner_text()
    assert "1 of 47" in watchdog.locator("#denominators").inner_text()
    watchdog.close()
