"""Shared scenario: a capture with vendor traffic and look-alikes, written by the builders."""

from __future__ import annotations

import dpkt
import pytest

from .builders import Frame, client_hello, dns_answer, dns_query, http_request, tcp, udp

HIK_CAMERA = "192.168.1.64"
EZVIZ_CAMERA = "192.168.1.65"
LOOKALIKE_HOST = "192.168.1.66"
DAHUA_CAMERA = "192.168.1.108"
RESOLVER = "192.168.1.1"
HIK_CLOUD = "47.91.88.171"


@pytest.fixture
def scenario_frames() -> list[Frame]:
    """DNS then TCP to the answered address; SNI; HTTP Host; Dahua P2P; look-alike names."""
    return [
        (
            1_700_000_000.0,
            udp(HIK_CAMERA, 40000, RESOLVER, 53, dns_query("litedev.hik-connect.com")),
        ),
        (
            1_700_000_000.1,
            udp(
                RESOLVER, 53, HIK_CAMERA, 40000, dns_answer("litedev.hik-connect.com", [HIK_CLOUD])
            ),
        ),
        (1_700_000_001.0, tcp(HIK_CAMERA, 50000, HIK_CLOUD, 443, flags=dpkt.tcp.TH_SYN)),
        (1_700_000_001.1, tcp(HIK_CLOUD, 443, HIK_CAMERA, 50000, flags=dpkt.tcp.TH_SYN)),
        (1_700_000_001.2, tcp(HIK_CAMERA, 50000, HIK_CLOUD, 443, b"x" * 100, seq=1)),
        (
            1_700_000_002.0,
            tcp(EZVIZ_CAMERA, 50001, "52.1.2.3", 443, client_hello("litedev.ezvizlife.com")),
        ),
        (
            1_700_000_003.0,
            tcp(
                LOOKALIKE_HOST, 50002, "52.1.2.4", 443, client_hello("hik-connect.com.evil.example")
            ),
        ),
        (
            1_700_000_003.5,
            tcp(LOOKALIKE_HOST, 50003, "52.1.2.5", 80, http_request("nothik-connect.com")),
        ),
        (
            1_700_000_004.0,
            tcp(DAHUA_CAMERA, 50004, "52.1.2.6", 80, http_request("www.imoulife.com")),
        ),
        (
            1_700_000_005.0,
            udp(DAHUA_CAMERA, 40001, "52.1.2.7", 8800, b"DHGET /probe/p2psrv HTTP/1.1\r\n\r\n"),
        ),
        (1_700_000_006.0, udp(DAHUA_CAMERA, 40002, "52.1.2.8", 31234, b"PTCP" + bytes(40))),
        (1_700_000_007.0, tcp(DAHUA_CAMERA, 554, "192.168.1.200", 50000, b"RTSP/1.0 200 OK\r\n")),
    ]
