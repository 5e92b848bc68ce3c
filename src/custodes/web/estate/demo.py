"""The synthetic demo estate: registers, a scan reconciliation and a capture analysis.

Built on top of the synthetic demo round (``custodes.web.surveys.demo``) through the paths real
data take: each register is uploaded as a CSV file and imported by its ``register.import`` job,
the scan is received from an agent token as ``POST /api/scans`` receives it, and the capture
(a small pcap written here with dpkt, its traffic aimed at a vendor-cloud host from the egress
endpoint data) is stored as an upload and analysed by its ``capture.analyse`` job. Every site,
note, file and scanner name says "synthetic"; no address is anyone's real one (RFC 1918
devices, RFC 5737 documentation addresses for the cloud). Running it again adds nothing.
"""

from __future__ import annotations

import csv
import io
import ipaddress
import secrets
import struct
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import dpkt
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from custodes import egress
from custodes import findings as fcore
from custodes.web.bodies.models import Body
from custodes.web.estate.captures import (
    ANALYSE_JOB,
    StoredCapture,
    captures_dir,
    store_upload,
)
from custodes.web.estate.models import Asset, CaptureAnalysis, ScanUpload
from custodes.web.estate.register_uploads import IMPORT_JOB, start_import
from custodes.web.estate.scans import issue_agent_token, receive_scan, revoke_agent_token
from custodes.web.jobs.models import Job
from custodes.web.jobs.runner import execute
from custodes.web.jobs.services import latest_job
from custodes.web.surveys.analysis import round_data
from custodes.web.surveys.models import Round

__all__ = ["CAPTURE_NAME", "DemoEstate", "build_demo_estate", "demo_capture", "holds_demo_data"]

ACTOR = "demo:synthetic"
REASON = "Synthetic demo register (made up, not any body's real equipment)"
NOTE = "SYNTHETIC DEMO DATA"
CAPTURE_NAME = "synthetic-demo-capture.pcap"
SCANNER = "custodes scan (synthetic demo)"
# The vendor service the demo camera talks to, looked up in the egress endpoint data.
CLOUD_ENDPOINT = "hik-connect"
CLOUD_ADDRESS = "203.0.113.10"  # RFC 5737 documentation range
RESOLVER = "10.20.0.1"
WORKSTATION = "10.20.0.60"
GATEWAY_MAC = b"\x02\x00\x5e\x10\x00\x01"  # locally administered: no maker's
CAMERA_MAC = b"\x02\x00\x5e\x10\x00\x0b"
CAMERA_WEB_REPLY = b"HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\nContent-Length: 0\r\n\r\n"
HEADER = [
    "Ref",
    "Location",
    "Type",
    "Make",
    "Model",
    "Qty",
    "IP address",
    "MAC address",
    "Firmware",
    "Connected to",
    "Installed",
    "Status",
    "Notes",
]
HQ = "Synthetic headquarters (demo)"
CUSTODY = "Synthetic custody suite (demo)"


@dataclass(frozen=True)
class DemoEstate:
    """Which bodies the demo estate gave what: registers, the discrepancy, scan, capture."""

    registers: tuple[str, ...]
    discrepancy: str
    scan: str
    capture: str


def holds_demo_data(body: Body | None = None) -> bool:
    """Whether the register (one body's, or any) holds the demo's synthetic data: pages that
    show it say so."""
    # Read from the jobs that imported the demo's registers: a short table, unlike the assets.
    imports = Job.objects.filter(kind=IMPORT_JOB, started_by=ACTOR)
    return (imports.for_object(body) if body is not None else imports).exists()


def _row(
    ref: str,
    site: str,
    kind: str,
    make: str,
    model: str,
    qty: str,
    net: tuple[str, str, str, str] = ("", "", "", "Force network"),
    installed: str = "2021",
    status: str = "In service",
) -> list[str]:
    """One register line; ``net`` is IP address, MAC address, firmware and connectivity."""
    return [ref, site, kind, make, model, qty, *net, installed, status, NOTE]


