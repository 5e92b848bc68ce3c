"""Capture uploads: streamed to disk, analysed by a background job, shown beside the register;
a respondent reaches only its own body's captures. Jobs run at once here (Huey's immediate
mode); tests/web/jobs runs them on a real worker."""

from __future__ import annotations

import csv
import json
import time
from pathlib import Path

import dpkt
import pytest
import typer
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from typer.testing import CliRunner

from custodes.cli import estate as estate_cli
from custodes.web.bodies.models import Body
from custodes.web.estate.captures import analyse_capture, captures_dir, register_directory
from custodes.web.estate.models import CaptureAnalysis
from custodes.web.estate.services import import_register
from custodes.web.surveys.tokens import issue_invitation
from egress.builders import client_hello, dns_answer, dns_query, tcp, udp, write_pcap

pytestmark = pytest.mark.django_db(transaction=True)

CAMERA = "192.168.1.64"
RESOLVER = "192.168.1.1"
CLOUD = "47.91.88.171"
WAIT_SECONDS = 90  # generous: CI machines run two test workers on two cores


@pytest.fixture(autouse=True)
def _data_dir(settings, tmp_path, immediate_jobs):
    """Captures go to a fresh data directory, deleted with the test; jobs run at once."""
    settings.DATA_DIR = tmp_path / "data"
    settings.KEEP_CAPTURES = False


@pytest.fixture
def kent(roster) -> Body:
    return Body.objects.get(code="kent")


@pytest.fixture
def kent_register(kent, tmp_path) -> Body:
    path = tmp_path / "kent.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Asset ID", "Site", "Type", "Make", "Model", "Qty", "IP address"])
        writer.writerow(["K-CAM1", "Maidstone", "bullet", "Hikvision", "DS-2CD2143", "1", CAMERA])
        writer.writerow(["K-CAM2", "Ashford", "bullet", "Axis", "P3245", "1", ""])
    import_register(kent, path, actor="test")
    return kent


def _capture(path: Path) -> Path:
    """A camera resolves a Hik-Connect name, then talks TLS to the answered address."""
    name = "litedev.hik-connect.com"
    return write_pcap(
        path,
        [
            (1_700_000_000.0, udp(CAMERA, 40000, RESOLVER, 53, dns_query(name))),
            (1_700_000_000.1, udp(RESOLVER, 53, CAMERA, 40000, dns_answer(name, [CLOUD]))),
            (1_700_000_001.0, tcp(CAMERA, 50000, CLOUD, 443, flags=dpkt.tcp.TH_SYN)),
            (1_700_000_001.2, tcp(CAMERA, 50000, CLOUD, 443, client_hello(name), seq=1)),
            (1_700_000_002.0, tcp(CAMERA, 50000, CLOUD, 443, b"x" * 300, seq=200)),
        ],
    )


def _upload(client: Client, url: str, path: Path):
    with path.open("rb") as handle:
        return client.post(url, {"capture": handle})


def _wait(pk: int) -> CaptureAnalysis:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        analysis = CaptureAnalysis.objects.get(pk=pk)
        if analysis.finished:
            return analysis
        time.sleep(0.05)
    raise AssertionError(f"capture analysis {pk} did not finish in {WAIT_SECONDS} s")


def _respondent(round_, body: Body) -> Client:
    _, token = issue_invitation(round_, body, actor="test")
    client = Client()
    assert client.get(f"/r/{token}/").status_code == 302
    return client


