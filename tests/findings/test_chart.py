"""finding_chart_svg: accessible, deterministic, self-contained inline SVG."""

from __future__ import annotations

import re

import defusedxml.ElementTree as SafeET

from custodes.findings import FindingResult, finding_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def drones(finding_id: str = "drones-concerns", title: str = "Drones: concerns") -> FindingResult:
    return FindingResult(
        id=finding_id,
        title=title,
        at_least=23,
        at_most=25,
        unsure=1,
        unanswered=1,
        denominator=31,
        denominator_label="respondents that operate drones",
        respondents=39,
        recipients=47,
        conditional=True,
    )


def test_chart_is_inline_accessible_svg() -> None:
    svg = finding_chart_svg(drones())
    assert svg.startswith("<svg ")
    assert "<?xml" not in svg
    assert "<!DOCTYPE" not in svg
    root = SafeET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title, desc = list(root)[:2]
    assert (title.tag, desc.tag) == (f"{SVG}title", f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == "Drones: concerns"
    assert desc.text == (
        "At least 23 of the 31 respondents that operate drones (74%); "
        "up to 25 if the 2 unsure or unanswered are yes; 6 clearly not."
    )


def test_chart_keeps_numbers_and_legend_as_text() -> None:
    root = SafeET.fromstring(finding_chart_svg(drones()))
    texts = {"".join(node.itertext()).strip() for node in root.iter(f"{SVG}text")}
    assert {"Clear yes: 23", "Unsure or unanswered: 2", "Clear no: 6", "23", "6"} <= texts


def test_chart_is_deterministic() -> None:
    assert finding_chart_svg(drones()) == finding_chart_svg(drones())


def test_chart_has_no_external_references_or_metadata() -> None:
    svg = finding_chart_svg(drones())
    assert "<metadata" not in svg
    assert "<image" not in svg
    for reference in re.findall(r'href="([^"]*)"', svg):
        assert reference.startswith("#")
    for target in re.findall(r"url\(([^)]*)\)", svg):
        assert target.startswith("#")
    assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= NAMESPACES


def test_ids_are_unique_per_chart_and_across_charts() -> None:
    first = finding_chart_svg(drones("drones-concerns"))
    second = finding_chart_svg(drones("external-concerns"))
    first_ids = re.findall(r'\bid="([^"]+)"', first)
    second_ids = re.findall(r'\bid="([^"]+)"', second)
    assert len(first_ids) == len(set(first_ids))
    assert not set(first_ids) & set(second_ids)
    for reference in re.findall(r'(?:href="#|url\(#)([^")]+)', first):
        assert reference in first_ids


def test_title_is_escaped() -> None:
    svg = finding_chart_svg(drones(title='Kit <script>alert("x")</script> & more'))
    assert "<script>" not in svg
    root = SafeET.fromstring(svg)
    assert root.find(f"{SVG}title").text == 'Kit <script>alert("x")</script> & more'


def test_awkward_ids_give_valid_distinct_xml_ids() -> None:
    titles = set()
    for finding_id in ["a b/c", "a-b-c", "ÆØÅ", "ØØ", "--"]:
        svg = finding_chart_svg(drones(finding_id))
        for element_id in re.findall(r'\bid="([^"]+)"', svg):
            assert re.fullmatch(r"[A-Za-z][A-Za-z0-9_.-]*", element_id)
        titles.add(SafeET.fromstring(svg).find(f"{SVG}title").get("id"))
    assert len(titles) == 5


def test_zero_denominator_says_so() -> None:
    empty = FindingResult("none", "Nothing yet", 0, 0, 0, 0, 0, "respondents", 0, 47)
    root = SafeET.fromstring(finding_chart_svg(empty))
    assert root.find(f"{SVG}desc").text == "No respondents yet, so no percentage can be given."
    texts = {"".join(node.itertext()).strip() for node in root.iter(f"{SVG}text")}
    assert "No returns in the denominator" in texts
