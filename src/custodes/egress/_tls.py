"""Server Name Indication from a TLS ClientHello (RFC 8446 section 4.1.2, RFC 6066 section 3).

Parsing is bounded by the record length; a ClientHello split over several TCP segments is
handled by the caller, which asks :func:`client_hello_length` how many bytes to collect.
"""

from __future__ import annotations

import struct

__all__ = ["MAX_CLIENT_HELLO", "client_hello_length", "client_hello_sni", "looks_like_tls"]

TLS_CONTENT_HANDSHAKE = 0x16
TLS_HANDSHAKE_CLIENT_HELLO = 0x01
TLS_EXT_SERVER_NAME = 0x0000
SNI_HOST_NAME = 0x00
MAX_CLIENT_HELLO = 16_384 + 5  # one TLS record (2^14 bytes) plus its header
MAX_EXTENSIONS = 128

_U16 = struct.Struct("!H")


def looks_like_tls(payload: bytes) -> bool:
    """Whether a stream starts like a TLS handshake record."""
    return len(payload) >= 3 and payload[0] == TLS_CONTENT_HANDSHAKE and payload[1] == 3


def client_hello_length(payload: bytes) -> int | None:
    """Bytes needed for the whole first record (header included), or ``None`` if invalid."""
    if len(payload) < 5 or not looks_like_tls(payload):
        return None
    needed = 5 + _U16.unpack_from(payload, 3)[0]
    return needed if needed <= MAX_CLIENT_HELLO else None


def client_hello_sni(record: bytes) -> str | None:
    """The ``host_name`` of a complete ClientHello record, or ``None`` if absent or malformed."""
    try:
        return _sni(record)
    except (struct.error, IndexError):
        return None


def _sni(record: bytes) -> str | None:
    needed = client_hello_length(record)
    if needed is None or len(record) < needed or record[5] != TLS_HANDSHAKE_CLIENT_HELLO:
        return None
    end = needed
    at = 9 + 2 + 32  # record header, handshake header, legacy_version, random
    at += 1 + record[at]  # legacy_session_id
    at += 2 + _U16.unpack_from(record, at)[0]  # cipher_suites
    at += 1 + record[at]  # legacy_compression_methods
    extensions_end = min(end, at + 2 + _U16.unpack_from(record, at)[0])
    at += 2
    for _ in range(MAX_EXTENSIONS):
        if at + 4 > extensions_end:
            return None
        extension_type, size = struct.unpack_from("!HH", record, at)
        at += 4
        if at + size > extensions_end:
            return None
        if extension_type == TLS_EXT_SERVER_NAME:
            return _server_name(record[at : at + size])
        at += size
    return None


def _server_name(data: bytes) -> str | None:
    list_end = min(len(data), 2 + _U16.unpack_from(data, 0)[0])
    at = 2
    while at + 3 <= list_end:
        name_type = data[at]
        size = _U16.unpack_from(data, at + 1)[0]
        at += 3
        if at + size > list_end:
            return None
        if name_type == SNI_HOST_NAME:
            return _host_text(data[at : at + size])
        at += size
    return None


def _host_text(raw: bytes) -> str | None:
    if not raw or len(raw) > 253:
        return None
    text = raw.decode("latin-1").lower()
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789-._")
    return text if set(text) <= allowed else None
