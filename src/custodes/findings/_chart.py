"""A small, accessible inline SVG bar chart of one finding's bounds, drawn with matplotlib."""

from __future__ import annotations

import hashlib
import io
import re
from html import escape
from typing import TYPE_CHECKING

from custodes.findings._compute import FindingResult
from custodes.findings._wording import headline, upper_bound

if TYPE_CHECKING:
    from matplotlib.figure import Figure

# Okabe-Ito colours: distinguishable with colour-blindness; the hatch and the light grey keep
# the three parts apart in greyscale print too.
CLEAR_YES_COLOUR = "#0072B2"
OPEN_COLOUR = "#E69F00"
REST_COLOUR = "#D9D9D9"
EDGE_COLOUR = "#333333"
OPEN_HATCH = "///"

_PROLOG = re.compile(r"\A\s*<\?xml[^>]*\?>\s*(<!DOCTYPE[^>]*>\s*)?")
_SVG_OPEN = re.compile(r"<svg\b")
_ID_ATTRIBUTE = re.compile(r'\bid="([^"]+)"')
_ID_REFERENCE = re.compile(r'(url\(#|href="#)([^)"]+)')
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")
_FIXED_SIZE = re.compile(r'\s(?:width|height)="[^"]*pt"')
# 3 x 2 inches = 216 x 144 units; 9-unit text is 12 px when the chart is 288 px wide.
FIGURE_INCHES = (3.0, 2.0)
FONT_SIZE = 9


def chart_description(result: FindingResult) -> str:
    """The finding in words, as the chart's ``<desc>``."""
    parts = [headline(result)]
    if result.denominator > 0:
        parts.append(upper_bound(result))
        parts.append(f"{result.rest} clearly not")
    sentence = "; ".join(parts)
    return sentence[:1].upper() + sentence[1:] + "."


def _id_prefix(finding_id: str) -> str:
    """An XML-id-safe prefix unique to a finding, so several charts can share one page."""
    safe = _UNSAFE_ID.sub("-", finding_id).strip("-")
    if safe == finding_id:
        return f"chart-{safe}"
    digest = hashlib.sha256(finding_id.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"chart-{safe or 'finding'}-{digest}"


def _draw(result: FindingResult, figure: Figure) -> None:
    """Draw the stacked bar (clear yes | unsure or unanswered | rest) with numbers and legend."""
    axes = figure.add_axes((0.04, 0.7, 0.92, 0.24))
    axes.set_yticks([])
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    if result.denominator == 0:
        axes.set_xticks([])
        axes.spines["bottom"].set_visible(False)
        axes.text(0.5, 0.5, "No returns in the denominator", ha="center", va="center")
        return
    segments = (
        ("Clear yes", result.at_least, CLEAR_YES_COLOUR, "", "white"),
        (
            "Unsure or unanswered",
            result.unsure + result.unanswered,
            OPEN_COLOUR,
            OPEN_HATCH,
            "black",
        ),
        ("Clear no", result.rest, REST_COLOUR, "", "black"),
    )
    left = 0
    for label, count, colour, hatch, text_colour in segments:
        axes.barh(
            0,
            count,
            left=left,
            height=0.8,
            color=colour,
            hatch=hatch,
            edgecolor=EDGE_COLOUR,
            linewidth=0.6,
            label=f"{label}: {count}",
        )
        if count > 0 and count / result.denominator >= 0.06:
            axes.text(
                left + count / 2,
                0,
                str(count),
                ha="center",
                va="center",
                color=text_colour,
                fontweight="bold",
                bbox={"facecolor": colour, "edgecolor": "none", "pad": 1} if hatch else None,
            )
        left += count
    axes.set_xlim(0, result.denominator)
    axes.set_xlabel(f"Returns, out of {result.denominator}", labelpad=1)
    axes.set_ylim(-0.5, 0.5)
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(
        loc="upper left",
        bbox_to_anchor=(0.0, -1.25),
        ncol=1,
        frameon=False,
        handlelength=1.5,
        borderaxespad=0,
        borderpad=0,
    )


def finding_chart_svg(result: FindingResult) -> str:
    """An inline SVG stacked bar of ``result`` with ``role="img"``, ``<title>`` and ``<desc>``.

    The output is deterministic (fixed hash salt, no date metadata), keeps text as text
    (``svg.fonttype: none``), has no external references and no XML prolog or doctype. It has
    a ``viewBox`` but no fixed size: drawn 216 units wide with 9-unit text, it is meant to be
    shown at least 290 px wide (text at least 12 px), so it scales to the page's width.
    """
    # Imported here: matplotlib takes about half a second to import, and most users of this
    # package (the web dashboard, the CLI) never draw a chart.
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    prefix = _id_prefix(result.id)
    settings = {"svg.fonttype": "none", "svg.hashsalt": prefix, "font.size": FONT_SIZE}
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=FIGURE_INCHES)
        FigureCanvasSVG(figure)
        _draw(result, figure)
        buffer = io.StringIO()
        figure.savefig(
            buffer,
            format="svg",
            metadata={"Date": None, "Creator": None, "Format": None, "Type": None},
        )
    svg = _PROLOG.sub("", buffer.getvalue())
    svg = _ID_ATTRIBUTE.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _ID_REFERENCE.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    title_id, desc_id = f"{prefix}-title", f"{prefix}-desc"
    accessible = f'<svg role="img" aria-labelledby="{title_id} {desc_id}"'
    svg = _SVG_OPEN.sub(accessible, svg, count=1)
    head_end = svg.index(">", svg.index("<svg")) + 1
    svg = _FIXED_SIZE.sub("", svg[:head_end]) + svg[head_end:]
    head_end = svg.index(">", svg.index("<svg")) + 1
    labels = (
        f'\n <title id="{title_id}">{escape(result.title)}</title>'
        f'\n <desc id="{desc_id}">{escape(chart_description(result))}</desc>'
    )
    return svg[:head_end] + labels + svg[head_end:]
