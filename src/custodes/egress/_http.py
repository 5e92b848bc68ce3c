"""HTTP/1.x request ``Host`` header extraction (RFC 9112 section 3.2), bounded to 8 KiB."""

from __future__ import annotations

__all__ = ["http_host", "looks_like_http_request"]

HTTP_METHODS = (
    b"GET ",
    b"POST ",
    b"PUT ",
    b"HEAD ",
    b"DELETE ",
    b"OPTIONS ",
    b"PATCH ",
    b"CONNECT ",
)
MAX_HEADER_BYTES = 8192
_HOST_CHARACTERS = frozenset(b"abcdefghijklmnopqrstuvwxyz0123456789-._")


def looks_like_http_request(payload: bytes) -> bool:
    """Whether a stream starts with an HTTP/1.x request method."""
    return payload.startswith(HTTP_METHODS)


def http_host(payload: bytes) -> str | None:
    """The host named by the ``Host`` header of a request (port removed), if any."""
    if not looks_like_http_request(payload):
        return None
    head = payload[:MAX_HEADER_BYTES].lower()
    start = head.find(b"\r\nhost:")
    if start < 0:
        return None
    start += len(b"\r\nhost:")
    stop = head.find(b"\r\n", start)
    value = head[start : stop if stop >= 0 else len(head)].strip()
    if value.startswith(b"["):  # IPv6 literal: not a name a vendor rule can match
        return None
    host = value.split(b":", 1)[0]
    if not host or len(host) > 253 or not set(host) <= _HOST_CHARACTERS:
        return None
    return host.decode("ascii")
