"""``custodes identify``: observations given by hand go through the scanner's identification."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from custodes.cli.discovery import register
from custodes.discovery import Scanner
from custodes.discovery.identify import IdentifyInputError, mac_address, observe
from custodes.discovery.models import Observation
from custodes.discovery.naming import default_resolver

from .conftest import DEVICE_KEYS


@pytest.fixture(scope="module")
def app() -> typer.Typer:
    root = typer.Typer()
    register(root)
    return root


def run(app: typer.Typer, *args: str, stdin: str | None = None) -> tuple[int, list[dict], str]:
    result = CliRunner().invoke(app, ["identify", *args], input=stdin)
    lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, lines, result.stderr


def test_one_device_per_value_with_the_keys_of_scan_json(app: typer.Typer) -> None:
    code, devices, _ = run(
        app, "--field", "http.server", "Hikvision-Webs", "Apache/2.4.57 (Debian)", "--json"
    )
    assert code == 0
    assert [set(device) for device in devices] == [DEVICE_KEYS, DEVICE_KEYS]
    hikvision, apache = devices
    assert hikvision["address"] is None and hikvision["open_ports"] == []
    assert hikvision["evidence"][0]["observed"] == "Hikvision-Webs"
    assert apache["manufacturer"] is None and apache["concerns"] == []


def test_same_answer_as_the_scanner_for_the_same_observations(app: typer.Typer) -> None:
    observations = [
        Observation("identify", None, "http.www_authenticate", 'Basic realm="DS-2CD2143G0-I"'),
        Observation("identify", None, "rtsp.server", "Hikvision Rtsp Server"),
    ]
    expected = Scanner(resolver=default_resolver()).identify("", [], observations).to_dict()
    line = json.dumps(
        {"observations": [{"field": item.field, "value": item.value} for item in observations]}
    )
    code, devices, _ = run(app, "--file", "-", "--json", stdin=line + "\n")
    assert code == 0
    assert devices == [{**expected, "address": None}]


def test_file_of_json_lines_mixes_single_and_grouped_observations(
    app: typer.Typer, tmp_path: Path
) -> None:
    path = tmp_path / "replies.jsonl"
    path.write_text(
        '{"field": "ftp.banner", "value": "220 FTP server ready."}\n'
        "\n"
        '{"observations": [{"field": "mac.oui", "value": "28:57:be:01:02:03"},'
        ' {"field": "http.title", "value": "index"}]}\n',
        encoding="utf-8",
    )
    code, devices, _ = run(app, "--field", "telnet.banner", "login:", "--file", str(path), "--json")
    assert code == 0
    assert len(devices) == 3
    assert devices[2]["mac"] == "28:57:BE:01:02:03"
    assert {item["observed"] for item in devices[2]["evidence"]} <= {"28:57:BE", "index"}


def test_table_output_names_the_inputs(app: typer.Typer) -> None:
    result = CliRunner().invoke(app, ["identify", "--field", "http.server", "App-webs/"])
    assert result.exit_code == 0
    assert "1 devices identified" in result.stdout and "Hikvision" in result.stdout


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ('{"field": "http.server", "value": "x"}\n{"field": "nope", "value": "x"}\n', "line 2"),
        ('{"field": "http.server", "value": "x"}\nnot json\n', "stdin line 2: not JSON"),
        ('{"field": "http.server"}\n', 'observation 1 needs "field" and "value"'),
        ('{"observations": []}\n', '"observations" must be a non-empty list'),
        ('{"field": "mac.oui", "value": "not-a-mac"}\n', "mac.oui needs a MAC address"),
        ('{"field": "http.title", "value": "  "}\n', "needs a non-empty string value"),
        ('{"field": "http.title", "value": 7}\n', "must be strings"),
        ("[1, 2]\n", "expected an object"),
    ],
)
def test_bad_lines_are_refused_by_line_and_field(
    app: typer.Typer, stdin: str, message: str
) -> None:
    code, devices, stderr = run(app, "--file", "-", "--json", stdin=stdin)
    assert code == 1
    assert devices == []  # nothing half-written: every line is checked before any output
    assert message in " ".join(stderr.split())


def test_unknown_field_error_names_the_field(app: typer.Typer) -> None:
    code, _, stderr = run(app, "--field", "http.banner", "x", "--json")
    assert code == 1
    assert "unknown field 'http.banner'" in stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--json"], "give --field FIELD VALUE..., --file F or --capture F"),
        (["--field", "http.server"], "--field needs at least one VALUE"),
        (["Hikvision-Webs"], "VALUEs need --field FIELD"),
        (
            ["--field", "rtsp.server", "Dahua Rtsp Server", "--field", "http.server", "X"],
            "give --field once",
        ),
        (["--file", "/nonexistent/replies.jsonl"], "cannot read /nonexistent/replies.jsonl"),
    ],
)
def test_usage_errors(app: typer.Typer, args: list[str], message: str) -> None:
    code, _, stderr = run(app, *args)
    assert code == 1
    assert message in " ".join(stderr.split())


@pytest.mark.parametrize(
    ("value", "mac"),
    [
        ("00:0f:7c:11:22:33", "00:0F:7C:11:22:33"),
        ("00-0F-7C-11-22-33", "00:0F:7C:11:22:33"),
        ("000f.7c11.2233", "00:0F:7C:11:22:33"),
        ("00:0F:7C", "00:0F:7C:00:00:00"),
        ("000f7c", "00:0F:7C:00:00:00"),
    ],
)
def test_mac_forms(value: str, mac: str) -> None:
    assert mac_address(value) == mac
    observations, found = observe([("mac.oui", value)])
    assert found == mac and observations[0].value == mac[:8]


@pytest.mark.parametrize("value", ["00:0F", "00:0F:7C:11", "zz:0f:7c", "00:0F:7C:11:22:33:44"])
def test_bad_macs(value: str) -> None:
    with pytest.raises(IdentifyInputError, match=r"mac\.oui needs"):
        mac_address(value)


def test_a_maker_the_knowledge_base_fills_in_says_from_what(app: typer.Typer) -> None:
    """No rule names D-Link from this MAC: the IEEE assignment does, and the evidence says so,
    with the knowledge base's confidence, as ``custodes resolve`` gives it."""
    resolved = default_resolver().resolve_mac("B0:C5:54:25:5B:0E")
    code, devices, _ = run(app, "--field", "mac.oui", "b0:c5:54:25:5b:0e", "--json")
    assert code == 0
    (device,) = devices
    assert device["manufacturer"] == "D-Link" and device["confidence"] == round(
        resolved.confidence, 3
    )
    assert device["evidence"] == [
        {
            "probe": "knowledge-base",
            "port": None,
            "observed": "B0:C5:54:25:5B:0E",
            "rule": resolved.evidence[0],
        }
    ]
    assert "IEEE registrant 'D-Link International'" in device["evidence"][0]["rule"]
    # a rule naming the maker is its own evidence: nothing is added
    code, devices, _ = run(app, "--field", "http.server", "Hikvision-Webs", "--json")
    assert [item["probe"] for item in devices[0]["evidence"]] == ["identify"]
    # a maker no one can name gets no evidence and no confidence
    code, devices, _ = run(app, "--field", "mac.oui", "02:00:00:00:00:01", "--json")  # random
    assert devices[0]["manufacturer"] is None and devices[0]["evidence"] == []
    assert devices[0]["confidence"] == 0.0