def _rows_contradicting(p: str) -> list[list[str]]:
    """A register whose Hikvision cameras contradict a return that said "no" to equipment of
    concern on external CCTV; its devices with addresses are the ones scanned and captured."""
    cloud = ("10.20.0.11", "02:00:5e:10:00:0b", "V5.5.0", "Hik-Connect cloud")
    return [
        # A bulk row written as FOI replies write them: the model inside the quantity.
        _row(f"{p}-1", HQ, "External bullet camera", "Hikvision", "", "12 x DS-2CD2143G0-I"),
        _row(f"{p}-2", HQ, "External camera", "Hikvision", "DS-2CD2143G0-I", "1", cloud, "2019"),
        _row(f"{p}-3", HQ, "External dome", "Axis", "P3245-LVE", "1", ("10.20.0.12", "", "", "")),
        _row(
            f"{p}-4",
            HQ,
            "External PTZ",
            "Bosch",
            "AUTODOME IP 5000",
            "1",
            ("10.20.0.13", "", "", ""),
        ),
        _row(f"{p}-5", HQ, "External turret", "Axis", "Q3536-LVE", "1", ("10.20.0.14", "", "", "")),
        _row(
            f"{p}-6",
            HQ,
            "NVR",
            "Hikvision",
            "DS-7616NI-I2",
            "1",
            ("10.20.0.2", "", "", ""),
            "2019",
            "to be replaced by 31/03/2027",
        ),
        _row(f"{p}-7", CUSTODY, "Internal dome", "Axis", "M3086-V", "24"),
        _row(
            f"{p}-8",
            "Synthetic response team (demo)",
            "Body worn",
            "Motorola Solutions",
            "VB400",
            "40",
        ),
    ]


def _rows_without_concern(p: str) -> list[list[str]]:
    return [
        _row(f"{p}-1", HQ, "External dome", "Axis", "P3245-LVE", "18"),
        _row(f"{p}-2", CUSTODY, "Internal dome", "Hanwha Vision", "XND-6080", "30"),
        _row(f"{p}-3", HQ, "VMS", "Milestone", "XProtect", "1"),
        _row(
            f"{p}-4", "Synthetic roads unit (demo)", "ANPR camera", "Genetec", "AutoVu SharpV", "6"
        ),
    ]


def _rows_of_concern_declared(p: str) -> list[list[str]]:
    return [
        _row(
            f"{p}-1",
            HQ,
            "External bullet camera",
            "Dahua",
            "IPC-HFW2431S",
            "9",
            installed="2018",
            status="to be replaced by 31/12/2026",
        ),
        _row(f"{p}-2", CUSTODY, "Internal dome", "Axis", "M3086-V", "12"),
        _row(f"{p}-3", "Synthetic drone unit (demo)", "Drone", "DJI", "Matrice 300 RTK", "3"),
    ]


