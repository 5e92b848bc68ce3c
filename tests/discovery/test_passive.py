"""Passive identification from packet captures: what each local device sent, read as the scanner
reads it, and identified by the same rules (``custodes identify --capture``)."""

from __future__ import annotations

import hashlib
import json
import ssl
from pathlib import Path

import dns.message
import dns.rrset
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from custodes.cli import app
from custodes.discovery import passive
from custodes.discovery.lab.profiles import load_certificates
from custodes.discovery.passive import PassiveObserver, observe_captures
from custodes.discovery.probes import mdns
from custodes.egress import LINKTYPE_ETHERNET
from egress.builders import MAC_GATEWAY, dns_answer, tcp, udp, write_pcap, write_pcapng

CAMERA_MAC = bytes.fromhex("accc8e4a1b2c")  # an Axis Communications MA-L block
OTHER_MAC = bytes.fromhex("020000000033")
CAMERA = "192.168.1.20"
CLIENT = "192.168.1.5"
WRAP = 2**32 - 20  # the reply's sequence numbers wrap round during its second segment
TITLE_PAGE = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 80\r\n\r\n"
    b"<html><head><title>Live view / - AXIS P1344 Network Camera</title></head></html>"
)
SSDP_NOTIFY = (
    b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNTS: ssdp:alive\r\n"
    b"SERVER: Linux/4.14.173-axis8, UPnP/1.0, Portable SDK for UPnP devices/1.8.4\r\n\r\n"
)


def _mdns(answer: bool) -> bytes:
    """An mDNS answer listing the Axis service type, or a query carrying it as a known answer."""
    query = dns.message.from_wire(mdns.build_query(mdns.SERVICES_NAME))
    message = dns.message.make_response(query) if answer else query
    message.answer.append(
        dns.rrset.from_text_list(mdns.SERVICES_NAME, 120, "IN", "PTR", ["_axis-video._tcp.local."])
    )
    return message.to_wire()


def _scenario() -> list[tuple[float, bytes]]:
    one, two = TITLE_PAGE.index(b"Live"), TITLE_PAGE.index(b"P1344")
    first, second, third = TITLE_PAGE[:one], TITLE_PAGE[one:two], TITLE_PAGE[two:]
    frames = [
        # the camera on its default address, before DHCP gave it another
        udp("192.168.0.20", 1900, "239.255.255.250", 1900, SSDP_NOTIFY, CAMERA_MAC),
        # its web page: the third segment before the second, the first sent twice
        tcp(CAMERA, 80, CLIENT, 50000, first, seq=WRAP, mac=CAMERA_MAC),
        tcp(CAMERA, 80, CLIENT, 50000, third, seq=(WRAP + two) % 2**32, mac=CAMERA_MAC),
        tcp(CAMERA, 80, CLIENT, 50000, first, seq=WRAP, mac=CAMERA_MAC),
        tcp(CAMERA, 80, CLIENT, 50000, second, seq=(WRAP + one) % 2**32, mac=CAMERA_MAC),
        # its FTP greeting, then a reply to a command that is not a greeting
        tcp(
            CAMERA,
            21,
            CLIENT,
            50001,
            b"220 AXIS P1344 Network Camera 5.20 (2013) ready.\r\n",
            seq=500,
            mac=CAMERA_MAC,
        ),
        tcp(CAMERA, 21, CLIENT, 50001, b"331 User name okay\r\n", seq=551, mac=CAMERA_MAC),
        # a reply whose start was not captured: not read
        tcp(CAMERA, 8080, CLIENT, 50002, b"<title>Hikvision</title>", seq=9000, mac=CAMERA_MAC),
        udp(CAMERA, 5353, "224.0.0.251", 5353, _mdns(answer=True), CAMERA_MAC),
        udp("fe80::aecc:8eff:fe4a:1b2c", 5353, "ff02::fb", 5353, _mdns(answer=True), CAMERA_MAC),
        # another host's query with the camera's record as a known answer: not its own
        udp("192.168.1.30", 5353, "224.0.0.251", 5353, _mdns(answer=False), OTHER_MAC),
        # the router: forwards the Internet under its own MAC, and answers DNS itself
        udp("93.184.216.34", 443, CAMERA, 40000, b"x" * 20, MAC_GATEWAY),
        udp(
            "192.168.1.1",
            53,
            CAMERA,
            40001,
            dns_answer("example.com", ["93.184.216.34"]),
            MAC_GATEWAY,
        ),
    ]
    return [(1_700_000_000 + index, frame) for index, frame in enumerate(frames)]


