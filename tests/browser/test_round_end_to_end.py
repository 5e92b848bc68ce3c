"""A respondent saves, resumes and submits; the watchdog sees the status change and the
finding move. Real browser, real server, no JavaScript required by the pages."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SYSTEM_BLOCKS = ["ext_cctv", "int_cctv", "anpr", "bwv", "drones", "helicopter", "frt", "other"]


@pytest.fixture
def setup(transactional_db):
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from custodes.web.bodies.models import Body
    from custodes.web.bodies.services import sync_roster
    from custodes.web.surveys.lifecycle import create_round
    from custodes.web.surveys.tokens import issue_invitation

    sync_roster()
    round_ = create_round(
        "e2e",
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


def login(page, base: str) -> None:
    page.goto(f"{base}/rounds/e2e/")
    page.get_by_label("Username").fill("analyst")
    page.get_by_label("Password").fill("a long test password 42")
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()


def kent_status(page) -> str:
    return page.locator("#status-table tr[data-body='kent'] .tag").inner_text()


def drones_finding(page) -> str:
    return page.locator("#headline-findings li[data-finding='drones-concerns']").inner_text()


def question_text(qid: str) -> str:
    from custodes.questionnaire import load_shipped

    return load_shipped("police-estate-2022").question(qid).text


def answer_block(page, base: str, block: str, operates: str, concerns: str | None = None):
    page.goto(f"{base}/respond/{block}/")
    page.get_by_role("group", name=question_text(f"{block}.operates"), exact=True).get_by_label(
        operates, exact=True
    ).check()
    if concerns:
        page.get_by_role("group", name=question_text(f"{block}.concerns"), exact=True).get_by_label(
            concerns, exact=True
        ).check()
    page.get_by_role("button", name="Save and continue").click()


def test_respondent_saves_resumes_submits_and_watchdog_sees_it(setup, live_server, new_page):
    token, base = setup, live_server.url
    watchdog = new_page()
    login(watchdog, base)
    assert kent_status(watchdog) == "Invited"
    assert "47 of 47 bodies did not respond" in drones_finding(watchdog)

    # First sitting: the link opens the body's own return; save with required questions empty.
    respondent = new_page()
    respondent.goto(f"{base}/r/{token}/")
    assert "/r/" not in respondent.url  # the token leaves the address bar at once
    assert "Kent Police" in respondent.content()
    respondent.goto(f"{base}/respond/respondent/")
    respondent.get_by_label("Your full name").fill("Alex Example")
    respondent.get_by_role("button", name="Save and come back later").click()
    watchdog.reload()
    assert kent_status(watchdog) == "In progress"

    # Second sitting, in a fresh browser session: resume through the same link.
    respondent = new_page()
    respondent.goto(f"{base}/r/{token}/")
    respondent.goto(f"{base}/respond/respondent/")
    assert respondent.get_by_label("Your full name").input_value() == "Alex Example"
    answer_block(respondent, base, "drones", "Yes", "Yes")

    # Submitting with required answers missing shows an error summary.
    respondent.goto(f"{base}/respond/check/")
    respondent.get_by_role("button", name=re.compile("Submit")).click()
    summary = respondent.get_by_role("alert")
    assert "There is a problem" in summary.inner_text()
    assert respondent.title().startswith("Error")

    respondent.goto(f"{base}/respond/respondent/")
    respondent.get_by_label("Your job title or role").fill("Senior responsible officer")
    respondent.get_by_role("button", name="Save and continue").click()
    for block in SYSTEM_BLOCKS:
        if block != "drones":
            answer_block(respondent, base, block, "No")
    respondent.goto(f"{base}/respond/check/")
    respondent.get_by_role("button", name=re.compile("Submit")).click()
    assert "/respond/done/" in respondent.url
    assert re.search(r"KENT-[0-9A-F]{6}", respondent.content())

    # Read-only afterwards.
    respondent.goto(f"{base}/respond/drones/")
    assert respondent.get_by_role("button", name="Save and continue").count() == 0

    watchdog.reload()
    assert kent_status(watchdog) == "Submitted"
    finding = drones_finding(watchdog)
    assert "at least 1 of 1 among respondents that operate drones (100%)" in finding
    assert "46 of 47 bodies did not respond" in finding
