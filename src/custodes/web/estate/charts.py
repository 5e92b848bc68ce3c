"""Exposure charts as accessible inline SVG (matplotlib, made safe for the strict CSP)."""

from __future__ import annotations

import io
from collections.abc import Sequence

from custodes import estate as core
from custodes.web.core.svg import csp_safe_svg

__all__ = ["kind_chart", "manufacturer_chart", "replacement_chart"]

CONCERN_COLOUR = "#d4351c"
OTHER_COLOUR = "#1d70b8"
DONE_COLOUR = "#00703c"
TOP_MANUFACTURERS = 12


def _svg(figure, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(figure)
    svg = csp_safe_svg(buffer.getvalue())
    return svg.replace("<svg ", f'<svg role="img" aria-label="{title}" ', 1)


def _bars(labels: Sequence[str], series: Sequence[tuple[str, Sequence[int], str]], title: str):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    height = max(1.6, 0.35 * len(labels) + 0.8)
    figure, axes = plt.subplots(figsize=(7, height))
    left = [0] * len(labels)
    positions = list(range(len(labels)))
    for name, values, colour in series:
        axes.barh(positions, values, left=left, color=colour, label=name)
        left = [a + b for a, b in zip(left, values, strict=True)]
    axes.set_yticks(positions, labels=labels)
    axes.invert_yaxis()
    axes.set_xlabel("devices")
    axes.legend(loc="lower right", frameon=False)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return _svg(figure, title)


def manufacturer_chart(summary: core.ExposureSummary) -> str:
    """Devices by manufacturer (the largest), red where the manufacturer is of concern."""
    top = summary.by_manufacturer[:TOP_MANUFACTURERS]
    labels = [m.manufacturer or "unknown" for m in top]
    concern = [m.devices if m.concern else 0 for m in top]
    other = [0 if m.concern else m.devices for m in top]
    return _bars(
        labels,
        [("of concern", concern, CONCERN_COLOUR), ("other", other, OTHER_COLOUR)],
        "Devices by manufacturer",
    )


def kind_chart(summary: core.ExposureSummary) -> str:
    """Devices by kind, split into devices of concern and the rest."""
    labels = core.load_vocabulary().kind_labels
    kinds = summary.by_kind
    return _bars(
        [labels[k.kind] for k in kinds],
        [
            ("of concern", [k.devices_of_concern for k in kinds], CONCERN_COLOUR),
            ("other", [k.devices - k.devices_of_concern for k in kinds], OTHER_COLOUR),
        ],
        "Devices by kind",
    )


def replacement_chart(progress: Sequence[tuple[int, int, int]]) -> str:
    """Devices of concern removed (done) and planned for replacement, by year."""
    return _bars(
        [str(year) for year, _, _ in progress],
        [
            ("removed", [done for _, done, _ in progress], DONE_COLOUR),
            ("to be replaced", [planned for _, _, planned in progress], CONCERN_COLOUR),
        ],
        "Replacement of devices of concern by year",
    )
