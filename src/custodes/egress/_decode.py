"""Minimal link / IP / TCP / UDP decoding for the hot path.

Why not dpkt here: building a full ``dpkt.ethernet.Ethernet`` object graph costs several
microseconds per frame (every layer becomes an object, options are parsed eagerly), which
made dpkt the largest cost of a whole run when profiled on bulk captures. This module reads
only the fields the egress analysis needs, with one ``struct.unpack_from`` per layer, and
returns a plain tuple. ``benchmarks/egress_vs_tshark.py`` prints the measured ratio
(``decode: hand-written vs dpkt``). dpkt remains the packet builder in the tests.

Every offset is checked: a short or inconsistent frame yields ``None`` instead of raising.
"""

from __future__ import annotations

import struct

__all__ = [
    "LINKTYPE_ETHERNET",
    "LINKTYPE_IPV4",
    "LINKTYPE_IPV6",
    "LINKTYPE_LINUX_SLL",
    "LINKTYPE_LINUX_SLL2",
    "LINKTYPE_LOOP",
    "LINKTYPE_NULL",
    "LINKTYPE_RAW",
    "PROTO_TCP",
    "PROTO_UDP",
    "Decoded",
    "decode_frame",
]

#: ``(source address, destination address, IP protocol, source port, destination port,
#: transport payload, TCP sequence number or 0)``; addresses are 4 or 16 raw bytes.
Decoded = tuple[bytes, bytes, int, int, int, bytes, int]

LINKTYPE_NULL = 0  # BSD loopback, host byte order family
LINKTYPE_ETHERNET = 1
LINKTYPE_RAW = 101
LINKTYPE_LOOP = 108  # OpenBSD loopback
LINKTYPE_LINUX_SLL = 113
LINKTYPE_IPV4 = 228
LINKTYPE_IPV6 = 229
LINKTYPE_LINUX_SLL2 = 276
LINKTYPE_RAW_ALIASES = frozenset({12, 14, LINKTYPE_RAW})  # DLT_RAW differs between systems

ETH_TYPE_IP = 0x0800
ETH_TYPE_IP6 = 0x86DD
ETH_TYPE_8021Q = 0x8100
ETH_TYPE_8021AD = 0x88A8
ETH_TYPE_QINQ_OLD = 0x9100
_VLAN_TYPES = frozenset({ETH_TYPE_8021Q, ETH_TYPE_8021AD, ETH_TYPE_QINQ_OLD})
MAX_VLAN_TAGS = 2  # the standard sets no limit; two covers 802.1ad Q-in-Q

PROTO_TCP = 6
PROTO_UDP = 17
IP6_HOP_BY_HOP = 0
IP6_ROUTING = 43
IP6_FRAGMENT = 44
IP6_AUTH = 51
IP6_DEST_OPTS = 60
MAX_IP6_EXTENSIONS = 8

_ETH_TYPE = struct.Struct("!H")
_IP4 = struct.Struct("!BxH2xHxB2x4s4s")
_IP6 = struct.Struct("!4xHB1x16s16s")
_TCP = struct.Struct("!HHI4xB")
_PORTS = struct.Struct("!HH")


def decode_frame(linktype: int, frame: bytes) -> Decoded | None:
    """Decode a captured frame down to transport ports and payload; ``None`` if not IP."""
    try:
        if linktype == LINKTYPE_ETHERNET:
            (ethertype,) = _ETH_TYPE.unpack_from(frame, 12)
            offset = 14
            for _ in range(MAX_VLAN_TAGS):
                if ethertype not in _VLAN_TYPES:
                    break
                (ethertype,) = _ETH_TYPE.unpack_from(frame, offset + 2)
                offset += 4
            if ethertype == ETH_TYPE_IP:
                return _ip4(frame, offset)
            if ethertype == ETH_TYPE_IP6:
                return _ip6(frame, offset)
            return None
        if linktype in LINKTYPE_RAW_ALIASES or linktype in (LINKTYPE_IPV4, LINKTYPE_IPV6):
            return _ip_by_version(frame, 0)
        if linktype in (LINKTYPE_NULL, LINKTYPE_LOOP):
            return _ip_by_version(frame, 4)
        if linktype == LINKTYPE_LINUX_SLL:
            return _ip_by_ethertype(frame, _ETH_TYPE.unpack_from(frame, 14)[0], 16)
        if linktype == LINKTYPE_LINUX_SLL2:
            return _ip_by_ethertype(frame, _ETH_TYPE.unpack_from(frame, 0)[0], 20)
    except (struct.error, IndexError):
        return None
    return None


def _ip_by_version(frame: bytes, offset: int) -> Decoded | None:
    version = frame[offset] >> 4
    if version == 4:
        return _ip4(frame, offset)
    if version == 6:
        return _ip6(frame, offset)
    return None


def _ip_by_ethertype(frame: bytes, ethertype: int, offset: int) -> Decoded | None:
    if ethertype == ETH_TYPE_IP:
        return _ip4(frame, offset)
    if ethertype == ETH_TYPE_IP6:
        return _ip6(frame, offset)
    return None


def _ip4(frame: bytes, offset: int) -> Decoded | None:
    version_ihl, total_length, fragment, proto, source, destination = _IP4.unpack_from(
        frame, offset
    )
    header_length = (version_ihl & 0x0F) * 4
    if version_ihl >> 4 != 4 or header_length < 20 or total_length < header_length:
        return None
    if fragment & 0x1FFF:  # not the first fragment: no transport header to read
        return None
    end = min(offset + total_length, len(frame))
    return _transport(frame, offset + header_length, end, proto, source, destination)


def _ip6(frame: bytes, offset: int) -> Decoded | None:
    if frame[offset] >> 4 != 6:
        return None
    payload_length, next_header, source, destination = _IP6.unpack_from(frame, offset)
    at = offset + 40
    end = min(at + payload_length, len(frame))
    for _ in range(MAX_IP6_EXTENSIONS):
        if next_header in (IP6_HOP_BY_HOP, IP6_ROUTING, IP6_DEST_OPTS):
            next_header, size = frame[at], (frame[at + 1] + 1) * 8
        elif next_header == IP6_FRAGMENT:
            if _ETH_TYPE.unpack_from(frame, at + 2)[0] & 0xFFF8:
                return None  # not the first fragment
            next_header, size = frame[at], 8
        elif next_header == IP6_AUTH:
            next_header, size = frame[at], (frame[at + 1] + 2) * 4
        else:
            break
        at += size
    else:
        return None
    if at > end:
        return None
    return _transport(frame, at, end, next_header, source, destination)


def _transport(
    frame: bytes, at: int, end: int, proto: int, source: bytes, destination: bytes
) -> Decoded:
    if proto == PROTO_TCP:
        source_port, destination_port, sequence, data_offset = _TCP.unpack_from(frame, at)
        header_length = (data_offset >> 4) * 4
        payload = frame[at + header_length : end] if header_length >= 20 else b""
        return source, destination, proto, source_port, destination_port, payload, sequence
    if proto == PROTO_UDP:
        source_port, destination_port = _PORTS.unpack_from(frame, at)
        return source, destination, proto, source_port, destination_port, frame[at + 8 : end], 0
    return source, destination, proto, 0, 0, b"", 0
