"""Build the publishable report of a round: one context, rendered two ways, four files.

:func:`report_context` is shared by the self-contained ``index.html`` written by
:func:`write_report` (``custodes report``) and by the web view. ``index.html`` inlines the
same stylesheet the web view serves as ``custodes/report.css``, carries a Content-Security-Policy
that allows only that stylesheet (by hash), and fetches nothing from anywhere.
"""

from __future__ import annotations

import base64
import hashlib
import inspect
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from custodes import findings as fcore
from custodes.web.core.svg import ChartError, csp_safe_svg
from custodes.web.reports import exports
from custodes.web.reports.data import CountedReturn, ReportData, report_data
from custodes.web.reports.errors import ReportAssetMissing, ReportError, ReportOutputError
from custodes.web.reports.summaries import BlockSummary, summarise_blocks
from custodes.web.surveys.models import Round

__all__ = [
    "REPORT_FILES",
    "REPORT_PDF",
    "STYLESHEET",
    "BlockView",
    "FindingView",
    "chart_svg",
    "context_from",
    "page_title",
    "pdf_bytes",
    "render_standalone",
    "report_context",
    "stylesheet_text",
    "write_report",
]

STYLESHEET = "custodes/report.css"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
INDEX_HTML = "index.html"
FINDINGS_CSV = "findings.csv"
FINDINGS_JSON = "findings.json"
RESPONSES_CSV = "responses.csv"
REPORT_PDF = "report.pdf"
REPORT_FILES = (INDEX_HTML, FINDINGS_CSV, FINDINGS_JSON, RESPONSES_CSV)
FILE_MODE = 0o644
CHART_CACHE_SIZE = 512
CHART_CACHE_SECONDS = 30 * 24 * 3600


@dataclass(frozen=True)
class FindingView:
    """A finding as the report shows it: figures, the published sentence and its chart."""

    result: fcore.FindingResult
    sentence: str
    chart: SafeString
    block_id: str
    percent: int | None
    """``at_least`` as a whole percentage of the denominator (None when it is empty)."""


@dataclass(frozen=True)
class ChangeView:
    """A finding whose figures corrections changed: before the first of them, and now."""

    finding_id: str
    title: str
    before: fcore.FindingResult
    after: fcore.FindingResult
    count: int
    dates: str


@dataclass(frozen=True)
class BlockView:
    """One questionnaire block: its findings and the summary of answers to its questions."""

    summary: BlockSummary
    findings: tuple[FindingView, ...]


def _chart_code_version() -> str:
    """A digest of the chart-drawing code and the matplotlib drawing it: a chart kept in the
    shared cache is reused only when both are the same."""
    import matplotlib

    source = Path(inspect.getfile(fcore.finding_chart_svg)).read_bytes()
    return hashlib.sha256(source + matplotlib.__version__.encode()).hexdigest()[:16]


def _chart_key(finding: fcore.FindingResult) -> str:
    figures = (
        finding.id,
        finding.title,
        finding.at_least,
        finding.unsure,
        finding.unanswered,
        finding.denominator,
        finding.denominator_label,
        finding.conditional,
    )
    digest = hashlib.sha256(repr((_CHART_CODE(), figures)).encode("utf-8")).hexdigest()[:32]
    return f"custodes:chart:{digest}"


_CHART_CODE = lru_cache(maxsize=1)(_chart_code_version)


@lru_cache(maxsize=CHART_CACHE_SIZE)
def chart_svg(finding: fcore.FindingResult) -> str:
    """The finding's chart, rewritten for the CSP. Drawing takes ~0.1 s, so charts are kept
    in this process and in the shared cache (every server process, and across restarts).
    A chart that cannot be made safe is a ``ReportError``, like every failure of a build."""
    key = _chart_key(finding)
    svg = cache.get(key)
    if isinstance(svg, str):
        return svg
    try:
        svg = csp_safe_svg(fcore.finding_chart_svg(finding))
    except ChartError as error:
        raise ReportError(str(error)) from error
    cache.set(key, svg, timeout=CHART_CACHE_SECONDS)
    return svg


def stylesheet_text() -> str:
    """The report stylesheet: the very file the web view serves as a static file."""
    path = STATIC_DIR / STYLESHEET
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise ReportAssetMissing(f"report stylesheet {path} cannot be read: {error}") from None


def _covered_through(returns: tuple[CountedReturn, ...]) -> list[tuple[str, str]]:
    """(covered body, lead body) for recipients answered for by another body's return."""
    own = {record.body_code for record in returns}
    pairs = {
        code: (name, record.body_name)
        for record in returns
        for code, name in record.covers
        if code not in own
    }
    return sorted(pairs.values())


def _changes(data: ReportData) -> list[ChangeView]:
    """Findings whose figures differ now from before the first correction that changed them."""
    first: dict[str, fcore.FindingResult] = {}
    dates: dict[str, list[str]] = {}
    for note in data.corrections:
        for change in note.changes:
            first.setdefault(change.finding_id, change.before)
            day = f"{note.at.day} {note.at:%B %Y}"
            if day not in dates.setdefault(change.finding_id, []):
                dates[change.finding_id].append(day)
    views = []
    for finding in data.findings.findings:
        before = first.get(finding.id)
        if before is None or _figures(before) == _figures(finding):
            continue
        count = sum(
            1 for note in data.corrections for c in note.changes if c.finding_id == finding.id
        )
        views.append(
            ChangeView(
                finding_id=finding.id,
                title=finding.title,
                before=before,
                after=finding,
                count=count,
                dates=", ".join(dates[finding.id]),
            )
        )
    return views


