"""The written report: four files, equal to the findings, free of personal data, as of a date."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path

import pytest

from custodes.web.reports.build import REPORT_FILES, write_report
from custodes.web.reports.errors import InvalidAsOf, ReportOutputError
from custodes.web.surveys.analysis import round_findings
from custodes.web.surveys.lifecycle import correct_answer, definition_of, return_for

from .conftest import (
    AFTER_CORRECTION,
    BEFORE_CORRECTION,
    CONTACT_EMAIL,
    CORRECTION_REASON,
    CORRECTOR,
    FORMULA_NOTE,
    OFFICIAL_NAME,
    OFFICIAL_ROLE,
    ReportedRound,
)

pytestmark = pytest.mark.django_db

RESOURCE_ATTRIBUTES = {"src", "srcset", "href", "xlink:href", "data", "poster", "action"}


class Page(HTMLParser):
    """Collects what the accessibility and no-fetch checks need from an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.headings: list[int] = []
        self.style_text = ""
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.style_text += data

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def build(reported: ReportedRound, out: Path, as_of: datetime = AFTER_CORRECTION) -> dict:
    paths = write_report(reported.round, out, as_of=as_of)
    assert [p.name for p in paths] == list(REPORT_FILES)
    return {p.name: p.read_text(encoding="utf-8") for p in paths}


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_writes_every_file_and_no_temporary_files(reported, tmp_path):
    out = tmp_path / "new" / "report"
    build(reported, out)
    assert sorted(p.name for p in out.iterdir()) == sorted(REPORT_FILES)
    assert all((out / name).stat().st_size > 0 for name in REPORT_FILES)


def test_findings_json_is_the_findings_plus_metadata(reported, tmp_path):
    files = build(reported, tmp_path)
    document = json.loads(files["findings.json"])
    metadata = document.pop("report")
    assert document == round_findings(reported.round, as_of=AFTER_CORRECTION).to_dict()
    stored = reported.round.questionnaire
    assert metadata["questionnaire"] == {
        "id": "police-estate-2022",
        "version": stored.version,
        "title": stored.title,
        "fingerprint": stored.fingerprint,
    }
    assert metadata["as_of"] == AFTER_CORRECTION.isoformat()
    assert metadata["synthetic"] is False
    assert metadata["custodes_version"]
    assert datetime.fromisoformat(metadata["generated_at"]) > AFTER_CORRECTION
    knowledge = metadata["knowledge"]
    assert knowledge is None or set(knowledge) == {"version", "date"}
    [update] = metadata["updates"]
    assert update["body"] == "cheshire"
    assert update["question_id"] == "bwv.concerns"
    assert (update["old"], update["new"]) == ("yes", "no")
    assert update["findings_changed"] == ["bwv-concerns"]


def test_findings_csv_has_every_json_field_of_every_finding(reported, tmp_path):
    files = build(reported, tmp_path)
    findings = json.loads(files["findings.json"])["findings"]
    table = rows(files["findings.csv"])
    assert len(table) == len(findings) == len(definition_of(reported.round.questionnaire).findings)
    for row, finding in zip(table, findings, strict=True):
        assert row["round"] == reported.round.name
        assert row["as_of"] == AFTER_CORRECTION.isoformat()
        assert {key: row[key] for key in finding} == {k: str(v) for k, v in finding.items()}


def test_responses_csv_rows_and_columns(reported, tmp_path):
    files = build(reported, tmp_path)
    table = rows(files["responses.csv"])
    header = next(csv.reader(io.StringIO(files["responses.csv"])))
    definition = definition_of(reported.round.questionnaire)
    expected_questions = [q.id for q in definition.questions() if not q.personal]
    assert header == [
        "body",
        "body_name",
        "covers",
        "submitted_at",
        "late",
        "channel",
        *expected_questions,
    ]
    by_body = {row["body"]: row for row in table}
    assert set(by_body) == {"cheshire", "bedfordshire", "cleveland"}
    assert by_body["bedfordshire"]["covers"] == "cambridgeshire"
    assert by_body["cleveland"]["late"] == "true"
    assert by_body["cheshire"]["late"] == "false"
    assert by_body["cheshire"]["channel"] == "web"
    assert by_body["cheshire"]["ext_cctv.manufacturers"] == "Hikvision;Axis"
    assert by_body["cheshire"]["ext_cctv.capabilities"] == "video;audio"
    assert by_body["cheshire"]["ext_cctv.count"] == "120"
    assert by_body["cheshire"]["bwv.concerns"] == "no"  # after the correction
    assert by_body["cheshire"]["ext_cctv.notes"] == "'" + FORMULA_NOTE  # not a live formula
    assert datetime.fromisoformat(by_body["cleveland"]["submitted_at"]).year == 2022


