"""Jobs on real workers: ``custodes worker`` subprocesses on the embedded SQLite queue and on
Redis; a worker killed with SIGKILL mid-job, and the next one finishing the job once; the web
server's embedded worker."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import dpkt
import pytest
from django.db import transaction
from django.urls import reverse
from job_workers import HEARTBEAT_SECONDS, stop, wait_for

from custodes.web.bodies.models import Body, Contact
from custodes.web.estate.models import CaptureAnalysis
from custodes.web.estate.services import import_register
from custodes.web.jobs.models import Job
from custodes.web.surveys.choices import Action
from custodes.web.surveys.models import Activity
from custodes.web.surveys.sending import start_sending
from egress.builders import client_hello, dns_answer, dns_query, tcp, udp, write_pcap

CAMERA = "192.168.1.64"
CLOUD = "47.91.88.171"
CODES = ["kent", "essex", "surrey", "sussex", "norfolk", "suffolk"]
MAIL_DELAY_SECONDS = 0.6


TEST_PORTS = range(18300, 18400)


@pytest.fixture
def unused_port() -> int:
    """A free loopback port for a test server."""
    for port in TEST_PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    pytest.skip(f"no free port in {TEST_PORTS.start}-{TEST_PORTS.stop - 1}")


def _capture(path: Path) -> Path:
    name = "litedev.hik-connect.com"
    return write_pcap(
        path,
        [
            (1_700_000_000.0, udp(CAMERA, 40000, "192.168.1.1", 53, dns_query(name))),
            (1_700_000_000.1, udp("192.168.1.1", 53, CAMERA, 40000, dns_answer(name, [CLOUD]))),
            (1_700_000_001.0, tcp(CAMERA, 50000, CLOUD, 443, flags=dpkt.tcp.TH_SYN)),
            (1_700_000_001.2, tcp(CAMERA, 50000, CLOUD, 443, client_hello(name), seq=1)),
        ],
    )


def test_a_worker_analyses_an_uploaded_capture(queue, watchdog_client, roster, tmp_path):
    kent = Body.objects.get(code="kent")
    register = tmp_path / "kent.csv"
    register.write_text(
        f"Asset ID,Site,Type,Make,Model,IP address\nK1,Dover,bullet,Hikvision,X,{CAMERA}\n"
    )
    import_register(kent, register, actor="test")
    worker = queue.start_worker()
    with _capture(tmp_path / "site.pcap").open("rb") as handle:
        response = watchdog_client.post(
            reverse("estate:body-capture-upload", args=["kent"]), {"capture": handle}
        )
    assert response.status_code == 302
    analysis = CaptureAnalysis.objects.get()
    job = Job.objects.get()

    def finished():
        job.refresh_from_db()
        return job.finished

    wait_for(finished, "the capture analysis", queue)
    analysis.refresh_from_db()
    assert analysis.status == "done", analysis.error
    (device,) = analysis.result
    assert device["name"] == "K1 (Dover)"
    assert [s["service"] for s in device["vendor_services"]] == ["Hik-Connect"]
    assert (job.state, job.attempts, job.kind) == ("succeeded", 1, "capture.analyse")
    assert job.progress_done == job.progress_total == analysis.size
    assert list((queue.data_dir / "captures").iterdir()) == []
    page = watchdog_client.get(response["Location"]).content.decode()
    assert "Hik-Connect" in page
    assert stop(worker) == 0  # SIGINT: a graceful stop
    logs = " ".join(queue.logs().split())  # unwrapped
    where = "SQLite file" if not queue.url else "Redis 127.0.0.1:6379 db 5"
    assert f"Custodes worker — queue: {where}" in logs
    assert (
        "Jobs: Capture analysis, Sending FOI requests, Sending emails, Register import, "
        "Report files" in logs
    )
    for task in (
        "sweep_jobs",
        "send_due_reminders",
        "sweep_expired_links",
        "sweep_orphaned_uploads",
        "sweep_expired_agent_tokens",
    ):
        assert task in logs


def test_a_job_survives_sigkill_of_its_worker_and_finishes_once(queue, survey_round, tmp_path):
    bodies = [Body.objects.get(code=code) for code in CODES]
    for body in bodies:
        Contact.objects.create(body=body, email=f"sro@{body.code}.example.org")
    mail_log = tmp_path / "delivered.txt"
    mail_env = {
        "CUSTODES_EMAIL_BACKEND": "flaky_mail.SlowFileBackend",
        "CUSTODES_TEST_MAIL_DELAY": str(MAIL_DELAY_SECONDS),
        "CUSTODES_TEST_MAIL_LOG": str(mail_log),
    }
    with transaction.atomic():
        job = start_sending(survey_round, bodies, reminder=False, actor="test")
    first = queue.start_worker(**mail_env)

    def two_sent():
        job.refresh_from_db()
        return job.progress_done >= 2

    wait_for(two_sent, "two emails sent", queue)
    # Just after a body was recorded as sent: the worker is inside the next (slow) delivery.
    first.send_signal(signal.SIGKILL)
    first.wait()
    job.refresh_from_db()
    assert job.state == "running" and job.attempts == 1
    delivered_before = mail_log.read_text().split()
    assert 2 <= len(delivered_before) < len(CODES)

    time.sleep(HEARTBEAT_SECONDS * 6 + 0.5)  # its heartbeat is stale now
    second = queue.start_worker(**mail_env)

    def finished():
        job.refresh_from_db()
        return job.finished

    wait_for(finished, "the job finished by the second worker", queue)
    assert (job.state, job.attempts) == ("succeeded", 2), job.error
    assert job.result["sent"] == len(CODES)
    delivered = mail_log.read_text().split()
    assert sorted(delivered) == sorted(f"sro@{code}.example.org" for code in CODES)  # once each
    sent = Activity.objects.filter(action=Action.EMAIL_INVITATION)
    assert sorted(sent.values_list("body__code", flat=True)) == sorted(CODES)
    assert stop(second) == 0


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_a_live_worker_keeps_its_job_with_heartbeats(queue, survey_round, tmp_path):
    """Each email takes longer than a heartbeat's staleness: only the heartbeat shows that
    the worker is alive, and the sweep (run here as often as it likes) leaves the job alone."""
    from custodes.web.jobs.tasks import recover_jobs

    bodies = [Body.objects.get(code=code) for code in CODES[:2]]
    for body in bodies:
        Contact.objects.create(body=body, email=f"sro@{body.code}.example.org")
    mail_log = tmp_path / "delivered.txt"
    worker = queue.start_worker(
        CUSTODES_EMAIL_BACKEND="flaky_mail.SlowFileBackend",
        CUSTODES_TEST_MAIL_DELAY=str(HEARTBEAT_SECONDS * 6 + 1.5),
        CUSTODES_TEST_MAIL_LOG=str(mail_log),
    )
    with transaction.atomic():
        job = start_sending(survey_round, bodies, reminder=False, actor="test")

    def finished_while_swept():
        assert recover_jobs() == 0
        job.refresh_from_db()
        return job.finished

    wait_for(finished_while_swept, "the slow job", queue)
    assert (job.state, job.attempts) == ("succeeded", 1)
    assert sorted(mail_log.read_text().split()) == ["sro@essex.example.org", "sro@kent.example.org"]
    assert stop(worker) == 0


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_the_web_server_runs_its_own_worker(queue, survey_round, monkeypatch, settings):
    from custodes.web.jobs.worker import background_worker

    body = Body.objects.get(code="kent")
    Contact.objects.create(body=body, email="sro@kent.example.org")
    for name, value in queue.env().items():
        monkeypatch.setenv(name, value)
    settings.HUEY = {**settings.HUEY, "consumer": {"shutdown_timeout": 5}}
    with background_worker(True) as child:
        with transaction.atomic():
            job = start_sending(survey_round, [body], reminder=False, actor="test")

        def finished():
            job.refresh_from_db()
            return job.finished

        wait_for(finished, "the job run by the embedded worker")
        assert child.poll() is None
    assert child.returncode == 0  # stopped with the server, gracefully
    assert job.state == "succeeded" and job.result["sent"] == 1


def _children_of(pid: int) -> list[int]:
    """Processes started with ``--parent PID`` (the server's embedded worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                argv = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"worker" in argv and b"--parent" in argv and str(pid).encode() in argv:
                found.append(int(entry.name))
    return found


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_custodes_serve_starts_and_stops_its_worker(queue, survey_round, unused_port):
    body = Body.objects.get(code="kent")
    Contact.objects.create(body=body, email="sro@kent.example.org")
    log = (queue.data_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "custodes", "serve", "--port", str(unused_port)],
        env=queue.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        (child,) = wait_for(lambda: _children_of(server.pid), "the embedded worker", queue)
        with transaction.atomic():
            job = start_sending(survey_round, [body], reminder=False, actor="test")

        def finished():
            job.refresh_from_db()
            return job.finished

        wait_for(finished, "the job run by the server's worker", queue)
        assert job.state == "succeeded"
    finally:
        stop(server)
    assert wait_for(lambda: not Path(f"/proc/{child}").exists(), "the worker stopping")


@pytest.mark.parametrize("queue", ["sqlite"], indirect=True)
def test_an_upload_cut_off_by_kill_9_leaves_a_file_the_sweep_removes(
    queue, survey_round, unused_port
):
    from custodes.web.estate.captures import remove_orphaned_captures
    from custodes.web.surveys.tokens import issue_invitation

    _, token = issue_invitation(survey_round, Body.objects.get(code="kent"), actor="test")
    log = (queue.data_dir / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "custodes", "serve", "--no-worker", "--port", str(unused_port)],
        env=queue.env(),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: killed whole below
    )
    try:

        def cookies(path: str, sent: str = "") -> dict[str, str] | None:
            connection = http.client.HTTPConnection("127.0.0.1", unused_port, timeout=5)
            try:
                connection.request("GET", path, headers={"Cookie": sent} if sent else {})
                headers = connection.getresponse().headers.get_all("Set-Cookie") or []
            except OSError:
                return None
            finally:
                connection.close()
            return dict(c.split(";")[0].split("=", 1) for c in headers)

        session = wait_for(lambda: cookies(f"/r/{token}/"), "the server answering", queue)
        session_cookie = f"sessionid={session['sessionid']}"
        csrf = cookies("/estate/my-register/", session_cookie)["csrftoken"]
        cookie = f"{session_cookie}; csrftoken={csrf}"
        boundary = "custodesboundary"
        opening = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="capture"; '
            f'filename="big.pcap"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        declared = 50 * 1024 * 1024
        upload = socket.create_connection(("127.0.0.1", unused_port), timeout=5)
        upload.sendall(
            (
                f"POST /estate/my-register/captures/ HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {cookie}\r\nContent-Length: {declared}\r\n"
                f"Content-Type: multipart/form-data; boundary={boundary}\r\n\r\n"
            ).encode()
            + opening
        )
        for _ in range(16):
            upload.sendall(b"\0" * 65536)  # 1 MiB of the 50 declared
        captures = queue.data_dir / "captures"

        def partial_file():
            files = list(captures.iterdir()) if captures.exists() else []
            return files if files and files[0].stat().st_size >= 512 * 1024 else None

        (partial,) = wait_for(partial_file, "the upload reaching the disk", queue)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        upload.close()
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert partial.exists() and not CaptureAnalysis.objects.exists()
    assert remove_orphaned_captures(timedelta(hours=1)) == []  # maybe still uploading
    hours_ago = time.time() - 2 * 3600
    os.utime(partial, (hours_ago, hours_ago))
    assert remove_orphaned_captures(timedelta(hours=1)) == [partial]
    assert not partial.exists()
