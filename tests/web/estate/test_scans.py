"""Scan uploads: agent tokens, ``POST /api/scans`` and reconciliation with the register.

The end-to-end test scans a small emulated lab on loopback with the real scanner and sends the
result with the real upload client to a live server."""

from __future__ import annotations

import asyncio
import csv
import json
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import typer
from django.utils import timezone
from typer.testing import CliRunner

from custodes.cli import estate as estate_cli
from custodes.discovery import Scanner, ScanOptions
from custodes.discovery.errors import LabError, UploadError
from custodes.discovery.lab import Lab, LabThread
from custodes.discovery.lab.profiles import load_profiles
from custodes.discovery.upload import upload_payload, upload_results
from custodes.web.bodies.models import Body
from custodes.web.estate import scans
from custodes.web.estate.models import AgentToken, ScanUpload
from custodes.web.estate.services import import_register

LAB_BASE = "127.0.47.0"
LAB_PROFILES = ("hikvision-camera", "dahua-camera", "axis-camera", "office-printer")
NOW = "2026-01-01T10:00:00+00:00"
LATER = "2026-01-01T10:05:00+00:00"


@pytest.fixture(scope="module")
def lab(loopback_base) -> Iterator[Lab]:
    """Four lab devices on LAB_BASE+1..4, shifted per test worker (real ports as root, else
    shifted ones)."""
    wanted = [p for p in load_profiles() if p.name in LAB_PROFILES]
    offsets = [0, 20000] if os.geteuid() == 0 else [20000]
    for offset in offsets:
        runner = LabThread(base=loopback_base(LAB_BASE), port_offset=offset, profiles=wanted)
        try:
            started = runner.__enter__()
        except LabError:
            continue
        try:
            yield started
        finally:
            runner.__exit__(None, None, None)
        return
    pytest.skip(f"cannot start the lab on {LAB_BASE}")