@pytest.fixture
def capture(tmp_path: Path) -> Path:
    return write_pcap(tmp_path / "site.pcap", _scenario())


def test_each_device_says_what_it_sent_and_nothing_else(capture: Path) -> None:
    result = observe_captures([capture])
    assert result.problems == [] and result.packets_read == len(_scenario())
    camera, other = result.sightings
    assert (camera.address, camera.mac) == (CAMERA, "AC:CC:8E:4A:1B:2C")  # its last IPv4
    assert camera.serving_ports == [21, 80]
    assert {item.probe for item in camera.observations} == {"capture"}
    assert [(item.field, item.value) for item in camera.observations] == [
        ("upnp.server", "Linux/4.14.173-axis8, UPnP/1.0, Portable SDK for UPnP devices/1.8.4"),
        ("mdns.service", "_axis-video._tcp"),
        ("http.title", "Live view / - AXIS P1344 Network Camera"),
        ("ftp.banner", "220 AXIS P1344 Network Camera 5.20 (2013) ready."),
    ]
    assert (other.address, other.mac, other.observations) == (
        "192.168.1.30",
        "02:00:00:00:00:33",
        [],
    )


def test_pcapng_reads_the_same(tmp_path: Path, capture: Path) -> None:
    other = write_pcapng(tmp_path / "site.pcapng", _scenario())
    assert observe_captures([other]).sightings == observe_captures([capture]).sightings


def test_identify_capture_names_the_camera_from_what_it_sent(capture: Path) -> None:
    result = CliRunner().invoke(app, ["identify", "--capture", str(capture), "--json"])
    assert result.exit_code == 0, result.output
    camera, other = (json.loads(line) for line in result.stdout.splitlines())
    assert camera["address"] == CAMERA and camera["mac"] == "AC:CC:8E:4A:1B:2C"
    assert camera["manufacturer"] == "Axis Communications" and camera["open_ports"] == [21, 80]
    assert camera["firmware"] == "5.20"
    assert "capture" in {item["probe"] for item in camera["evidence"]}
    assert other["manufacturer"] is None and other["concerns"] == []
    table = CliRunner().invoke(app, ["identify", "--capture", str(capture)])
    assert table.exit_code == 0 and "2 devices identified" in table.stdout
    assert "192.168.1.20" in table.stdout and "Axis" in table.stdout


def test_a_local_network_given_replaces_the_defaults(capture: Path) -> None:
    result = observe_captures([capture], local_networks=["192.168.0.0/24"])
    [camera] = result.sightings  # only its default address is local now
    assert camera.address == "192.168.0.20"
    assert [item.field for item in camera.observations] == ["upnp.server"]


def test_bad_files_are_warnings_and_the_rest_is_read(tmp_path: Path, capture: Path) -> None:
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(capture.read_bytes()[:-30])
    junk = tmp_path / "notes.txt"
    junk.write_text("not a capture\n")
    result = CliRunner().invoke(
        app, ["identify", "--capture", str(junk), "--capture", str(cut), "--json"]
    )
    assert result.exit_code == 0, result.output
    assert "notes.txt: offset 0: not a pcap or pcapng file" in result.stderr
    assert "cut.pcap: offset" in result.stderr and "truncated packet record" in result.stderr
    assert json.loads(result.stdout.splitlines()[0])["address"] == CAMERA


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--local", "192.168.0.0/16"], "--local needs --capture"),
        (["--capture", "{capture}", "--local", "192.168.1.300/24"], "invalid local network"),
    ],
)
def test_refusals(capture: Path, arguments: list[str], message: str) -> None:
    argv = ["identify", *(item.format(capture=capture) for item in arguments)]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 1 and message in result.stderr