def test_watchdog_upload_is_analysed_in_the_background(watchdog_client, kent_register, tmp_path):
    response = _upload(
        watchdog_client,
        reverse("estate:body-capture-upload", args=["kent"]),
        _capture(tmp_path / "site.pcap"),
    )
    analysis = CaptureAnalysis.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("estate:body-capture", args=["kent", analysis.pk])
    assert analysis.body == kent_register and analysis.file_name == "site.pcap"
    assert analysis.uploaded_by == "user:analyst" and analysis.size > 0

    done = _wait(analysis.pk)
    assert done.status == "done" and done.problems == [] and done.progress_bytes == done.size
    (device,) = done.result
    assert device["device"] == CAMERA and device["name"] == "K-CAM1 (Maidstone)"
    assert device["manufacturer"] == "Hikvision"
    assert [s["service"] for s in device["vendor_services"]] == ["Hik-Connect"]
    assert list(captures_dir().iterdir()) == []  # deleted after analysis

    page = watchdog_client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200 and "Refresh" not in page and "custodes-progress" not in html
    assert "K-CAM1 (Maidstone)" in html and "Hik-Connect" in html and 'style="' not in html
    register = watchdog_client.get(reverse("estate:body", args=["kent"])).content.decode()
    assert "site.pcap" in register and "Done" in register  # the status label


def test_devices_in_the_capture_are_named_and_set_against_the_register(
    watchdog_client, kent_register, tmp_path
):
    """The registered Hikvision address answers as an Axis camera; an unregistered address
    answers as a Hikvision camera. Both show, each beside what the register says, before an
    unregistered server."""
    axis_mac, hikvision_mac = bytes.fromhex("accc8e4a1b2c"), bytes.fromhex("c056e3000001")
    greeting = b"220 AXIS P1344 Network Camera 5.20 (2013) ready.\r\n"
    webs = b"HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\nContent-Length: 0\r\n\r\n"
    ssh, server_mac = b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n", bytes.fromhex("020000000003")
    path = write_pcap(
        tmp_path / "mirror.pcap",
        [
            (1_700_000_000.0, tcp(CAMERA, 21, "192.168.1.5", 50000, greeting, mac=axis_mac)),
            (
                1_700_000_000.1,
                tcp("192.168.1.70", 80, "192.168.1.5", 50001, webs, mac=hikvision_mac),
            ),
            (1_700_000_000.2, tcp("192.168.1.3", 22, "192.168.1.5", 50002, ssh, mac=server_mac)),
        ],
    )
    response = _upload(watchdog_client, reverse("estate:body-capture-upload", args=["kent"]), path)
    done = _wait(CaptureAnalysis.objects.get().pk)
    assert done.status == "done" and done.result == []  # nothing left the site
    by_address = {device["address"]: device for device in done.devices}
    assert by_address[CAMERA]["manufacturer"] == "Axis Communications"
    assert by_address[CAMERA]["mac"] == "AC:CC:8E:4A:1B:2C"
    assert by_address["192.168.1.70"]["manufacturer"] == "Hikvision"
    assert by_address["192.168.1.70"]["concerns"]  # recorded against Hikvision
    assert by_address["192.168.1.3"]["device_kind"] not in ("camera", "recorder")
    html = watchdog_client.get(response["Location"]).content.decode()
    assert "Devices seen in the capture" in html and "1 matched to the register" in html
    listed = html.split("Local devices identified in the capture")[1].split("</table>")[0]
    # the two cameras, in address order, before the server (not a surveillance kind)
    assert listed.index(CAMERA) < listed.index("192.168.1.70") < listed.index("192.168.1.3<")
    unregistered = html.split("Devices in the capture but not in the register (2)")[1]
    assert "192.168.1.70" in unregistered.split("</table>")[0]
    differs = html.split("Manufacturer in the capture differs from the register (1)")[1]
    row = differs.split("</table>")[0]
    assert "K-CAM1" in row and "Hikvision" in row and "Axis Communications" in row

    runner, app = CliRunner(), typer.Typer()
    estate_cli.register(app)
    command = ["estate", "captures", "--body"]
    shown = json.loads(runner.invoke(app, [*command, "kent", "--json"]).stdout)
    assert (shown["file"], shown["matched"]) == ("mirror.pcap", 1)
    assert {d["address"] for d in shown["unregistered"]} == {"192.168.1.70", "192.168.1.3"}
    assert [(m["asset_id"], m["scanned_manufacturer"]) for m in shown["mismatches"]] == [
        ("K-CAM1", "Axis Communications")
    ]
    assert len(shown["devices"]) == 3 and shown["vendor_services"] == []
    table = runner.invoke(app, [*command, "kent"])
    assert table.exit_code == 0 and "mirror.pcap" in table.output and "K-CAM1" in table.output
    none = runner.invoke(app, [*command, "essex"])
    assert none.exit_code == 1 and "no analysed capture" in none.output
    assert json.loads(runner.invoke(app, [*command, "essex", "--json"]).stdout) is None