def _write_register(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Asset ID", "Type", "Make", "Model", "Qty", "IP address", "MAC", "Serial"])
        writer.writerows(rows)
    return path


def _payload(devices: list[dict], targets: list[str] | None = None) -> dict:
    return {
        "scanner": "custodes test",
        "started_at": NOW,
        "finished_at": LATER,
        "targets": targets or ["10.0.0.0/24"],
        "devices": devices,
    }


def _device(address: str, **fields) -> dict:
    return {"address": address, "open_ports": [80], "confidence": 0.9, **fields}


def _post(client, payload, token: str | None, **extra):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    body = payload if isinstance(payload, bytes) else json.dumps(payload)
    return client.post("/api/scans", data=body, content_type="application/json", **headers, **extra)


@pytest.fixture
def kent(roster) -> Body:
    return Body.objects.get(code="kent")


@pytest.fixture
def kent_token(kent) -> str:
    return scans.issue_agent_token(kent, actor="test", label="segment A")[1]


# End to end: the real scanner and upload client against a live server


@pytest.mark.django_db(transaction=True)
def test_lab_scan_uploaded_and_reconciled(live_server, lab, roster, tmp_path):
    kent = Body.objects.get(code="kent")
    hik, dahua = lab.address_of("hikvision-camera"), lab.address_of("dahua-camera")
    prefix = hik.rsplit(".", 1)[0]
    gone = f"{prefix}.6"  # inside the scanned range, nothing answers
    outside = "10.9.9.9"
    register = _write_register(
        tmp_path / "kent.csv",
        [
            ["K-HIK", "bullet", "Hikvision", "DS-2CD2143G0-I", "1", hik, "", ""],
            ["K-DAH", "dome", "Axis", "P3245", "1", dahua, "", ""],  # really a Dahua
            ["K-GONE", "bullet", "Hanwha", "XNO-6080R", "1", gone, "", ""],
            ["K-FAR", "bullet", "Bosch", "NBE-3502", "1", outside, "", ""],
        ],
    )
    import_register(kent, register, actor="test")
    _, token = scans.issue_agent_token(kent, actor="test")

    targets = [f"{prefix}.1-6"]
    scanner = Scanner(options=ScanOptions(timeout=0.6, port_offset=lab.port_offset))

    async def run() -> list[dict]:
        return [device.to_dict() async for device in scanner.scan(targets)]

    devices = asyncio.run(run())
    assert {d["address"] for d in devices} == set(lab.addresses)
    reply = upload_results(
        f"{live_server.url}/api/scans", token, upload_payload(devices, targets, NOW, LATER)
    )

    assert reply["body"] == "kent" and reply["devices_seen"] == 4 and reply["matched"] == 2
    unregistered = {d["address"]: d for d in reply["unregistered"]}
    assert set(unregistered) == {lab.address_of("axis-camera"), lab.address_of("office-printer")}
    assert unregistered[lab.address_of("axis-camera")]["surveillance"] is True
    assert reply["unregistered"][0]["address"] == lab.address_of("axis-camera")  # cameras first
    assert [a["asset_id"] for a in reply["unseen"]] == ["K-GONE"]  # K-FAR was not scanned
    assert reply["mismatches"] == [
        {
            "address": dahua,
            "asset_id": "K-DAH",
            "matched_by": "ip",
            "register_manufacturer": "Axis Communications",
            "scanned_manufacturer": "Dahua",
        }
    ]
    upload = ScanUpload.objects.get()
    assert upload.body == kent and len(upload.devices) == 4
    assert AgentToken.objects.get().last_used_at is not None

    with pytest.raises(UploadError, match="401"):
        upload_results(f"{live_server.url}/api/scans", "not-a-token", _payload([]))


# Tokens


@pytest.mark.django_db
def test_tokens_are_random_hashed_and_single_use_display(kent):
    row, raw = scans.issue_agent_token(kent, actor="test", days=30)
    other_row, other = scans.issue_agent_token(kent, actor="test")
    assert raw != other and len(raw) >= 43  # 256 bits, URL-safe base64
    assert raw not in row.token_hash and row.token_hash != other_row.token_hash
    assert scans.resolve_agent_token(raw) == row
    assert timedelta(days=29) < row.expires_at - timezone.now() <= timedelta(days=30)
    with pytest.raises(ValueError, match="1 to 3650 days"):
        scans.issue_agent_token(kent, actor="test", days=0)


@pytest.mark.django_db
def test_missing_bad_revoked_and_expired_tokens_get_401(client, kent):
    good = _payload([_device("10.0.0.5")])
    assert _post(client, good, None).status_code == 401
    assert _post(client, good, "wrong").status_code == 401
    assert _post(client, good, "x" * 500).status_code == 401

    row, revoked = scans.issue_agent_token(kent, actor="test")
    assert scans.revoke_agent_token(row, actor="test") is True
    assert scans.revoke_agent_token(row, actor="test") is False
    assert _post(client, good, revoked).status_code == 401

    row, expired = scans.issue_agent_token(kent, actor="test")
    AgentToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _post(client, good, expired).status_code == 401
    with pytest.raises(scans.AgentTokenInvalid, match="expired"):
        scans.resolve_agent_token(expired)
    assert not ScanUpload.objects.exists()


@pytest.mark.django_db
def test_watchdog_session_is_not_an_agent(watchdog_client):
    assert _post(watchdog_client, _payload([]), None).status_code == 401


@pytest.mark.django_db
def test_failed_attempts_are_throttled_per_address(client, kent, kent_token, settings):
    settings.TOKEN_THROTTLE_LIMIT = 3
    for _ in range(3):
        assert _post(client, _payload([]), "guess").status_code == 401
    refused = _post(client, _payload([]), "guess")
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert _post(client, _payload([]), kent_token).status_code == 200  # a valid token works
    elsewhere = _post(client, _payload([]), "guess", REMOTE_ADDR="127.0.0.2")
    assert elsewhere.status_code == 401


@pytest.mark.django_db
def test_a_token_writes_only_to_its_own_body(client, kent, roster, tmp_path):
    import_register(
        kent,
        _write_register(tmp_path / "k.csv", [["K1", "bullet", "Dahua", "X", "1", "10.0.0.5"]]),
        actor="test",
    )
    essex = Body.objects.get(code="essex")
    _, essex_token = scans.issue_agent_token(essex, actor="test")
    payload = {**_payload([_device("10.0.0.5", manufacturer="Axis")]), "body": "kent"}
    reply = _post(client, payload, essex_token).json()
    assert reply["body"] == "essex" and reply["matched"] == 0 and reply["mismatches"] == []
    assert ScanUpload.objects.get().body == essex
    assert not ScanUpload.objects.filter(body=kent).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (_payload([_device("not-an-ip")]), "devices.0.address"),
        (_payload([_device("10.0.0.1", open_ports=[70000])]), "devices.0.open_ports.0"),
        (_payload([_device("10.0.0.1", confidence="high")]), "devices.0.confidence"),
        ({k: v for k, v in _payload([]).items() if k != "targets"}, "targets"),
        (_payload([], targets=["10.0.0.300"]), "targets"),
        ({**_payload([]), "started_at": "yesterday"}, "started_at"),
        ({**_payload([]), "started_at": "2026-01-01T10:00:00"}, "started_at"),
        ({**_payload([]), "finished_at": "2025-12-31T10:00:00+00:00"}, "finished_at"),
        ({**_payload([]), "devices": {"address": "10.0.0.1"}}, "devices"),
        (b"{not json", "(body)"),
        (b"[1, 2]", "(body)"),
    ],
)
def test_malformed_payloads_get_422_naming_the_field(client, kent_token, payload, field):
    response = _post(client, payload, kent_token)
    assert response.status_code == 422, response.content
    reply = response.json()
    assert field in [p["field"] for p in reply["problems"]], reply
    assert field in reply["detail"]
    assert not ScanUpload.objects.exists()


