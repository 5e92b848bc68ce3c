"""Jobs started from the web: sending from the round page (one job per submitted form, its
progress on the page), and report files built in the background and downloaded."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from custodes.web.bodies.models import Body, Contact
from custodes.web.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_a_form_sent_twice_sends_once(
    watchdog_client, survey_round, immediate_jobs, django_capture_on_commit_callbacks
):
    Contact.objects.create(body=Body.objects.get(code="kent"), email="sro@kent.example.org")
    url = f"/rounds/{survey_round.name}/send/"
    with django_capture_on_commit_callbacks(execute=True):
        watchdog_client.post(url, {"kind": "invitation"})
    invited = Job.objects.get()
    assert invited.state == "succeeded" and invited.started_by == "user:analyst"
    assert len(mail.outbox) == 1  # Kent; the 46 bodies without a contact are not in the job
    assert invited.result["not_sent"] == []
    page = watchdog_client.get(f"/rounds/{survey_round.name}/")
    html = page.content.decode()
    assert "1 of 1 invitations sent" in html and "Refresh" not in page
    assert "Not sent to 46 outstanding bodies, no contact email address" in html
    assert 'http-equiv="refresh"' not in html and "custodes-progress" not in html

    key = html.split('name="form_key" value="')[1].split('"')[0]
    for _ in range(2):  # the reminder form submitted twice
        with django_capture_on_commit_callbacks(execute=True):
            response = watchdog_client.post(url, {"kind": "reminder", "form_key": key})
    reminded = Job.objects.exclude(pk=invited.pk).get()
    assert response["Location"] == f"/rounds/{survey_round.name}/#job-{reminded.pk}"
    assert reminded.arguments["reminder"] is True and len(mail.outbox) == 2


def test_the_round_page_refreshes_while_sending(watchdog_client, survey_round):
    Job.objects.create(
        kind="invitations.send",
        state="running",
        progress_done=3,
        progress_total=10,
        progress_message="3 of 10 reminders sent",
        started_by="user:analyst",
        subject=survey_round,
    )
    page = watchdog_client.get(f"/rounds/{survey_round.name}/")
    html = page.content.decode()
    # Progress is updated in place by progress.js, never by a timed reload (WCAG 2.2.1).
    assert "Refresh" not in page and 'http-equiv="refresh"' not in html
    assert '<meta name="custodes-progress" content="2">' in html and "progress.js" in html
    assert 'role="status" data-progress' in html and "Check progress" in html
    assert "3 of 10 reminders sent (30%)" in html and '<progress max="100" value="30">' in html


def test_report_files_are_built_in_the_background(
    watchdog_client,
    past_round,
    immediate_jobs,
    django_capture_on_commit_callbacks,
    settings,
    tmp_path,
):
    settings.DATA_DIR = tmp_path
    page = watchdog_client.get(f"/reports/{past_round.name}/").content.decode()
    assert "Build report files" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = watchdog_client.post(
            f"/reports/{past_round.name}/build/", {"as_of": "2022-09-30"}
        )
    job = Job.objects.get()
    assert response["Location"] == f"/reports/{past_round.name}/?as_of=2022-09-30#job-{job.pk}"
    assert job.state == "succeeded" and job.kind == "report.build"
    assert job.result["files"] == [
        "index.html",
        "findings.csv",
        "findings.json",
        "responses.csv",
        "report.pdf",
    ]
    html = watchdog_client.get(f"/reports/{past_round.name}/").content.decode()
    url = f"/reports/{past_round.name}/builds/{job.pk}/findings.json"
    assert f'href="{url}"' in html
    download = watchdog_client.get(url)
    assert download["Content-Disposition"].endswith(f'filename="{past_round.name}-findings.json"')
    assert json.loads(b"".join(download.streaming_content))["as_of"].startswith("2022-09-30")
    assert watchdog_client.get(url.replace("findings.json", "secret_key")).status_code == 404
    assert (
        watchdog_client.post(f"/reports/{past_round.name}/build/", {"as_of": "x"}).status_code
        == 400
    )

    with django_capture_on_commit_callbacks(execute=True):
        watchdog_client.post(f"/reports/{past_round.name}/build/", {"as_of": ""})
    latest = Job.objects.first()
    assert [p.name for p in (tmp_path / "reports" / past_round.name).iterdir()] == [str(latest.pk)]
    assert watchdog_client.get(url).status_code == 404  # the earlier build's files are gone


def test_only_the_watchdog_builds_reports(past_round):
    user = get_user_model().objects.create_user("clerk", password="x" * 16)
    client = Client()
    client.force_login(user)
    assert client.post(f"/reports/{past_round.name}/build/").status_code == 403
    assert Client().post(f"/reports/{past_round.name}/build/").status_code == 302  # to log in
    assert not Job.objects.exists()
