"""Build test captures with dpkt: Ethernet/IPv4/IPv6 frames, DNS, TLS ClientHello, HTTP."""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterable
from pathlib import Path

import dpkt

MAC_DEVICE = b"\x02\x00\x00\x00\x00\x01"
MAC_GATEWAY = b"\x02\x00\x00\x00\x00\xfe"

Frame = tuple[float, bytes]


def _ip_bytes(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


def ethernet(
    source: str, destination: str, proto: int, segment: dpkt.Packet, mac: bytes = MAC_DEVICE
) -> bytes:
    """An Ethernet frame from ``mac`` carrying ``segment`` (TCP or UDP) over IPv4 or IPv6."""
    if ipaddress.ip_address(source).version == 4:
        ip: dpkt.Packet = dpkt.ip.IP(
            src=_ip_bytes(source), dst=_ip_bytes(destination), p=proto, ttl=64, data=segment
        )
        ip.len = 20 + len(bytes(segment))
        ethertype = dpkt.ethernet.ETH_TYPE_IP
    else:
        ip = dpkt.ip6.IP6(
            src=_ip_bytes(source), dst=_ip_bytes(destination), nxt=proto, hlim=64, data=segment
        )
        ip.plen = len(bytes(segment))
        ethertype = dpkt.ethernet.ETH_TYPE_IP6
    return bytes(dpkt.ethernet.Ethernet(src=mac, dst=MAC_GATEWAY, type=ethertype, data=ip))


def udp(
    source: str, sport: int, destination: str, dport: int, payload: bytes, mac: bytes = MAC_DEVICE
) -> bytes:
    segment = dpkt.udp.UDP(sport=sport, dport=dport, data=payload)
    segment.ulen = 8 + len(payload)
    return ethernet(source, destination, dpkt.ip.IP_PROTO_UDP, segment, mac)


def tcp(
    source: str,
    sport: int,
    destination: str,
    dport: int,
    payload: bytes = b"",
    seq: int = 1000,
    flags: int = dpkt.tcp.TH_ACK,
    mac: bytes = MAC_DEVICE,
) -> bytes:
    segment = dpkt.tcp.TCP(sport=sport, dport=dport, seq=seq, flags=flags, data=payload)
    return ethernet(source, destination, dpkt.ip.IP_PROTO_TCP, segment, mac)


def dns_query(name: str, ident: int = 0x1234) -> bytes:
    message = dpkt.dns.DNS(id=ident, qd=[dpkt.dns.DNS.Q(name=name, type=dpkt.dns.DNS_A)])
    return bytes(message)


def dns_answer(name: str, addresses: Iterable[str], ident: int = 0x1234) -> bytes:
    answers = []
    for address in addresses:
        raw = _ip_bytes(address)
        answers.append(
            dpkt.dns.DNS.RR(
                name=name,
                type=dpkt.dns.DNS_A if len(raw) == 4 else dpkt.dns.DNS_AAAA,
                cls=dpkt.dns.DNS_IN,
                ttl=60,
                rdata=raw,
            )
        )
    message = dpkt.dns.DNS(
        id=ident,
        op=dpkt.dns.DNS_RA,
        qr=dpkt.dns.DNS_R,
        qd=[dpkt.dns.DNS.Q(name=name, type=dpkt.dns.DNS_A)],
        an=answers,
    )
    return bytes(message)


def client_hello(server_name: str | None, padding: int = 0) -> bytes:
    """A TLS 1.2-style ClientHello record with an optional SNI and a padding extension."""
    extensions = b""
    if server_name is not None:
        name = server_name.encode()
        entry = b"\x00" + struct.pack("!H", len(name)) + name
        server_name_list = struct.pack("!H", len(entry)) + entry
        extensions += struct.pack("!HH", 0, len(server_name_list)) + server_name_list
    if padding:
        extensions = struct.pack("!HH", 21, padding) + bytes(padding) + extensions
    body = (
        b"\x03\x03"
        + bytes(32)
        + b"\x00"
        + struct.pack("!H", 4)
        + b"\x13\x01\x13\x02"
        + b"\x01\x00"
        + struct.pack("!H", len(extensions))
        + extensions
    )
    handshake = b"\x01" + len(body).to_bytes(3, "big") + body
    return b"\x16\x03\x01" + struct.pack("!H", len(handshake)) + handshake


def http_request(host: str, path: str = "/") -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: test\r\n\r\n".encode()


def write_pcap(path: Path, frames: Iterable[Frame], nano: bool = False) -> Path:
    with path.open("wb") as handle:
        writer = dpkt.pcap.Writer(handle, linktype=dpkt.pcap.DLT_EN10MB, nano=nano)
        for timestamp, frame in frames:
            writer.writepkt(frame, ts=timestamp)
    return path


def write_pcapng(path: Path, frames: Iterable[Frame]) -> Path:
    with path.open("wb") as handle:
        writer = dpkt.pcapng.Writer(handle, linktype=dpkt.pcap.DLT_EN10MB)
        for timestamp, frame in frames:
            writer.writepkt(frame, ts=timestamp)
    return path
