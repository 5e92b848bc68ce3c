"""A small accessibility check of server-rendered HTML, using only the standard library.

It checks what a screen-reader user depends on in our forms: one ``h1``, a ``lang``, unique
ids, every visible control labelled, radios and checkboxes grouped in a fieldset with a
legend, ``aria-describedby`` pointing at ids that exist, and an error summary whose links
reach the fields in error.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

UNLABELLED_INPUT_TYPES = frozenset({"hidden", "submit", "button", "reset", "image"})


@dataclass
class _Control:
    tag: str
    attrs: dict[str, str]
    in_fieldset_with_legend: bool


@dataclass
class PageFacts:
    """What the parser saw on one page."""

    html_lang: str | None = None
    h1_count: int = 0
    ids: list[str] = field(default_factory=list)
    label_for: set[str] = field(default_factory=set)
    controls: list[_Control] = field(default_factory=list)
    described_by: list[str] = field(default_factory=list)
    error_summary: bool = False
    error_summary_role: str | None = None
    error_links: list[str] = field(default_factory=list)
    inline_styles: int = 0
    inline_scripts: int = 0
    title: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.facts = PageFacts()
        self._fieldsets: list[bool] = []  # per open fieldset: has a legend been seen
        self._in_summary = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attr_list: list[tuple[str, str | None]]) -> None:
        attrs = {name: value or "" for name, value in attr_list}
        facts = self.facts
        if tag == "html":
            facts.html_lang = attrs.get("lang")
        if "id" in attrs:
            facts.ids.append(attrs["id"])
        if "style" in attrs or tag == "style":
            facts.inline_styles += 1
        if tag == "script" and "src" not in attrs:
            facts.inline_scripts += 1
        if tag == "title":
            self._in_title = True
        if tag == "h1":
            facts.h1_count += 1
        if tag == "fieldset":
            self._fieldsets.append(False)
        if tag == "legend" and self._fieldsets:
            self._fieldsets[-1] = True
        if tag == "label" and "for" in attrs:
            facts.label_for.add(attrs["for"])
        if tag in ("input", "textarea", "select") and attrs.get("type") not in (
            UNLABELLED_INPUT_TYPES
        ):
            facts.controls.append(
                _Control(tag, attrs, bool(self._fieldsets and self._fieldsets[-1]))
            )
        if "aria-describedby" in attrs:
            facts.described_by.extend(attrs["aria-describedby"].split())
        classes = attrs.get("class", "").split()
        if "error-summary" in classes:
            facts.error_summary = True
            facts.error_summary_role = attrs.get("role")
            self._in_summary += 1
        elif self._in_summary and tag == "div":
            self._in_summary += 1
        if self._in_summary and tag == "a":
            facts.error_links.append(attrs.get("href", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        if tag == "div" and self._in_summary:
            self._in_summary -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.facts.title += data


def page_facts(html: str) -> PageFacts:
    parser = _Parser()
    parser.feed(html)
    parser.close()
    return parser.facts


def accessibility_problems(html: str, *, expect_errors: bool = False) -> list[str]:
    """Problems found on the page; an empty list means it passed."""
    facts = page_facts(html)
    problems: list[str] = []
    if not facts.html_lang:
        problems.append("<html> has no lang")
    if facts.h1_count != 1:
        problems.append(f"{facts.h1_count} h1 elements (expected 1)")
    duplicates = sorted({i for i in facts.ids if facts.ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    ids = set(facts.ids)
    for control in facts.controls:
        control_id = control.attrs.get("id")
        if not control_id or control_id not in facts.label_for:
            problems.append(f"{control.tag} {control.attrs.get('name')!r} has no <label for>")
        if (
            control.attrs.get("type") in ("radio", "checkbox")
            and not control.in_fieldset_with_legend
        ):
            problems.append(f"{control.attrs.get('name')!r} is not in a fieldset with a legend")
    missing = sorted(set(facts.described_by) - ids)
    if missing:
        problems.append(f"aria-describedby names missing ids: {missing}")
    if facts.inline_styles or facts.inline_scripts:
        problems.append("inline style or script (forbidden by the CSP)")
    if expect_errors:
        if not facts.error_summary or facts.error_summary_role != "alert":
            problems.append("no error summary with role=alert")
        if not facts.title.strip().startswith("Error:"):
            problems.append(f"title does not start with 'Error:': {facts.title.strip()!r}")
        if not facts.error_links:
            problems.append("error summary has no links")
        for href in facts.error_links:
            if href.startswith("#") and href[1:] not in ids:
                problems.append(f"error link {href} points at no element")
    elif facts.error_summary:
        problems.append("unexpected error summary")
    return problems