def test_no_personal_data_in_any_file(reported, tmp_path):
    files = build(reported, tmp_path)
    for name, text in files.items():
        for secret in (
            OFFICIAL_NAME,
            OFFICIAL_ROLE,
            CONTACT_EMAIL,
            CORRECTOR,
            "respondent.name",
            "respondent.role",
        ):
            assert secret not in text, f"{secret!r} published in {name}"


def test_html_structure_and_accessibility(reported, tmp_path):
    html = build(reported, tmp_path)["index.html"]
    page = parse(html)
    assert page.count("h1") == 1
    assert page.headings[0] == 1
    assert all(b - a <= 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert ("html", {"lang": "en-GB"}) in page.tags
    assert page.count("main") == 1
    assert ("a", {"class": "report-skip-link", "href": "#main"}) in page.tags
    assert page.count("table") == page.count("caption") > 8
    assert all(attrs.get("scope") in {"col", "row"} for tag, attrs in page.tags if tag == "th")
    assert "@media print" in page.style_text


def test_html_has_a_chart_per_finding_and_the_headlines(reported, tmp_path):
    html = build(reported, tmp_path)["index.html"]
    page = parse(html)
    findings = round_findings(reported.round, as_of=AFTER_CORRECTION).findings
    figures = [attrs["id"] for tag, attrs in page.tags if tag == "figure"]
    assert sorted(figures) == sorted(f"figure-{finding.id}" for finding in findings)
    assert page.count("svg") == len(findings)
    assert all(attrs.get("role") == "img" for tag, attrs in page.tags if tag == "svg")
    headlines = html.split('id="headline-findings"')[1].split("</table>")[0]
    for finding in findings:
        row = headlines.split(f'<tr data-finding="{finding.id}">')[1].split("</tr>")[0]
        assert f'href="#figure-{finding.id}">{finding.title}</a>' in row
        assert f'<td class="report-number">{finding.at_most}</td>' in row
        assert f"<td>{finding.denominator} {finding.denominator_label}</td>" in row


def test_html_is_self_contained(reported, tmp_path):
    html = build(reported, tmp_path)["index.html"]
    page = parse(html)
    for tag, attrs in page.tags:
        assert "style" not in attrs, f"<{tag}> has an inline style attribute"
        for name, value in attrs.items():
            if name in RESOURCE_ATTRIBUTES and value:
                assert not re.match(r"\s*(https?:)?//", value), f"<{tag} {name}={value!r}>"
    assert page.count("script") == 0
    assert page.count("link") == 0
    assert page.count("img") == 0
    assert "url(http" not in page.style_text and "@import" not in page.style_text
    assert "<metadata" not in html


def test_html_annex_lists_respondents_and_non_respondents(reported, tmp_path):
    html = build(reported, tmp_path)["index.html"]
    non_respondents = html.split('id="non-respondents"')[1].split("</ul>")[0]
    assert "<li>Greater Manchester Police</li>" in non_respondents
    assert "Cheshire" not in non_respondents
    assert "Cambridgeshire" not in non_respondents  # covered by Bedfordshire's return
    assert non_respondents.count("<li>") == 47 - 4
    assert "Cambridgeshire Constabulary, by Bedfordshire Police" in html
    returns = html.split('class="report-returns"')[1].split("</table>")[0]
    assert re.search(r'data-body="cleveland">.*?<td>Late</td>', returns, re.S)
    assert re.search(r'data-body="cheshire">.*?<td>On time</td>', returns, re.S)


def test_html_has_a_dated_update_for_each_correction(reported, tmp_path):
    html = build(reported, tmp_path)["index.html"]
    updates = html.split('id="update-list"')[1].split("</ol>")[0]
    assert updates.count("<li ") == 1
    assert 'Update, <time datetime="2023-02-16T11:00:00+00:00">16 February 2023</time>' in updates
    assert "Cheshire Constabulary" in updates
    assert "yes &rarr; no" in updates
    assert CORRECTION_REASON.replace("'", "&#x27;") in updates
    assert "from at least 1 (at most 1) of 3 to at least 0 (at most 0) of 3" in updates
    assert 'id="updates-notice"' in html


def test_as_of_before_the_correction_shows_the_old_figure_and_no_update(reported, tmp_path):
    before = build(reported, tmp_path / "before", as_of=BEFORE_CORRECTION)
    after = build(reported, tmp_path / "after", as_of=AFTER_CORRECTION)
    old = {f["id"]: f for f in json.loads(before["findings.json"])["findings"]}
    new = {f["id"]: f for f in json.loads(after["findings.json"])["findings"]}
    assert old["bwv-concerns"]["at_least"] == 1
    assert new["bwv-concerns"]["at_least"] == 0
    assert json.loads(before["findings.json"])["report"]["updates"] == []
    assert "No answers had been corrected" in before["index.html"]
    assert 'id="updates-notice"' not in before["index.html"]
    assert rows(before["responses.csv"])[1]["bwv.concerns"] == "yes"


def test_as_of_before_a_return_leaves_it_out(reported, tmp_path):
    files = build(reported, tmp_path, as_of=datetime(2022, 9, 10, tzinfo=BEFORE_CORRECTION.tzinfo))
    assert [row["body"] for row in rows(files["responses.csv"])] == ["cheshire"]
    assert json.loads(files["findings.json"])["returns"] == 1


def test_synthetic_round_carries_the_banner(reported, tmp_path):
    plain = build(reported, tmp_path / "plain")["index.html"]
    assert "synthetic-banner" not in plain
    reported.round.synthetic = True
    reported.round.save(update_fields=["synthetic"])
    files = build(reported, tmp_path / "synthetic")
    assert 'id="synthetic-banner"' in files["index.html"]
    assert "(synthetic demo data)</title>" in files["index.html"]
    assert json.loads(files["findings.json"])["report"]["synthetic"] is True


def test_naive_as_of_is_refused_before_anything_is_written(reported, tmp_path):
    with pytest.raises(InvalidAsOf, match="timezone-aware"):
        write_report(reported.round, tmp_path / "out", as_of=datetime(2023, 1, 1))
    assert not (tmp_path / "out").exists()


def test_unwritable_output_keeps_the_earlier_report(reported, tmp_path):
    out = tmp_path / "report"
    first = build(reported, out, as_of=BEFORE_CORRECTION)
    blocker = out / "findings.json"
    blocker.unlink()
    blocker.mkdir()  # a directory where a file must go: the rename fails
    with pytest.raises(ReportOutputError, match=r"findings\.json: a folder is in the way"):
        write_report(reported.round, out, as_of=AFTER_CORRECTION)
    assert (out / "index.html").read_text(encoding="utf-8") == first["index.html"]
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_output_path_that_is_a_file_is_refused(reported, tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    with pytest.raises(ReportOutputError, match=re.escape(str(target))):
        write_report(reported.round, target)
    assert target.read_text() == "not a folder"


def test_future_as_of_is_brought_back_to_now(reported, tmp_path):
    files = build(reported, tmp_path, as_of=datetime(2999, 1, 1, tzinfo=BEFORE_CORRECTION.tzinfo))
    metadata = json.loads(files["findings.json"])["report"]
    assert metadata["as_of"] == metadata["generated_at"]


def test_corrections_to_personal_or_free_text_answers_hide_the_values(reported, tmp_path):
    record = return_for(reported.round, reported.solo)
    correct_answer(
        record, "respondent.role", "Deputy Chief Secret Role", reason="Typo", actor=CORRECTOR
    )
    correct_answer(
        record, "ext_cctv.notes", "Replaced the note text", reason="Clarified", actor=CORRECTOR
    )
    files = build(reported, tmp_path, as_of=datetime.now(AFTER_CORRECTION.tzinfo))
    updates = files["index.html"].split('id="update-list"')[1].split("</ol>")[0]
    assert updates.count("<li ") == 3
    assert "not published (personal data) &rarr; not published (personal data)" in updates
    assert "free-text answer (see responses.csv) &rarr; free-text answer" in updates
    for text in files.values():
        assert "Deputy Chief Secret Role" not in text and OFFICIAL_ROLE not in text
    notes = json.loads(files["findings.json"])["report"]["updates"]
    assert [n["question_id"] for n in notes] == [
        "bwv.concerns",
        "respondent.role",
        "ext_cctv.notes",
    ]
    assert notes[1]["findings_changed"] == []


def test_follow_up_enquiries_list_declared_and_named_disagreements(past_round, tmp_path):
    from datetime import UTC

    from custodes.web.bodies.models import Body
    from custodes.web.surveys.lifecycle import submit_return

    submit_return(
        return_for(past_round, Body.objects.get(code="kent")),
        {"bwv.operates": "yes", "bwv.concerns": "no", "bwv.manufacturers": ["Hikvision DS-MH2311"]},
        actor="t",
        submitted_at=datetime(2022, 8, 1, tzinfo=UTC),
        final=False,
    )
    submit_return(
        return_for(past_round, Body.objects.get(code="essex")),
        {"bwv.operates": "yes", "bwv.concerns": "no", "bwv.manufacturers": ["Axon Body 3"]},
        actor="t",
        submitted_at=datetime(2022, 8, 1, tzinfo=UTC),
        final=False,
    )
    paths = {p.name: p for p in write_report(past_round, tmp_path)}
    document = json.loads(paths["findings.json"].read_text())
    assert document["report"]["follow_up"] == [
        {
            "body": "kent",
            "body_name": "Kent Police",
            "system": "Body-worn video",
            "declared": "no",
            "named": "yes",
            "manufacturers": ["Hikvision DS-MH2311"],
        }
    ]
    html = paths["index.html"].read_text()
    table = html[
        html.index('id="follow-up-table"') : html.index("</table>", html.index("follow-up-table"))
    ]
    assert 'data-body="kent"' in table and 'data-body="essex"' not in table
