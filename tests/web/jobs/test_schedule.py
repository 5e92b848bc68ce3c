"""Scheduled work: automatic reminders at the right days (each body once per schedule point),
expired links revoked and logged, orphaned uploads removed."""

from __future__ import annotations

import os
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from typer.testing import CliRunner

from custodes.cli import app
from custodes.web.bodies.models import Body, Contact
from custodes.web.estate.captures import captures_dir, remove_orphaned_captures
from custodes.web.estate.models import AgentToken, CaptureAnalysis
from custodes.web.estate.register_uploads import remove_orphaned_registers, uploads_dir
from custodes.web.estate.scans import issue_agent_token
from custodes.web.estate.tasks import expire_agent_tokens
from custodes.web.jobs.models import Job
from custodes.web.surveys.choices import Action
from custodes.web.surveys.lifecycle import return_for
from custodes.web.surveys.models import Activity, Invitation, Submission
from custodes.web.surveys.sending import expire_invitations, schedule_reminders
from custodes.web.surveys.tokens import InvalidToken, issue_invitation, resolve_token

pytestmark = pytest.mark.django_db(transaction=True)

INVITED = ["kent", "essex", "surrey", "sussex"]


@pytest.fixture
def invited_round(immediate_jobs, survey_round):
    """The test round (closing in 7 days) with four bodies invited now, each with a contact;
    Surrey has submitted."""
    for code in INVITED:
        body = Body.objects.get(code=code)
        Contact.objects.create(body=body, email=f"sro@{code}.example.org")
        issue_invitation(survey_round, body, actor="test")
    Submission.objects.create(
        return_record=return_for(survey_round, Body.objects.get(code="surrey")),
        submitted_at=timezone.now(),
        answers={},
        recorded_by="test",
    )
    return survey_round


def _reminded() -> list[str]:
    return sorted(m.to[0].split("@")[1].split(".")[0] for m in mail.outbox)


def test_reminders_go_out_once_at_the_point_set(invited_round, watchdog_client):
    page = watchdog_client.post(
        f"/rounds/{invited_round.name}/reminders/", {"reminder_days_before_close": "3"}
    )
    assert page.status_code == 302
    invited_round.refresh_from_db()
    point = invited_round.closes_at - timedelta(days=3)
    # Sussex got a fresh link after the point: it has just been invited, not reminded.
    Invitation.objects.filter(body__code="sussex").update(created_at=point + timedelta(hours=1))

    assert schedule_reminders(point - timedelta(minutes=1)) == []
    (job,) = schedule_reminders(point + timedelta(hours=2))
    job.refresh_from_db()
    assert job.state == "succeeded" and job.result["sent"] == 2
    assert job.result["not_sent"] == []
    assert job.started_by == "system:schedule" and job.arguments["reminder"] is True
    assert _reminded() == ["essex", "kent"]
    assert schedule_reminders(point + timedelta(hours=3)) == []  # once per schedule point
    assert schedule_reminders(invited_round.closes_at + timedelta(minutes=1)) == []  # closed
    assert len(mail.outbox) == 2

    html = watchdog_client.get(f"/rounds/{invited_round.name}/").content.decode()
    assert "Sending emails</strong>" in html and "2 of 2 reminders sent" in html
    assert 'value="3"' in html

    # A new schedule point (closing moved, or days changed) reminds again, once; Sussex was
    # invited before this one.
    watchdog_client.post(
        f"/rounds/{invited_round.name}/reminders/", {"reminder_days_before_close": "1"}
    )
    later = invited_round.closes_at - timedelta(days=1)
    (again,) = schedule_reminders(later + timedelta(minutes=5))
    assert again.pk != job.pk
    assert _reminded() == ["essex", "essex", "kent", "kent", "sussex"]
    assert schedule_reminders(later + timedelta(minutes=20)) == []


def test_reminder_days_are_checked_and_can_be_cleared(invited_round, watchdog_client):
    url = f"/rounds/{invited_round.name}/reminders/"
    page = watchdog_client.post(url, {"reminder_days_before_close": "0"})
    assert page.status_code == 400
    assert "Enter a number of days from 1 to 365" in page.content.decode()
    watchdog_client.post(url, {"reminder_days_before_close": "5"})
    watchdog_client.post(url, {"reminder_days_before_close": ""})
    invited_round.refresh_from_db()
    assert invited_round.reminder_days_before_close is None
    messages = list(
        Activity.objects.filter(action=Action.ROUND_UPDATED).values_list("message", flat=True)
    )
    assert messages == [
        "Automatic reminder turned off",
        "Automatic reminder 5 day(s) before closing",
    ]
    assert schedule_reminders(invited_round.closes_at - timedelta(hours=1)) == []