def test_streams_beyond_the_limit_are_read_early_not_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(passive, "MAX_STREAMS", 4)
    observer = PassiveObserver()
    for number in range(10):
        reply = f"HTTP/1.1 401 Unauthorized\r\nServer: webs-{number}\r\n\r\n".encode()
        frame = tcp(CAMERA, 80, CLIENT, 40000 + number, reply, seq=number, mac=CAMERA_MAC)
        observer.feed(LINKTYPE_ETHERNET, frame)
    [camera] = observer.sightings()
    assert [item.value for item in camera.observations] == [f"webs-{n}" for n in range(10)]


def _server_flight(tmp_path: Path, maximum: ssl.TLSVersion) -> bytes:
    """What an OpenSSL server serving the lab's Avigilon certificate sends first, in memory."""
    lab = load_certificates()["avigilon"]
    (tmp_path / "cert.pem").write_text(lab.certificate)
    (tmp_path / "key.pem").write_text(lab.key)
    server_context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
    client_context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    client_context.check_hostname, client_context.verify_mode = False, ssl.CERT_NONE
    client_context.maximum_version = maximum
    pipes = [ssl.MemoryBIO() for _ in range(4)]
    client = client_context.wrap_bio(pipes[0], pipes[1])
    server = server_context.wrap_bio(pipes[2], pipes[3], server_side=True)
    with pytest.raises(ssl.SSLWantReadError):
        client.do_handshake()
    pipes[2].write(pipes[1].read())  # the ClientHello reaches the server
    with pytest.raises(ssl.SSLWantReadError):
        server.do_handshake()
    return pipes[3].read()


@pytest.mark.parametrize(
    ("maximum", "read"), [(ssl.TLSVersion.TLSv1_2, True), (ssl.TLSVersion.TLSv1_3, False)]
)
def test_a_certificate_served_in_clear_is_read(
    tmp_path: Path, maximum: ssl.TLSVersion, read: bool
) -> None:
    flight = _server_flight(tmp_path, maximum)
    observer = PassiveObserver()
    for start in range(0, len(flight), 700):  # in segments, as TCP would carry it
        piece = flight[start : start + 700]
        observer.feed(
            LINKTYPE_ETHERNET, tcp(CAMERA, 443, CLIENT, 50000, piece, seq=start, mac=CAMERA_MAC)
        )
    [camera] = observer.sightings()
    fields = {item.field: item.value for item in camera.observations}
    if read:
        assert fields["tls.subject"].startswith("CN=AVIGILON-CAMERA-5.0C-H5A-BO1-IR-4412873,")
        assert "O=Avigilon Corporation" in fields["tls.issuer"]
        assert camera.serving_ports == [443]
    else:  # TLS 1.3 encrypts the certificate
        assert fields == {} and camera.serving_ports == []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames=st.lists(st.binary(max_size=200), max_size=20))
def test_any_frames_never_break_the_observer(frames: list[bytes]) -> None:
    observer = PassiveObserver()
    for frame in frames:
        observer.feed(LINKTYPE_ETHERNET, frame)
    observer.sightings()


