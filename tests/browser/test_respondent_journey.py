"""A respondent's journey through the demo, in Chromium: the secret link, the task list, each
section (with its follow-up questions shown), the errors when submitting too soon, the
submission and its receipt, the read-only answers afterwards and the body's own register; and
a link that is not valid. Every page is checked with axe-core and at 320 px (``page_checks``).
"""

from __future__ import annotations

import csv
import re

import pytest
from browser_demo import DemoSite
from playwright.sync_api import expect

from custodes.questionnaire import load_shipped
from custodes.web.estate.demo import demo_capture

pytestmark = pytest.mark.browser

SYSTEM_BLOCKS = ["ext_cctv", "int_cctv", "anpr", "bwv", "drones", "helicopter", "frt", "other"]


def question(qid: str) -> str:
    return load_shipped("police-estate-2022").question(qid).text


def answer(page, qid: str, choice: str) -> None:
    group = page.get_by_role("group", name=question(qid), exact=True)
    group.get_by_label(choice, exact=True).check()


def save_and_continue(page) -> None:
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("load")


def test_respondent_journey(demo_site: DemoSite, open_page, checks, tmp_path) -> None:
    site = demo_site
    page = open_page()

    # The link opens Gwent Police's own return, and leaves the address bar at once.
    page.goto(f"{site.url}/r/{site.token}/")
    assert "/r/" not in page.url
    assert "Gwent Police" in page.content()
    checks(page, "respondent-overview", screenshot=True)

    # About you.
    link = page.get_by_role("link", name=re.compile("about you", re.I))
    link.click()
    page.wait_for_load_state("load")
    checks(page, "respondent-about-you")
    page.get_by_label("Your full name").fill("Sam Synthetic")
    page.get_by_label("Your job title or role").fill("Synthetic senior responsible officer")
    save_and_continue(page)

    # External CCTV with its follow-up questions showing; the other systems are not operated.
    page.goto(f"{site.url}/respond/ext_cctv/")
    answer(page, "ext_cctv.operates", "Yes")
    answer(page, "ext_cctv.concerns", "Yes")
    answer(page, "ext_cctv.sat_completed", "Yes")
    answer(page, "ext_cctv.sat_published", "Yes")
    checks(page, "respondent-section", screenshot=True)
    page.get_by_label(question("ext_cctv.concerns_details")).fill("Synthetic: 12 older cameras")
    save_and_continue(page)
    for block in SYSTEM_BLOCKS[1:]:
        page.goto(f"{site.url}/respond/{block}/")
        answer(page, f"{block}.operates", "No")
        save_and_continue(page)

    # Submitting before "About you" is complete: the errors, at the top.
    page.goto(f"{site.url}/respond/respondent/")
    page.get_by_label("Your job title or role").fill("")
    page.get_by_role("button", name=re.compile("save and come back later", re.I)).click()
    page.wait_for_load_state("load")
    page.goto(f"{site.url}/respond/check/")
    checks(page, "respondent-check-answers", screenshot=True)
    page.get_by_role("button", name=re.compile("submit", re.I)).click()
    page.wait_for_load_state("load")
    assert "There is a problem" in page.get_by_role("alert").first.inner_text()
    expect(page).to_have_title(re.compile(r"^Error"))
    checks(page, "respondent-check-errors", screenshot=True)

    # Put right, submitted: the receipt with its reference.
    page.goto(f"{site.url}/respond/respondent/")
    page.get_by_label("Your job title or role").fill("Synthetic senior responsible officer")
    save_and_continue(page)
    page.goto(f"{site.url}/respond/check/")
    page.get_by_role("button", name=re.compile("submit", re.I)).click()
    page.wait_for_load_state("load")
    assert "/respond/done/" in page.url
    assert re.search(r"GWENT-[0-9A-F]{6}", page.locator("main").inner_text())
    checks(page, "respondent-receipt", screenshot=True)

    # Read-only afterwards.
    page.goto(f"{site.url}/respond/ext_cctv/")
    assert page.get_by_role("button", name="Save and continue").count() == 0
    checks(page, "respondent-section-read-only")
    page.goto(f"{site.url}/respond/check/")
    checks(page, "respondent-answers-read-only")

    # The body's own register (empty for Gwent in the demo), and its capture upload.
    page.goto(f"{site.url}/estate/my-register/")
    assert "Gwent Police" in page.locator("main").inner_text()
    checks(page, "respondent-own-register", screenshot=True)
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_load_state("load")
    assert "Choose a CSV" in page.locator("main").inner_text()
    checks(page, "respondent-own-register-upload-error")

    # A register uploaded as a spreadsheet, its quantity written "12 x MODEL"; imported in the
    # background, the page showing its progress in place.
    register = tmp_path / "gwent-register.csv"
    with register.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Ref", "Location", "Type", "Make", "Model", "Qty"])
        writer.writerow(["G-1", "Synthetic depot", "External camera", "Axis", "", "12 x P3245"])
    page.get_by_label(re.compile("upload a new version of your register", re.I)).set_input_files(
        register
    )
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_load_state("load")
    checks(page, "respondent-own-register-importing")
    expect(page.get_by_text(re.compile(r"1 new"))).to_be_visible(timeout=60_000)
    assert "P3245" in page.locator("main").inner_text()
    checks(page, "respondent-own-register-imported")

    # A capture of the body's own network, analysed in the background.
    capture = tmp_path / "synthetic-gwent.pcap"
    capture.write_bytes(demo_capture())
    page.get_by_label(re.compile("upload a packet capture", re.I)).set_input_files(capture)
    page.get_by_role("button", name=re.compile("upload capture", re.I)).click()
    page.wait_for_load_state("load")
    expect(page.get_by_text("Hik-Connect").first).to_be_visible(timeout=60_000)
    checks(page, "respondent-own-capture")

    # Without the link's session, the form is refused politely.
    stranger = open_page()
    stranger.goto(f"{site.url}/respond/")
    assert stranger.get_by_role("heading", level=1).count() == 1
    checks(stranger, "respondent-no-session")

    # A link that is not valid, in a fresh browser.
    stranger = open_page()
    stranger.goto(f"{site.url}/r/not-a-real-link-{'x' * 30}/")
    assert stranger.get_by_role("heading", level=1).count() == 1
    checks(stranger, "respondent-link-not-valid")
    checks.verify()