def _figures(finding: fcore.FindingResult) -> tuple[int, int, int]:
    return (finding.at_least, finding.at_most, finding.denominator)


def page_title(data: ReportData) -> str:
    """The report's title, saying once that its data are synthetic when they are."""
    if data.synthetic and "synthetic" not in data.round_title.casefold():
        return f"{data.round_title} (synthetic demo data)"
    return data.round_title


def context_from(data: ReportData) -> dict[str, Any]:
    """The template context for a report built from ``data``."""
    result = data.findings
    views = [
        FindingView(
            result=finding,
            sentence=fcore.describe(finding, result, response=False),
            chart=mark_safe(chart_svg(finding)),
            block_id=data.finding_block(finding.id),
            percent=fcore.percent_half_up(finding.at_least, finding.denominator)
            if finding.denominator
            else None,
        )
        for finding in result.findings
    ]
    blocks = [
        BlockView(
            summary=summary, findings=tuple(v for v in views if v.block_id == summary.block_id)
        )
        for summary in summarise_blocks(data.definition, [r.answers for r in data.returns])
    ]
    definition = data.definition
    return {
        "report": data,
        "round_name": data.round_name,
        "title": data.round_title,
        "page_title": page_title(data),
        "synthetic": data.synthetic,
        "as_of": data.as_of,
        "generated_at": data.generated_at,
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
        "questionnaire": {
            "id": definition.id,
            "version": definition.version,
            "title": definition.title,
            "source": definition.source,
            "fingerprint": data.questionnaire_fingerprint,
            "short_fingerprint": data.questionnaire_fingerprint[:12],
        },
        "knowledge": data.knowledge,
        "custodes_version": data.custodes_version,
        "result": result,
        "coverage_percent": fcore.percent_half_up(result.bodies_covered, result.recipients)
        if result.recipients
        else None,
        "findings": views,
        "blocks": blocks,
        "returns": data.returns,
        "covered_through": _covered_through(data.returns),
        "non_respondents": list(result.non_respondents),
        "updates": data.corrections,
        "changes": _changes(data),
        "follow_ups": data.follow_ups,
        "register_notes": data.register_notes,
        "enquiries": data.enquiries,
        "files": {
            "findings_csv": FINDINGS_CSV,
            "findings_json": FINDINGS_JSON,
            "responses_csv": RESPONSES_CSV,
        },
    }


def report_context(round_: Round, as_of: datetime | None) -> dict[str, Any]:
    """Everything the report template needs, as the data stood at ``as_of`` (None: now)."""
    return context_from(report_data(round_, as_of))


def _style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_standalone(context: dict[str, Any]) -> str:
    """The self-contained ``index.html``: inline stylesheet, no external references."""
    css = stylesheet_text()
    return render_to_string(
        "reports/standalone.html",
        {**context, "stylesheet": mark_safe(css), "style_hash": _style_hash(css)},
    )


def pdf_bytes(data: ReportData) -> bytes:
    """The report as a PDF (A4, every section open); see :mod:`custodes.web.reports.pdf`."""
    from custodes.web.reports.pdf import render_pdf  # WeasyPrint loads only when asked

    return render_pdf(context_from(data), stylesheet_text())


def _stage(out_dir: Path, name: str, content: str | bytes) -> Path:
    """Write ``content`` to a hidden temporary file beside ``name``; return its path."""
    handle = tempfile.NamedTemporaryFile(  # noqa: SIM115 - kept open only to write
        mode="wb", dir=out_dir, prefix=f".{name}.", suffix=".tmp", delete=False
    )
    staged = Path(handle.name)
    try:
        with handle:
            handle.write(content.encode("utf-8") if isinstance(content, str) else content)
            handle.flush()
            os.fsync(handle.fileno())
        staged.chmod(FILE_MODE)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def write_report(
    round_: Round, out_dir: Path, *, as_of: datetime | None = None, pdf: bool = False
) -> list[Path]:
    """Write ``index.html``, ``findings.csv``, ``findings.json`` and ``responses.csv``, and
    ``report.pdf`` too when ``pdf`` (``index.html`` then links to it).

    Everything is rendered, and every target checked, before anything is written; each file
    is written to a temporary file in ``out_dir`` and renamed into place, so a failed build
    leaves any earlier report there untouched. Returns the paths written, in that order.
    """
    data = report_data(round_, as_of)
    context = context_from(data)
    if pdf:
        context["pdf_url"] = REPORT_PDF
    contents: dict[str, str | bytes] = {
        INDEX_HTML: render_standalone(context),
        FINDINGS_CSV: exports.findings_csv(data),
        FINDINGS_JSON: exports.findings_json(data),
        RESPONSES_CSV: exports.responses_csv(data),
    }
    if pdf:
        contents[REPORT_PDF] = pdf_bytes(data)
    out_dir = Path(out_dir)
    staged: dict[str, Path] = {}
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in contents:
            target = out_dir / name
            if target.is_dir() and not target.is_symlink():
                raise ReportOutputError(target, "a folder is in the way of the file")
        for name, text in contents.items():
            staged[name] = _stage(out_dir, name, text)
        written = []
        for name, temporary in staged.items():
            target = out_dir / name
            temporary.replace(target)
            written.append(target)
    except OSError as error:
        for temporary in staged.values():
            temporary.unlink(missing_ok=True)
        raise ReportOutputError(out_dir, error.strerror or str(error)) from error
    return written
