"""The pages: a body completes and publishes its assessment through its secret link (and
reaches only its own), the watchdog's dashboard and report, the public page, JSON and PDF."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from govuk_pages import check_error_page

from custodes.web.assessments import services
from custodes.web.assessments.models import Assessment, Evidence
from custodes.web.bodies.models import Body
from custodes.web.surveys.tokens import issue_invitation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _respondent(round_, code: str) -> Client:
    _, token = issue_invitation(round_, Body.objects.get(code=code), actor="test")
    client = Client()
    assert client.get(f"/r/{token}/").status_code == 302
    return client


def _start(client: Client, *systems: str) -> Assessment:
    response = client.post("/assessments/mine/", {"systems": list(systems), "author_role": "SRO"})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Assessment.objects.latest("pk")


def _principle(assessment: Assessment, number: int, **data):
    return {"form": "principle", "version": assessment.version, **data}


def test_a_body_completes_and_publishes_its_assessment(survey_round):
    kent = _respondent(survey_round, "kent")
    assert "Code of Practice self-assessments" in kent.get("/respond/").content.decode()
    page = kent.get("/assessments/mine/")
    assert page.status_code == 200 and "Start a new assessment" in page.content.decode()
    assessment = _start(kent, "ext_cctv", "anpr")
    assert assessment.body.code == "kent" and assessment.systems == ["ext_cctv", "anpr"]

    url = f"/assessments/mine/{assessment.pk}/principles/9/"
    saved = kent.post(
        url,
        _principle(
            assessment,
            9,
            rating="partly",
            rationale="Pen test booked",
            **{"p9.security_assessed": "no", "p9.security_text": "Firewalled VLAN"},
            action="later",
        ),
    )
    assert saved.status_code == 302 and saved["Location"] == f"/assessments/mine/{assessment.pk}/"
    result = assessment.results.get(principle=9)
    assert (result.rating, result.answers["p9.security_text"]) == ("partly", "Firewalled VLAN")

    # A page opened before that save is refused and keeps what was typed.
    stale = kent.post(
        url, {"form": "principle", "version": 0, "rating": "met", "rationale": "typed"}
    )
    assert stale.status_code == 200
    text = stale.content.decode()
    assert "Someone else saved this assessment" in text and "typed" in text
    assert assessment.results.get(principle=9).rating == "partly"

    added = kent.post(
        url,
        {
            "form": "action",
            "description": "Commission a pen test",
            "owner_role": "Head of IT",
            "due_on": "2026-01-31",
        },
    )
    assert added.status_code == 302
    upload = SimpleUploadedFile("pentest.pdf", b"%PDF-1.4 report", content_type="application/pdf")
    added = kent.post(
        url,
        {
            "form": "evidence",
            "evidence_type": "security_assessment",
            "title": "Network design",
            "public": "on",
            "file": upload,
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    evidence = Evidence.objects.get()
    assert evidence.sha256 == hashlib.sha256(b"%PDF-1.4 report").hexdigest()
    download = kent.get(f"/assessments/mine/{assessment.pk}/evidence/{evidence.pk}/")
    assert b"".join(download.streaming_content) == b"%PDF-1.4 report"

    refused = kent.post(f"/assessments/mine/{assessment.pk}/", {"assessed_on": "2999-01-01"})
    assert "cannot be in the future" in refused.content.decode()
    done = kent.post(f"/assessments/mine/{assessment.pk}/", {"assessed_on": "2025-12-01"})
    assert done.status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "completed" and assessment.assessed_on == date(2025, 12, 1)
    locked = kent.post(url, _principle(assessment, 9, rating="met"))
    assert locked.status_code == 302 and assessment.results.get(principle=9).rating == "partly"

    assert kent.post(f"/assessments/mine/{assessment.pk}/publish/").status_code == 302
    assessment.refresh_from_db()
    assert assessment.status == "published"
    slug = assessment.public_slug
    assert slug == f"kent-scc-2013-2025-12-01-{assessment.pk}"
    assert assessment.published_url.endswith(f"/sat/{slug}/")

    public = Client()
    page = public.get(f"/sat/{slug}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert assessment.content_sha256 in text and "Network design" in text and "Partly met" in text
    raw = public.get(f"/sat/{slug}.json")
    assert hashlib.sha256(raw.content).hexdigest() == assessment.content_sha256
    assert json.loads(raw.content)["principles"][8]["rating"] == "partly"
    pdf = public.get(f"/sat/{slug}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    again = kent.post(f"/assessments/mine/{assessment.pk}/publish/", follow=True)
    assert "already published" in again.content.decode()
    assessment.refresh_from_db()
    assert assessment.public_slug == slug  # publishing again changes nothing


def test_unpublished_assessments_have_no_public_page(survey_round):
    kent = _respondent(survey_round, "kent")
    assessment = _start(kent, "bwv")
    assert Client().get(f"/sat/kent-scc-2013-2025-12-01-{assessment.pk}/").status_code == 404


def test_a_link_reaches_only_its_own_bodys_assessments(survey_round):
    kent = _respondent(survey_round, "kent")
    assessment = _start(kent, "drones")
    evidence = services.add_evidence(
        assessment,
        1,
        evidence_type="purpose_statement",
        title="Purpose",
        url="https://kent.example/purpose",
        actor="test",
    )
    essex = _respondent(survey_round, "essex")
    assert (
        f"/assessments/mine/{assessment.pk}/"
        not in essex.get("/assessments/mine/").content.decode()
    )
    base = f"/assessments/mine/{assessment.pk}/"
    assert essex.get(base).status_code == 404
    assert essex.get(base + "principles/1/").status_code == 404
    assert (
        essex.post(
            base + "principles/1/", {"form": "principle", "version": 0, "rating": "met"}
        ).status_code
        == 404
    )
    assert essex.post(base + "publish/").status_code == 404
    assert essex.get(base + f"evidence/{evidence.pk}/").status_code == 404
    assert assessment.results.get(principle=1).rating == "not_assessed"
    # A respondent never reaches the watchdog's pages, nor does anyone without a link.
    for client in (essex, Client()):
        assert client.get("/assessments/").status_code == 302
        assert client.get(f"/assessments/{assessment.pk}/").status_code == 302
        assert client.get("/assessments/report/matrix.json").status_code == 302
    assert Client().get("/assessments/mine/").status_code == 403


def test_watchdog_dashboard_report_and_open_data(watchdog_client, roster):
    kent = Body.objects.get(code="kent")
    old = services.start_assessment(kent, framework_id="scc-2013", systems=["anpr"], actor="t")
    services.save_principle(
        old,
        2,
        answers={},
        rating=services.sat.Rating.NOT_MET,
        rationale="",
        version=old.version,
        actor="t",
    )
    services.add_action(old, 2, description="Write the DPIA", due_on=date(2020, 1, 1), actor="t")
    services.complete_assessment(old, assessed_on=date(2020, 1, 1), actor="t")
    services.record_certification(
        kent, scheme_id="scc-tpc", step="full", issued_on=date(2021, 3, 1), actor="t"
    )

    page = watchdog_client.get("/assessments/?as_of=2026-06-30")
    assert page.status_code == 200
    text = page.content.decode()
    assert "47</strong> bodies in scope" in text
    assert re.search(r"<strong>1</strong> of 47: bodies with at least one current assessment", text)
    assert "Write the DPIA" in text  # overdue
    assert "stale" in text and 'rating rating--not_met">Not met' in text
    assert 'rating rating--not_disclosed">Not disclosed' in text

    body = watchdog_client.get("/assessments/bodies/kent/?as_of=2026-06-30").content.decode()
    assert "History: certified (Step 2: full certification)" in body and "2025-11-19" in body
    before = watchdog_client.get("/assessments/bodies/kent/?as_of=2024-06-30").content.decode()
    assert "Certified: Step 2" in before

    report = watchdog_client.get("/assessments/report/?as_of=2026-06-30")
    assert "1 of 47 bodies in scope" in report.content.decode()
    data = json.loads(
        watchdog_client.get("/assessments/report/matrix.json?as_of=2026-06-30").content
    )
    assert data["bodies_in_scope"] == 47 and "denominators" in data
    assert data["principles"][1]["not_met"] == 1 and data["principles"][1]["not_disclosed"] == 46
    lines = (
        watchdog_client.get("/assessments/report/matrix.csv?as_of=2026-06-30")
        .content.decode()
        .splitlines()
    )
    assert len(lines) == 1 + 47 * 12
    assert (
        "kent,Kent Police,2,Privacy weighed and kept under review,not_met,2020-01-01,"
        "self_assessed,yes,47" in lines
    )
    detail = watchdog_client.get(f"/assessments/{old.pk}/").content.decode()
    assert "Write the DPIA" in detail and "completed, dated 2020-01-01" in detail


def test_evidence_over_the_limit_is_refused_and_nothing_kept(survey_round, settings, tmp_path):
    settings.SAT_EVIDENCE_MAX_BYTES = 1000
    kent = _respondent(survey_round, "kent")
    assessment = _start(kent, "frt")
    url = f"/assessments/mine/{assessment.pk}/principles/12/"
    upload = SimpleUploadedFile("big.pdf", b"x" * 5000, content_type="application/pdf")
    response = kent.post(
        url,
        {"form": "evidence", "evidence_type": "watchlist_records", "title": "Big", "file": upload},
        follow=True,
    )
    assert "larger than the limit" in response.content.decode()
    assert not Evidence.objects.exists()
    folder = tmp_path / "evidence"
    assert not folder.exists() or not any(folder.iterdir())


def test_watchdog_downloads_private_evidence(watchdog_client, roster, tmp_path):
    kent = Body.objects.get(code="kent")
    assessment = services.start_assessment(
        kent, framework_id="scc-2013", systems=["ext_cctv"], actor="t"
    )
    path = tmp_path / "dpia.txt"
    path.write_bytes(b"private DPIA")
    with path.open("rb") as stream:
        evidence = services.add_evidence(
            assessment,
            2,
            evidence_type="dpia",
            title="DPIA",
            upload=stream,
            file_name="dpia.txt",
            actor="t",
        )
    assert not evidence.public and evidence.size == 12
    response = watchdog_client.get(f"/assessments/evidence/{evidence.pk}/")
    assert b"".join(response.streaming_content) == b"private DPIA"
    assert Client().get(f"/assessments/evidence/{evidence.pk}/").status_code == 302


# ---- Errors: the GOV.UK error summary on every form (issue 11) ------------------------------


def test_start_form_errors_show_the_summary(survey_round):
    kent = _respondent(survey_round, "kent")
    response = kent.post(
        "/assessments/mine/", {"period_start": "2025-04-01", "period_end": "end of March"}
    )
    page = check_error_page(
        response,
        "Select the systems this assessment covers",
        "Enter the end of the period as a date, like 2026-03-31",
        status=200,
    )
    assert page.summary_links == ["#id_systems_0", "#id_period_end"]
    assert {"id_systems-hint", "id_systems-error", "id_period_end-error"} <= set(page.described_by)
    assert 'value="2025-04-01"' in response.content.decode()  # the input is kept
    assert not Assessment.objects.exists()


def test_principle_forms_errors_show_the_summary(survey_round, settings):
    kent = _respondent(survey_round, "kent")
    assessment = _start(kent, "anpr")
    url = f"/assessments/mine/{assessment.pk}/principles/3/"
    page = check_error_page(
        kent.post(url, _principle(assessment, 3, rationale="typed")),
        "Select a rating for this principle",
        status=200,
    )
    assert page.summary_links == ["#id_rating_0"] and "id_rating-error" in page.described_by
    action = check_error_page(
        kent.post(url, {"form": "action", "description": "", "due_on": "soon"}),
        "Enter the due date as a date, like 2026-01-31",
        status=200,
    )
    assert action.summary_links == ["#id_description", "#id_due_on"]
    evidence = check_error_page(
        kent.post(url, {"form": "evidence", "evidence_type": "dpia", "title": "DPIA"}),
        "Give a web address or upload the file",
        status=200,
    )
    assert evidence.summary_links == ["#id_url"] and "id_url-error" in evidence.described_by
    settings.SAT_EVIDENCE_MAX_BYTES = 1000
    upload = SimpleUploadedFile("big.pdf", b"x" * 5000, content_type="application/pdf")
    too_large = kent.post(
        url, {"form": "evidence", "evidence_type": "dpia", "title": "Big", "file": upload}
    )
    assert too_large.status_code == 302
    moved = check_error_page(kent.get(too_large["Location"]), "larger than the limit", status=200)
    assert moved.summary_links == ["#id_file"]
    assert not Evidence.objects.exists() and not assessment.actions.exists()


def test_overview_errors_show_the_summary(survey_round):
    kent = _respondent(survey_round, "kent")
    assessment = _start(kent, "anpr")
    base = f"/assessments/mine/{assessment.pk}/"
    page = check_error_page(
        kent.post(base, {"assessed_on": "2999-01-01"}),
        "The date of the assessment cannot be in the future",
        status=200,
    )
    assert page.summary_links == ["#id_assessed_on"]
    assert {"id_assessed_on-hint", "id_assessed_on-error"} <= set(page.described_by)
    kent.post(base + "principles/3/", {"form": "action", "description": "Write the DPIA"})
    item = assessment.actions.get()
    refused = kent.post(base + f"actions/{item.pk}/", {"status": "nonsense"})
    page = check_error_page(refused, "Choose a status from the list", status=200)
    assert page.summary_links == [f"#action-{item.pk}-status"]
    assert f"action-{item.pk}-status-error" in page.described_by
    item.refresh_from_db()
    assert item.status == "open"


def test_a_bad_as_of_on_the_watchdog_pages_shows_the_summary(watchdog_client, roster):
    for path in ("/assessments/", "/assessments/report/", "/assessments/bodies/kent/"):
        page = check_error_page(
            watchdog_client.get(path, {"as_of": "30/06/2026"}), "Enter a date written YYYY-MM-DD"
        )
        assert page.summary_links == ["#as_of"]
