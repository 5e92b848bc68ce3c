"""The report as a PDF, what a watchdog publishes: A4 pages made with WeasyPrint.

The PDF is the self-contained report (every section open) with the report stylesheet and a
page stylesheet: A4, "Page N of M", a running header with the round and the as-of moment,
and on a synthetic round a "Synthetic demo data" label on every page. WeasyPrint needs
Pango (Debian: ``libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0``) and a font
(``fonts-dejavu-core``); a missing library is a :class:`ReportError` saying so.
"""

from __future__ import annotations

import logging
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from custodes.web.reports.errors import ReportError

__all__ = ["PDF_CONTENT_TYPE", "page_stylesheet", "render_pdf"]

PDF_CONTENT_TYPE = "application/pdf"
SYNTHETIC_LABEL = "SYNTHETIC DEMO DATA: not real returns"


def _css_string(text: str) -> str:
    """``text`` as a CSS string literal (quotes, backslashes and line ends escaped)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    escaped = escaped.replace("\n", "\\a ").replace("\r", "")
    return f'"{escaped}"'


def page_stylesheet(context: dict[str, Any]) -> str:
    """The ``@page`` rules: A4, page numbers, header with round and as-of, synthetic label."""
    as_of = timezone.localtime(context["as_of"])
    header = f"{context['round_name']}: figures as of {as_of:%d %B %Y, %H:%M %Z}"
    label = _css_string(SYNTHETIC_LABEL) if context.get("synthetic") else '""'
    return f"""
@page {{
  size: A4;
  margin: 22mm 16mm 20mm;
  @top-left {{ content: {_css_string(header)}; font-size: 8.5pt; color: #505a5f; }}
  @top-right {{ content: {label}; font-size: 8.5pt; font-weight: 700; color: #d4351c; }}
  @bottom-left {{ content: {label}; font-size: 8.5pt; font-weight: 700; color: #d4351c; }}
  @bottom-right {{ content: "Page " counter(page) " of " counter(pages); font-size: 8.5pt; }}
}}
"""


def render_pdf(context: dict[str, Any], stylesheet: str) -> bytes:
    """The PDF of a report context (as :func:`context_from` makes) with ``stylesheet``."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango or its fonts are missing
        raise ReportError(f"cannot make the PDF: WeasyPrint is not usable here ({error})") from None
    html = render_to_string(
        "reports/pdf.html",
        {
            **context,
            "expand_details": True,
            "as_of_form": False,
            "in_site_layout": False,
            "pdf_url": None,
            "stylesheet": mark_safe(stylesheet + page_stylesheet(context)),
        },
    )
    # WeasyPrint logs every CSS property it does not support (screen-only rules) as a warning.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=html, base_url=None, url_fetcher=_refuse).write_pdf()


def _refuse(url: str) -> dict[str, Any]:
    """The report is self-contained: the PDF maker fetches nothing, from anywhere."""
    raise ValueError(f"the report PDF fetches nothing ({url[:60]})")
