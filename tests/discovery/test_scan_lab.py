"""End-to-end scans of the emulated lab: identification, evidence, relabels, no credentials."""

from __future__ import annotations

import pytest

from custodes.discovery import Device
from custodes.discovery.accuracy import evaluate_lab, same_maker
from custodes.discovery.lab import Lab
from custodes.discovery.naming import default_resolver

from .conftest import DEVICE_KEYS, scan_lab


@pytest.fixture(scope="module")
def devices(lab: Lab) -> dict[str, Device]:
    return {device.address: device for device in scan_lab(lab)}


def by_name(lab: Lab, devices: dict[str, Device], name: str) -> Device:
    return devices[lab.address_of(name)]


def test_every_lab_host_is_found(lab: Lab, devices: dict[str, Device]) -> None:
    assert set(devices) == set(lab.addresses)


def test_at_least_twelve_makers_and_three_plain_hosts(lab: Lab) -> None:
    makers = {
        profile.expect.manufacturer
        for profile in lab.profiles
        if profile.expect.device_kind in ("camera", "recorder")
    }
    assert len(makers) >= 10
    brands = {
        profile.expect.brand or profile.expect.manufacturer
        for profile in lab.profiles
        if profile.expect.device_kind in ("camera", "recorder")
    }
    assert len(brands) >= 12
    plain = [
        profile
        for profile in lab.profiles
        if profile.expect.device_kind not in ("camera", "recorder")
    ]
    assert len(plain) >= 3


def test_each_device_identified_as_its_real_maker(lab: Lab, devices: dict[str, Device]) -> None:
    for device, profile in zip(lab.devices, lab.profiles, strict=True):
        found = devices[device.address]
        expected = profile.expect
        if expected.manufacturer is None:
            assert found.manufacturer is None, profile.name
            continue
        assert same_maker(expected.manufacturer, found.manufacturer), (profile.name, found)
        if expected.device_kind:
            assert found.device_kind == expected.device_kind, profile.name
        if expected.brand:
            assert same_maker(expected.brand, found.brand), (profile.name, found.brand)
        assert found.evidence, profile.name
        assert found.confidence > 0.5, profile.name


def test_relabels_show_brand_apart_from_manufacturer(lab: Lab, devices: dict[str, Device]) -> None:
    honeywell = by_name(lab, devices, "dahua-oem-camera")
    assert (honeywell.manufacturer, honeywell.brand) == ("Dahua", "Honeywell")
    assert {item.probe for item in honeywell.evidence} >= {"dhip", "rtsp", "http"}
    truvision = by_name(lab, devices, "hikvision-oem-recorder")
    assert (truvision.manufacturer, truvision.brand) == ("Hikvision", "TruVision")
    assert any(item.rule == "hikvision.sadp.reply" for item in truvision.evidence)


def test_models_firmware_serials_from_unauthenticated_sources(
    lab: Lab, devices: dict[str, Device]
) -> None:
    hik = by_name(lab, devices, "hikvision-camera")
    assert hik.model == "DS-2CD2143G2-I" and hik.serial.startswith("DS-2CD2143G2-I2023")
    assert hik.firmware == "V5.7.15build 230426"
    axis = by_name(lab, devices, "axis-camera")
    assert (axis.model, axis.firmware, axis.serial) == ("P3245-LVE", "11.9.60", "ACCC8E4A1B2C")
    bosch = by_name(lab, devices, "bosch-camera")
    assert bosch.firmware == "7.80.0128"


def test_tls_certificates_are_read(lab: Lab, devices: dict[str, Device]) -> None:
    avigilon = by_name(lab, devices, "avigilon-camera")
    assert avigilon.model == "5.0C-H5A-BO1-IR"
    assert any(
        item.probe == "tls" and "O=Avigilon Corporation" in item.observed
        for item in avigilon.evidence
    )


def test_evidence_names_probe_port_and_rule(lab: Lab, devices: dict[str, Device]) -> None:
    record = by_name(lab, devices, "dahua-camera").to_dict()
    assert set(record) == DEVICE_KEYS
    for item in record["evidence"]:
        assert set(item) == {"probe", "port", "observed", "rule"}
    assert {
        "probe": "rtsp",
        "port": 554 + lab.port_offset,
        "observed": "Dahua Rtsp Server",
        "rule": "dahua.rtsp.server",
    } in record["evidence"]


def test_no_credentials_ever_sent(lab: Lab, devices: dict[str, Device]) -> None:
    assert devices
    assert len(lab.requests) > 100
    for request in lab.requests:
        lowered = request.data.lower()
        assert b"authorization:" not in lowered, request
        assert b"usernametoken" not in lowered and b"wsse:security" not in lowered, request
        assert b"password" not in lowered, request


def test_only_read_only_methods_are_used(lab: Lab, devices: dict[str, Device]) -> None:
    assert devices
    posts = set()
    for request in lab.requests:
        if request.protocol in ("http", "rtsp"):
            method = request.data.split(b" ", 1)[0]
            assert method in (b"GET", b"POST", b"OPTIONS", b"DESCRIBE"), request
            if method == b"POST":
                posts.add(request.data.split(b" ", 2)[1])
    assert posts <= {b"/onvif/device_service", b"/axis-cgi/basicdeviceinfo.cgi"}


def test_lab_accuracy_with_the_resolver(lab: Lab) -> None:
    import asyncio

    from custodes.discovery import Scanner, ScanOptions

    resolver = default_resolver()
    scanner = Scanner(
        options=ScanOptions(timeout=0.6, port_offset=lab.port_offset), resolver=resolver
    )

    async def run() -> list[Device]:
        return [device async for device in scanner.scan(lab.addresses)]

    found = asyncio.run(run())
    report = evaluate_lab(found, lab.profiles, lab.addresses, resolver)
    assert report.total.recall == 1.0 and report.total.precision == 1.0, report.to_text()
    assert report.unlabelled_predicted == 0
    hikvision = next(device for device in found if device.address == lab.addresses[0])
    assert hikvision.concerns and {"kind", "authority", "date", "summary", "source", "via"} == set(
        hikvision.concerns[0]
    )


def test_snmp_only_with_a_community(lab: Lab) -> None:
    address = lab.address_of("hikvision-camera")
    before = sum(1 for request in lab.requests if request.protocol == "snmp")
    scan_lab(lab, [address])
    assert sum(1 for request in lab.requests if request.protocol == "snmp") == before
    [device] = scan_lab(lab, [address], community="public")
    assert any(item.rule == "hikvision.snmp-enterprise" for item in device.evidence)


def test_mdns_service_types_are_asked_by_unicast(lab: Lab, devices: dict[str, Device]) -> None:
    if lab.port_offset:
        pytest.skip("the mDNS probe asks port 5353 itself; the lab is shifted by an offset")
    axis = by_name(lab, devices, "axis-camera")
    found = {(item.observed, item.rule) for item in axis.evidence if item.probe == "mdns"}
    assert found == {("_axis-video._tcp", "axis.iana-service-axis-video")}
    others = [device for address, device in devices.items() if address != axis.address]
    assert not any(item.probe == "mdns" for device in others for item in device.evidence)
