"""The demo's FOI campaign and Code of Practice self-assessments, in Chromium, as people use
them: the watchdog follows the service navigation to the campaigns, the campaign's dashboard,
a refused request's timeline and the campaign report, then to the self-assessments matrix, its
report, a body's assessments and one assessment; a reader opens a published assessment; a
body opens its own assessments through its secret link and a principle of its draft. Every
page is checked with axe-core and at 320 px (``page_checks``)."""

from __future__ import annotations

import re

import pytest
from browser_demo import DemoSite

pytestmark = pytest.mark.browser
REFERRAL = "Synthetic national FOI referral unit (demo)"


def follow(page, name: str | re.Pattern, within=None) -> None:
    """Clicks the first link named ``name`` (in ``within``, else the page) and waits."""
    (within or page).get_by_role("link", name=name).first.click()
    page.wait_for_load_state("load")


def nav(page, name: str) -> None:
    follow(page, name, page.get_by_role("navigation", name=re.compile("service|menu", re.I)))


def test_watchdog_foi_campaign(demo_site: DemoSite, open_page, watchdog_state, checks) -> None:
    page = open_page(watchdog_state)
    page.goto(f"{demo_site.url}/rounds/")
    nav(page, "FOI campaigns")
    assert page.get_by_role("heading", level=1).count()
    checks(page, "foi-campaigns", screenshot=True)

    follow(page, re.compile("police drones.*synthetic demo data", re.I), page.locator("main"))
    assert "SYNTHETIC" in page.get_by_role("heading", level=1).inner_text()
    assert "Synthetic data" in page.get_by_role("note").first.inner_text()
    main = page.locator("main").inner_text()
    for state in ("Very overdue", "Overdue", "Refused", "Not held", "Answered"):
        assert state in main, state
    checks(page, "foi-campaign", screenshot=True)

    # A refusal referred to the shared unit: its timeline and reply.
    row = page.locator("main tr", has_text="Refused").filter(has=page.get_by_role("link")).first
    follow(page, re.compile(".+"), row)
    timeline = page.locator("main").inner_text()
    assert REFERRAL in timeline and "s.24(1)" in timeline
    checks(page, "foi-request", screenshot=True)
    request_page = page.url

    # A reply recorded with nothing filled in: the page says what is missing.
    page.get_by_role("button", name="Record reply").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("alert").first.inner_text().strip()
    checks(page, "foi-reply-error")
    page.goto(request_page)

    follow(page, re.compile("back to", re.I), page.locator("main"))
    follow(page, re.compile("campaign report", re.I), page.locator("main"))
    report = page.locator("main").inner_text()
    assert "Coordinated replies" in report and REFERRAL in report
    checks(page, "foi-report", screenshot=True)
    checks.verify()


def test_watchdog_self_assessments(demo_site: DemoSite, open_page, watchdog_state, checks) -> None:
    page = open_page(watchdog_state)
    page.goto(f"{demo_site.url}/rounds/")
    nav(page, "Self-assessments")
    assert page.locator("#matrix").count()
    assert "Synthetic data" in page.get_by_role("note").first.inner_text()
    assert page.locator("#stale tbody tr").count() >= 1
    assert page.locator("#overdue tbody tr").count() >= 1
    checks(page, "assessments-dashboard", screenshot=True)

    # The body rating security met without evidence though its register holds equipment of
    # concern: its assessments, then the assessment itself.
    enquiries = page.locator("#enquiries")
    assert "principle 9" in enquiries.inner_text().casefold()
    follow(page, re.compile(".+"), enquiries)
    checks(page, "assessments-body", screenshot=True)
    follow(page, re.compile(r"^\d{4}-\d{2}-\d{2}$"), page.locator("main table"))
    assert "SYNTHETIC" in page.locator("main").inner_text()
    checks(page, "assessments-assessment", screenshot=True)

    nav(page, "Self-assessments")
    follow(page, re.compile("report and open data", re.I), page.locator("main"))
    checks(page, "assessments-report", screenshot=True)
    checks.verify()


def test_reader_opens_a_published_assessment(demo_site: DemoSite, open_page, checks) -> None:
    page = open_page()
    page.goto(f"{demo_site.url}{demo_site.published_assessment}")
    assert "/accounts/login/" not in page.url
    text = page.locator("main").inner_text()
    assert "SYNTHETIC" in text and "Security of the system and its data" in text
    assert "Synthetic data" in page.get_by_role("note").first.inner_text()
    checks(page, "assessment-public", screenshot=True)
    checks.verify()


def test_body_opens_its_assessment_by_its_secret_link(
    demo_site: DemoSite, open_page, checks
) -> None:
    page = open_page()
    page.goto(f"{demo_site.url}/r/{demo_site.token}/")
    follow(page, "your Code of Practice self-assessments")
    assert "Synthetic data" in page.get_by_role("note").first.inner_text()
    checks(page, "own-assessments", screenshot=True)
    follow(page, re.compile("external cctv.*started", re.I), page.locator("main"))
    assert "draft" in page.get_by_role("heading", level=1).inner_text()
    checks(page, "own-assessment", screenshot=True)
    follow(page, re.compile(r"^9\. "), page.locator("main"))
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Security of the system and its data"
    )
    checks(page, "own-assessment-principle", screenshot=True)

    # An action added without saying what it is: the page says what is missing.
    page.get_by_role("button", name="Add the action").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("alert").count()
    checks(page, "own-assessment-principle-error")
    checks.verify()