def _csv(rows: list[list[str]]) -> bytes:
    """A register file as bodies send them: a title line, a blank one, then the table."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["SYNTHETIC DEMO REGISTER: made up for the Custodes demo, not real equipment"])
    writer.writerow([])
    writer.writerow(HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _run_job(job: Job) -> Job:
    """Runs a job in this process through the job runner (a worker that picks up the queued
    copy later finds it done); raises when it did not succeed."""
    execute(job.pk)
    job.refresh_from_db()
    if job.state != Job.State.SUCCEEDED:
        raise RuntimeError(f"demo {job.kind} job {job.pk} ended {job.state}: {job.error}")
    return job


def _import_register(body: Body, rows: list[list[str]]) -> None:
    if Asset.objects.filter(body=body).exists():
        return
    upload = SimpleUploadedFile(f"synthetic-demo-register-{body.code}.csv", _csv(rows))
    _run_job(start_import(body, upload, actor=ACTOR, reason=REASON))


def _scan_payload() -> dict[str, Any]:
    """What ``custodes scan --upload`` would send after scanning the synthetic HQ segment:
    three registered cameras answer (one with another maker's firmware), one does not, and an
    unregistered Dahua camera does."""
    finished = timezone.now() - timedelta(hours=1)

    def device(address: str, maker: str, model: str, port: int, banner: str) -> dict[str, Any]:
        return {
            "address": address,
            "open_ports": [80, port],
            "manufacturer": maker,
            "model": model,
            "device_kind": "camera",
            "confidence": 0.9,
            "evidence": [{"probe": "http", "port": port, "observed": banner}],
        }

    return {
        "scanner": SCANNER,
        "started_at": (finished - timedelta(minutes=4)).isoformat(),
        "finished_at": finished.isoformat(),
        "targets": ["10.20.0.0/24"],
        "devices": [
            device("10.20.0.11", "Hikvision", "DS-2CD2143G0-I", 80, "Server: App-webs/"),
            device("10.20.0.12", "Axis", "P3245-LVE", 443, "AXIS P3245-LVE Network Camera"),
            device("10.20.0.13", "Hikvision", "DS-2DE4425IW", 80, "Server: DNVRS-Webs"),
            device("10.20.0.50", "Dahua", "IPC-HDW2431T", 37777, "Dahua DVRIP service"),
        ],
    }


def _scan(body: Body) -> None:
    if ScanUpload.objects.filter(body=body).exists():
        return
    token, _ = issue_agent_token(body, actor=ACTOR, label="Synthetic demo agent", days=1)
    try:
        receive_scan(token, _scan_payload())
    finally:
        revoke_agent_token(token, actor=ACTOR)  # its one scan is in; nobody holds it


def _cloud_host() -> str:
    """A host name of the demo's vendor-cloud service, from the egress endpoint data."""
    rules = egress.load_endpoint_rules()
    endpoint = next(e for e in rules.endpoints if e.id == CLOUD_ENDPOINT)
    pattern = endpoint.domains[-1]
    return f"dev.{pattern[2:]}" if pattern.startswith("*.") else pattern


def _frame(
    source: str, destination: str, segment: dpkt.Packet, proto: int, mac: bytes = GATEWAY_MAC
) -> bytes:
    ip = dpkt.ip.IP(
        src=ipaddress.ip_address(source).packed,
        dst=ipaddress.ip_address(destination).packed,
        p=proto,
        ttl=64,
        data=segment,
    )
    ip.len = 20 + len(bytes(segment))
    return bytes(
        dpkt.ethernet.Ethernet(
            src=mac,
            dst=GATEWAY_MAC if mac != GATEWAY_MAC else CAMERA_MAC,
            type=dpkt.ethernet.ETH_TYPE_IP,
            data=ip,
        )
    )


def _udp(
    source: str, sport: int, destination: str, dport: int, payload: bytes, mac: bytes = GATEWAY_MAC
) -> bytes:
    segment = dpkt.udp.UDP(sport=sport, dport=dport, data=payload)
    segment.ulen = 8 + len(payload)
    return _frame(source, destination, segment, dpkt.ip.IP_PROTO_UDP, mac)


def _tcp(
    source: str,
    sport: int,
    destination: str,
    dport: int,
    payload: bytes,
    flags: int,
    mac: bytes = GATEWAY_MAC,
) -> bytes:
    segment = dpkt.tcp.TCP(sport=sport, dport=dport, seq=1, flags=flags, data=payload)
    return _frame(source, destination, segment, dpkt.ip.IP_PROTO_TCP, mac)


def _client_hello(server_name: str) -> bytes:
    """A TLS ClientHello record carrying ``server_name`` as its SNI."""
    name = server_name.encode()
    entry = b"\x00" + struct.pack("!H", len(name)) + name
    names = struct.pack("!H", len(entry)) + entry
    extensions = struct.pack("!HH", 0, len(names)) + names
    body = (
        b"\x03\x03"
        + secrets.token_bytes(32)
        + b"\x00"
        + struct.pack("!H", 2)
        + b"\x13\x01"
        + b"\x01\x00"
        + struct.pack("!H", len(extensions))
        + extensions
    )
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(handshake)) + handshake


