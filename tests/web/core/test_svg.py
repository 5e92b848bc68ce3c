"""Charts rewritten for a strict CSP: presentation attributes instead of inline styles."""

from __future__ import annotations

import re

import pytest
from defusedxml.ElementTree import fromstring
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.findings import FindingResult, finding_chart_svg
from custodes.web.core.svg import MAX_SVG_CHARS, ChartError, UnsupportedChartStyle, csp_safe_svg

SVG = "http://www.w3.org/2000/svg"


def result(
    at_least: int = 2,
    unsure: int = 1,
    unanswered: int = 2,
    denominator: int = 10,
    finding_id: str = "bwv-concerns",
) -> FindingResult:
    return FindingResult(
        id=finding_id,
        title="Body-worn video & <concerns>",
        at_least=at_least,
        at_most=at_least + unsure + unanswered,
        unsure=unsure,
        unanswered=unanswered,
        denominator=denominator,
        denominator_label="respondents",
        respondents=denominator,
        recipients=47,
    )


@pytest.fixture(scope="module")
def chart() -> str:
    return finding_chart_svg(result())


def test_matplotlib_chart_relies_on_styles(chart):
    """Guards the premise: without rewriting, the CSP would strip the chart's colours."""
    assert 'style="' in chart and "<style" in chart


def test_rewritten_chart_has_no_styles_and_keeps_colours(chart):
    safe = csp_safe_svg(chart)
    assert "style=" not in safe and "<style" not in safe
    root = fromstring(safe)
    fills = {element.get("fill") for element in root.iter()}
    assert {"#0072b2", "#e69f00", "#d9d9d9"} <= fills
    assert any(
        (element.get("fill") or "").startswith("url(#chart-bwv-concerns-")
        for element in root.iter()
    )
    assert root.get("stroke-linejoin") == "round"  # from the '* {...}' rule
    assert root.get("role") == "img"


def test_accessible_name_and_text_survive(chart):
    safe = csp_safe_svg(chart)
    root = fromstring(safe)
    title = root.find(f"{{{SVG}}}title")
    assert title is not None and title.text == "Body-worn video & <concerns>"
    assert root.get("aria-labelledby") == "chart-bwv-concerns-title chart-bwv-concerns-desc"
    texts = [element.text for element in root.iter(f"{{{SVG}}}text")]
    assert "2" in texts and any("Clear yes" in (t or "") for t in texts)


def test_references_use_plain_href(chart):
    safe = csp_safe_svg(chart)
    assert "xlink" not in safe
    hrefs = re.findall(r'\bhref="([^"]+)"', safe)
    assert hrefs and all(h.startswith("#chart-bwv-concerns-") for h in hrefs)


def test_empty_denominator_chart_is_rewritten_too():
    safe = csp_safe_svg(finding_chart_svg(result(0, 0, 0, 0, "empty")))
    assert "style=" not in safe and "No returns in the denominator" in safe


def test_style_without_presentation_attribute_is_refused():
    svg = f'<svg xmlns="{SVG}"><text style="font: 9px serif">x</text></svg>'
    with pytest.raises(UnsupportedChartStyle, match="'font' has no SVG presentation attribute"):
        csp_safe_svg(svg)


def test_style_element_with_other_rules_is_refused():
    svg = f'<svg xmlns="{SVG}"><style>text {{ fill: red }}</style></svg>'
    with pytest.raises(UnsupportedChartStyle, match="rules other than"):
        csp_safe_svg(svg)


@pytest.mark.parametrize(
    ("svg", "message"),
    [
        ("<svg", "not well-formed"),
        ('<html xmlns="http://www.w3.org/1999/xhtml"/>', "not an SVG"),
        (f'<svg xmlns="{SVG}"><foreign xmlns="urn:x"/></svg>', "non-SVG element"),
        (f'<svg xmlns="{SVG}"><g style="fill"/></svg>', "malformed style declaration"),
        (
            '<!DOCTYPE x [<!ENTITY a "b">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>',
            "forbidden XML features",
        ),
    ],
)
def test_bad_input_is_an_error(svg, message):
    with pytest.raises(ChartError, match=message):
        csp_safe_svg(svg)


def test_oversized_input_is_refused():
    with pytest.raises(ChartError, match="too large"):
        csp_safe_svg(" " * (MAX_SVG_CHARS + 1))


@settings(max_examples=150, deadline=None)
@given(cut=st.integers(min_value=0, max_value=20_000), junk=st.text(max_size=40))
def test_truncated_or_corrupted_charts_fail_cleanly(chart, cut, junk):
    mangled = chart[: cut % len(chart)] + junk
    try:
        safe = csp_safe_svg(mangled)
    except ChartError:
        return
    assert "style=" not in safe