@settings(max_examples=300, deadline=None)
@given(
    segments=st.lists(
        st.tuples(
            st.sampled_from([21, 22, 23, 80, 554, 1900, 3702, 5353, 37020, 37810]),
            st.integers(0, 2**32 - 1),
            st.one_of(
                st.binary(max_size=300),
                st.sampled_from(
                    [
                        TITLE_PAGE,
                        SSDP_NOTIFY,
                        b"RTSP/1.0 200 OK\r\n",
                        b"SSH-2.0-",
                        b"GET /favicon.ico HTTP/1.1\r\n\r\nHEAD / HTTP/1.1\r\n",
                        b"\x16\x03\x03\x00\x04\x02\x00\x00\x00\x16\x03\x03\xff\xff\x0b\x00\xff",
                    ]
                ),
            ),
        ),
        max_size=12,
    )
)
def test_any_payloads_from_a_device_never_break_it(
    segments: list[tuple[int, int, bytes]],
) -> None:
    observer = PassiveObserver()
    for port, sequence, payload in segments:
        observer.feed(LINKTYPE_ETHERNET, tcp(CAMERA, port, CLIENT, 50000, payload, seq=sequence))
        observer.feed(LINKTYPE_ETHERNET, udp(CAMERA, port, "224.0.0.251", port, payload))
        observer.feed(LINKTYPE_ETHERNET, tcp(CLIENT, 50000, CAMERA, port, payload, seq=sequence))
    for sighting in observer.sightings():
        assert len(sighting.observations) <= passive.MAX_OBSERVATIONS


def _http(status: str, body: bytes, length: int | None = None, kind: str = "text/xml") -> bytes:
    size = len(body) if length is None else length
    head = f"HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {size}\r\n\r\n"
    return head.encode() + body


def test_replies_paired_with_the_requests_a_client_sent() -> None:
    """A VMS polls a camera: the favicon's hash, the fields of a vendor endpoint's 200 reply
    and an ONVIF GetDeviceInformation answer are read; a reply cut short gives no hash."""
    icon = b"\x00\x00\x01\x00" + bytes(range(60))
    device_info = (
        b'<?xml version="1.0"?><DeviceInfo xmlns="http://www.hikvision.com/ver20/XMLSchema">'
        b"<model>DS-2CD2143G0-I</model><firmwareVersion>V5.5.0</firmwareVersion>"
        b"<serialNumber>DS-2CD2143G0-I20190101AAWRC12345678</serialNumber></DeviceInfo>"
    )
    onvif_answer = (
        b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"'
        b' xmlns:tds="http://www.onvif.org/ver10/device/wsdl"><s:Body>'
        b"<tds:GetDeviceInformationResponse><tds:Manufacturer>HIKVISION</tds:Manufacturer>"
        b"<tds:Model>DS-2CD2143G0-I</tds:Model><tds:FirmwareVersion>V5.5.0</tds:FirmwareVersion>"
        b"</tds:GetDeviceInformationResponse></s:Body></s:Envelope>"
    )
    asked = (
        b"GET /favicon.ico HTTP/1.1\r\nHost: cam\r\n\r\n"
        b"GET /ISAPI/System/deviceInfo HTTP/1.1\r\nHost: cam\r\nAuthorization: Digest x\r\n\r\n"
        b"GET /index.html HTTP/1.1\r\nHost: cam\r\n\r\n"
    )
    answers = (
        _http("200 OK", icon, kind="image/x-icon")
        + _http("200 OK", device_info)
        + _http("200 OK", b"<html></html>", kind="text/html")
    )
    cut_icon = _http("200 OK", icon[:20], length=len(icon), kind="image/x-icon")
    vms = "192.168.1.9"
    frames = [
        tcp(vms, 50010, CAMERA, 80, asked, seq=1, mac=OTHER_MAC),
        tcp(CAMERA, 80, vms, 50010, answers, seq=7000, mac=CAMERA_MAC),
        tcp(vms, 50011, CAMERA, 80, b"POST /onvif/device_service HTTP/1.1\r\n\r\n", mac=OTHER_MAC),
        tcp(CAMERA, 80, vms, 50011, _http("200 OK", onvif_answer), seq=9000, mac=CAMERA_MAC),
        tcp(vms, 50012, CAMERA, 8080, b"GET /favicon.ico HTTP/1.1\r\n\r\n", mac=OTHER_MAC),
        tcp(CAMERA, 8080, vms, 50012, cut_icon, seq=100, mac=CAMERA_MAC),
    ]
    observer = PassiveObserver()
    for frame in frames:
        observer.feed(LINKTYPE_ETHERNET, frame)
    camera = next(item for item in observer.sightings() if item.address == CAMERA)
    found = {(item.port, item.field): item.value for item in camera.observations}
    assert found[(80, "http.favicon_md5")] == hashlib.md5(icon, usedforsecurity=False).hexdigest()
    assert found[(80, "device.model")] == "DS-2CD2143G0-I"
    assert found[(80, "device.firmware")] == "V5.5.0"
    assert found[(80, "onvif.manufacturer")] == "HIKVISION"
    assert found[(80, "onvif.firmware")] == "V5.5.0"
    assert (8080, "http.favicon_md5") not in found
    assert not any(field == "onvif.device_information" for _, field in found)  # auth unknown