def test_round_create_takes_the_reminder_days(roster):
    result = CliRunner().invoke(
        app,
        [
            "round",
            "create",
            "r-remind",
            "--questionnaire",
            "police-estate-2022",
            "--recipients",
            "police-ew",
            "--closes",
            "2099-01-31",
            "--remind-days",
            "7",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Automatic reminder 7 day(s) before closing." in result.output
    from custodes.web.surveys.models import Round

    assert Round.objects.get(name="r-remind").reminder_days_before_close == 7


def test_expired_links_are_revoked_and_logged_once(survey_round):
    kent = Body.objects.get(code="kent")
    invitation, token = issue_invitation(survey_round, kent, actor="test", ttl=timedelta(0))
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )
    fresh, _ = issue_invitation(survey_round, Body.objects.get(code="essex"), actor="test")
    agent, _ = issue_agent_token(kent, label="site A", actor="test")
    AgentToken.objects.filter(pk=agent.pk).update(expires_at=timezone.now() - timedelta(days=1))

    assert expire_invitations() == 1 and expire_invitations() == 0
    assert expire_agent_tokens() == 1 and expire_agent_tokens() == 0
    invitation.refresh_from_db()
    fresh.refresh_from_db()
    agent.refresh_from_db()
    assert invitation.revoked_at is not None and fresh.revoked_at is None
    assert agent.revoked_by == "system:expiry"
    with pytest.raises(InvalidToken, match="This link has expired"):
        resolve_token(token)
    logged = Activity.objects.filter(action=Action.LINK_EXPIRED).order_by("id")
    assert [(a.actor, a.body.code) for a in logged] == [
        ("system:expiry", "kent"),
        ("system:expiry", "kent"),
    ]
    assert "Agent token" in logged[1].message and logged[0].round == survey_round


def test_orphaned_uploads_are_removed_after_an_hour(roster, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KEEP_CAPTURES = False
    hour_ago = time.time() - 3700

    def old(path):
        path.write_bytes(b"x")
        os.utime(path, (hour_ago, hour_ago))
        return path

    partial = old(captures_dir() / "cut-off-mid-upload.pcap")  # no analysis: kill -9 mid-upload
    waiting = old(captures_dir() / "waiting.pcap")
    CaptureAnalysis.objects.create(
        body=Body.objects.get(code="kent"),
        uploaded_by="t",
        file_name="w.pcap",
        stored_path=waiting.name,
    )
    finished = old(captures_dir() / "finished.pcap")
    CaptureAnalysis.objects.create(
        body=Body.objects.get(code="kent"),
        uploaded_by="t",
        file_name="f.pcap",
        stored_path=finished.name,
        status=CaptureAnalysis.Status.DONE,
    )
    recent = captures_dir() / "still-uploading.pcap"
    recent.write_bytes(b"x")
    register_orphan = old(uploads_dir() / "gone.csv")
    register_waiting = old(uploads_dir() / "queued.csv")
    Job.objects.create(
        kind="register.import", arguments={"file": register_waiting.name}, started_by="t"
    )

    removed = remove_orphaned_captures(timedelta(hours=1))
    assert sorted(p.name for p in removed) == ["cut-off-mid-upload.pcap", "finished.pcap"]
    assert waiting.exists() and recent.exists() and not partial.exists()
    assert remove_orphaned_registers(timedelta(hours=1)) == [register_orphan]
    assert register_waiting.exists()


def test_a_body_that_responds_before_its_reminder_is_not_reminded(invited_round):
    from custodes.web.jobs.tasks import run_job
    from custodes.web.surveys.sending import start_sending

    kent, essex = Body.objects.get(code="kent"), Body.objects.get(code="essex")
    job = Job.objects.get(
        pk=start_sending(invited_round, [kent, essex], reminder=True, actor="t").pk
    )
    assert job.state == "succeeded" and len(mail.outbox) == 2  # ran at once: both reminded
    mail.outbox.clear()
    Submission.objects.create(
        return_record=return_for(invited_round, essex),
        submitted_at=timezone.now(),
        answers={},
        recorded_by="test",
    )
    Job.objects.filter(pk=job.pk).update(state="queued", checkpoint={})  # as if not yet run
    run_job.call_local(job.pk)
    job.refresh_from_db()
    assert _reminded() == ["kent"]
    assert job.result["not_sent"] == [
        {"body": "Essex Police", "error": "responded before the reminder went"}
    ]
