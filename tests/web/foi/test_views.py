"""The watchdog's FOI pages: login, dashboard order, timeline, replies with attachments, coding
question by question with the source of each figure, chasers, reports; no inline code."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from govuk_pages import check_error_page

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(roster):
    from custodes.web.foi.services import create_campaign

    return create_campaign(
        "drones",
        request="police-drones-2023",
        recipients="police-ew",
        actor="t",
        sent=date(2023, 1, 9),
    )


def url(name: str, *args) -> str:
    return reverse(f"foi:{name}", args=args)


def no_inline_code(html: str) -> None:
    assert "<script" not in html
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_pages_need_a_watchdog(client, campaign) -> None:
    for path in (url("campaigns"), url("campaign", "drones"), url("request", "drones", "kent")):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_dashboard_puts_overdue_first(watchdog_client, campaign) -> None:
    from custodes.web.foi.models import Request
    from custodes.web.foi.services import record_reply

    kent = Request.objects.get(campaign=campaign, body__code="kent")
    from datetime import datetime
    from zoneinfo import ZoneInfo

    record_reply(
        kent,
        received_at=datetime(2023, 1, 20, tzinfo=ZoneInfo("Europe/London")),
        outcome="answered",
        actor="t",
        answers={"drones.count": {"value": 3}},
    )
    html = watchdog_client.get(url("campaign", "drones")).content.decode()
    no_inline_code(html)
    body_rows = re.findall(r'<th scope="row"><a href="/foi/drones/bodies/([a-z-]+)/', html)
    assert len(body_rows) == 47
    assert body_rows[-1] == "kent"  # answered: after every overdue body
    assert "Very overdue" in html
    listing = watchdog_client.get(url("campaigns")).content.decode()
    assert "drones" in listing and "tag--red" in listing


def test_record_reply_with_document_then_code_a_question(watchdog_client, campaign) -> None:
    from custodes.web.foi.models import Attachment, Event, Reply

    response = watchdog_client.post(
        url("reply", "drones", "essex"),
        {
            "received": "2023-02-03",
            "outcome": "partial",
            "exemptions": "s.24(1); S 31(1)(a)",
            "summary": "Makers withheld.",
            "referred_to": "NPCC Central Referral Unit",
            "document": SimpleUploadedFile("reply.pdf", b"%PDF-1.4 reply", "application/pdf"),
            "public": "on",
        },
    )
    assert response.status_code == 302
    reply = Reply.objects.get()
    assert reply.exemptions == ["s.24(1)", "s.31(1)(a)"] and reply.channel == "web"
    document = Attachment.objects.get()
    assert document.reply == reply and not document.personal_data
    prefix = "drones-count"
    coded = watchdog_client.post(
        url("code", "drones", "essex", reply.pk, "drones.count"),
        {
            f"{prefix}-value": "10",
            f"{prefix}-outcome": "",
            f"{prefix}-exemptions": "",
            f"{prefix}-attachment": str(document.pk),
            f"{prefix}-page": "page 2",
        },
    )
    assert coded.status_code == 302
    changes = Event.objects.filter(kind="correction").order_by("id")
    assert [(e.data["field"], e.data["new"]) for e in changes] == [
        ("value", 10),
        ("source", {"attachment": document.pk, "page": "page 2"}),
    ]
    page = watchdog_client.get(url("request", "drones", "essex")).content.decode()
    no_inline_code(page)
    assert "reply.pdf, page 2" in page and "Partly answered" in page
    bad = watchdog_client.post(
        url("code", "drones", "essex", reply.pk, "drones.count"),
        {f"{prefix}-value": "lots"},
        follow=True,
    )
    assert "is not a whole number" in bad.content.decode()
    assert Event.objects.filter(kind="correction").count() == 2
    download = watchdog_client.get(url("document", "drones", "essex", document.pk))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 reply"


def test_refused_attachment_kind_and_events(watchdog_client, campaign) -> None:
    from custodes.web.foi.models import Attachment, Event

    response = watchdog_client.post(
        url("attach", "drones", "kent"),
        {"document": SimpleUploadedFile("x.html", b"<html>", "text/html")},
        follow=True,
    )
    assert "only CSV, DOCX, EML, PDF, XLSX files are accepted" in response.content.decode()
    assert not Attachment.objects.exists()
    watchdog_client.post(
        url("event", "drones", "kent"),
        {"kind": "extension", "on": "2023-02-01", "note": "PIT", "extra_days": "20"},
    )
    event = Event.objects.get(kind="extension")
    assert event.data == {"extra_days": 20} and event.by == "user:analyst"
    page = watchdog_client.get(url("request", "drones", "kent")).content.decode()
    assert "Public-interest extension" in page
    chase = watchdog_client.post(url("chase", "drones", "dorset"), {"how": "log"})
    assert chase.status_code == 302 and Event.objects.filter(kind="chaser").count() == 1


def test_report_page_and_templates(watchdog_client, campaign) -> None:
    html = watchdog_client.get(url("report", "drones")).content.decode()
    no_inline_code(html)
    assert "Methodology" in html and "Every body asked" in html
    form = watchdog_client.get(url("templates", "drones")).content.decode()
    assert "chaser_body" in form
    saved = watchdog_client.post(
        url("templates", "drones"),
        {
            "request_subject": "FOI {reference}",
            "chaser_subject": "Late {reference}",
            "chaser_body": "Please reply. {letter}",
            "review_subject": "Review {reference}",
            "review_body": "Review please. {reasons}",
        },
    )
    assert saved.status_code == 302
    campaign.refresh_from_db()
    assert campaign.chaser_subject == "Late {reference}"


def test_sending_from_the_web_is_one_throttled_job(
    watchdog_client,
    roster,
    immediate_jobs,
    django_capture_on_commit_callbacks,
    settings,
    monkeypatch,
) -> None:
    from django.core import mail

    from custodes.web.bodies.models import Body
    from custodes.web.foi import sending
    from custodes.web.foi.models import Event
    from custodes.web.foi.services import create_campaign
    from custodes.web.jobs.models import Job

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    monkeypatch.setenv("CUSTODES_FOI_SEND_SECONDS", "7")
    waits: list[float] = []
    monkeypatch.setattr(sending.time, "sleep", waits.append)
    create_campaign("c", request="police-drones-2023", recipients="police-ew", actor="t")
    Body.objects.exclude(code__in=["kent", "essex"]).update(foi_email="")
    page = watchdog_client.get(url("campaign", "c")).content.decode()
    key = re.search(r'name="form_key" value="([^"]+)"', page).group(1)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            watchdog_client.post(url("send", "c"), {"form_key": key})
    job = Job.objects.get()
    assert job.state == "succeeded" and job.result == {"sent": 2, "not_sent": 45}
    assert len(mail.outbox) == 2 and waits == [7.0] * 46
    assert Event.objects.filter(kind="sent").count() == 2
    assert Event.objects.filter(kind="send_failed").count() == 45
    recorded = watchdog_client.post(url("record-sent", "c"), {"on": "2023-01-09", "via": "portal"})
    assert recorded.status_code == 302
    assert Event.objects.filter(kind="sent").count() == 47


def test_evidence_download_needs_a_watchdog(watchdog_client, campaign) -> None:
    from django.test import Client

    path = url("evidence", "drones", "kent")
    assert Client().get(path).status_code == 302
    response = watchdog_client.get(path)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('-evidence.zip"')
    assert b"".join(response.streaming_content)[:2] == b"PK"


def test_request_page_shows_coded_values_and_prefills_the_coding_forms(
    watchdog_client, campaign
) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from custodes.web.foi.models import Request
    from custodes.web.foi.services import record_reply

    kent = Request.objects.get(campaign=campaign, body__code="kent")
    record_reply(
        kent,
        received_at=datetime(2023, 1, 20, tzinfo=ZoneInfo("Europe/London")),
        outcome="partial",
        actor="t",
        answers={
            "drones.by_manufacturer": {"value": [["DJI Mavic 3", 4], ["Parrot Anafi USA", 1]]},
            "drones.policy": {"outcome": "withheld", "exemptions": ["s.31(1)(a)"]},
        },
    )
    html = watchdog_client.get(url("request", "drones", "kent")).content.decode()
    no_inline_code(html)
    assert "<td>DJI Mavic 3=4; Parrot Anafi USA=1</td>" in html  # the coded table
    assert 'value="DJI Mavic 3=4; Parrot Anafi USA=1"' in html  # the coding form
    assert 'value="s.31(1)(a)"' in html and "withheld" in html
    assert "Partly answered" in html


def test_register_import_from_the_request_page_runs_the_estate_job(
    watchdog_client, campaign, immediate_jobs, django_capture_on_commit_callbacks
) -> None:
    from custodes.web.estate.models import Asset, AssetChange
    from custodes.web.foi.models import Attachment

    watchdog_client.post(
        url("reply", "drones", "kent"),
        {
            "received": "2023-02-01",
            "outcome": "answered",
            "document": SimpleUploadedFile(
                "drones.csv", b"Make,Model,Qty,Type\nDJI,Mavic 3,4,drone\n", "text/csv"
            ),
        },
    )
    document = Attachment.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = watchdog_client.post(url("register", "drones", "kent", document.pk))
    assert response.status_code == 302
    asset = Asset.objects.get(body__code="kent")
    assert asset.quantity == 4
    reason = AssetChange.objects.get(asset=asset).reason
    assert reason.startswith("FOI reply, received 01 February 2023 (drones, our ref. FOI-")
    assert document.sha256[:12] in reason


# ---- Errors: the GOV.UK error summary on every form (issue 11) ------------------------------


def test_record_sent_error_shows_the_summary_on_the_dashboard(watchdog_client, roster) -> None:
    from custodes.web.foi.services import create_campaign

    create_campaign("c", request="police-drones-2023", recipients="police-ew", actor="t")
    response = watchdog_client.post(url("record-sent", "c"), {"on": "not a date", "via": "x"})
    page = check_error_page(response, "Enter the date the requests were sent as a date")
    assert "#id_on" in page.summary_links and "id_on-error" in page.described_by
    assert '<details class="details" open>' in response.content.decode()


def test_templates_error_shows_the_summary(watchdog_client, campaign) -> None:
    response = watchdog_client.post(
        url("templates", "drones"),
        {"request_subject": "", "chaser_subject": "x", "chaser_body": "x"},
    )
    page = check_error_page(response, "Enter the request's subject")
    assert "#id_request_subject" in page.summary_links
    assert "id_request_subject-error" in page.described_by


@pytest.mark.parametrize(
    ("view", "data", "message", "control"),
    [
        (
            "event",
            {"kind": "extension", "on": "", "extra_days": "99"},
            "Enter the date it happened",
            "event-on",
        ),
        (
            "event",
            {"kind": "extension", "on": "2023-02-01", "extra_days": "99"},
            "Enter at most 60 further working days",
            "event-extra_days",
        ),
        (
            "reply",
            {"received": "2023-02-01", "outcome": "answered", "exemptions": "banana"},
            "Exemptions cited:",
            "reply-form-exemptions",
        ),
        (
            "reply",
            {"received": "", "outcome": "answered"},
            "Enter the date the reply was received",
            "reply-form-received",
        ),
        ("review", {"reasons": ""}, "Enter why the reply should be reviewed", "review-reasons"),
    ],
)
def test_request_page_forms_show_the_summary(
    watchdog_client, campaign, view, data, message, control
) -> None:
    from custodes.web.foi.models import Event, Reply

    if view == "review":
        watchdog_client.post(
            url("reply", "drones", "kent"), {"received": "2023-02-01", "outcome": "refused"}
        )
    events = Event.objects.count()
    replies = Reply.objects.count()
    response = watchdog_client.post(url(view, "drones", "kent"), data)
    page = check_error_page(response, message)
    assert f"#{control}" in page.summary_links and f"{control}-error" in page.described_by
    assert (Event.objects.count(), Reply.objects.count()) == (events, replies)
    if view == "reply":  # the input is kept
        assert 'value="2023-02-01"' in response.content.decode() or data["received"] == ""


def test_attachment_error_shows_the_summary(watchdog_client, campaign) -> None:
    response = watchdog_client.post(
        url("attach", "drones", "kent"),
        {"document": SimpleUploadedFile("x.html", b"<html>", "text/html")},
    )
    page = check_error_page(response, "only CSV, DOCX, EML, PDF, XLSX files are accepted")
    assert "#doc-document" in page.summary_links and "doc-document-error" in page.described_by
    assert 'class="file-upload file-upload--error"' in response.content.decode()


def test_coding_and_correction_errors_open_their_form_with_the_summary(
    watchdog_client, campaign
) -> None:
    from custodes.web.foi.models import Reply

    for code in ("essex",):
        watchdog_client.post(
            url("reply", "drones", code), {"received": "2023-02-03", "outcome": "partial"}
        )
    reply = Reply.objects.get()
    coded = watchdog_client.post(
        url("code", "drones", "essex", reply.pk, "drones.count"), {"drones-count-value": "lots"}
    )
    page = check_error_page(coded, "is not a whole number")
    html = coded.content.decode()
    assert f'id="code-{reply.pk}-drones.count" open' in html
    # A non-field error links to the form's first control.
    assert page.summary_links == [f"#r{reply.pk}-drones-count-value"]
    corrected = watchdog_client.post(
        url("correct", "drones", "essex", reply.pk), {"field": "outcome", "value": "x"}
    )
    page = check_error_page(corrected, "Enter the reason for the correction")
    assert f"#correct-{reply.pk}-reason" in page.summary_links
    assert f"correct-{reply.pk}-reason-error" in page.described_by
