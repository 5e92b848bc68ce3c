"""The report's first screen, its Updates, title, responsive charts and tables, and its PDF."""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import typer
from django.urls import reverse
from pypdf import PdfReader
from typer.testing import CliRunner

from custodes.cli import survey
from custodes.findings import finding_chart_svg
from custodes.web.bodies.models import Body
from custodes.web.reports.build import REPORT_FILES, REPORT_PDF, write_report
from custodes.web.surveys.lifecycle import correct_answer, definition_of, return_for
from custodes.web.surveys.models import Correction

from .conftest import AFTER_CORRECTION, UK, ReportedRound, _submit, answers
from .test_build import parse

pytestmark = pytest.mark.django_db

SAME_INSTANT = datetime(2023, 2, 20, 10, 0, tzinfo=UK)
LATER = datetime(2023, 3, 5, 12, 0, tzinfo=UK)


def _index(reported: ReportedRound, out, as_of: datetime = AFTER_CORRECTION) -> str:
    write_report(reported.round, out, as_of=as_of)
    return (out / "index.html").read_text(encoding="utf-8")


def _two_corrections_at_once(reported: ReportedRound) -> None:
    """Two more bodies said yes to body-worn video concerns; both withdrawn at one instant."""
    for code in ("dorset", "durham"):
        _submit(reported.round, code, answers({"bwv": "yes"}), datetime(2022, 9, 2, tzinfo=UK))
    for code in ("dorset", "durham"):
        made = correct_answer(
            return_for(reported.round, Body.objects.get(code=code)),
            "bwv.concerns",
            "no",
            reason=f"Follow-up with {code}",
            actor="t",
        )
        Correction.objects.filter(pk=made.pk).update(corrected_at=SAME_INSTANT)


def test_corrections_at_the_same_instant_each_describe_their_own_change(reported, tmp_path):
    _two_corrections_at_once(reported)
    html = _index(reported, tmp_path, LATER)
    updates = html.split('id="update-list"')[1].split("</ol>")[0]
    items = updates.split("<li ")[1:]
    assert len(items) == 3
    dorset, durham = (
        next(i for i in items if f'data-body="{code}"' in i)
        for code in (
            "dorset",
            "durham",
        )
    )
    assert "from at least 2 (at most 2) of 5 to at least 1 (at most 1) of 5" in dorset
    assert "from at least 1 (at most 1) of 5 to at least 0 (at most 0) of 5" in durham
    assert "from at least 2 (at most 2) of 5 to at least 0" not in updates  # never the day's sum
    # The first screen sums the changes once: before every correction, and now.
    changes = html.split('id="changes-table"')[1].split("</table>")[0]
    row = changes.split('data-finding="bwv-concerns"')[1].split("</tr>")[0]
    assert "at least 3, at most 3, of 5" in row and "at least 0, at most 0, of 5" in row
    assert "3 updates" in row and "16 February 2023, 20 February 2023" in row


def test_summary_states_the_response_rate_once(reported, tmp_path):
    html = _index(reported, tmp_path)
    summary = html.split('id="summary"')[1].split('id="contents"')[0]
    assert "3 returns received, covering 4 of the 47 bodies asked (9%)" in summary
    assert html.count("bodies did not respond") == 1
    assert "43 bodies did not respond" in summary
    for caption in re.findall(r"<figcaption>(.*?)</figcaption>", html, re.S):
        assert "did not respond" not in caption
    # The headline table comes before the details, which are collapsible.
    assert html.index('id="headline-findings"') < html.index('id="by-system"')
    blocks = definition_of(reported.round.questionnaire).blocks
    by_system = html.split('id="by-system"')[1].split('id="follow-up"')[0]
    assert by_system.count('<details class="report-details">') == len(blocks)


def test_standalone_title_says_synthetic_once(reported, tmp_path):
    reported.round.synthetic = True
    reported.round.title = "Police survey 2022 (SYNTHETIC DEMO DATA)"
    reported.round.save(update_fields=["synthetic", "title"])
    html = _index(reported, tmp_path)
    assert "<title>Police survey 2022 (SYNTHETIC DEMO DATA)</title>" in html
    reported.round.title = "Police survey 2022"
    reported.round.save(update_fields=["title"])
    assert "<title>Police survey 2022 (synthetic demo data)</title>" in _index(reported, tmp_path)


