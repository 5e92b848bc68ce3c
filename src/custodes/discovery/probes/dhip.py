"""Dahua DHIP discovery probe (UDP 37810): ``DHDiscover.search`` and its deviceInfo reply."""

from __future__ import annotations

import json
import struct
from typing import Any

from custodes.discovery.fields import DHIP_TAGS
from custodes.discovery.models import Observation
from custodes.discovery.transport import Transport

DHIP_PORT = 37810
MAGIC = b"DHIP"
HEADER = struct.Struct("<I4sIIIIII")
MAX_BODY = 16 * 1024


def pack(message: dict[str, Any], request_id: int = 0) -> bytes:
    """A DHIP datagram: 32-byte header (length, magic, session, id, sizes) and JSON body."""
    body = json.dumps(message, separators=(",", ":")).encode() + b"\n"
    return HEADER.pack(0x20, MAGIC, 0, request_id, len(body), 0, len(body), 0) + body


def unpack(data: bytes) -> dict[str, Any] | None:
    """The JSON body of a DHIP datagram; ``None`` for anything malformed."""
    if len(data) < HEADER.size:
        return None
    _, magic, _, _, size, _, total, _ = HEADER.unpack_from(data)
    if magic != MAGIC or size > MAX_BODY or total > MAX_BODY or HEADER.size + size > len(data):
        return None
    try:
        message = json.loads(data[HEADER.size : HEADER.size + size].decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return message if isinstance(message, dict) else None


def search_request() -> bytes:
    """The discovery search datagram."""
    return pack({"method": "DHDiscover.search", "params": {"mac": "", "uni": 1}})


def parse_reply(data: bytes, port: int | None = DHIP_PORT) -> list[Observation]:
    """Observations from a ``client.notifyDevInfo`` reply."""
    message = unpack(data)
    params = message.get("params") if message else None
    info = params.get("deviceInfo") if isinstance(params, dict) else None
    if not isinstance(info, dict):
        return []
    observations = [
        Observation("dhip", port, "dhip.reply", str(message.get("method") or "deviceInfo")[:64])
    ]
    for tag in DHIP_TAGS:
        value = info.get(tag)
        if isinstance(value, str | int) and str(value).strip():
            observations.append(Observation("dhip", port, f"dhip.{tag}", str(value)[:256]))
    return observations


async def probe_dhip(transport: Transport, host: str) -> list[Observation]:
    """Send the search to ``host`` and parse its reply."""
    for reply in await transport.udp_exchange(host, DHIP_PORT, search_request()):
        observations = parse_reply(reply)
        if observations:
            return observations
    return []