@pytest.mark.django_db
def test_too_many_devices_and_oversized_bodies_are_refused(client, kent_token, monkeypatch):
    monkeypatch.setattr(scans, "MAX_SCAN_BYTES", 2_000)
    big = _payload([_device(f"10.0.0.{n}") for n in range(1, 60)])
    assert _post(client, big, kent_token).status_code == 413
    monkeypatch.setattr(scans, "MAX_SCAN_BYTES", 32 * 1024 * 1024)
    too_many = _payload([_device("10.0.0.1")] * (scans.MAX_DEVICES + 1))
    response = _post(client, too_many, kent_token)
    assert response.status_code == 422
    assert "devices" in [p["field"] for p in response.json()["problems"]]


# Reconciliation details


@pytest.mark.django_db
def test_matching_falls_back_to_mac_then_serial(kent, tmp_path):
    import_register(
        kent,
        _write_register(
            tmp_path / "k.csv",
            [
                ["K-MAC", "bullet", "Hikvision", "X", "1", "", "00:11:22:AA:BB:CC", ""],
                ["K-SER", "bullet", "Dahua", "Y", "1", "", "", "SN 12345"],
                ["K-OLD", "bullet", "Axis", "Z", "1", "10.0.0.9", "", ""],
            ],
        ),
        actor="test",
    )
    row, _ = scans.issue_agent_token(kent, actor="test")
    upload = scans.receive_scan(
        row,
        _payload(
            [
                _device("10.0.0.2", mac="00-11-22-aa-bb-cc", manufacturer="Hikvision"),
                _device("10.0.0.3", serial="sn12345", manufacturer="Uniview"),
                _device("10.0.0.4", manufacturer=None),
            ],
            targets=["10.0.0.1-10"],
        ),
    )
    found = scans.reconcile_scan(upload)
    assert found.matched == 2
    assert [(m.asset.asset_id, m.matched_by) for m in found.mismatches] == [("K-SER", "serial")]
    assert [d.address for d in found.unregistered] == ["10.0.0.4"]
    assert [a.asset_id for a in found.unseen] == ["K-OLD"]
    assert scans.latest_reconciliation(kent).upload_id == upload.pk


@pytest.mark.django_db
def test_receive_scan_refuses_a_revoked_token(kent):
    row, _ = scans.issue_agent_token(kent, actor="test")
    scans.revoke_agent_token(row, actor="test")
    with pytest.raises(scans.AgentTokenInvalid):
        scans.receive_scan(row, _payload([]))


def test_receive_scan_rereads_the_token_it_was_given(kent):
    """A token revoked after the agent was authenticated (the caller's row is stale) stores
    nothing."""
    row, _ = scans.issue_agent_token(kent, actor="test")
    AgentToken.objects.filter(pk=row.pk).update(revoked_at=timezone.now(), revoked_by="other")
    assert row.is_usable()
    with pytest.raises(scans.AgentTokenInvalid):
        scans.receive_scan(row, _payload([]))
    assert not ScanUpload.objects.exists()


# Commands


def _app() -> typer.Typer:
    app = typer.Typer()
    estate_cli.register(app)
    return app


@pytest.mark.django_db
def test_token_and_scan_commands(kent, client):
    runner, app = CliRunner(), _app()
    issued = runner.invoke(app, ["estate", "agent-token", "--body", "kent", "--days", "7"])
    assert issued.exit_code == 0, issued.output
    token = issued.stdout.strip().splitlines()[-1]
    assert scans.resolve_agent_token(token).body == kent

    listed = json.loads(runner.invoke(app, ["estate", "agent-tokens", "--json"]).stdout)
    assert [(t["body"], t["state"]) for t in listed] == [("kent", "usable")]
    assert set(listed[0]) == {
        "id",
        "body",
        "label",
        "state",
        "created_at",
        "created_by",
        "expires_at",
        "revoked_at",
        "last_used_at",
    }
    assert token not in json.dumps(listed)

    none_yet = runner.invoke(app, ["estate", "scans", "--body", "kent"])
    assert none_yet.exit_code == 1 and "no scan" in none_yet.output
    _post(client, _payload([_device("10.0.0.7", manufacturer="Dahua")]), token)
    shown = json.loads(runner.invoke(app, ["estate", "scans", "--body", "kent", "--json"]).stdout)
    assert [d["address"] for d in shown["unregistered"]] == ["10.0.0.7"]
    table = runner.invoke(app, ["estate", "scans", "--body", "kent"])
    assert table.exit_code == 0 and "10.0.0.7" in table.output

    revoked = runner.invoke(app, ["estate", "revoke-token", str(listed[0]["id"])])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert _post(client, _payload([]), token).status_code == 401
    again = runner.invoke(app, ["estate", "agent-tokens", "-b", "kent", "--json"]).stdout
    assert [t["state"] for t in json.loads(again)] == ["revoked"]
    missing = runner.invoke(app, ["estate", "revoke-token", "999999"])
    assert missing.exit_code == 1
