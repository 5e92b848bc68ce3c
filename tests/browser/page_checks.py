"""Checks run on every page the browser tests visit: axe-core (WCAG 2.2 A/AA and best
practice), no sideways scroll at 320 px, and a screenshot of the main pages.

axe-core comes from the npm registry at the version locked in ``axe/package-lock.json``
(``scripts/test`` runs ``npm ci`` there; ``CUSTODES_AXE_JS`` may name another axe.min.js). It
is evaluated through the DevTools protocol, which the pages' Content-Security-Policy does not
govern, so the pages are checked exactly as they are served. Screenshots go to
``artifacts/screenshots/`` (``CUSTODES_SCREENSHOTS_DIR`` to change it).
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
AXE_JS = Path(
    os.environ.get("CUSTODES_AXE_JS")
    or Path(__file__).parent / "axe/node_modules/axe-core/axe.min.js"
)
SCREENSHOTS = Path(os.environ.get("CUSTODES_SCREENSHOTS_DIR") or ROOT / "artifacts" / "screenshots")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
NARROW = 320
DESKTOP = {"width": 1280, "height": 900}


@functools.cache
def axe_source() -> str:
    if not AXE_JS.is_file():
        raise AssertionError(
            f"axe-core is not installed at {AXE_JS}: run scripts/test, which installs it "
            "(npm ci --prefix tests/browser/axe), or set CUSTODES_AXE_JS"
        )
    return AXE_JS.read_text(encoding="utf-8")


def axe_violations(page) -> list[dict]:
    """axe-core's violations on the page as it is now, with AXE_TAGS."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(f"() => {{ {axe_source()}\n}}")
        assert page.evaluate("() => typeof window.axe === 'object'"), "axe-core did not load"
    return page.evaluate(
        """async tags => {
            const result = await window.axe.run(document, {
                runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
            });
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({
                    target: n.target.join(' '), html: n.html, summary: n.failureSummary,
                })),
            }));
        }""",
        AXE_TAGS,
    )


def describe(violations: list[dict]) -> str:
    """Violations as readable text: rule, impact, help, then each element and why."""
    lines = []
    for violation in violations:
        lines.append(f"  [{violation['id']}] ({violation['impact']}) {violation['help']}")
        lines.append(f"      {violation['helpUrl']}")
        for node in violation["nodes"][:10]:
            html = re.sub(r"\s+", " ", node["html"])[:200]
            lines.append(f"    - {node['target']}: {html}")
            summary = re.sub(r"\s+", " ", node["summary"] or "")[:300]
            lines.append(f"        {summary}")
        if len(violation["nodes"]) > 10:
            lines.append(f"    … and {len(violation['nodes']) - 10} more elements")
    return "\n".join(lines)


def overflow_at_320(page) -> int | None:
    """The page's scroll width at 320 CSS px wide when it is wider (sideways scroll), else
    None. The viewport is restored afterwards."""
    before = page.viewport_size or DESKTOP
    page.set_viewport_size({"width": NARROW, "height": 800})
    try:
        width = page.evaluate("() => document.documentElement.scrollWidth")
    finally:
        page.set_viewport_size(before)
    return width if width > NARROW else None


@dataclass
class PageChecks:
    """Runs the checks on each page a test visits and gathers what fails, so that a journey
    goes on to its end and the test then reports every page's problems at once."""

    problems: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    def __call__(self, page, name: str, *, screenshot: bool = False) -> None:
        """Checks ``page`` as it is now; ``name`` identifies it in reports and file names."""
        page.wait_for_load_state("load")
        self.checked.append(name)
        violations = axe_violations(page)
        if violations:
            self.problems.append(
                f"{name} ({page.url}): {len(violations)} axe violation(s)\n{describe(violations)}"
            )
        wide = overflow_at_320(page)
        if wide is not None:
            self.problems.append(
                f"{name} ({page.url}): {wide} px wide at {NARROW} px (scrolls sideways)"
            )
        if screenshot:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=True)

    def verify(self) -> None:
        """Fails with every problem found so far."""
        problems, self.problems = self.problems, []
        assert not problems, "\n\n".join(problems)
