"""The job machinery on Huey's immediate mode: durable rows queued on commit, idempotency keys,
retries with back-off, permanent failures, attempts limit, recovery of orphaned jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from flaky_mail import FlakyBackend

from custodes.web.bodies.models import Body, Contact
from custodes.web.estate.models import CaptureAnalysis
from custodes.web.jobs.models import Job
from custodes.web.jobs.runner import RETRY_DELAY_SECONDS
from custodes.web.jobs.services import start_job
from custodes.web.jobs.tasks import recover_jobs, release_interrupted, run_job
from custodes.web.surveys.choices import Action
from custodes.web.surveys.models import Activity
from custodes.web.surveys.sending import start_sending

pytestmark = pytest.mark.django_db(transaction=True)

CODES = ["kent", "essex", "surrey"]


@pytest.fixture
def contacts(roster):
    bodies = [Body.objects.get(code=code) for code in CODES]
    for body in bodies:
        Contact.objects.create(body=body, email=f"sro@{body.code}.example.org")
    return bodies


@pytest.fixture
def flaky_mail(settings):
    settings.EMAIL_BACKEND = "flaky_mail.FlakyBackend"
    FlakyBackend.refused = 0
    yield FlakyBackend
    FlakyBackend.FAILURES = 0


def test_a_job_is_queued_only_when_its_transaction_commits(immediate_jobs, survey_round, contacts):
    with transaction.atomic():
        job = start_sending(survey_round, contacts, reminder=False, actor="test")
        assert Job.objects.get().state == "queued" and mail.outbox == []
    job.refresh_from_db()
    assert (job.state, job.attempts, job.progress_done, job.progress_total) == (
        "succeeded",
        1,
        3,
        3,
    )
    assert job.result == {"sent": 3, "not_sent": [], "reminder": False}
    assert job.subject == survey_round and job.started_by == "test"
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"sro@{c}.example.org" for c in CODES)

    with pytest.raises(RuntimeError), transaction.atomic():
        start_sending(survey_round, contacts, reminder=True, actor="test")
        raise RuntimeError("the action failed")
    assert Job.objects.count() == 1 and len(mail.outbox) == 3  # rolled back: never queued


def test_an_idempotency_key_starts_one_job(immediate_jobs, survey_round, contacts):
    first = start_sending(survey_round, contacts, reminder=False, actor="a", idempotency_key="k")
    again = start_sending(survey_round, contacts, reminder=False, actor="b", idempotency_key="k")
    assert again.pk == first.pk and Job.objects.count() == 1 and len(mail.outbox) == 3


def test_a_duplicate_delivery_does_nothing(immediate_jobs, survey_round, contacts):
    job = start_sending(survey_round, contacts, reminder=False, actor="test")
    run_job.call_local(job.pk)  # the same job delivered again (e.g. re-queued by the sweep)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 1) and len(mail.outbox) == 3


def test_a_transient_failure_is_retried_with_backoff_and_sends_nothing_twice(
    immediate_jobs, survey_round, contacts, flaky_mail
):
    flaky_mail.FAILURES = 1  # the mail server refuses the first message only
    before = timezone.now()
    job = start_sending(survey_round, contacts, reminder=False, actor="test")
    job.refresh_from_db()
    assert job.state == "queued" and job.attempts == 1
    assert "1 invitation(s) not sent, to be tried again: Kent Police" in job.error
    assert job.checkpoint["outcome"] == {str(contacts[1].pk): "sent", str(contacts[2].pk): "sent"}
    (retry,) = immediate_jobs.scheduled()  # Huey holds the retry until its time comes
    assert retry.retries == 2
    first_delay = (retry.eta - before.replace(tzinfo=None)).total_seconds()
    assert RETRY_DELAY_SECONDS <= first_delay < RETRY_DELAY_SECONDS + 5
    assert retry.retry_delay == RETRY_DELAY_SECONDS * 2  # the next wait doubles

    flaky_mail.FAILURES = 2  # down again for the retry
    immediate_jobs.storage.flush_schedule()
    immediate_jobs.execute(retry, timestamp=retry.eta)  # its time has come
    job.refresh_from_db()
    assert job.state == "queued" and job.attempts == 2
    (second,) = immediate_jobs.scheduled()
    assert second.retry_delay == RETRY_DELAY_SECONDS * 4

    immediate_jobs.storage.flush_schedule()
    immediate_jobs.execute(second, timestamp=second.eta)
    job.refresh_from_db()
    assert (job.state, job.attempts, job.progress_done) == ("succeeded", 3, 3)
    delivered = sorted(m.to[0] for m in mail.outbox)
    assert delivered == sorted(f"sro@{c}.example.org" for c in CODES)  # each exactly once
    failures = Activity.objects.filter(action=Action.EMAIL_FAILED, body=contacts[0]).count()
    assert failures == 2


def test_a_job_fails_for_good_after_its_last_attempt(
    immediate_jobs, survey_round, contacts, flaky_mail
):
    flaky_mail.FAILURES = 100
    job = start_job(
        "invitations.send",
        {"round": survey_round.pk, "bodies": [contacts[0].pk], "reminder": False, "actor": "t"},
        actor="t",
        max_attempts=2,
    )
    (retry,) = immediate_jobs.scheduled()
    immediate_jobs.storage.flush_schedule()
    immediate_jobs.execute(retry, timestamp=retry.eta)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 2)
    assert job.error.startswith("Failed 2 times; last error: EmailsNotSent: 1 invitation(s)")
    assert immediate_jobs.scheduled() == []  # no third attempt


def test_bad_input_fails_at_once_and_marks_its_object(immediate_jobs, roster, tmp_path, settings):
    settings.DATA_DIR = tmp_path
    analysis = CaptureAnalysis.objects.create(
        body=Body.objects.get(code="kent"),
        uploaded_by="t",
        file_name="x.pcap",
        size=1,
        stored_path="x.pcap",
    )
    job = start_job("capture.analyse", {"analysis": analysis.pk + 1000}, actor="t")
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 1)
    assert job.error == f"capture analysis {analysis.pk + 1000} no longer exists"
    assert immediate_jobs.scheduled() == []


def test_unknown_kinds_are_refused_before_anything_is_written(db):
    from custodes.web.jobs.registry import UnknownJobKind

    with pytest.raises(UnknownJobKind, match="no handler for job kind 'nope'"):
        start_job("nope", {}, actor="t")
    assert not Job.objects.exists()


def test_recovery_requeues_orphaned_jobs_only(immediate_jobs, survey_round, contacts, settings):
    settings.JOB_HEARTBEAT_SECONDS = 1  # stale after 6 s
    now = timezone.now()

    def job(state: str, heartbeat_age: float, queued_age: float = 0) -> Job:
        return Job.objects.create(
            kind="invitations.send",
            arguments={"round": survey_round.pk, "bodies": [], "reminder": False, "actor": "t"},
            state=state,
            attempts=1 if state == "running" else 0,
            heartbeat_at=now - timedelta(seconds=heartbeat_age),
            queued_at=now - timedelta(seconds=queued_age),
            started_by="t",
        )

    dead = job("running", heartbeat_age=60)
    alive = job("running", heartbeat_age=2)
    lost = job("queued", heartbeat_age=0, queued_age=3600)
    waiting = job("queued", heartbeat_age=0, queued_age=10)
    assert recover_jobs() == 2
    for row in (dead, alive, lost, waiting):
        row.refresh_from_db()
    assert (dead.state, dead.attempts) == ("succeeded", 2)
    assert (lost.state, lost.attempts) == ("succeeded", 1)
    assert alive.state == "running" and waiting.state == "queued"
    assert recover_jobs(everything_waiting=True) == 1  # at a worker's start-up
    waiting.refresh_from_db()
    assert waiting.state == "succeeded"


def test_a_job_cut_off_by_a_stopping_worker_is_given_back(survey_round):
    job = Job.objects.create(
        kind="invitations.send", arguments={}, state="running", attempts=1, started_by="t"
    )
    release_interrupted("interrupted", run_job.s(job.pk))
    job.refresh_from_db()
    assert job.state == "queued" and job.error == "The worker was stopped."


def test_attempts_are_bounded_even_when_the_worker_keeps_dying(immediate_jobs, survey_round):
    job = Job.objects.create(
        kind="invitations.send",
        arguments={},
        attempts=4,
        max_attempts=4,
        started_by="t",
        error="The worker stopped during the job.",
    )
    run_job.call_local(job.pk)
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("failed", 5)
    assert job.error == "Gave up after 4 attempts: The worker stopped during the job."
