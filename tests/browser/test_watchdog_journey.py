"""The watchdog's journey through the demo, in Chromium: sign in (after a mistake), the rounds,
each body's status, reminders, a correction that fails and then succeeds, the estate dashboard,
a register with its scan and capture, an asset, the discrepancies, the report, the API docs and
the error pages. Every page is checked with axe-core and at 320 px (``page_checks``).

Pages are found as a person finds them (links, buttons, labels, headings), so that the
templates may change without breaking the journey."""

from __future__ import annotations

import re

import pytest
from browser_demo import DemoSite, sign_in
from playwright.sync_api import expect

from custodes.questionnaire import load_shipped
from custodes.web.estate.demo import demo_capture

pytestmark = pytest.mark.browser
REASON = "Follow-up enquiry (synthetic browser test)"
OPERATES = load_shipped("police-estate-2022").question("ext_cctv.operates").text
LOGIN_FAILURE_LIMIT = 5  # the default of CUSTODES_LOGIN_FAILURE_LIMIT


def link(page, name: str | re.Pattern) -> None:
    page.get_by_role("link", name=name).first.click()
    page.wait_for_load_state("load")


def press(page, role: str | None, name: re.Pattern) -> bool:
    """Clicks the first button (or, with ``role`` None, button or link) named ``name`` in the
    page's main content, then waits for the page; False when there is none."""
    main = page.locator("main")
    roles = [role] if role else ["button", "link"]
    for each in roles:
        found = main.get_by_role(each, name=name)
        if found.count():
            found.first.click()
            page.wait_for_load_state("load")
            return True
    return False


def open_correction(page, question: str) -> None:
    """The correction form for ``question``: through the answer's own "Correct" link where
    the body's page has one, else chosen in the form's question list."""
    answer_link = page.get_by_role("link", name=f"Correct the answer to ‘{question}’")
    if answer_link.count():
        answer_link.first.click()
        page.wait_for_load_state("load")
    elif correction_form(page).get_by_label("Question", exact=True).count():
        correction_form(page).get_by_label("Question", exact=True).select_option(
            "ext_cctv.operates"
        )


def correction_form(page):
    """The form with the "Save correction" button."""
    button = page.get_by_role("button", name=re.compile("save correction", re.I))
    return page.locator("form").filter(has=button)


