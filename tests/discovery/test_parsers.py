"""Wire parsers: well-formed replies parse; random, truncated and hostile bytes never crash."""

from __future__ import annotations

import gzip
import ssl
import zlib

import dns.message
import dns.rrset
from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.discovery.lab.profiles import (
    DeviceProfile,
    MdnsService,
    OnvifService,
    SnmpService,
    load_certificates,
)
from custodes.discovery.lab.replies import mdns_reply, probe_matches, snmp_reply
from custodes.discovery.probes import dhip, mdns, onvif, sadp, snmp, ssdp
from custodes.discovery.probes.banner import clean_banner
from custodes.discovery.probes.httpwire import MAX_DECODED_BODY, head_complete, parse_response
from custodes.discovery.probes.x509 import describe_certificate
from custodes.discovery.probes.xmlutil import parse_xml

HTTP_REPLY = (
    b"HTTP/1.1 401 Unauthorized\r\nServer: App-webs/\r\n"
    b'WWW-Authenticate: Digest realm="IP Camera(X)", nonce="1"\r\n'
    b"Content-Length: 43\r\n\r\n<html><title> Login\n Page </title></html>xx"
)


def test_http_reply_parses_headers_title_and_body_length() -> None:
    response = parse_response(HTTP_REPLY)
    assert response is not None and response.status == 401
    assert response.header("server") == "App-webs/"
    assert response.title() == "Login Page"
    assert len(response.body) == 43 and head_complete(HTTP_REPLY)
    assert not head_complete(HTTP_REPLY[:-5])


def test_chunked_and_upper_case_headers() -> None:
    raw = (
        b"HTTP/1.1 200 OK\r\nCONTENT-TYPE: text/html\r\nTRANSFER-ENCODING: chunked\r\n\r\n"
        b"7\r\n<title>\r\n3;x=1\r\nabc\r\n8\r\n</title>\r\n0\r\n\r\n"
    )
    response = parse_response(raw)
    assert response is not None
    assert response.body == b"<title>abc</title>" and response.title() == "abc"
    assert response.header_case() == "upper"


def test_not_http_is_refused() -> None:
    assert parse_response(b"SSH-2.0-OpenSSH_9.2\r\n") is None
    assert parse_response(b"") is None


def test_xml_bombs_and_entities_are_refused() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><ProbeMatch><DeviceDescription>&b;'
        b"</DeviceDescription></ProbeMatch>"
    )
    external = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b"<ProbeMatch><DeviceSN>&e;</DeviceSN></ProbeMatch>"
    )
    assert parse_xml(bomb) is None and parse_xml(external) is None
    assert sadp.parse_reply(bomb) == [] and sadp.parse_reply(external) == []
    assert parse_xml(b"<a>" * 10 + b"x" * (300 * 1024)) is None


def test_sadp_reply_fields() -> None:
    reply = (
        b'<?xml version="1.0" encoding="UTF-8"?><ProbeMatch><Uuid>1</Uuid>'
        b"<Types>inquiry</Types><DeviceDescription>DS-2CD2143G2-I</DeviceDescription>"
        b"<DeviceSN>SN123456</DeviceSN><SoftwareVersion>V5.7.15</SoftwareVersion></ProbeMatch>"
    )
    fields = {item.field: item.value for item in sadp.parse_reply(reply)}
    assert fields["sadp.DeviceDescription"] == "DS-2CD2143G2-I"
    assert fields["sadp.DeviceSN"] == "SN123456" and fields["sadp.reply"] == "ProbeMatch"