def test_status_page_refreshes_itself_while_running(watchdog_client, kent):
    analysis = CaptureAnalysis.objects.create(
        body=kent, uploaded_by="test", file_name="big.pcap", size=4_000, progress_bytes=1_000
    )
    analysis.status = CaptureAnalysis.Status.RUNNING
    analysis.save()
    page = watchdog_client.get(reverse("estate:body-capture", args=["kent", analysis.pk]))
    html = page.content.decode()
    # Updated in place by the static progress.js (allowed by the CSP), never a timed reload.
    assert "Refresh" not in page and 'http-equiv="refresh"' not in html
    assert '<meta name="custodes-progress" content="2">' in html
    assert '<script src="/static/custodes/progress.js' in html and "<script>" not in html
    assert 'id="capture-progress" data-progress' in html
    assert "25%" in html and "Check progress" in html
    other = watchdog_client.get(reverse("estate:body-capture", args=["essex", analysis.pk]))
    assert other.status_code == 404


def test_truncated_capture_shows_its_problem_offset(watchdog_client, kent_register, tmp_path):
    whole = _capture(tmp_path / "whole.pcap").read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[:-40])
    response = _upload(watchdog_client, reverse("estate:body-capture-upload", args=["kent"]), cut)
    done = _wait(CaptureAnalysis.objects.get().pk)
    assert done.status == "done"
    (problem,) = done.problems
    assert problem["file"] == "cut.pcap" and 24 < problem["offset"] < len(whole) - 40
    html = watchdog_client.get(response["Location"]).content.decode()
    assert f"cut.pcap at byte {problem['offset']}" in html


def test_not_a_capture_is_a_problem_not_a_crash(watchdog_client, kent):
    upload = SimpleUploadedFile("notes.pcap", b"these are not packets" * 10)
    watchdog_client.post(reverse("estate:body-capture-upload", args=["kent"]), {"capture": upload})
    done = _wait(CaptureAnalysis.objects.get().pk)
    assert done.status == "done" and done.result == []
    assert done.problems and done.problems[0]["offset"] == 0


def test_size_limit_stops_the_upload_and_keeps_nothing(watchdog_client, kent, settings):
    settings.CAPTURE_MAX_BYTES = 100
    upload = SimpleUploadedFile("big.pcap", b"\0" * 5_000)
    response = watchdog_client.post(
        reverse("estate:body-capture-upload", args=["kent"]), {"capture": upload}, follow=True
    )
    assert "larger than the limit of 100" in response.content.decode()
    assert not CaptureAnalysis.objects.exists()
    assert list(captures_dir().iterdir()) == []


def test_upload_needs_a_file_and_a_csrf_token(watchdog, kent):
    checked = Client(enforce_csrf_checks=True)
    checked.force_login(watchdog)
    upload = SimpleUploadedFile("a.pcap", b"data")
    url = reverse("estate:body-capture-upload", args=["kent"])
    assert checked.post(url, {"capture": upload}).status_code == 403
    checked.get(reverse("estate:body", args=["kent"]))  # now with a CSRF cookie, wrong token
    upload = SimpleUploadedFile("a.pcap", b"data")
    refused = checked.post(url, {"capture": upload, "csrfmiddlewaretoken": "x" * 64})
    assert refused.status_code == 403
    assert list(captures_dir().iterdir()) == []  # the refused upload's file is not kept
    empty = Client()
    empty.force_login(watchdog)
    page = empty.post(url, {}, follow=True).content.decode()
    assert "Choose a packet capture file" in page
    assert not CaptureAnalysis.objects.exists()


