"""The demo's estate: synthetic registers (one contradicting its return), a scan reconciled
against a register and an analysed capture, all made through the real upload paths, all
labelled synthetic, and nothing added by a second run."""

from __future__ import annotations

import pytest
from django.urls import reverse

from custodes.web.bodies.models import Body
from custodes.web.estate.demo import CAPTURE_NAME, build_demo_estate
from custodes.web.estate.models import AgentToken, Asset, AssetChange, CaptureAnalysis, ScanUpload
from custodes.web.estate.scans import latest_reconciliation
from custodes.web.estate.services import round_reconciliations
from custodes.web.jobs.models import Job
from custodes.web.surveys.demo import build_demo_round

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def demo(settings, tmp_path, roster):
    settings.DATA_DIR = tmp_path / "data"
    round_ = build_demo_round()
    return round_, build_demo_estate(round_)


def counts() -> dict[str, int]:
    return {
        "assets": Asset.objects.count(),
        "changes": AssetChange.objects.count(),
        "scans": ScanUpload.objects.count(),
        "tokens": AgentToken.objects.count(),
        "captures": CaptureAnalysis.objects.count(),
        "jobs": Job.objects.count(),
    }


def test_demo_estate_shows_every_capability_and_reruns_add_nothing(demo, settings):
    round_, estate = demo
    assert len(set(estate.registers)) == 3
    assert set(Asset.objects.values_list("body__code", flat=True)) == set(estate.registers)
    # Every asset says it is synthetic, as does its import.
    assert not Asset.objects.exclude(notes__contains="SYNTHETIC").exists()
    assert all("ynthetic" in c.reason for c in AssetChange.objects.all())
    assert Job.objects.filter(kind="register.import", state=Job.State.SUCCEEDED).count() == 3

    # The quantity column's "12 x DS-2CD2143G0-I" was read into quantity and model.
    body = Body.objects.get(code=estate.discrepancy)
    bulk = Asset.objects.get(body=body, asset_id__endswith="-1")
    assert (bulk.quantity, bulk.model, bulk.manufacturer) == (12, "DS-2CD2143G0-I", "Hikvision")

    # The return said no equipment of concern on external CCTV; the register says otherwise.
    found = {
        (item.body.code, d.block, d.question)
        for item in round_reconciliations(round_)
        for d in item.reconciliation.discrepancies
    }
    assert (estate.discrepancy, "ext_cctv", "ext_cctv.concerns") in found

    # The scan went through an agent token (revoked once used) and is reconciled.
    scan = latest_reconciliation(Body.objects.get(code=estate.scan))
    assert scan is not None and "synthetic" in scan.scanner
    assert [d.address for d in scan.unregistered] == ["10.20.0.50"]
    assert [(m.device.address, m.device.manufacturer) for m in scan.mismatches] == [
        ("10.20.0.13", "Hikvision")
    ]
    assert "10.20.0.14" in {a.ip for a in scan.unseen}
    assert scan.matched == 3
    assert not AgentToken.objects.filter(revoked_at__isnull=True).exists()

    # The capture was analysed by its job: the registered camera talks to Hik-Connect.
    analysis = CaptureAnalysis.objects.get(body__code=estate.capture)
    assert (analysis.file_name, analysis.status) == (CAPTURE_NAME, CaptureAnalysis.Status.DONE)
    (device,) = [d for d in analysis.result if d["device"] == "10.20.0.11"]
    assert {s["service"] for s in device["vendor_services"]} == {"Hik-Connect"}
    # ... and is named from its own web server's reply, at its own MAC, as registered.
    (seen,) = analysis.devices
    assert (seen["address"], seen["manufacturer"]) == ("10.20.0.11", "Hikvision")
    assert seen["mac"] == "02:00:5E:10:00:0B"
    assert analysis.problems == []
    assert not (settings.DATA_DIR / "captures" / analysis.stored_path).exists()

    before = counts()
    again = build_demo_estate(build_demo_round())
    assert again == estate
    assert counts() == before


def test_discrepancy_scan_and_capture_are_on_the_watchdog_pages(demo, watchdog_client):
    round_, estate = demo
    name = Body.objects.get(code=estate.discrepancy).name
    page = watchdog_client.get(reverse("estate:discrepancies", args=[round_.name]))
    assert page.status_code == 200
    text = page.content.decode()
    assert name in text and "Hikvision" in text
    body_page = watchdog_client.get(reverse("estate:body", args=[estate.scan])).content.decode()
    assert "10.20.0.50" in body_page  # the unregistered device the scan found
    assert CAPTURE_NAME in body_page
    capture = CaptureAnalysis.objects.get(body__code=estate.capture)
    # Each page showing the demo's registers, scan or capture says the data are synthetic.
    for url in (
        reverse("estate:national"),
        reverse("estate:body", args=[estate.scan]),
        reverse("estate:body-capture", args=[estate.capture, capture.pk]),
    ):
        shown = watchdog_client.get(url).content.decode()
        assert "describing no real organisation" in shown, url