def test_dhip_round_trip_and_bad_headers() -> None:
    datagram = dhip.pack(
        {
            "method": "client.notifyDevInfo",
            "params": {"deviceInfo": {"DeviceType": "IPC-X", "SerialNo": "ABCD1234"}},
        }
    )
    fields = {item.field: item.value for item in dhip.parse_reply(datagram)}
    assert fields == {
        "dhip.reply": "client.notifyDevInfo",
        "dhip.DeviceType": "IPC-X",
        "dhip.SerialNo": "ABCD1234",
    }
    assert dhip.unpack(dhip.search_request()) == {
        "method": "DHDiscover.search",
        "params": {"mac": "", "uni": 1},
    }
    assert dhip.parse_reply(datagram[:40]) == []
    assert dhip.parse_reply(datagram[:4] + b"XXXX" + datagram[8:]) == []
    lying = bytearray(datagram)
    lying[16:20] = (10_000_000).to_bytes(4, "little")
    assert dhip.unpack(bytes(lying)) is None


def test_ws_discovery_scopes_are_decoded() -> None:
    profile = DeviceProfile(name="x")
    service = OnvifService(
        scopes=(
            "onvif://www.onvif.org/name/ACME%20Cam",
            "onvif://www.onvif.org/hardware/ZX-100",
            "http://other/scope",
        ),
    )
    reply = probe_matches(profile, service, "127.0.0.9", 8080, onvif.build_probe())
    assert reply is not None
    found = {item.field: item.value for item in onvif.parse_probe_matches(reply)}
    assert found["onvif.scope.name"] == "ACME Cam"
    assert found["onvif.scope.hardware"] == "ZX-100"
    assert onvif.device_service_urls(found["onvif.xaddrs"], "127.0.0.9") == [
        (8080, "/onvif/device_service")
    ]
    assert onvif.device_service_urls("http://10.0.0.1/onvif/device_service", "127.0.0.9") == []


def test_ws_discovery_hello_is_read_like_a_probe_match() -> None:
    """A device announces itself with Hello (WS-Discovery 2005/04, section 4.1) on joining."""
    hello = (
        b'<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"'
        b' xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery"'
        b' xmlns:dn="http://www.onvif.org/ver10/network/wsdl"><s:Body><d:Hello>'
        b"<d:Types>dn:NetworkVideoTransmitter</d:Types>"
        b"<d:Scopes>onvif://www.onvif.org/hardware/ZX-100 onvif://www.onvif.org/name/ACME</d:Scopes>"
        b"<d:XAddrs>http://192.168.1.20/onvif/device_service</d:XAddrs>"
        b"<d:MetadataVersion>1</d:MetadataVersion></d:Hello></s:Body></s:Envelope>"
    )
    found = {item.field: item.value for item in onvif.parse_probe_matches(hello)}
    assert found == {
        "onvif.types": "dn:NetworkVideoTransmitter",
        "onvif.xaddrs": "http://192.168.1.20/onvif/device_service",
        "onvif.scope.hardware": "ZX-100",
        "onvif.scope.name": "ACME",
    }
    bye = hello.replace(b"d:Hello>", b"d:Bye>")  # leaving: not an announcement of what it is
    assert onvif.parse_probe_matches(bye) == []


def test_recorder_ignores_a_probe_for_transmitters() -> None:
    service = OnvifService(types="dn:NetworkVideoRecorder")
    profile = DeviceProfile(name="x")
    assert probe_matches(profile, service, "127.0.0.9", 80, onvif.build_probe()) is None
    assert probe_matches(profile, service, "127.0.0.9", 80, onvif.build_probe(types=None))


def test_snmp_request_and_reply_round_trip() -> None:
    agent = SnmpService(community="public", sysdescr="Cam 1", sysobjectid="1.3.6.1.4.1.39165.1")
    request = snmp.build_get("public", 4242)
    reply = snmp_reply(agent, request)
    assert reply is not None
    fields = {item.field: item.value for item in snmp.parse_get_response(reply, 4242)}
    assert fields == {"snmp.sysdescr": "Cam 1", "snmp.sysobjectid": "1.3.6.1.4.1.39165.1"}
    assert snmp.parse_get_response(reply, 1) == []
    assert snmp_reply(agent, snmp.build_get("private", 1)) is None