def test_respondent_sees_and_uploads_only_its_own_captures(survey_round, kent_register, tmp_path):
    essex = Body.objects.get(code="essex")
    theirs = CaptureAnalysis.objects.create(
        body=essex, uploaded_by="test", file_name="essex-secret.pcap", size=10
    )
    kent_client = _respondent(survey_round, kent_register)
    response = _upload(
        kent_client, reverse("estate:own-capture-upload"), _capture(tmp_path / "mine.pcap")
    )
    mine = CaptureAnalysis.objects.get(body=kent_register)
    assert response["Location"] == reverse("estate:own-capture", args=[mine.pk])
    assert mine.uploaded_by == "respondent:kent"
    _wait(mine.pk)
    page = kent_client.get(response["Location"]).content.decode()
    assert "K-CAM1 (Maidstone)" in page and "Hik-Connect" in page
    register = kent_client.get(reverse("estate:own-register")).content.decode()
    assert "mine.pcap" in register and "essex-secret" not in register
    assert kent_client.get(reverse("estate:own-capture", args=[theirs.pk])).status_code == 404
    watchdog_url = reverse("estate:body-capture-upload", args=["essex"])
    assert kent_client.post(watchdog_url, {}).status_code == 302  # to the login page
    assert CaptureAnalysis.objects.filter(body=essex).count() == 1
    assert Client().post(reverse("estate:own-capture-upload"), {}).status_code == 403


def test_register_directory_and_kept_captures(kent_register, settings, tmp_path):
    directory = register_directory(kent_register)
    assert len(directory) == 1 and directory.lookup(CAMERA).name == "K-CAM1 (Maidstone)"
    settings.KEEP_CAPTURES = True
    stored = captures_dir() / "kept.pcap"
    stored.write_bytes(_capture(tmp_path / "x.pcap").read_bytes())
    analysis = CaptureAnalysis.objects.create(
        body=kent_register, uploaded_by="test", file_name="x.pcap", stored_path=stored.name
    )
    first = analyse_capture(analysis.pk)
    assert first.status == "done" and stored.exists()
    assert analyse_capture(analysis.pk).finished_at == first.finished_at  # not run again
    stored.unlink()
    gone = CaptureAnalysis.objects.create(
        body=kent_register, uploaded_by="test", file_name="x.pcap", stored_path=stored.name
    )
    assert analyse_capture(gone.pk).problems[0]["message"].startswith("cannot read")


def test_an_analysis_interrupted_by_a_stop_runs_again(kent_register, tmp_path):
    """The worker died mid-analysis: the sweep queues the job again and it completes."""
    from datetime import timedelta

    from django.utils import timezone

    from custodes.web.jobs.models import Job
    from custodes.web.jobs.tasks import recover_jobs

    stored = captures_dir() / "a.pcap"
    stored.write_bytes(_capture(tmp_path / "a.pcap").read_bytes())
    analysis = CaptureAnalysis.objects.create(
        body=kent_register,
        uploaded_by="test",
        file_name="a.pcap",
        size=stored.stat().st_size,
        stored_path=stored.name,
        status=CaptureAnalysis.Status.RUNNING,
        progress_bytes=10,
    )
    job = Job.objects.create(
        kind="capture.analyse",
        arguments={"analysis": analysis.pk},
        state=Job.State.RUNNING,
        attempts=1,
        heartbeat_at=timezone.now() - timedelta(days=1),
        started_by="test",
        subject=analysis,
    )
    assert recover_jobs() == 1
    job.refresh_from_db()
    analysis.refresh_from_db()
    assert (job.state, job.attempts) == ("succeeded", 2)
    assert analysis.status == "done" and analysis.result[0]["name"] == "K-CAM1 (Maidstone)"
    assert not stored.exists()
