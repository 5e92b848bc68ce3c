"""Make matplotlib's inline SVG charts work under a strict Content-Security-Policy.

``style-src 'self'`` blocks ``style="..."`` attributes and ``<style>`` elements in the page,
including inside inline SVG, but not SVG presentation attributes such as ``fill="#0072b2"``.
:func:`csp_safe_svg` rewrites every style declaration as the equivalent presentation attribute,
so the same chart looks the same in the self-contained file and in the web view. Shared by
the report's charts and the register dashboards.
"""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element, ParseError, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

__all__ = ["MAX_SVG_CHARS", "ChartError", "UnsupportedChartStyle", "csp_safe_svg"]

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
MAX_SVG_CHARS = 2_000_000
MAX_DECLARATIONS = 64

# CSS properties that SVG also accepts as presentation attributes (SVG 1.1 and 2).
PRESENTATION_ATTRIBUTES = frozenset(
    {
        "alignment-baseline",
        "baseline-shift",
        "clip-path",
        "clip-rule",
        "color",
        "color-interpolation",
        "color-interpolation-filters",
        "cursor",
        "direction",
        "display",
        "dominant-baseline",
        "fill",
        "fill-opacity",
        "fill-rule",
        "filter",
        "flood-color",
        "flood-opacity",
        "font-family",
        "font-size",
        "font-size-adjust",
        "font-stretch",
        "font-style",
        "font-variant",
        "font-weight",
        "image-rendering",
        "letter-spacing",
        "lighting-color",
        "marker-end",
        "marker-mid",
        "marker-start",
        "mask",
        "opacity",
        "overflow",
        "paint-order",
        "pointer-events",
        "shape-rendering",
        "stop-color",
        "stop-opacity",
        "stroke",
        "stroke-dasharray",
        "stroke-dashoffset",
        "stroke-linecap",
        "stroke-linejoin",
        "stroke-miterlimit",
        "stroke-opacity",
        "stroke-width",
        "text-anchor",
        "text-decoration",
        "text-rendering",
        "transform-origin",
        "unicode-bidi",
        "vector-effect",
        "visibility",
        "word-spacing",
        "writing-mode",
    }
)
# Elements that carry no drawing and would need inline styles or leak tool details.
DROPPED_ELEMENTS = frozenset({f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}metadata"})
_UNIVERSAL_RULE = re.compile(r"\A\s*\*\s*\{([^{}]*)\}\s*\Z")


class ChartError(Exception):
    """A chart's SVG cannot be made safe to inline; the message says what is wrong."""


class UnsupportedChartStyle(ChartError):
    """The chart uses styling that cannot be expressed as SVG presentation attributes."""


def _declarations(text: str, where: str) -> list[tuple[str, str]]:
    """``prop: value; ...`` as (property, value) pairs, refusing non-presentation properties."""
    pairs: list[tuple[str, str]] = []
    for part in text.split(";")[:MAX_DECLARATIONS]:
        if not part.strip():
            continue
        name, colon, value = part.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not colon or not value:
            raise UnsupportedChartStyle(f"chart {where}: malformed style declaration {part!r}")
        if name not in PRESENTATION_ATTRIBUTES:
            raise UnsupportedChartStyle(
                f"chart {where}: style property {name!r} has no SVG presentation attribute"
            )
        pairs.append((name, value))
    return pairs


def _inherited_rules(root: Element) -> list[tuple[str, str]]:
    """Declarations of ``<style>`` elements, which may only hold one ``* { ... }`` rule."""
    pairs: list[tuple[str, str]] = []
    for style in root.iter(f"{{{SVG_NS}}}style"):
        match = _UNIVERSAL_RULE.match(style.text or "")
        if match is None:
            raise UnsupportedChartStyle(
                f"chart <style> holds rules other than one '* {{...}}': {(style.text or '')[:80]!r}"
            )
        pairs.extend(_declarations(match.group(1), "<style> element"))
    return pairs


def _prune(parent: Element) -> None:
    """Remove dropped elements below ``parent``."""
    for child in list(parent):
        if child.tag in DROPPED_ELEMENTS:
            parent.remove(child)
        else:
            _prune(child)


def csp_safe_svg(svg: str) -> str:
    """``svg`` with style attributes and ``<style>`` rules turned into presentation attributes.

    ``xlink:href`` becomes plain ``href`` (SVG 2), and ``<metadata>`` is dropped. Raises
    :class:`UnsupportedChartStyle` for styling that has no presentation-attribute equivalent,
    and :class:`ChartError` when the input is not a bounded, well-formed SVG document.
    """
    if len(svg) > MAX_SVG_CHARS:
        raise ChartError(f"chart SVG is too large ({len(svg):,} characters)")
    try:
        root = fromstring(svg)
    except ParseError as error:
        raise ChartError(f"chart SVG is not well-formed XML: {error}") from None
    except DefusedXmlException as error:
        raise ChartError(f"chart SVG uses forbidden XML features: {error!r}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise ChartError(f"chart root element is {root.tag!r}, not an SVG <svg>")
    for name, value in _inherited_rules(root):
        # Inherited by every descendant unless it sets its own value, as the '*' rule did.
        root.attrib.setdefault(name, value)
    _prune(root)
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{SVG_NS}}}"):
            raise ChartError(f"chart holds a non-SVG element {element.tag!r}")
        style = element.attrib.pop("style", None)
        if style is not None:
            element_id = element.get("id") or element.tag.rpartition("}")[2]
            for name, value in _declarations(style, f"element {element_id!r}"):
                element.set(name, value)
        href = element.attrib.pop(XLINK_HREF, None)
        if href is not None:
            element.set("href", href)
        # Every element is SVG: write plain names under one default namespace declaration.
        element.tag = element.tag.rpartition("}")[2]
    root.set("xmlns", SVG_NS)
    return tostring(root, encoding="unicode")