def test_certificate_subject_and_issuer() -> None:
    pem = load_certificates()["avigilon"].certificate
    names = describe_certificate(ssl.PEM_cert_to_DER_cert(pem))
    assert names is not None
    assert names.subject.startswith("CN=AVIGILON-CAMERA-5.0C-H5A-BO1-IR-4412873,")
    assert "O=Avigilon Corporation" in names.subject and names.issuer == names.subject
    assert describe_certificate(ssl.PEM_cert_to_DER_cert(pem)[:200]) is None


def _encoded(encoding: str, body: bytes, length: int | None = None) -> bytes:
    size = len(body) if length is None else length
    head = f"HTTP/1.1 200 OK\r\nContent-Encoding: {encoding}\r\nContent-Length: {size}\r\n\r\n"
    return head.encode() + body


def test_compressed_bodies_are_inflated_within_a_bound() -> None:
    page = b"<html><head><title>Live view / - AXIS P1344 Network Camera</title></head></html>"
    raw_deflate = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    for encoding, body in (
        ("gzip", gzip.compress(page)),
        ("deflate", zlib.compress(page)),
        ("deflate", raw_deflate.compress(page) + raw_deflate.flush()),
    ):
        response = parse_response(_encoded(encoding, body))
        assert response is not None and response.complete
        assert response.title() == "Live view / - AXIS P1344 Network Camera", encoding
    bomb = parse_response(_encoded("gzip", gzip.compress(bytes(10 * 1024 * 1024))))
    assert bomb is not None and len(bomb.body) == MAX_DECODED_BODY
    garbage = parse_response(_encoded("gzip", b"not gzip at all"))
    assert garbage is not None and garbage.body == b"not gzip at all"
    cut = parse_response(_encoded("gzip", gzip.compress(page)[:20], length=60))
    assert cut is not None and not cut.complete


def test_telnet_negotiation_is_stripped() -> None:
    raw = b"\xff\xfd\x18\xff\xfa\x18\x01\xff\xf0\r\n192.0.0.64 login: "
    assert clean_banner(raw) == "192.0.0.64 login:"


def test_ssdp_reply_and_description() -> None:
    reply = (
        b"HTTP/1.1 200 OK\r\nSERVER: Linux/5.4, UPnP/1.0, Portable SDK/1.8\r\n"
        b"LOCATION: http://127.0.0.9:49152/desc.xml\r\n\r\n"
    )
    observations, location = ssdp.parse_search_reply(reply)
    assert location == "http://127.0.0.9:49152/desc.xml"
    assert observations[0].field == "upnp.server"
    description = (
        b'<root xmlns="urn:schemas-upnp-org:device-1-0"><device><manufacturer>ACME'
        b"</manufacturer><modelName>Z1</modelName></device></root>"
    )
    fields = {item.field: item.value for item in ssdp.parse_description(description, 49152)}
    assert fields == {"upnp.manufacturer": "ACME", "upnp.model_name": "Z1"}


def _mdns_answers(*records: tuple[str, str, list[str]], question: str) -> bytes:
    query = dns.message.from_wire(mdns.build_query(question))
    reply = dns.message.make_response(query)
    for name, kind, values in records:
        reply.answer.append(dns.rrset.from_text_list(name, 120, "IN", kind, values))
    return reply.to_wire()


def test_mdns_service_listing_then_instances() -> None:
    listing = _mdns_answers(
        ("_services._dns-sd._udp.local.", "PTR", ["_axis-video._tcp.local.", "_http._tcp.local."]),
        question=mdns.SERVICES_NAME,
    )
    services, found = mdns.parse_reply(listing)
    assert services == ["_axis-video._tcp.local.", "_http._tcp.local."]
    assert [(item.field, item.value) for item in found] == [
        ("mdns.service", "_axis-video._tcp"),
        ("mdns.service", "_http._tcp"),
    ]
    assert all(item.probe == "mdns" and item.port == 5353 for item in found)
    instance = r"AXIS\032M3045-V\032-\032ACCC8E000000._axis-video._tcp.local."
    answers = _mdns_answers(
        ("_axis-video._tcp.local.", "PTR", [instance]),
        (instance, "TXT", ['"macaddress=ACCC8E000000" "" "path=/"']),
        question="_axis-video._tcp.local.",
    )
    services, found = mdns.parse_reply(answers)
    assert services == []  # only the service listing names services to ask about
    assert [(item.field, item.value) for item in found] == [
        ("mdns.service", "_axis-video._tcp"),
        ("mdns.instance", "AXIS M3045-V - ACCC8E000000"),
        ("mdns.txt", "macaddress=ACCC8E000000"),
        ("mdns.txt", "path=/"),
    ]


