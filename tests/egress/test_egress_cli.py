"""``custodes egress`` through Typer's CliRunner on a fresh app."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from custodes.cli.egress import register

from .builders import write_pcap, write_pcapng
from .conftest import DAHUA_CAMERA, HIK_CAMERA


def make_app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def root() -> None:
        """Test root."""

    return app


def test_json_lines(tmp_path: Path, scenario_frames) -> None:
    capture = write_pcapng(tmp_path / "s.pcapng", scenario_frames)
    result = CliRunner().invoke(make_app(), ["egress", str(capture), "--json"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert {line["device"] for line in lines} >= {HIK_CAMERA, DAHUA_CAMERA}
    for line in lines:
        assert set(line) >= {"device", "vendor_services"}


def test_devices_option_and_problems_on_stderr(tmp_path: Path, scenario_frames) -> None:
    whole = write_pcap(tmp_path / "s.pcap", scenario_frames).read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(whole[:-10])
    register_csv = tmp_path / "register.csv"
    register_csv.write_text("name,ip,manufacturer\nLobby,192.168.1.64,Hikvision\n", "utf-8")
    result = CliRunner().invoke(
        make_app(), ["egress", str(cut), "--devices", str(register_csv), "--json"]
    )
    assert result.exit_code == 0
    lines = {item["device"]: item for item in map(json.loads, result.stdout.splitlines())}
    assert lines[HIK_CAMERA]["name"] == "Lobby"
    assert lines[HIK_CAMERA]["manufacturer"] == "Hikvision"
    assert "truncated packet record" in result.stderr and "offset" in result.stderr


def test_local_option_and_table(tmp_path: Path, scenario_frames) -> None:
    capture = write_pcap(tmp_path / "s.pcap", scenario_frames)
    result = CliRunner(env={"COLUMNS": "200"}).invoke(make_app(), ["egress", str(capture)])
    assert result.exit_code == 0
    assert "Hik-Connect" in result.stdout
    narrowed = CliRunner().invoke(
        make_app(), ["egress", str(capture), "--local", "192.168.1.64/32", "--json"]
    )
    devices = [json.loads(line)["device"] for line in narrowed.stdout.splitlines()]
    assert devices == [HIK_CAMERA]


def test_bad_devices_file_and_bad_network_exit_1(tmp_path: Path, scenario_frames) -> None:
    capture = write_pcap(tmp_path / "s.pcap", scenario_frames)
    bad = tmp_path / "bad.csv"
    bad.write_text("name,serial\nx,y\n", "utf-8")
    result = CliRunner().invoke(make_app(), ["egress", str(capture), "--devices", str(bad)])
    assert result.exit_code == 1 and "no IP column" in result.stderr
    result = CliRunner().invoke(make_app(), ["egress", str(capture), "--local", "nope"])
    assert result.exit_code == 1 and "invalid local network" in result.stderr
