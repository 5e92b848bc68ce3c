"""A reader (a journalist, say) with the demo round's published report, in Chromium: the
report as ``custodes report`` writes it and a watchdog publishes it, its charts, and the open
data downloaded as CSV. Checked with axe-core and at 320 px (``page_checks``)."""

from __future__ import annotations

import csv
import io
import re

import pytest

pytestmark = pytest.mark.browser


def test_reader_journey(published_report: str, open_page, checks, tmp_path) -> None:
    page = open_page()
    page.goto(f"{published_report}/index.html")
    assert "synthetic" in page.title().casefold()
    assert page.get_by_role("heading", level=1).count() == 1
    checks(page, "reader-report", screenshot=True)

    # Every collapsed section opened, as a reader would, and the page checked again.
    closed = page.locator("main details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()
    checks(page, "reader-report-expanded")

    # Charts: drawn, each an image with a text alternative, legible in its figure.
    charts = page.locator("figure").get_by_role("img")
    assert charts.count() >= 8
    first = charts.first
    first.scroll_into_view_if_needed()
    assert first.is_visible() and first.bounding_box()["width"] > 100
    assert first.get_attribute("aria-labelledby") or first.get_attribute("aria-label")

    # The findings as open data, downloaded as CSV.
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"findings\.csv", re.I)).first.click()
    saved = tmp_path / "findings.csv"
    download.value.save_as(saved)
    rows = list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert len(rows) >= 8
    assert any("ext_cctv" in " ".join(row.values()) for row in rows)
    checks.verify()
