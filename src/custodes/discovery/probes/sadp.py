"""Hikvision SADP probe (UDP 37020): an inquiry that Hikvision firmware and its OEMs answer."""

from __future__ import annotations

import uuid

from custodes.discovery.fields import SADP_TAGS
from custodes.discovery.models import Observation
from custodes.discovery.probes.xmlutil import iter_elements, local_name, parse_xml, texts_by_name
from custodes.discovery.transport import Transport

SADP_PORT = 37020


def build_inquiry(probe_id: str | None = None) -> bytes:
    """The SADP inquiry datagram."""
    probe_id = probe_id or str(uuid.uuid4()).upper()
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        f"<Probe><Uuid>{probe_id}</Uuid><Types>inquiry</Types></Probe>"
    ).encode()


def parse_reply(data: bytes, port: int | None = SADP_PORT) -> list[Observation]:
    """Observations from a SADP ProbeMatch; empty for anything else."""
    root = parse_xml(data)
    if root is None or not any(local_name(el) == "ProbeMatch" for el in iter_elements(root)):
        return []
    found = texts_by_name(root, SADP_TAGS)
    observations = [Observation("sadp", port, "sadp.reply", "ProbeMatch")]
    observations.extend(
        Observation("sadp", port, f"sadp.{tag}", value[:256]) for tag, value in found.items()
    )
    return observations


async def probe_sadp(transport: Transport, host: str) -> list[Observation]:
    """Send the inquiry to ``host`` and parse its reply."""
    for reply in await transport.udp_exchange(host, SADP_PORT, build_inquiry()):
        observations = parse_reply(reply)
        if observations:
            return observations
    return []