def demo_capture(camera: str = "10.20.0.11") -> bytes:
    """A small pcap: ``camera`` looks up the vendor-cloud host, connects to the answered
    address and names the host in its TLS handshake, then sends a little data; it also answers
    a workstation's web request, which names its maker's web server. Frames from beyond the
    site come through the gateway, under the gateway's MAC."""
    host = _cloud_host()
    query = dpkt.dns.DNS(id=0x5EED, qd=[dpkt.dns.DNS.Q(name=host, type=dpkt.dns.DNS_A)])
    answer = dpkt.dns.DNS(
        id=0x5EED,
        op=dpkt.dns.DNS_RA,
        qr=dpkt.dns.DNS_R,
        qd=[dpkt.dns.DNS.Q(name=host, type=dpkt.dns.DNS_A)],
        an=[
            dpkt.dns.DNS.RR(
                name=host,
                type=dpkt.dns.DNS_A,
                cls=dpkt.dns.DNS_IN,
                ttl=60,
                rdata=ipaddress.ip_address(CLOUD_ADDRESS).packed,
            )
        ],
    )
    start = timezone.now().timestamp() - 7200
    ack = dpkt.tcp.TH_ACK
    frames = [
        _udp(camera, 40000, RESOLVER, 53, bytes(query), CAMERA_MAC),
        _udp(RESOLVER, 53, camera, 40000, bytes(answer)),
        _tcp(camera, 50000, CLOUD_ADDRESS, 443, b"", dpkt.tcp.TH_SYN, CAMERA_MAC),
        _tcp(CLOUD_ADDRESS, 443, camera, 50000, b"", dpkt.tcp.TH_SYN | ack),
        _tcp(camera, 50000, CLOUD_ADDRESS, 443, _client_hello(host), ack, CAMERA_MAC),
        _tcp(camera, 50000, CLOUD_ADDRESS, 443, bytes(600), ack, CAMERA_MAC),
        # The camera's web server answers a workstation on the site, naming its software.
        _tcp(camera, 80, WORKSTATION, 51000, CAMERA_WEB_REPLY, ack, CAMERA_MAC),
    ]
    out = io.BytesIO()
    writer = dpkt.pcap.Writer(out, linktype=dpkt.pcap.DLT_EN10MB)
    for index, frame in enumerate(frames):
        writer.writepkt(frame, ts=start + index * 0.2)
    return out.getvalue()


def _capture(body: Body) -> None:
    if CaptureAnalysis.objects.filter(body=body, file_name=CAPTURE_NAME).exists():
        return
    content = demo_capture()
    path = captures_dir() / f"{secrets.token_hex(16)}.pcap"
    path.write_bytes(content)
    try:
        analysis = store_upload(body, StoredCapture(path, CAPTURE_NAME, len(content)), actor=ACTOR)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    job = latest_job(analysis, [ANALYSE_JOB])
    if job is None:
        raise RuntimeError("the demo capture's analysis job was not started")
    _run_job(job)


def _answers(round_: Round) -> dict[str, dict[str, Any]]:
    """Each responding body's answers as they stand, by body code."""
    found = {}
    for record in round_data(round_).returns:
        answers = fcore.answers_as_of(record.events, None)
        if answers is not None:
            found[record.body] = answers
    return found


def build_demo_estate(round_: Round) -> DemoEstate:
    """Gives three responding bodies of the demo round synthetic registers (one contradicting
    its return), reconciles a synthetic scan for that body and analyses a synthetic capture of
    its network. Each step is skipped when already done, so running it again adds nothing."""
    answers = _answers(round_)
    codes = sorted(answers)

    def first(wanted: str, taken: set[str]) -> str:
        return next(
            c for c in codes if c not in taken and answers[c].get("ext_cctv.concerns") == wanted
        )

    contradicting = first("no", set())
    declared = first("yes", {contradicting})
    plain = next(c for c in codes if c not in {contradicting, declared})
    bodies = {b.code: b for b in Body.objects.filter(code__in=[contradicting, declared, plain])}
    plans = [
        (contradicting, _rows_contradicting),
        (plain, _rows_without_concern),
        (declared, _rows_of_concern_declared),
    ]
    for code, rows in plans:
        _import_register(bodies[code], rows(code[:3].upper()))
    _scan(bodies[contradicting])
    _capture(bodies[contradicting])
    return DemoEstate(
        registers=tuple(code for code, _ in plans),
        discrepancy=contradicting,
        scan=contradicting,
        capture=contradicting,
    )
