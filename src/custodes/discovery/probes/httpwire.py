"""A minimal, bounded HTTP/1.x and RTSP/1.0 response parser for hostile replies."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

MAX_HEADERS = 100
MAX_HEADER_LINE = 4096
MAX_DECODED_BODY = 256 * 1024  # a gzip or deflate body is inflated to at most this
_GZIP_OR_ZLIB = 32 + zlib.MAX_WBITS  # zlib detects which from the header
_RAW_DEFLATE = -zlib.MAX_WBITS
_STATUS = re.compile(rb"^(HTTP|RTSP)/\d\.\d\s+(\d{3})(?:\s+(.*))?$")
_CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d{1,9})", re.IGNORECASE)
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title", re.IGNORECASE | re.DOTALL)
_META_REFRESH = re.compile(
    rb"<meta[^>]+http-equiv=[\"']?refresh[^>]*url=([^\"'>\s]+)", re.IGNORECASE
)


@dataclass(slots=True)
class Response:
    """A parsed reply: status, headers in arrival order (names as sent) and body."""

    protocol: str
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""
    complete: bool = True  # False when the body is shorter than its Content-Length

    def header(self, name: str) -> str | None:
        """The first header called ``name`` (case-insensitive)."""
        wanted = name.lower()
        return next((value for key, value in self.headers if key.lower() == wanted), None)

    def title(self) -> str | None:
        """The HTML page title, whitespace collapsed, or ``None``."""
        match = _TITLE.search(self.body[:65536])
        if match is None:
            return None
        text = " ".join(match.group(1).decode("utf-8", "replace").split())
        return text[:256] or None

    def refresh_target(self) -> str | None:
        """The URL of an HTML meta refresh, if any."""
        match = _META_REFRESH.search(self.body[:65536])
        return match.group(1).decode("latin-1")[:512] if match else None

    def header_case(self) -> str | None:
        """``"upper"`` when every header name is upper case, else ``None``."""
        names = [key for key, _ in self.headers if any(ch.isalpha() for ch in key)]
        if len(names) >= 2 and all(key == key.upper() for key in names):
            return "upper"
        return None


def head_complete(data: bytes) -> bool:
    """True once the reply holds its full head and any Content-Length body."""
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return False
    length = content_length(data[:end])
    if length is None:
        return b"\r\ntransfer-encoding:" not in data[:end].lower()
    return len(data) >= end + 4 + length


def content_length(head: bytes) -> int | None:
    """The Content-Length a reply's head (status line and headers) declares, if any."""
    match = _CONTENT_LENGTH.search(head)
    return int(match.group(1)) if match else None


def parse_response(data: bytes) -> Response | None:
    """Parse an HTTP or RTSP reply; ``None`` when it is not one."""
    head, separator, body = data.partition(b"\r\n\r\n")
    if not separator:
        head, separator, body = data.partition(b"\n\n")
    lines = head.split(b"\n")
    match = _STATUS.match(lines[0].strip()[:MAX_HEADER_LINE]) if lines else None
    if match is None:
        return None
    response = Response(match.group(1).decode(), int(match.group(2)))
    for raw in lines[1 : MAX_HEADERS + 1]:
        line = raw.rstrip(b"\r")[:MAX_HEADER_LINE]
        name, colon, value = line.partition(b":")
        if not colon or not name.strip():
            continue
        response.headers.append((name.strip().decode("latin-1"), value.strip().decode("latin-1")))
    length = response.header("Content-Length")
    if length is not None and length.isdigit():
        body = body[: int(length)]
        response.complete = len(body) == int(length)
    elif (response.header("Transfer-Encoding") or "").lower() == "chunked":
        body = _dechunk(body)
    encoding = (response.header("Content-Encoding") or "").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate") and body:
        body = _inflate(body)
    response.body = body
    return response


def _inflate(data: bytes) -> bytes:
    """A gzip or deflate body inflated, at most ``MAX_DECODED_BODY`` bytes of it; as it came
    when it cannot be (what it starts with is kept when it is cut short)."""
    for wbits in (_GZIP_OR_ZLIB, _RAW_DEFLATE):  # "deflate" is sometimes sent raw
        inflater = zlib.decompressobj(wbits)
        try:
            return inflater.decompress(data, MAX_DECODED_BODY)
        except zlib.error:
            continue
    return data


def _dechunk(data: bytes) -> bytes:
    """Decode a chunked body, stopping quietly at the first malformed chunk."""
    out = bytearray()
    position = 0
    for _ in range(1000):
        line_end = data.find(b"\r\n", position)
        if line_end < 0:
            break
        size_text = data[position:line_end].split(b";", 1)[0].strip()
        try:
            size = int(size_text, 16)
        except ValueError:
            break
        if size == 0:
            break
        start = line_end + 2
        out += data[start : start + size]
        position = start + size + 2
    return bytes(out)
