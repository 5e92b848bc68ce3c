"""Parsers against hostile input: decode, DNS, TLS SNI, HTTP Host never raise; known cases."""

from __future__ import annotations

import struct

from hypothesis import given, settings
from hypothesis import strategies as st

from custodes.egress._decode import decode_frame
from custodes.egress._dns import parse_dns
from custodes.egress._http import http_host
from custodes.egress._tls import client_hello_sni

from .builders import client_hello, dns_answer, dns_query, http_request, tcp

LINKTYPES = st.sampled_from([0, 1, 12, 101, 108, 113, 228, 229, 276, 147])


@settings(max_examples=400, deadline=None)
@given(linktype=LINKTYPES, frame=st.binary(max_size=200))
def test_decode_random_frames(linktype: int, frame: bytes) -> None:
    decoded = decode_frame(linktype, frame)
    assert decoded is None or len(decoded[0]) in (4, 16)


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=120))
def test_decode_truncated_frames(cut: int) -> None:
    frame = tcp("10.0.0.1", 1, "203.0.113.1", 443, b"payload")
    decoded = decode_frame(1, frame[:cut])
    if decoded is not None:
        assert decoded[3:5] == (1, 443)


def test_decode_vlan_tagged_frame() -> None:
    frame = tcp("10.0.0.1", 1, "203.0.113.1", 443, b"hello")
    tagged = frame[:12] + b"\x81\x00\x00\x05" + frame[12:]
    assert decode_frame(1, tagged)[5] == b"hello"


@settings(max_examples=400, deadline=None)
@given(st.binary(max_size=300))
def test_dns_random_bytes(data: bytes) -> None:
    message = parse_dns(data)
    assert message is None or len(message.questions) <= 4


def test_dns_known_messages_and_pointer_loop() -> None:
    assert parse_dns(dns_query("Dev.Hik-Connect.com")).questions == ["dev.hik-connect.com"]
    answer = parse_dns(dns_answer("tks.xmeye.net", ["198.51.100.1"]))
    assert answer.is_response and answer.addresses[0][1] == bytes([198, 51, 100, 1])
    looping = struct.pack("!HHHHHH", 1, 0, 1, 0, 0, 0) + b"\xc0\x0c" + b"\x00\x01\x00\x01"
    assert parse_dns(looping) is None


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_sni_random_bytes(data: bytes) -> None:
    found = client_hello_sni(b"\x16\x03\x01" + data)
    assert found is None or (found == found.lower() and 0 < len(found) <= 253)


@settings(max_examples=200, deadline=None)
@given(cut=st.integers(min_value=0, max_value=200))
def test_sni_truncated(cut: int) -> None:
    record = client_hello("dev.hik-connect.com")
    found = client_hello_sni(record[:cut])
    assert found is None or (cut >= len(record) and found == "dev.hik-connect.com")


def test_sni_absent_and_present() -> None:
    assert client_hello_sni(client_hello(None)) is None
    assert client_hello_sni(client_hello("X.EZVIZLife.com", padding=64)) == "x.ezvizlife.com"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_http_random_bytes(data: bytes) -> None:
    host = http_host(b"GET / HTTP/1.1\r\n" + data)
    assert host is None or (0 < len(host) <= 253)


def test_http_host_forms() -> None:
    assert http_host(http_request("www.easy4ipcloud.com:8800")) == "www.easy4ipcloud.com"
    assert http_host(b"GET / HTTP/1.1\r\nHOST:  Dev.Hik-Connect.com \r\n\r\n") == (
        "dev.hik-connect.com"
    )
    assert http_host(b"GET / HTTP/1.1\r\nHost: [2001:db8::1]:80\r\n\r\n") is None
    assert http_host(b"SSH-2.0-OpenSSH\r\nHost: x.example\r\n") is None