def test_web_title_says_synthetic_once(watchdog_client, reported):
    reported.round.synthetic = True
    reported.round.title = "Police survey 2022 (SYNTHETIC DEMO DATA)"
    reported.round.save(update_fields=["synthetic", "title"])
    page = watchdog_client.get(reverse("reports:report", args=[reported.round.name]))
    [title] = re.findall(r"<title>(.*?)</title>", page.content.decode(), re.S)
    assert title.lower().count("synthetic demo data") == 1


def test_tables_scroll_in_their_own_labelled_focusable_region(reported, tmp_path):
    html = _index(reported, tmp_path)
    page = parse(html)
    regions = [a for tag, a in page.tags if tag == "div" and "report-scroll" in (a["class"] or "")]
    tables = page.count("table")
    assert len(regions) == tables
    captions = set(re.findall(r'<caption id="([^"]+)"', html))
    for region in regions:
        assert region["role"] == "region" and region["tabindex"] == "0"
        assert region["aria-labelledby"] in captions


def test_charts_scale_with_the_page_and_keep_text_at_12px(reported):
    from custodes.findings import FindingResult

    svg = finding_chart_svg(FindingResult("x", "X", 1, 2, 1, 0, 5, "respondents", 5, 47))
    head = svg[: svg.index(">")]
    assert 'viewBox="0 0 216 144"' in head
    assert "width=" not in head and "height=" not in head
    sizes = {float(s) for s in re.findall(r"font-size:\s*([\d.]+)px", svg)}
    assert sizes and min(sizes) >= 9  # 9 of 216 units: 12 px at the 288 px minimum width
    from custodes.web.reports.build import stylesheet_text

    css = stylesheet_text()
    rule = css.split(".report-chart svg {")[1].split("}")[0]
    assert "width: 100%" in rule and "min-width: 288px" in rule


def _pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), re.sub(r"\s+", " ", text)


def test_pdf_has_the_headline_findings_page_numbers_and_header(reported, tmp_path):
    reported.round.synthetic = True
    reported.round.save(update_fields=["synthetic"])
    written = write_report(reported.round, tmp_path, as_of=AFTER_CORRECTION, pdf=True)
    assert [p.name for p in written] == [*REPORT_FILES, REPORT_PDF]
    content = (tmp_path / REPORT_PDF).read_bytes()
    assert content.startswith(b"%PDF-")
    pages, text = _pdf_text(content)
    assert pages > 1
    assert "Headline findings as of 1 March 2023" in text
    assert "External CCTV: equipment from companies with security or ethical concerns" in text
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert text.count("round-2022: figures as of 01 March 2023, 12:00 GMT") == pages
    assert text.count("SYNTHETIC DEMO DATA: not real returns") >= pages
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert 'href="report.pdf"' in index


def test_pdf_of_a_real_round_has_no_synthetic_label(reported, tmp_path):
    write_report(reported.round, tmp_path, as_of=AFTER_CORRECTION, pdf=True)
    _, text = _pdf_text((tmp_path / REPORT_PDF).read_bytes())
    assert "SYNTHETIC" not in text


def test_web_report_links_to_its_pdf(watchdog_client, reported):
    url = reverse("reports:report", args=[reported.round.name])
    page = watchdog_client.get(url, {"as_of": "2023-03-01"}).content.decode()
    pdf_url = reverse("reports:pdf", args=[reported.round.name]) + "?as_of=2023-03-01"
    assert f'href="{pdf_url}"' in page
    response = watchdog_client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        'attachment; filename="round-2022-as-of-2023-03-01-report.pdf"'
    )
    _, text = _pdf_text(response.content)
    assert "Headline findings as of 1 March 2023" in text


def test_cli_writes_the_pdf_with_the_other_files(reported, tmp_path):
    app = typer.Typer()
    survey.register(app)
    result = CliRunner().invoke(
        app,
        ["report", "--round", reported.round.name, "--out", str(tmp_path), "--pdf"],
    )
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*REPORT_FILES, REPORT_PDF])
    _, text = _pdf_text((tmp_path / REPORT_PDF).read_bytes())
    assert "Headline findings as of" in text