def test_a_connection_caught_half_way_is_not_paired() -> None:
    """The capture began after the favicon was asked for: its reply answers a request not seen,
    so the page asked for next must not be hashed as the favicon."""
    icon = b"\x00\x00\x01\x00" + bytes(range(60))
    page = b"<html><head><title>Login</title></head></html>"
    first = _http("200 OK", icon)
    observer = PassiveObserver()
    for frame in (
        tcp(CAMERA, 80, CLIENT, 50020, first, seq=1, mac=CAMERA_MAC),
        tcp(CLIENT, 50020, CAMERA, 80, b"GET /favicon.ico HTTP/1.1\r\n\r\n", mac=OTHER_MAC),
        tcp(
            CAMERA,
            80,
            CLIENT,
            50020,
            _http("200 OK", page, kind="text/html"),
            seq=1 + len(first),
            mac=CAMERA_MAC,
        ),
    ):
        observer.feed(LINKTYPE_ETHERNET, frame)
    camera = next(item for item in observer.sightings() if item.address == CAMERA)
    fields = {item.field for item in camera.observations}
    assert "http.title" in fields and "http.favicon_md5" not in fields


def test_replies_in_a_stream_are_split_as_http_frames_them() -> None:
    """Bodies that end without a line break, a HEAD answer's Content-Length without a body,
    and a chunked body each end where HTTP says; every Server header is read."""
    stream = (
        b"HTTP/1.1 200 OK\r\nServer: first\r\nContent-Length: 3\r\n\r\nabc"
        b"HTTP/1.1 200 OK\r\nServer: second\r\nContent-Length: 999\r\n\r\n"
        b"HTTP/1.1 200 OK\r\nServer: third\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nxyz\r\n0\r\n\r\n"
        b"HTTP/1.1 304 Not Modified\r\nServer: fourth\r\n\r\n"
        b"HTTP/1.1 404 Not Found\r\nServer: fifth\r\n\r\n"
    )
    requests = [("GET", "/"), ("HEAD", "/"), ("GET", "/a"), ("GET", "/b"), ("GET", "/c")]
    servers = [
        item.value
        for item in passive.stream_replies(stream, 80, requests)
        if item.field == "http.server"
    ]
    assert servers == ["first", "second", "third", "fourth", "fifth"]


def test_a_reply_whose_second_segment_came_first_is_put_back() -> None:
    cut = TITLE_PAGE.index(b"<title>")
    observer = PassiveObserver()
    for segment, sequence in ((TITLE_PAGE[cut:], 500 + cut), (TITLE_PAGE[:cut], 500)):
        observer.feed(
            LINKTYPE_ETHERNET, tcp(CAMERA, 80, CLIENT, 50030, segment, seq=sequence, mac=CAMERA_MAC)
        )
    [camera] = observer.sightings()
    assert ("http.title", "Live view / - AXIS P1344 Network Camera") in {
        (item.field, item.value) for item in camera.observations
    }
