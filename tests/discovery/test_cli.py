"""``custodes scan`` and ``custodes lab`` through Typer's CliRunner."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from custodes.cli.discovery import register
from custodes.discovery.lab import Lab

from .conftest import DEVICE_KEYS


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    register(root)
    return root


def scan_args(lab: Lab, *extra: str) -> list[str]:
    last = lab.addresses[-1].rsplit(".", 1)[1]
    return [
        "scan",
        f"{lab.addresses[0]}-{last}",
        "--timeout",
        "0.6",
        "--port-offset",
        str(lab.port_offset),
        *extra,
    ]


def test_scan_json_prints_one_object_per_device(app: typer.Typer, lab: Lab) -> None:
    result = CliRunner().invoke(app, scan_args(lab, "--json"))
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    assert len(records) == len(lab.addresses)
    for record in records:
        assert set(record) == DEVICE_KEYS
    makers = {record["manufacturer"] for record in records}
    assert {"Hikvision", "Dahua", "Uniview", "Vivotek", "NUUO"} <= makers


def test_scan_table_output(app: typer.Typer, lab: Lab) -> None:
    result = CliRunner().invoke(app, scan_args(lab, "--ports", "80,554"))
    assert result.exit_code == 0, result.output
    assert f"{len(lab.addresses) - 1} devices found" in result.stdout  # ssh host has no 80/554


def test_out_of_scope_target_is_refused(app: typer.Typer, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["scan", "192.0.2.10", "--json"])
    assert result.exit_code == 1
    assert "192.0.2.10" in result.output and "--scope" in result.output
    scope = tmp_path / "scope.txt"
    scope.write_text("192.0.2.0/29\n")
    result = CliRunner().invoke(app, ["scan", "192.0.2.9", "--scope", str(scope)])
    assert result.exit_code == 1 and "192.0.2.9" in result.output


@pytest.mark.parametrize("ports", ["80,abc", "0", "70000", "1-9000"])
def test_bad_ports_are_refused(app: typer.Typer, ports: str) -> None:
    result = CliRunner().invoke(app, ["scan", "127.0.0.1", "--ports", ports])
    assert result.exit_code == 1 and "Error" in result.output


def test_state_file_resumes_without_rescanning(app: typer.Typer, lab: Lab, tmp_path: Path) -> None:
    state = tmp_path / "scan.state"
    first_three = f"{lab.addresses[0]}-{lab.addresses[2].rsplit('.', 1)[1]}"
    args = [
        "scan",
        first_three,
        "--timeout",
        "0.6",
        "--port-offset",
        str(lab.port_offset),
        "--json",
        "--state",
        str(state),
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    saved = json.loads(state.read_text())
    assert set(saved["completed"]) == set(lab.addresses[:3]) and len(saved["devices"]) == 3
    before = len(lab.requests)
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0
    assert len(lab.requests) == before, "finished hosts were probed again"
    assert len([line for line in again.stdout.splitlines() if line.strip()]) == 3


class _Recorder(BaseHTTPRequestHandler):
    received: list[tuple[dict[str, str], Any]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(length))
        _Recorder.received.append((dict(self.headers), body))
        reply = json.dumps({"unregistered": 1}).encode()
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/api/scans"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_upload_posts_results_with_bearer_token(app: typer.Typer, lab: Lab, server: str) -> None:
    _Recorder.received.clear()
    args = [
        "scan",
        lab.addresses[0],
        "--timeout",
        "0.6",
        "--port-offset",
        str(lab.port_offset),
        "--json",
        "--upload",
        server,
        "--token",
        "s3cret-token",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    [(headers, body)] = _Recorder.received
    assert headers["Authorization"] == "Bearer s3cret-token"
    assert set(body) == {"scanner", "started_at", "finished_at", "targets", "devices"}
    assert body["scanner"].startswith("custodes ") and body["targets"] == [lab.addresses[0]]
    assert body["devices"][0]["manufacturer"] == "Hikvision"


def test_upload_needs_token_and_reports_refusal(app: typer.Typer, server: str) -> None:
    result = CliRunner().invoke(app, ["scan", "127.0.0.1", "--upload", server])
    assert result.exit_code == 1 and "--token" in result.output


def test_lab_command_starts_and_stops(app: typer.Typer) -> None:
    result = CliRunner().invoke(
        app, ["lab", "--base", "127.0.22.0", "--port-offset", "21000", "--duration", "0.3"]
    )
    assert result.exit_code == 0, result.output
    assert "hikvision-camera" in result.stdout and "127.0.22.15" in result.stdout


def test_lab_refuses_non_loopback_base(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["lab", "--base", "192.0.2.0", "--duration", "0.1"])
    assert result.exit_code == 1 and "loopback" in result.output


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [("--port-offset", "60000", "outside 1-65535"), ("--multicast", "eth0", "IPv4 address")],
)
def test_bad_options_are_refused(app: typer.Typer, option: str, value: str, message: str) -> None:
    result = CliRunner().invoke(app, ["scan", "127.0.0.1", option, value])
    assert result.exit_code == 1 and message in result.output
