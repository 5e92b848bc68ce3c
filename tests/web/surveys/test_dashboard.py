"""The watchdog's dashboard: status, sending, links, reopening and corrections in the web UI."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from custodes.web.bodies.models import Body, Contact
from custodes.web.surveys.lifecycle import current_answers, return_for, submit_return
from custodes.web.surveys.models import Correction, Invitation
from custodes.web.surveys.tokens import resolve_token

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(past_round):
    record = return_for(past_round, Body.objects.get(code="kent"))
    submit_return(
        record,
        {"bwv.operates": "yes", "bwv.concerns": "yes"},
        actor="t",
        submitted_at=datetime(2022, 8, 1, tzinfo=UTC),
        final=False,
    )
    return record


def test_pages_need_a_watchdog_account(client, past_round):
    for url in ["/rounds/", "/rounds/round-2022/", "/rounds/round-2022/bodies/kent/"]:
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    get_user_model().objects.create_user("someone", password="x" * 16)
    client.login(username="someone", password="x" * 16)
    assert client.get("/rounds/").status_code == 302


def test_round_page_shows_status_outstanding_and_findings(watchdog_client, submitted):
    page = watchdog_client.get("/rounds/round-2022/").content.decode()
    assert re.search(r'data-body="kent">.*?Submitted', page, re.S)
    assert "Outstanding (46)" in page
    assert 'data-finding="bwv-concerns"' in page and "at least 1 of 1 respondent" in page


def test_correction_in_the_web_ui_keeps_the_original(watchdog_client, submitted):
    response = watchdog_client.post(
        "/rounds/round-2022/bodies/kent/correct/",
        {"question_id": "bwv.concerns", "value": "no", "reason": "Follow-up enquiry"},
    )
    assert response.status_code == 302
    correction = Correction.objects.get()
    assert (correction.old_value, correction.new_value, correction.corrected_by) == (
        "yes",
        "no",
        "user:analyst",
    )
    assert current_answers(submitted)["bwv.concerns"] == "no"
    page = watchdog_client.get("/rounds/round-2022/bodies/kent/").content.decode()
    assert "Follow-up enquiry" in page


def test_correction_errors_are_shown_not_saved(watchdog_client, submitted):
    response = watchdog_client.post(
        "/rounds/round-2022/bodies/kent/correct/",
        {"question_id": "bwv.concerns", "value": "perhaps", "reason": "x"},
    )
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert not Correction.objects.exists()


def test_reopen_issue_and_revoke_links(watchdog_client, submitted):
    watchdog_client.post("/rounds/round-2022/bodies/kent/reopen/", {"reason": "add counts"})
    submitted.refresh_from_db()
    assert not submitted.locked
    page = watchdog_client.post(
        "/rounds/round-2022/bodies/kent/link/", {"confirm": "yes"}, follow=True
    ).content.decode()
    link = re.search(r"http://testserver/r/([A-Za-z0-9_\-]+)/", page)
    assert link and resolve_token(link.group(1)).body.code == "kent"
    watchdog_client.post("/rounds/round-2022/bodies/kent/revoke/", {"confirm": "yes"})
    assert not Invitation.objects.filter(revoked_at__isnull=True).exists()


def test_send_invitations_and_edit_email_text(
    watchdog_client, past_round, immediate_jobs, django_capture_on_commit_callbacks
):
    Contact.objects.create(body=Body.objects.get(code="kent"), email="sro@kent.example.org")
    response = watchdog_client.post(
        "/rounds/round-2022/emails/",
        {
            "invitation_subject": "Survey for {body_name}",
            "invitation_body": "Please answer: {link}",
            "reminder_subject": "Reminder",
            "reminder_body": "No link here",
        },
    )
    assert response.status_code == 200 and "must contain {link}" in response.content.decode()
    watchdog_client.post(
        "/rounds/round-2022/emails/",
        {
            "invitation_subject": "Survey for {body_name}",
            "invitation_body": "Please answer: {link}",
            "reminder_subject": "Reminder",
            "reminder_body": "Still waiting: {link}",
        },
    )
    with django_capture_on_commit_callbacks(execute=True):
        watchdog_client.post(
            "/rounds/round-2022/send/",
            {"kind": "invitation", "deadline": "2099-03-31"},
        )
    assert [m.subject for m in mail.outbox] == ["Survey for Kent Police"]
    assert "/r/" in mail.outbox[0].body
    # Only bodies with a contact address are sent a link; the page says why the others are not.
    assert Invitation.objects.filter(revoked_at__isnull=True).count() == 1
