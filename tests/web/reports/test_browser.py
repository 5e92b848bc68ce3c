"""In headless Chromium: the charts and stylesheet work under the site's CSP, and the
self-contained file applies its inline stylesheet (allowed by hash) and fetches nothing."""

from __future__ import annotations

import pytest
from django.conf import settings

from custodes.web.reports.build import write_report
from custodes.web.surveys.analysis import round_findings

from .conftest import AFTER_CORRECTION

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BAR_FILL = "#figure-ext_cctv-concerns svg path[fill='#0072b2']"


def watch(page) -> dict[str, list[str]]:
    """Record CSP violations and every request the page makes."""
    seen: dict[str, list[str]] = {"violations": [], "requests": []}
    page.on(
        "console",
        lambda message: (
            seen["violations"].append(message.text)
            if "Content Security Policy" in message.text
            else None
        ),
    )
    page.on("request", lambda request: seen["requests"].append(request.url))
    return seen


def computed(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


def test_web_view_renders_charts_and_styles_under_the_csp(
    browser, live_server, client, watchdog, reported
):
    client.force_login(watchdog)
    context = browser.new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    seen = watch(page)
    page.goto(f"{live_server.url}/reports/{reported.round.name}/?as_of=2023-03-01")
    assert page.locator("h1").inner_text() == reported.round.title
    assert computed(page, BAR_FILL, "fill") == "rgb(0, 114, 178)"
    assert computed(page, ".report-status", "display") == "grid"  # report.css was served
    assert seen["violations"] == []
    assert all(url.startswith(live_server.url) for url in seen["requests"])
    context.close()


def test_standalone_file_uses_its_inline_stylesheet_and_fetches_nothing(
    browser, reported, tmp_path
):
    write_report(reported.round, tmp_path, as_of=AFTER_CORRECTION)
    index = (tmp_path / "index.html").as_uri()
    context = browser.new_context()
    page = context.new_page()
    seen = watch(page)
    page.goto(index)
    assert computed(page, ".report-status", "display") == "grid"
    assert computed(page, BAR_FILL, "fill") == "rgb(0, 114, 178)"
    findings = round_findings(reported.round, as_of=AFTER_CORRECTION).findings
    assert page.locator("svg[role='img']").count() == len(findings)
    assert seen["violations"] == []
    assert seen["requests"] == [index]
    context.close()


SMALLEST_SVG_TEXT = """() => Math.min(...[...document.querySelectorAll('svg text')].map(
    t => parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a))"""


@pytest.mark.parametrize("width", [320, 1280])
def test_report_is_legible_and_never_scrolls_sideways(browser, reported, tmp_path, width):
    write_report(reported.round, tmp_path, as_of=AFTER_CORRECTION)
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto((tmp_path / "index.html").as_uri())
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert page.evaluate(SMALLEST_SVG_TEXT) >= 12
    # A table wider than the screen scrolls inside its own region, which can take focus.
    regions = page.locator(".report-scroll")
    assert regions.count() == page.locator("table").count()
    regions.first.focus()
    assert page.evaluate("document.activeElement.classList.contains('report-scroll')")
    context.close()
