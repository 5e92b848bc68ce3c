"""Checks of the GOV.UK error pattern on a page re-rendered with a form's errors (issue 11):
the error summary first in main, focused, each message linking to a control on the page, the
"Error: " title prefix, unique ids and aria-describedby naming only ids that exist."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.http import HttpResponse


class ErrorPage(HTMLParser):
    """Ids, aria-describedby, the title and the error summary's links of one page."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.described_by: list[str] = []
        self.summary_links: list[str] = []
        self.summary_text = ""
        self.title = ""
        self._in_title = False
        self._summary_depth = 0
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if "id" in values:
            self.ids.append(values["id"])
        if "aria-describedby" in values:
            self.described_by.extend(values["aria-describedby"].split())
        self._in_title = tag == "title"
        if self._summary_depth:
            self._summary_depth += tag not in ("br", "input", "img")
            if tag == "a":
                self.summary_links.append(values.get("href", ""))
        elif "error-summary" in values.get("class", "").split():
            self._summary_depth = 1

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False
        if self._summary_depth:
            self._summary_depth -= 1

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._summary_depth:
            self.summary_text += data


def check_error_page(response: HttpResponse, *messages: str, status: int = 400) -> ErrorPage:
    """Assert the GOV.UK error pattern on ``response`` and that the summary holds ``messages``."""
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    page = ErrorPage(html)
    assert page.title.strip().startswith("Error: "), page.title
    main = html[html.index('<main class="main-wrapper"') :]
    first = re.search(r"<(div|a|h1|span|form|p)\b[^>]*>", main[main.index(">") + 1 :]).group(0)
    assert 'class="error-summary"' in first and 'role="alert"' in first, first
    assert "autofocus" in first and 'tabindex="-1"' in first
    assert len(page.ids) == len(set(page.ids)), "duplicate ids"
    missing = [i for i in page.described_by if i not in page.ids]
    assert not missing, f"aria-describedby names missing ids: {missing}"
    assert page.summary_links, "the summary links to no control"
    for href in page.summary_links:
        assert href.startswith("#") and href[1:] in page.ids, f"summary link to nowhere: {href}"
    for message in messages:
        assert message in page.summary_text, (message, page.summary_text)
    return page
