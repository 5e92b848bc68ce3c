"""The ``custodes intel`` and ``custodes resolve`` commands, on a fresh Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from custodes.cli.intel import register


@pytest.fixture
def app() -> typer.Typer:
    root = typer.Typer()

    @root.callback()
    def main() -> None:
        """Test root."""

    register(root)
    return root


def _json_lines(output: str) -> list[dict]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_resolve_json_one_object_per_input(app, data_dir: Path) -> None:
    result = CliRunner().invoke(
        app, ["resolve", "HIK VISION DS-2CD2143G0-I dome", "Brady Integrated Security", "--json"]
    )
    assert result.exit_code == 0, result.output
    objects = _json_lines(result.stdout)
    assert [o["manufacturer"] for o in objects] == ["Hikvision", None]
    assert list(objects[0]) == [
        "input",
        "manufacturer",
        "brand",
        "model",
        "device_kind",
        "confidence",
        "evidence",
        "concerns",
        "mac_assignment",
        "owner",
        "possible_concerns",
        "components",
    ]
    assert objects[1]["evidence"][0].startswith("integrator: Brady")


def test_resolve_file_and_as_of(app, data_dir: Path, tmp_path: Path) -> None:
    inputs = tmp_path / "vendors.txt"
    inputs.write_text("DJI Mavic 3 Enterprise\n\nEzviz C6N\n")
    result = CliRunner().invoke(
        app, ["resolve", "--file", str(inputs), "--as-of", "2025-12-01", "--json"]
    )
    assert result.exit_code == 0, result.output
    objects = _json_lines(result.stdout)
    assert [o["input"] for o in objects] == ["DJI Mavic 3 Enterprise", "Ezviz C6N"]
    assert "FCC Covered List" not in {c["authority"] for c in objects[0]["concerns"]}


def test_resolve_rejects_bad_date(app, data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["resolve", "Hikvision", "--as-of", "01/12/2025"])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in result.output


def test_resolve_human_output_prints_knowledge_version(app, data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["resolve", "Dahua NVR"])
    assert result.exit_code == 0
    assert "knowledge 2026." in result.stdout and "Dahua" in result.stdout


def test_intel_list_json(app, data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["intel", "list", "--json"])
    payload = json.loads(result.stdout)
    assert payload["knowledge"]["version"]
    assert len(payload["manufacturers"]) >= 40
    assert all(row["source"].startswith("http") for row in payload["manufacturers"])


def test_intel_show_json_and_text(app, data_dir: Path) -> None:
    shown = json.loads(CliRunner().invoke(app, ["intel", "show", "hik vision", "--json"]).stdout)
    assert shown["name"] == "Hikvision"
    assert shown["knowledge"]["date"]
    assert {b["name"] for b in shown["brands"]} >= {"Ezviz", "HiLook", "HiWatch"}
    assert all(c["source"].startswith("http") for c in shown["concerns"])
    text = CliRunner().invoke(app, ["intel", "show", "Lorex"])
    assert text.exit_code == 0
    assert "knowledge 2026." in text.stdout and "made by: Dahua" in text.stdout


def test_intel_show_unknown_fails_cleanly(app, data_dir: Path) -> None:
    result = CliRunner().invoke(app, ["intel", "show", "Acme Widgets"])
    assert result.exit_code == 2


def test_import_kev_command(app, data_dir: Path, fixtures: Path) -> None:
    result = CliRunner().invoke(
        app, ["intel", "import-kev", str(fixtures / "kev-sample.json"), "--json"]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["matched"] == 3 and payload["total"] == 4
    assert (data_dir / "intel" / "kev.json").is_file()
    resolved = _json_lines(CliRunner().invoke(app, ["resolve", "Dahua", "--json"]).stdout)[0]
    assert any(c["summary"].startswith("CVE-2099-0002") for c in resolved["concerns"])
