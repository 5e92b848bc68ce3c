"""Greeting-banner probe for FTP, SSH and telnet: connect, send nothing, read what is offered."""

from __future__ import annotations

from custodes.discovery.models import Observation
from custodes.discovery.transport import Transport

BANNER_FIELDS = {21: "ftp.banner", 22: "ssh.banner", 23: "telnet.banner"}
MAX_BANNER = 1024
_IAC = 0xFF


def strip_telnet_negotiation(data: bytes) -> bytes:
    """Drop telnet IAC command sequences (3 bytes each, sub-negotiations to IAC SE)."""
    out = bytearray()
    index = 0
    while index < len(data):
        byte = data[index]
        if byte != _IAC:
            out.append(byte)
            index += 1
            continue
        command = data[index + 1] if index + 1 < len(data) else None
        if command == 0xFA:
            end = data.find(bytes([_IAC, 0xF0]), index + 2)
            index = len(data) if end < 0 else end + 2
        elif command == _IAC:
            out.append(_IAC)
            index += 2
        else:
            index += 3
    return bytes(out)


def clean_banner(data: bytes) -> str:
    """Printable text of a banner, lines joined by spaces."""
    text = strip_telnet_negotiation(data[:MAX_BANNER]).decode("utf-8", "replace")
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())


async def probe_banner(
    transport: Transport, host: str, port: int, service_port: int | None = None
) -> list[Observation]:
    """Read the greeting on ``port``; ``service_port`` (21, 22 or 23, default ``port``) names
    the service when the scan shifts ports (``--port-offset``). Nothing is sent."""
    field = BANNER_FIELDS.get(port if service_port is None else service_port)
    if field is None:
        return []
    data = await transport.tcp_exchange(
        host, port, None, complete=lambda got: b"\n" in got[-2:] or b": " in got[-3:]
    )
    text = clean_banner(data) if data else ""
    return [Observation("banner", port, field, text[:512])] if text else []