def test_watchdog_journey(demo_site: DemoSite, open_page, checks, tmp_path) -> None:
    site = demo_site
    page = open_page()

    # Sign in, getting the password wrong first.
    page.goto(f"{site.url}/rounds/")
    assert "/accounts/login/" in page.url
    checks(page, "sign-in", screenshot=True)
    page.get_by_label("Username").fill("watchdog")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    expect(page).to_have_title(re.compile(r"^Error"))
    checks(page, "sign-in-error")
    sign_in(page, site)

    # The rounds, then the demo round: findings and each body's status.
    checks(page, "watchdog-rounds", screenshot=True)
    link(page, re.compile("survey 2022", re.I))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Police surveillance")
    status = page.get_by_role("table", name=re.compile("status of each", re.I))
    assert "Submitted" in status.inner_text() and "Gwent Police" in status.inner_text()
    checks(page, "watchdog-round", screenshot=True)

    # Reminders to the outstanding bodies: the page says what was sent.
    page.get_by_role("button", name=re.compile("send reminders", re.I)).click()
    page.wait_for_load_state("load")
    assert re.search(r"\bsent\b|reminder", page.locator("main").inner_text(), re.I)
    checks(page, "watchdog-reminders-sent")

    link(page, re.compile("edit email text", re.I))
    checks(page, "watchdog-email-text")
    page.goto(f"{site.url}/rounds/{site.round}/")

    # A correction: refused without a reason, then saved with one.
    status = page.get_by_role("table", name=re.compile("status of each", re.I))
    status.get_by_role("link", name="Kent Police").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == "Kent Police"
    checks(page, "watchdog-body", screenshot=True)
    open_correction(page, OPERATES)
    press(page, "button", re.compile("save correction", re.I))
    assert "There is a problem" in page.get_by_role("alert").first.inner_text()
    checks(page, "watchdog-correction-error", screenshot=True)
    open_correction(page, OPERATES)
    correction = correction_form(page)
    group = correction.get_by_role("group", name=re.compile("new answer", re.I))
    if group.count():  # the question's own answer choices
        group.get_by_label("No", exact=True).check()
    else:
        correction.get_by_label(re.compile("new (value|answer)", re.I)).first.fill("no")
    correction.get_by_label(re.compile("^reason", re.I)).fill(REASON)
    press(page, "button", re.compile("save correction", re.I))
    assert page.get_by_role("alert").count() == 0
    history = page.get_by_role("table", name=re.compile("submissions and corrections", re.I))
    assert REASON in history.inner_text()
    checks(page, "watchdog-correction-saved")

    # Reopening asks for a reason (on this page or on a page of its own).
    press(page, None, re.compile("reopen", re.I))
    if not page.get_by_role("alert").count():
        press(page, "button", re.compile("reopen", re.I))
    assert "reason" in page.get_by_role("alert").first.inner_text().casefold()
    checks(page, "watchdog-reopen-without-reason")

    # A body that has not responded: a new secret link, then the link revoked (confirmed
    # when the page asks).
    page.goto(f"{site.url}/rounds/{site.round}/")
    status = page.get_by_role("table", name=re.compile("status of each", re.I))
    status.get_by_role("link", name="Merseyside Police").click()
    page.wait_for_load_state("load")
    checks(page, "watchdog-body-not-responded")
    for _ in range(2):  # the button, then the confirmation when the page asks for one
        press(page, None, re.compile("issue a new link", re.I))
        if "/r/" in page.locator("main").inner_text():
            break
        checks(page, "watchdog-link-confirm")
    assert "/r/" in page.locator("main").inner_text()
    checks(page, "watchdog-link-issued")
    for _ in range(2):  # the button, then the confirmation when the page asks for one
        if not press(page, None, re.compile("revoke", re.I)):
            break
        checks(page, "watchdog-link-revoked")
    assert "Revoked" in page.locator("main").inner_text()

    # The estate: national dashboard, discrepancies, a body's register, scan and capture.
    page.goto(f"{site.url}/estate/")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Equipment registers")
    assert "Synthetic data" in page.content()
    assert page.get_by_role("img", name=re.compile("devices by manufacturer", re.I)).count()
    checks(page, "estate-national", screenshot=True)
    link(page, re.compile("discrepancies in .*survey 2022", re.I))
    found = page.get_by_role("table", name=re.compile("discrepancies for follow-up", re.I))
    assert "Hikvision" in found.inner_text()
    checks(page, "estate-discrepancies", screenshot=True)
    found.get_by_role("link").first.click()
    page.wait_for_load_state("load")
    register = page.locator("main").inner_text()
    assert "10.20.0.50" in register  # found by the scan, not in the register
    assert "synthetic-demo-capture.pcap" in register
    checks(page, "estate-body", screenshot=True)

    link(page, "synthetic-demo-capture.pcap")
    assert "Hik-Connect" in page.locator("main").inner_text()
    checks(page, "estate-capture", screenshot=True)
    link(page, re.compile("back to the register", re.I))

    # A capture uploaded from the form: its page updates in place (no reload) until analysed.
    upload = tmp_path / "synthetic-upload.pcap"
    upload.write_bytes(demo_capture())
    page.get_by_label(re.compile("upload a packet capture", re.I)).set_input_files(upload)
    page.get_by_role("button", name=re.compile("upload capture", re.I)).click()
    page.wait_for_load_state("load")
    page.evaluate("() => { window.sameDocument = true; }")
    checks(page, "estate-capture-uploaded")
    expect(page.get_by_text("Hik-Connect").first).to_be_visible(timeout=60_000)
    assert page.evaluate("() => window.sameDocument === true")
    link(page, re.compile("back to the register", re.I))

    rows = page.get_by_role("table", name=re.compile("register rows", re.I))
    rows.get_by_role("link", name=re.compile(r"-2$")).click()
    page.wait_for_load_state("load")
    assert "DS-2CD2143G0-I" in page.locator("main").inner_text()
    checks(page, "estate-asset", screenshot=True)
    page.get_by_role("button", name=re.compile("save override", re.I)).click()
    page.wait_for_load_state("load")
    assert "There is a problem" in page.get_by_role("alert").inner_text()
    checks(page, "estate-asset-override-error")

    # The report, and a bad date asked of it.
    page.goto(f"{site.url}/rounds/{site.round}/")
    link(page, re.compile("read the full report", re.I))
    assert "/reports/" in page.url
    checks(page, "watchdog-report", screenshot=True)
    page.goto(f"{site.url}/reports/{site.round}/?as_of=garbage")
    checks(page, "watchdog-report-bad-date")

    # The API docs, the admin, a page that does not exist; then sign out.
    page.goto(f"{site.url}/api/docs")
    checks(page, "watchdog-api-docs")
    page.goto(f"{site.url}/admin/")
    checks(page, "watchdog-admin")
    page.goto(f"{site.url}/no-such-page/")
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    checks(page, "not-found")
    page.goto(f"{site.url}/rounds/")
    page.get_by_role("button", name=re.compile("sign out", re.I)).click()
    page.wait_for_load_state("load")
    assert "/accounts/login/" in page.url

    # A form sent without its CSRF cookie (expired, or cookies blocked) is refused politely.
    page.context.clear_cookies()
    page.goto(f"{site.url}/accounts/login/")
    page.context.clear_cookies()
    page.get_by_label("Username").fill("watchdog")
    page.get_by_label("Password").fill(site.password)
    page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == "This form has expired"
    checks(page, "form-expired")

    # Too many wrong passwords: signing in is locked for a while (last: it locks this address).
    for _ in range(LOGIN_FAILURE_LIMIT):
        page.goto(f"{site.url}/accounts/login/")
        page.get_by_label("Username").fill("watchdog")
        page.get_by_label("Password").fill("still not the password")
        page.get_by_role("button", name=re.compile("sign in|log in", re.I)).click()
        page.wait_for_load_state("load")
    heading = page.get_by_role("heading", level=1).inner_text()
    assert "/accounts/login/" in page.url and "too many" in heading.casefold()
    checks(page, "sign-in-locked", screenshot=True)
    checks.verify()