def test_mdns_reply_limits_and_refusals() -> None:
    many = [f"_s{number}._tcp.local." for number in range(40)]
    listing = _mdns_answers(
        ("_services._dns-sd._udp.local.", "PTR", many), question=mdns.SERVICES_NAME
    )
    services, found = mdns.parse_reply(listing)
    assert len(services) == mdns.MAX_SERVICE_TYPES and len(found) == mdns.MAX_VALUES
    assert mdns.parse_reply(b"") == ([], [])
    assert mdns.parse_reply(b"\x00" * 11) == ([], [])
    # answers about names outside .local (a reverse lookup) give nothing
    reverse = _mdns_answers(
        ("9.0.0.127.in-addr.arpa.", "PTR", ["host.local."]), question="9.0.0.127.in-addr.arpa."
    )
    assert mdns.parse_reply(reverse) == ([], [])


def test_mdns_query_with_known_answers_gives_nothing() -> None:
    """On the multicast group other hosts' queries list answers they already know (RFC 6762,
    section 7.1): those records are not the querier's, so a query is never read as a reply."""
    query = dns.message.from_wire(mdns.build_query("_axis-video._tcp.local."))
    assert query.flags == 0  # an mDNS query carries no flags
    query.answer.append(
        dns.rrset.from_text_list(
            "_axis-video._tcp.local.", 120, "IN", "PTR", ["AXIS._axis-video._tcp.local."]
        )
    )
    assert mdns.parse_reply(query.to_wire()) == ([], [])
    assert mdns.instance_questions(query.to_wire()) == {}


PARSERS = [
    parse_response,
    mdns.parse_reply,
    sadp.parse_reply,
    dhip.parse_reply,
    onvif.parse_probe_matches,
    lambda data: snmp.parse_get_response(data, 1),
    describe_certificate,
    clean_banner,
    ssdp.parse_search_reply,
    lambda data: ssdp.parse_description(data, 1),
]


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=4096))
def test_parsers_survive_random_bytes(data: bytes) -> None:
    for parser in PARSERS:
        parser(data)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=600), st.binary(max_size=64))
def test_parsers_survive_truncated_and_corrupted_replies(cut: int, noise: bytes) -> None:
    pem = load_certificates()["axis"].certificate
    samples = [
        HTTP_REPLY,
        dhip.pack({"params": {"deviceInfo": {"DeviceType": "A"}}}),
        snmp_reply(
            SnmpService(community="c", sysdescr="d", sysobjectid="1.3.6.1"), snmp.build_get("c", 1)
        )
        or b"",
        ssl.PEM_cert_to_DER_cert(pem),
        probe_matches(DeviceProfile(name="x"), OnvifService(), "127.0.0.1", 80, onvif.build_probe())
        or b"",
        mdns_reply(
            MdnsService(instance="AXIS Q1 - 00408C000000", services=("_axis-video._tcp",)),
            mdns.build_query("_axis-video._tcp.local."),
        )
        or b"",
    ]
    for sample in samples:
        for data in (sample[:cut], sample[:cut] + noise + sample[cut:]):
            for parser in PARSERS:
                parser(data)


def test_xml_declaring_an_unknown_encoding_is_refused_not_raised():
    # Found by hypothesis: expat raises LookupError for an encoding Python does not know.
    from custodes.discovery.probes.xmlutil import parse_xml

    assert parse_xml(b'<?xml version="1.0" encoding="aUTF-8"?><a/>') is None
